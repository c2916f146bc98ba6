package logredactionprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logredactionprocessor/internal/metadata"
)

// summaryAttribute holds the number of matches on a record or span when Config.Summary is on.
const summaryAttribute = "log_redaction.count"

type signal int

const (
	signalLogs signal = iota
	signalTraces
	numSignals
)

var signalNames = [numSignals]string{"logs", "traces"}

type redactor struct {
	engine    *pii.Engine
	allowed   map[string]struct{}
	resource  bool
	scope     bool
	summary   bool
	skipRes   []SkipCondition
	skipItem  []SkipCondition
	telemetry *metadata.TelemetryBuilder
	stats     sync.Pool

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
	if st.Total == 0 && st.Failures == 0 && dropped == 0 {
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

func (r *redactor) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	st := r.stats.Get().(*pii.Stats)
	st.Reset()
	var dropped int64
	ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		res := rl.Resource().Attributes()
		if matches(r.skipRes, res, true) {
			return false
		}
		if r.resource {
			r.redactAttrs(res, st)
		}
		emptied := false
		rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool {
			if r.scope {
				r.redactAttrs(sl.Scope().Attributes(), st)
			}
			n := 0
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				if r.redactLogRecord(lr, st) {
					n++
					return true
				}
				return false
			})
			dropped += int64(n)
			// A scope is removed only when dropping emptied it.
			gone := n > 0 && sl.LogRecords().Len() == 0
			emptied = emptied || gone
			return gone
		})
		return emptied && rl.ScopeLogs().Len() == 0
	})
	r.record(ctx, signalLogs, st, dropped)
	r.stats.Put(st)
	return ld, nil
}

// redactLogRecord redacts one record and reports whether it must be dropped. Any panic
// drops the record: a half-redacted record is never passed on.
func (r *redactor) redactLogRecord(lr plog.LogRecord, st *pii.Stats) (drop bool) {
	defer func() {
		if rec := recover(); rec != nil {
			st.Failures++
			drop = true
		}
	}()
	if matches(r.skipItem, lr.Attributes(), false) {
		return false
	}
	before := st.Total
	act := r.redactValue("", lr.Body(), st)
	act = max(act, r.redactAttrs(lr.Attributes(), st))
	if act == pii.ActionDrop {
		return true
	}
	if r.summary && st.Total > before {
		lr.Attributes().PutInt(summaryAttribute, int64(st.Total-before))
	}
	return false
}

func (r *redactor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	st := r.stats.Get().(*pii.Stats)
	st.Reset()
	var dropped int64
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		res := rs.Resource().Attributes()
		if matches(r.skipRes, res, true) {
			return false
		}
		if r.resource {
			r.redactAttrs(res, st)
		}
		emptied := false
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			if r.scope {
				r.redactAttrs(ss.Scope().Attributes(), st)
			}
			n := 0
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				if r.redactSpan(span, st) {
					n++
					return true
				}
				return false
			})
			dropped += int64(n)
			gone := n > 0 && ss.Spans().Len() == 0
			emptied = emptied || gone
			return gone
		})
		return emptied && rs.ScopeSpans().Len() == 0
	})
	r.record(ctx, signalTraces, st, dropped)
	r.stats.Put(st)
	return td, nil
}

// redactSpan redacts span attributes, event attributes (exception.message lives there),
// link attributes and the status message, and reports whether the span must be dropped.
func (r *redactor) redactSpan(span ptrace.Span, st *pii.Stats) (drop bool) {
	defer func() {
		if rec := recover(); rec != nil {
			st.Failures++
			drop = true
		}
	}()
	if matches(r.skipItem, span.Attributes(), false) {
		return false
	}
	before := st.Total
	act := r.redactAttrs(span.Attributes(), st)
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		act = max(act, r.redactAttrs(events.At(i).Attributes(), st))
	}
	links := span.Links()
	for i := 0; i < links.Len(); i++ {
		act = max(act, r.redactAttrs(links.At(i).Attributes(), st))
	}
	if msg := span.Status().Message(); msg != "" {
		out, a := r.engine.Redact(msg, st)
		if a != pii.ActionNone {
			span.Status().SetMessage(out)
		}
		act = max(act, a)
	}
	if act == pii.ActionDrop {
		return true
	}
	if r.summary && st.Total > before {
		span.Attributes().PutInt(summaryAttribute, int64(st.Total-before))
	}
	return false
}

// redactAttrs redacts every value of m except allow-listed keys, removes entries whose
// action is delete (or drop), and returns the most severe action.
func (r *redactor) redactAttrs(m pcommon.Map, st *pii.Stats) pii.Action {
	worst := pii.ActionNone
	m.RemoveIf(func(k string, v pcommon.Value) bool {
		if r.allowed != nil {
			if _, ok := r.allowed[k]; ok {
				return false
			}
		}
		act := r.redactValue(k, v, st)
		worst = max(worst, act)
		return act >= pii.ActionDelete
	})
	return worst
}

// redactValue redacts v (named key) in place, descending into maps and slices.
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
