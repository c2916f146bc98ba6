// Package bridge is the C ABI library's logic in plain Go: it turns the library's
// string and byte arguments into calls of components/pii, components/sampling and
// components/convert, and their answers into a status code, bytes and JSON. Keeping it
// free of cgo lets ordinary Go tests (and the generator of the bindings' expected
// outputs) run exactly the code the library runs; bindings/c only copies memory across
// the boundary.
package bridge // import "github.com/otelcol-bridge/otelcol-bridge/bindings/internal/bridge"

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"

	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
)

// Status is the library's return code; the values are part of the ABI (otelcolbridge.h).
type Status int

const (
	OK              Status = 0
	InvalidArgument Status = 1 // a NULL pointer, a bad ratio/precision/trace id/randomness
	InvalidUTF8     Status = 2 // text to redact is not UTF-8
	InvalidConfig   Status = 3 // unknown preset, detector or action; bad rules JSON
	Unsupported     Status = 4 // a format convert cannot read or write
	DecodeFailed    Status = 5 // the payload does not decode in the named format
	Internal        Status = 6 // a bug: a recovered panic
)

// Error carries a Status with its message.
type Error struct {
	Status Status
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func errf(st Status, format string, args ...any) *Error {
	return &Error{Status: st, Msg: fmt.Sprintf(format, args...)}
}

// StatusOf maps an error to its Status (Internal for anything unexpected).
func StatusOf(err error) Status {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return Internal
}

// RulesConfig is the JSON form of a redaction config. Its keys are the pii_redaction
// processor's, so a config can be copied from the gateway's YAML.
type RulesConfig struct {
	Presets          []string           `json:"presets"`
	Detectors        []string           `json:"detectors"`
	ExcludeDetectors []string           `json:"exclude_detectors"`
	Action           string             `json:"action"`
	Actions          map[string]string  `json:"actions"`
	Mask             string             `json:"mask"`
	KeepLast         int                `json:"keep_last"`
	HMACKey          string             `json:"hmac_key"`
	CustomRules      []CustomRuleConfig `json:"custom_rules"`
}

// CustomRuleConfig is one custom rule of RulesConfig.
type CustomRuleConfig struct {
	Name      string   `json:"name"`
	Pattern   string   `json:"pattern"`
	Validator string   `json:"validator"`
	Keywords  []string `json:"keywords"`
	Action    string   `json:"action"`
}

func parseAction(field, s string) (pii.Action, error) {
	if s == "" {
		return pii.ActionNone, nil
	}
	a, err := pii.ParseAction(s)
	if err != nil {
		return 0, errf(InvalidConfig, "%s: %v", field, err)
	}
	return a, nil
}

// engineConfig reads spec: a preset name (pci, secrets, pii, all), or a JSON object
// (RulesConfig) when it starts with '{'.
func engineConfig(spec string) (pii.Config, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return pii.Config{}, errf(InvalidConfig, "empty preset; want one of %v or a JSON rules object", pii.Presets())
	}
	if spec[0] != '{' {
		if _, ok := pii.PresetDetectors(spec); !ok {
			return pii.Config{}, errf(InvalidConfig, "unknown preset %q; want one of %v or a JSON rules object", spec, pii.Presets())
		}
		return pii.Config{Presets: []string{spec}}, nil
	}
	var rc RulesConfig
	dec := json.NewDecoder(strings.NewReader(spec))
	dec.DisallowUnknownFields() // a typo in a key must not silently disable a detector
	if err := dec.Decode(&rc); err != nil {
		return pii.Config{}, errf(InvalidConfig, "rules JSON: %v", err)
	}
	if dec.More() {
		return pii.Config{}, errf(InvalidConfig, "rules JSON: trailing data after the object")
	}
	cfg := pii.Config{
		Presets: rc.Presets, Include: rc.Detectors, Exclude: rc.ExcludeDetectors,
		Mask: rc.Mask, KeepLast: rc.KeepLast,
	}
	if rc.HMACKey != "" {
		cfg.HMACKey = []byte(rc.HMACKey)
	}
	var err error
	if cfg.DefaultAction, err = parseAction("action", rc.Action); err != nil {
		return cfg, err
	}
	for name, s := range rc.Actions {
		a, err := parseAction("actions."+name, s)
		if err != nil {
			return cfg, err
		}
		if cfg.Actions == nil {
			cfg.Actions = map[string]pii.Action{}
		}
		cfg.Actions[name] = a
	}
	for i, cr := range rc.CustomRules {
		a, err := parseAction(fmt.Sprintf("custom_rules[%d].action", i), cr.Action)
		if err != nil {
			return cfg, err
		}
		cfg.CustomRules = append(cfg.CustomRules, pii.CustomRule{
			Name: cr.Name, Pattern: cr.Pattern, Validator: cr.Validator, Keywords: cr.Keywords, Action: a,
		})
	}
	return cfg, nil
}

// maxCachedEngines bounds the engine cache: callers normally use one or two configs, and a
// caller that builds configs on the fly must not grow the library's memory without bound.
const maxCachedEngines = 64

var engines struct {
	sync.Mutex
	m map[string]*pii.Engine
}

// Engine returns the engine for spec, built once and shared: pii.Engine is immutable and
// safe for concurrent use, and building one (regex compilation) costs far more than a call.
func Engine(spec string) (*pii.Engine, error) {
	engines.Lock()
	e := engines.m[spec]
	engines.Unlock()
	if e != nil {
		return e, nil
	}
	cfg, err := engineConfig(spec)
	if err != nil {
		return nil, err
	}
	e, err = pii.New(cfg)
	if err != nil {
		return nil, errf(InvalidConfig, "%v", err)
	}
	engines.Lock()
	if engines.m == nil {
		engines.m = map[string]*pii.Engine{}
	}
	if len(engines.m) < maxCachedEngines {
		engines.m[spec] = e
	}
	engines.Unlock()
	return e, nil
}

// Finding is one match in the findings JSON.
type Finding struct {
	Detector string `json:"detector"`
	Action   string `json:"action"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Custom   bool   `json:"custom,omitempty"`
}

// Redact masks text with the engine of spec and returns the findings as a JSON array.
// Text that is not UTF-8 is refused rather than scanned: the detectors work on text, and
// the gateway counts such values as skipped instead of passing them through unmasked.
func Redact(text, spec string) (out string, findings []byte, err error) {
	if !utf8.ValidString(text) {
		return "", nil, errf(InvalidUTF8, "text is not valid UTF-8")
	}
	e, err := Engine(spec)
	if err != nil {
		return "", nil, err
	}
	out, _, fs := e.RedactFindings(text, nil)
	list := make([]Finding, len(fs))
	for i, f := range fs {
		list[i] = Finding{Detector: f.Rule, Action: f.Action.String(), Start: f.Start, End: f.End, Custom: f.Custom}
	}
	findings, err = json.Marshal(list)
	if err != nil {
		return "", nil, errf(Internal, "findings: %v", err)
	}
	return out, findings, nil
}

// ParseTraceID accepts the 16 raw bytes of a trace id or its 32 hex digits.
func ParseTraceID(b []byte) (pcommon.TraceID, error) {
	var tid pcommon.TraceID
	switch len(b) {
	case 0:
		return tid, nil
	case 16:
		copy(tid[:], b)
	case 32:
		if _, err := hex.Decode(tid[:], b); err != nil {
			return tid, errf(InvalidArgument, "trace id: %v", err)
		}
	default:
		return tid, errf(InvalidArgument, "trace id: want 16 bytes or 32 hex digits, got %d bytes", len(b))
	}
	return tid, nil
}

// KeepRatio is log_sampling's keep_ratio decision for one record: traceID (empty when the
// record has none), the rule's ratio, the processor's sampling_precision, and the record's
// sampling.randomness and sampling.threshold attributes ("" when absent). It reads the
// state and decides with the same functions as the processor (sampling.ReadSamplingState's
// order: randomness attribute first, then the trace id). A record with neither has no
// randomness: log_sampling draws some at random, which is the caller's business here, so
// this is InvalidArgument.
func KeepRatio(traceID []byte, ratio float64, precision int, randomness, threshold string) (bool, error) {
	rs, err := sampling.NewRatioSampler(ratio, precision)
	if err != nil {
		return false, errf(InvalidArgument, "%v", err)
	}
	tid, err := ParseTraceID(traceID)
	if err != nil {
		return false, err
	}
	var st sampling.SamplingState
	if threshold != "" {
		th, err := otelsampling.TValueToThreshold(threshold)
		if err != nil {
			return false, errf(InvalidArgument, "%v", sampling.ErrInvalidThreshold)
		}
		st.Threshold, st.HasThreshold = th, true
	}
	switch {
	case randomness != "":
		rnd, err := otelsampling.RValueToRandomness(randomness)
		if err != nil {
			return false, errf(InvalidArgument, "%v", sampling.ErrInvalidRandomness)
		}
		st.Randomness, st.Source = rnd, sampling.RandomnessAttribute
	case !tid.IsEmpty():
		st.Randomness, st.Source = otelsampling.TraceIDToRandomness(tid), sampling.RandomnessTraceID
	default:
		return false, errf(InvalidArgument, "no randomness: give a non-zero trace id or a sampling.randomness value")
	}
	if st.HasThreshold && !st.Threshold.ShouldSample(st.Randomness) {
		// log_sampling drops such records as invalid sampling state.
		return false, errf(InvalidArgument, "%v", sampling.ErrInconsistentArriving)
	}
	keep, _ := rs.Decide(st)
	return keep, nil
}

// Convert converts data from one convert format to another, exactly as
// `otelcol-bridge convert --from FROM --to TO` does.
func Convert(from, to string, data []byte) ([]byte, error) {
	src, err := convert.Lookup(from, true)
	if err != nil {
		return nil, errf(Unsupported, "from: %v", err)
	}
	dst, err := convert.Lookup(to, false)
	if err != nil {
		return nil, errf(Unsupported, "to: %v", err)
	}
	var buf bytes.Buffer
	if _, err := convert.Convert(data, "input", src, dst, &buf); err != nil {
		var ie *convert.InputError
		if errors.As(err, &ie) {
			return nil, errf(DecodeFailed, "%v", err)
		}
		return nil, errf(Internal, "%v", err)
	}
	return buf.Bytes(), nil
}
