package logsamplingprocessor

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
)

// Config of the log_sampling processor.
type Config struct {
	// Rules are evaluated in order for each log record; the first rule whose match holds
	// decides. Records that no rule matches are kept.
	Rules []RuleConfig `mapstructure:"rules"`

	// ProtectedSeverity: records whose severity is at or above this level are never
	// dropped by a rule unless that rule sets drop_protected: true. A level name (TRACE,
	// DEBUG, INFO, WARN, ERROR, FATAL) or a level with its step (ERROR2). Default WARN.
	ProtectedSeverity string `mapstructure:"protected_severity"`

	// SamplingPrecision is the number of hex digits (1-14) of the thresholds used by
	// keep_ratio rules. It must equal the sampling_precision of any probabilistic_sampler
	// whose decisions these rules should reproduce. Default 4, contrib's default.
	SamplingPrecision int `mapstructure:"sampling_precision"`

	// AdjustedCount: when true, every record kept by a keep_ratio rule carries its
	// sampling threshold in the `sampling.threshold` attribute (OTel semantic conventions
	// for sampling; the adjusted count is 1/probability), and records that had neither a
	// trace id nor `sampling.randomness` also carry the randomness drawn for them in
	// `sampling.randomness`. Default false.
	AdjustedCount bool `mapstructure:"adjusted_count"`
}

// RuleConfig is one rule.
type RuleConfig struct {
	// Name identifies the rule in the processor's telemetry (attribute `rule`). Default
	// rule_<index>, counting from 0.
	Name string `mapstructure:"name"`

	// Match selects the records this rule decides. Every condition given must hold; a
	// rule without conditions matches every record.
	Match MatchConfig `mapstructure:"match"`

	// Action is keep, keep_ratio, rate_limit or drop.
	Action sampling.Action `mapstructure:"action"`

	// Ratio is the fraction (0 < ratio <= 1) of records that keep_ratio keeps. Records with
	// a trace id are decided by the trace id's randomness, so the logs of exactly the
	// traces a consistent probability sampler at the same ratio keeps are kept.
	Ratio float64 `mapstructure:"ratio"`

	// RateLimit configures the rate_limit action.
	RateLimit RateLimitConfig `mapstructure:"rate_limit"`

	// DropProtected lets this rule drop records at or above protected_severity. It is the
	// only way to drop such records; without it they are kept and counted with reason
	// protected_severity.
	DropProtected bool `mapstructure:"drop_protected"`
}

// MatchConfig is the condition of a rule.
type MatchConfig struct {
	// Severity bounds the record's severity. A record without a SeverityNumber is judged
	// by its SeverityText (warn, warning, err, critical, ...); one with neither has no
	// severity, below every level.
	Severity SeverityRangeConfig `mapstructure:"severity"`

	// ResourceAttributes, ScopeAttributes and Attributes (the record's) must have these
	// exact values; non-string values compare by their text ("503", "true").
	ResourceAttributes map[string]string `mapstructure:"resource_attributes"`
	ScopeAttributes    map[string]string `mapstructure:"scope_attributes"`
	Attributes         map[string]string `mapstructure:"attributes"`

	// Body is an RE2 regular expression that must match somewhere in the body (use ^ and
	// $ to anchor). A non-string body is matched by its JSON text.
	Body string `mapstructure:"body"`

	// HasTraceID: when set, the record must (true) or must not (false) carry a trace id.
	HasTraceID *bool `mapstructure:"has_trace_id"`

	// TraceSampled: when set, the record's W3C sampled trace flag (the SDK's head
	// sampling decision, copied onto logs written inside a span) must be this.
	TraceSampled *bool `mapstructure:"trace_sampled"`
}

// SeverityRangeConfig bounds a severity; both ends are inclusive and optional. A level
// name covers its four steps: min: WARN is WARN..WARN4 and up, max: INFO is up to INFO4.
type SeverityRangeConfig struct {
	Min string `mapstructure:"min"`
	Max string `mapstructure:"max"`
}

// RateLimitConfig configures a rate_limit rule: one token bucket per key.
type RateLimitConfig struct {
	// RecordsPerSecond is the sustained rate each key may pass.
	RecordsPerSecond float64 `mapstructure:"records_per_second"`

	// Burst is how many records a key may pass at once after being quiet. 0 means
	// records_per_second rounded up (at least 1).
	Burst int `mapstructure:"burst"`

	// Key says what tells buckets apart. An empty key puts every matched record in one
	// bucket.
	Key RateLimitKeyConfig `mapstructure:"key"`

	// MaxKeys bounds the number of buckets. Past it, records of new keys share a single
	// overflow bucket (same rate and burst) until idle buckets are freed, and are counted
	// with reason rate_limit_overflow when it is empty. 0 means 10000.
	MaxKeys int `mapstructure:"max_keys"`
}

// RateLimitKeyConfig is the key of a rate_limit rule.
type RateLimitKeyConfig struct {
	// Attributes are looked up on the record, then its scope, then its resource (e.g.
	// service.name, http.route).
	Attributes []string `mapstructure:"attributes"`

	// Severity adds the record's severity to the key.
	Severity bool `mapstructure:"severity"`

	// BodyFingerprint adds the body's template: the body with numbers, ids and quoted
	// values ignored, so `order 17 failed: "card declined"` and `order 99 failed:
	// "expired"` share a bucket.
	BodyFingerprint bool `mapstructure:"body_fingerprint"`
}

var _ component.Config = (*Config)(nil)

const defaultMaxKeys = 10000

// supportedActions are the actions a rule may take; sampling.ActionNone is a rule whose
// action is missing.
var supportedActions = []sampling.Action{sampling.ActionKeep, sampling.ActionKeepRatio, sampling.ActionRateLimit, sampling.ActionDrop}

// Validate checks what concerns more than one rule or a rule and the processor's own
// fields; each rule checks itself (the collector prefixes its errors with its path).
// Errors come in field order.
func (cfg *Config) Validate() error {
	var errs []error
	protectedLow, _, err := sampling.ParseSeverity(cfg.ProtectedSeverity)
	if err != nil {
		errs = append(errs, fmt.Errorf("protected_severity: %w", err))
	}
	if cfg.SamplingPrecision < 1 || cfg.SamplingPrecision > 14 {
		errs = append(errs, fmt.Errorf("sampling_precision: must be between 1 and 14, got %d", cfg.SamplingPrecision))
	}
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if j := slices.IndexFunc(cfg.Rules[:i], func(o RuleConfig) bool { return o.Name == r.Name }); r.Name != "" && j >= 0 {
			errs = append(errs, fmt.Errorf("rules::%d::name: %q is also the name of rules::%d", i, r.Name, j))
		}
		// A rule that only sees protected records but may not drop them would silently
		// do nothing: say so at startup.
		minLow, _, err := r.Match.Severity.bounds()
		if err == nil && protectedLow != 0 && minLow >= protectedLow && r.dropsUnprotected() {
			errs = append(errs, fmt.Errorf("rules::%d::drop_protected: every severity this rule matches is protected (protected_severity), so %s would never apply; set drop_protected: true to let it drop them", i, r.Action))
		}
	}
	return errors.Join(errs...)
}

// dropsUnprotected reports whether the rule may drop records but not protected ones.
func (r *RuleConfig) dropsUnprotected() bool {
	return r.Action != sampling.ActionKeep && r.Action != sampling.ActionNone && !r.DropProtected
}

// Validate checks one rule: its action and the fields that action uses.
func (r *RuleConfig) Validate() error {
	var errs []error
	switch {
	case r.Action == sampling.ActionNone:
		errs = append(errs, fmt.Errorf("action: missing (%s)", sampling.ActionChoices))
	case !slices.Contains(supportedActions, r.Action):
		errs = append(errs, fmt.Errorf("action: %q is not supported (want %s)", r.Action, sampling.ActionChoices))
	}
	if r.Action == sampling.ActionKeepRatio {
		if !(r.Ratio > 0 && r.Ratio <= 1) {
			errs = append(errs, fmt.Errorf("ratio: must be in (0, 1] for keep_ratio, got %v", r.Ratio))
		}
	} else if r.Ratio != 0 {
		errs = append(errs, fmt.Errorf("ratio: only used by keep_ratio, not %s", r.Action))
	}
	if r.Action == sampling.ActionRateLimit {
		if !(r.RateLimit.RecordsPerSecond > 0) {
			errs = append(errs, fmt.Errorf("rate_limit::records_per_second: must be positive, got %v", r.RateLimit.RecordsPerSecond))
		}
	} else if !r.RateLimit.isZero() {
		errs = append(errs, fmt.Errorf("rate_limit: only used by rate_limit, not %s", r.Action))
	}
	if r.Action == sampling.ActionKeep && r.DropProtected {
		errs = append(errs, errors.New("drop_protected: has no effect with action keep"))
	}
	return errors.Join(errs...)
}

// Validate checks the body's regular expression.
func (m *MatchConfig) Validate() error {
	if m.Body == "" {
		return nil
	}
	if _, err := regexp.Compile(m.Body); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	return nil
}

// Validate checks the level names and that min is not above max.
func (s *SeverityRangeConfig) Validate() error {
	_, _, err := s.bounds()
	return err
}

// bounds returns the inclusive bounds, 0 where a bound is not set.
func (s *SeverityRangeConfig) bounds() (minLow, maxTop plog.SeverityNumber, err error) {
	var errs []error
	if s.Min != "" {
		if minLow, _, err = sampling.ParseSeverity(s.Min); err != nil {
			errs = append(errs, fmt.Errorf("min: %w", err))
		}
	}
	if s.Max != "" {
		if _, maxTop, err = sampling.ParseSeverity(s.Max); err != nil {
			errs = append(errs, fmt.Errorf("max: %w", err))
		}
	}
	if len(errs) == 0 && minLow != 0 && maxTop != 0 && minLow > maxTop {
		errs = append(errs, fmt.Errorf("min %s is above max %s", s.Min, s.Max))
	}
	return minLow, maxTop, errors.Join(errs...)
}

// Validate checks the bucket bounds; whether the rule uses them is the rule's check.
func (rl *RateLimitConfig) Validate() error {
	var errs []error
	if rl.Burst < 0 {
		errs = append(errs, fmt.Errorf("burst: must not be negative, got %d", rl.Burst))
	}
	if rl.MaxKeys < 0 {
		errs = append(errs, fmt.Errorf("max_keys: must not be negative, got %d", rl.MaxKeys))
	}
	return errors.Join(errs...)
}

func (rl *RateLimitConfig) isZero() bool {
	return rl.RecordsPerSecond == 0 && rl.Burst == 0 && rl.MaxKeys == 0 &&
		len(rl.Key.Attributes) == 0 && !rl.Key.Severity && !rl.Key.BodyFingerprint
}
