package piiredactionprocessor

import (
	"context"

	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
)

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
				r.redactScope(sl.Scope(), st)
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

// redactLogRecord redacts one record (body of any type, event name, attributes) and
// reports whether it must be dropped. Any panic drops the record: a half-redacted record
// is never passed on.
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
	if name := lr.EventName(); name != "" {
		out, a := r.engine.Redact(name, st)
		if a != pii.ActionNone {
			lr.SetEventName(out)
		}
		act = max(act, a)
	}
	if act == pii.ActionDrop {
		return true
	}
	if r.summary && st.Total > before {
		lr.Attributes().PutInt(summaryAttribute, int64(st.Total-before))
	}
	return false
}
