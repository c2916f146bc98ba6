package piiredactionprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

// summaryAttribute holds the number of matches on a record or span when Config.Summary is on.
const summaryAttribute = "log_redaction.count"

type signal int

const (
	signalLogs signal = iota
	signalTraces
	signalMetrics
	numSignals
)

var signalNames = [numSignals]string{"logs", "traces", "metrics"}

type redactor struct {
	engine  *pii.Engine
	allowed map[string]struct{}
	// allowedTree exempts a key and everything nested under it (allowed_subtrees).
	allowedTree map[string]struct{}
	// noExemplars stands in for the exemplars of summary points, which have none.
	noExemplars pmetric.ExemplarSlice
	resource    bool
	scope       bool
	summary     bool
	skipRes     []SkipCondition
	skipItem    []SkipCondition
	telemetry   *metadata.TelemetryBuilder
	stats       sync.Pool
	// bufs holds *[]byte scratch buffers for scanning bytes values.
	bufs sync.Pool

	// Attribute sets are built once so recording telemetry costs no allocation per batch.
	redactionOpts [numSignals][]metric.AddOption
	signalOpts    [numSignals]metric.AddOption
}

func newRedactor(set processor.Settings, cfg *Config) (*redactor, error) {
	ecfg, err := cfg.engineConfig()
	if err != nil {
		return nil, err
	}
	engine, err := pii.New(ecfg)
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	r := &redactor{
		engine:    engine,
		resource:  cfg.ResourceAttributes,
		scope:     cfg.ScopeAttributes,
		summary:   cfg.Summary,
		telemetry: tb,
	}
	r.noExemplars = pmetric.NewExemplarSlice()
	if len(cfg.AllowedSubtrees) > 0 {
		r.allowedTree = make(map[string]struct{}, len(cfg.AllowedSubtrees))
		for _, k := range cfg.AllowedSubtrees {
			r.allowedTree[k] = struct{}{}
		}
	}
	if len(cfg.AllowedKeys) > 0 {
		r.allowed = make(map[string]struct{}, len(cfg.AllowedKeys))
		for _, k := range cfg.AllowedKeys {
			r.allowed[k] = struct{}{}
		}
	}
	for _, s := range cfg.Skip {
		if s.ResourceAttribute != "" {
			r.skipRes = append(r.skipRes, s)
		} else {
			r.skipItem = append(r.skipItem, s)
		}
	}
	r.stats.New = func() any { return engine.NewStats() }
	r.bufs.New = func() any { b := make([]byte, 0, initialBuf); return &b }
	for sig := range numSignals {
		sigAttr := attribute.String("signal", signalNames[sig])
		r.signalOpts[sig] = metric.WithAttributeSet(attribute.NewSet(sigAttr))
		for _, rule := range engine.Rules() {
			r.redactionOpts[sig] = append(r.redactionOpts[sig], metric.WithAttributeSet(attribute.NewSet(
				attribute.String("rule", rule.Name), attribute.String("action", rule.Action.String()), sigAttr)))
		}
	}
	return r, nil
}

func (r *redactor) shutdown(context.Context) error {
	r.telemetry.Shutdown()
	return nil
}

func (r *redactor) record(ctx context.Context, sig signal, st *pii.Stats, dropped int64) {
	if st.Total == 0 && st.Failures == 0 && st.Skipped == 0 && dropped == 0 {
		return
	}
	for i, n := range st.Hits {
		if n > 0 {
			r.telemetry.ProcessorLogRedactionRedactions.Add(ctx, int64(n), r.redactionOpts[sig][i])
		}
	}
	if st.Failures > 0 {
		r.telemetry.ProcessorLogRedactionFailures.Add(ctx, int64(st.Failures), r.signalOpts[sig])
	}
	if dropped > 0 {
		r.telemetry.ProcessorLogRedactionDroppedItems.Add(ctx, dropped, r.signalOpts[sig])
	}
	if st.Skipped > 0 {
		r.telemetry.ProcessorLogRedactionUnscannedValues.Add(ctx, int64(st.Skipped), r.signalOpts[sig])
	}
}

func matches(conds []SkipCondition, attrs pcommon.Map, resource bool) bool {
	for _, c := range conds {
		key := c.Attribute
		if resource {
			key = c.ResourceAttribute
		}
		if v, ok := attrs.Get(key); ok && v.Type() == pcommon.ValueTypeStr && v.Str() == c.Equals {
			return true
		}
	}
	return false
}

// redactScope redacts the instrumentation scope's name and attributes.
func (r *redactor) redactScope(sc pcommon.InstrumentationScope, st *pii.Stats) {
	r.redactText(sc.Name(), sc.SetName, st)
	r.redactAttrs(sc.Attributes(), st)
}

// redactText redacts a plain string field (a span or event name, a status message) and
// writes it back through set only when something matched.
func (r *redactor) redactText(s string, set func(string), st *pii.Stats) pii.Action {
	if s == "" {
		return pii.ActionNone
	}
	out, act := r.engine.Redact(s, st)
	if act != pii.ActionNone {
		set(out)
	}
	return act
}

// redactAttrs redacts the keys and values of m and returns the most severe action.
// Entries whose action is delete (or drop) are removed. A key in allowed_keys keeps its
// own value, but a map or slice under it is still scanned (its entries have their own
// keys); a key in allowed_subtrees exempts everything under it.
func (r *redactor) redactAttrs(m pcommon.Map, st *pii.Stats) pii.Action {
	worst := r.redactKeys(m, st)
	m.RemoveIf(func(k string, v pcommon.Value) bool {
		if r.subtreeAllowed(k) {
			return false
		}
		if r.keyAllowed(k) {
			switch v.Type() {
			case pcommon.ValueTypeMap, pcommon.ValueTypeSlice:
				// Descend: the exemption is for this key's value, not for what is nested.
				// The children are scanned without the parent's key.
			default:
				return false
			}
			k = ""
		}
		act := r.redactValue(k, v, st)
		worst = max(worst, act)
		return act >= pii.ActionDelete
	})
	return worst
}

func (r *redactor) keyAllowed(k string) bool {
	if r.allowed == nil {
		return false
	}
	_, ok := r.allowed[k]
	return ok
}

func (r *redactor) subtreeAllowed(k string) bool {
	if r.allowedTree == nil {
		return false
	}
	_, ok := r.allowedTree[k]
	return ok
}

// redactValue redacts v (named key) in place, descending into maps and slices. Bytes are
// scanned as text when they are valid UTF-8 (a binary blob is left as it is and counted);
// ints and doubles are checked by the numeric detectors.
func (r *redactor) redactValue(key string, v pcommon.Value, st *pii.Stats) pii.Action {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		out, act := r.engine.RedactValue(key, v.Str(), st)
		if act != pii.ActionNone {
			v.SetStr(out)
		}
		return act
	case pcommon.ValueTypeInt:
		if out, act, ok := r.engine.RedactInt(key, v.Int(), st); ok {
			v.SetStr(out)
			return act
		}
	case pcommon.ValueTypeDouble:
		if out, act, ok := r.engine.RedactDouble(key, v.Double(), st); ok {
			v.SetStr(out)
			return act
		}
	case pcommon.ValueTypeBytes:
		return r.redactBytes(key, v, st)
	case pcommon.ValueTypeMap:
		return r.redactAttrs(v.Map(), st)
	case pcommon.ValueTypeSlice:
		worst := pii.ActionNone
		v.Slice().RemoveIf(func(el pcommon.Value) bool {
			act := r.redactValue(key, el, st)
			worst = max(worst, act)
			return act >= pii.ActionDelete
		})
		return worst
	}
	return pii.ActionNone
}
