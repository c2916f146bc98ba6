package piiredactionprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

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
				r.redactScope(ss.Scope(), st)
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

// redactSpan redacts everything a backend stores as text on a span: its name (a Datadog
// resource becomes the span name), attributes, event names and attributes (exception.message
// lives there), link attributes and the status message. It reports whether the span must
// be dropped.
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
	act := r.redactText(span.Name(), span.SetName, st)
	act = max(act, r.redactAttrs(span.Attributes(), st))
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		act = max(act, r.redactText(ev.Name(), ev.SetName, st))
		act = max(act, r.redactAttrs(ev.Attributes(), st))
	}
	links := span.Links()
	for i := 0; i < links.Len(); i++ {
		act = max(act, r.redactAttrs(links.At(i).Attributes(), st))
	}
	status := span.Status()
	act = max(act, r.redactText(status.Message(), status.SetMessage, st))
	if act == pii.ActionDrop {
		return true
	}
	if r.summary && st.Total > before {
		span.Attributes().PutInt(summaryAttribute, int64(st.Total-before))
	}
	return false
}
