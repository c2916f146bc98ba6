package sampling

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"

	"github.com/otelcol-bridge/otelcol-bridge/components/internal/enumtext"
)

// Action is what a rule does with the records it matches.
type Action uint8

const (
	// ActionNone is a rule without an action: configurations refuse it, and the engine
	// keeps what such a rule matches rather than dropping data nobody asked to drop.
	ActionNone      Action = iota
	ActionKeep             // keep every record
	ActionKeepRatio        // keep a fraction, consistently with trace sampling
	ActionRateLimit        // keep at most a rate per key
	ActionDrop             // drop every record
)

var actionNames = [...]string{"", "keep", "keep_ratio", "rate_limit", "drop"}

// ActionChoices is what a configuration may name, for error messages.
var ActionChoices = enumtext.Choices(actionNames[:])

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// UnmarshalText lets a configuration hold an Action: keep, keep_ratio, rate_limit or
// drop, and the empty string as ActionNone so that MarshalText's output reads back.
func (a *Action) UnmarshalText(text []byte) (err error) {
	*a, err = enumtext.Parse[Action]("action", actionNames[:], text)
	return err
}

// MarshalText writes the name UnmarshalText reads.
func (a Action) MarshalText() ([]byte, error) {
	return enumtext.Marshal("action", actionNames[:], a)
}

// Tristate is a yes/no condition that may be left out.
type Tristate uint8

const (
	Any Tristate = iota
	Yes
	No
)

func (t Tristate) matches(b bool) bool {
	return t == Any || (t == Yes) == b
}

// AttributeMatch requires attribute Key to equal Value. Values of other types than
// string compare by their text: Value "200" matches the int 200, "true" the bool true.
type AttributeMatch struct {
	Key, Value string

	asInt    int64
	isInt    bool
	asDouble float64
	isDouble bool
	asBool   bool
	isBool   bool
}

// NewAttributeMatch parses value once so that matching never formats numbers.
func NewAttributeMatch(key, value string) AttributeMatch {
	m := AttributeMatch{Key: key, Value: value}
	if i, err := strconv.ParseInt(value, 10, 64); err == nil {
		m.asInt, m.isInt = i, true
	}
	if f, err := strconv.ParseFloat(value, 64); err == nil {
		m.asDouble, m.isDouble = f, true
	}
	if b, err := strconv.ParseBool(value); err == nil {
		m.asBool, m.isBool = b, true
	}
	return m
}

func (m *AttributeMatch) matches(attrs pcommon.Map) bool {
	v, ok := attrs.Get(m.Key)
	if !ok {
		return false
	}
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str() == m.Value
	case pcommon.ValueTypeInt:
		return m.isInt && v.Int() == m.asInt
	case pcommon.ValueTypeDouble:
		return m.isDouble && v.Double() == m.asDouble
	case pcommon.ValueTypeBool:
		return m.isBool && v.Bool() == m.asBool
	default:
		return v.AsString() == m.Value
	}
}

// Match selects records. Every condition that is set must hold; an empty Match matches
// every record.
type Match struct {
	// MinSeverity and MaxSeverity bound the effective severity (both inclusive); 0 means
	// no bound.
	MinSeverity, MaxSeverity plog.SeverityNumber
	ResourceAttributes       []AttributeMatch
	ScopeAttributes          []AttributeMatch
	Attributes               []AttributeMatch
	// Body, when set, must match the body (its text for non-string bodies).
	Body *regexp.Regexp
	// HasTraceID: the record carries a trace id.
	HasTraceID Tristate
	// TraceSampled: the record's W3C sampled flag (the SDK's head-sampling decision).
	TraceSampled Tristate
}

func (m *Match) matches(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord, sev plog.SeverityNumber) bool {
	if m.MinSeverity != 0 && sev < m.MinSeverity {
		return false
	}
	if m.MaxSeverity != 0 && sev > m.MaxSeverity {
		return false
	}
	if m.HasTraceID != Any && !m.HasTraceID.matches(!lr.TraceID().IsEmpty()) {
		return false
	}
	if m.TraceSampled != Any && !m.TraceSampled.matches(lr.Flags().IsSampled()) {
		return false
	}
	for i := range m.Attributes {
		if !m.Attributes[i].matches(lr.Attributes()) {
			return false
		}
	}
	for i := range m.ScopeAttributes {
		if !m.ScopeAttributes[i].matches(scope.Attributes()) {
			return false
		}
	}
	for i := range m.ResourceAttributes {
		if !m.ResourceAttributes[i].matches(res.Attributes()) {
			return false
		}
	}
	if m.Body != nil {
		body := lr.Body()
		if body.Type() == pcommon.ValueTypeStr {
			return m.Body.MatchString(body.Str())
		}
		return m.Body.MatchString(body.AsString())
	}
	return true
}

// RateLimitKey says what separates the buckets of a rate-limit rule.
type RateLimitKey struct {
	// Attributes are looked up on the record, then its scope, then its resource; a
	// missing attribute is a value of its own.
	Attributes []string
	// Severity adds the effective severity number.
	Severity bool
	// BodyFingerprint adds the body's Fingerprint (string bodies only).
	BodyFingerprint bool
}

func (k *RateLimitKey) hash(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord, sev plog.SeverityNumber) uint64 {
	h := NewKeyHash()
	for _, name := range k.Attributes {
		v, ok := lr.Attributes().Get(name)
		if !ok {
			v, ok = scope.Attributes().Get(name)
		}
		if !ok {
			v, ok = res.Attributes().Get(name)
		}
		if !ok {
			h = h.Byte(0)
			continue
		}
		h = hashValue(h.Byte(byte(v.Type())+1), v)
	}
	if k.Severity {
		h = h.Byte(byte(sev))
	}
	if k.BodyFingerprint {
		if body := lr.Body(); body.Type() == pcommon.ValueTypeStr {
			h = h.Uint64(Fingerprint(body.Str()))
		} else {
			h = h.Byte(0)
		}
	}
	return uint64(h)
}

func hashValue(h KeyHash, v pcommon.Value) KeyHash {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return h.String(v.Str())
	case pcommon.ValueTypeInt:
		return h.Uint64(uint64(v.Int()))
	case pcommon.ValueTypeDouble:
		return h.Uint64(math.Float64bits(v.Double()))
	case pcommon.ValueTypeBool:
		if v.Bool() {
			return h.Byte(1)
		}
		return h.Byte(0)
	case pcommon.ValueTypeEmpty:
		return h
	default:
		return h.String(v.AsString())
	}
}

// Rule is one compiled rule.
type Rule struct {
	// Name identifies the rule in telemetry.
	Name   string
	Match  Match
	Action Action
	// Ratio is set for ActionKeepRatio.
	Ratio *RatioSampler
	// Limiter and Key are set for ActionRateLimit.
	Limiter *RateLimiter
	Key     RateLimitKey
	// DropProtected lets this rule drop records at or above the engine's protected
	// severity. Without it, such records are kept whatever the action says.
	DropProtected bool
}

// Reason says why a record was kept or dropped.
type Reason uint8

const (
	ReasonNoRuleMatched        Reason = iota // kept: no rule matched
	ReasonKeep                               // kept: a keep rule
	ReasonProtectedSeverity                  // kept: severity at or above the protected level
	ReasonSampled                            // kept: a keep_ratio rule sampled it
	ReasonWithinRate                         // kept: a rate_limit rule had a token
	ReasonNotSampled                         // dropped: a keep_ratio rule did not sample it
	ReasonRateLimited                        // dropped: its key's bucket was empty
	ReasonRateLimitOverflow                  // dropped: too many keys, the shared bucket was empty
	ReasonDrop                               // dropped: a drop rule
	ReasonInvalidSamplingState               // dropped: invalid or inconsistent sampling.* attributes
	NumReasons                 = iota
)

var reasonNames = [NumReasons]string{
	"no_rule_matched", "keep", "protected_severity", "sampled", "within_rate",
	"not_sampled", "rate_limited", "rate_limit_overflow", "drop", "invalid_sampling_state",
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Kept reports whether records with this reason are kept.
func (r Reason) Kept() bool { return r <= ReasonWithinRate }

// Decision is the outcome for one record.
type Decision struct {
	Keep   bool
	Reason Reason
	// Rule is the index of the rule that matched, -1 when none did.
	Rule int
	// Sampled is set when a keep_ratio rule kept the record: Threshold is the threshold
	// it applied and Randomness the value compared with it.
	Sampled    bool
	Threshold  otelsampling.Threshold
	Randomness otelsampling.Randomness
	// SynthesizedRandomness: the record had neither a trace id nor sampling.randomness,
	// so Randomness was drawn at random.
	SynthesizedRandomness bool
}

// Engine evaluates rules in order; the first that matches decides.
type Engine struct {
	Rules []Rule
	// ProtectedSeverity: records at or above it are never dropped, unless the matching
	// rule has DropProtected. 0 protects nothing.
	ProtectedSeverity plog.SeverityNumber
	// Random draws randomness for records that carry none; nil uses math/rand/v2.
	Random func() uint64
}

// Decide decides one record. It does not allocate for string bodies and attributes.
func (e *Engine) Decide(res pcommon.Resource, scope pcommon.InstrumentationScope, lr plog.LogRecord) Decision {
	sev := EffectiveSeverity(lr)
	for i := range e.Rules {
		r := &e.Rules[i]
		if !r.Match.matches(res, scope, lr, sev) {
			continue
		}
		if r.Action == ActionKeep || r.Action == ActionNone {
			return Decision{Keep: true, Reason: ReasonKeep, Rule: i}
		}
		if !r.DropProtected && e.ProtectedSeverity != 0 && sev >= e.ProtectedSeverity {
			return Decision{Keep: true, Reason: ReasonProtectedSeverity, Rule: i}
		}
		switch r.Action {
		case ActionKeepRatio:
			return e.decideRatio(r, i, lr)
		case ActionRateLimit:
			switch r.Limiter.Allow(r.Key.hash(res, scope, lr, sev)) {
			case RateLimitAllowed:
				return Decision{Keep: true, Reason: ReasonWithinRate, Rule: i}
			case RateLimitOverflow:
				return Decision{Reason: ReasonRateLimitOverflow, Rule: i}
			default:
				return Decision{Reason: ReasonRateLimited, Rule: i}
			}
		default:
			return Decision{Reason: ReasonDrop, Rule: i}
		}
	}
	return Decision{Keep: true, Reason: ReasonNoRuleMatched, Rule: -1}
}

func (e *Engine) decideRatio(r *Rule, i int, lr plog.LogRecord) Decision {
	st, err := ReadSamplingState(lr)
	if err != nil {
		return Decision{Reason: ReasonInvalidSamplingState, Rule: i}
	}
	d := Decision{Rule: i}
	if st.Source == RandomnessMissing {
		st.Randomness = e.draw(st)
		d.SynthesizedRandomness = true
	}
	keep, th := r.Ratio.Decide(st)
	d.Randomness, d.Threshold = st.Randomness, th
	if keep {
		d.Keep, d.Sampled, d.Reason = true, true, ReasonSampled
	} else {
		d.Reason = ReasonNotSampled
	}
	return d
}

// draw returns fresh randomness. A record that arrives with a threshold passed that
// threshold upstream, so its randomness is drawn at or above it: downstream consistent
// samplers then see the same picture as if the randomness had been there all along.
func (e *Engine) draw(st SamplingState) otelsampling.Randomness {
	random := e.Random
	if random == nil {
		random = rand.Uint64
	}
	low := uint64(0)
	if st.HasThreshold {
		low = st.Threshold.Unsigned()
	}
	span := otelsampling.MaxAdjustedCount - low
	if span == 0 {
		return otelsampling.AllProbabilitiesRandomness
	}
	rnd, _ := otelsampling.UnsignedToRandomness(low + random()%span)
	return rnd
}
