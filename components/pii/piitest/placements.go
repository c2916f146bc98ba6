package piitest

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Every field of item 1 of issue 15 that a backend stores. A placement puts one value into
// a fresh batch of its signal, next to a marker resource attribute (CaseKey) that tells the
// cases apart when many are sent together.

// CaseKey is the resource attribute that names the case (placement/form/detector).
const CaseKey = "matrix.case"

// TextPlacement puts text somewhere in a batch.
type TextPlacement struct {
	Name   string
	Signal string
	Traces func(rs ptrace.ResourceSpans, text string)
	Logs   func(rl plog.ResourceLogs, text string)
	Metric func(rm pmetric.ResourceMetrics, text string)
}

// NumberPlacement puts a number (int or double) under key somewhere in a batch.
type NumberPlacement struct {
	Name   string
	Signal string
	Traces func(rs ptrace.ResourceSpans, key string, v int64)
	Logs   func(rl plog.ResourceLogs, key string, v int64)
	Metric func(rm pmetric.ResourceMetrics, key string, v int64)
}

func newSpan(rs ptrace.ResourceSpans) ptrace.Span {
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName("op")
	sp.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	sp.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	return sp
}

func newRecord(rl plog.ResourceLogs) plog.LogRecord {
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Body().SetStr("event")
	return lr
}

func newGauge(rm pmetric.ResourceMetrics) pmetric.NumberDataPoint {
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("matrix.gauge")
	dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
	dp.SetIntValue(1)
	return dp
}

// TextPlacements lists the text fields.
func TextPlacements() []TextPlacement {
	return []TextPlacement{
		{Name: "span.name", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) { newSpan(rs).SetName(s) }},
		{Name: "span.attribute", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) { newSpan(rs).Attributes().PutStr("message", s) }},
		{Name: "span.attribute.key", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) { newSpan(rs).Attributes().PutStr(s, "") }},
		{Name: "span.attribute.map", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			newSpan(rs).Attributes().PutEmptyMap("request").PutEmptyMap("body").PutStr("text", s)
		}},
		{Name: "span.attribute.slice", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			sl := newSpan(rs).Attributes().PutEmptySlice("args")
			sl.AppendEmpty().SetStr("first")
			sl.AppendEmpty().SetStr(s)
		}},
		{Name: "span.attribute.bytes", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			newSpan(rs).Attributes().PutEmptyBytes("http.request.body").FromRaw([]byte(s))
		}},
		{Name: "span.status_message", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			sp := newSpan(rs)
			sp.Status().SetCode(ptrace.StatusCodeError)
			sp.Status().SetMessage(s)
		}},
		{Name: "span.event.name", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) { newSpan(rs).Events().AppendEmpty().SetName(s) }},
		{Name: "span.event.attribute", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			ev := newSpan(rs).Events().AppendEmpty()
			ev.SetName("exception")
			ev.Attributes().PutStr("exception.message", s)
		}},
		{Name: "span.link.attribute", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			newSpan(rs).Links().AppendEmpty().Attributes().PutStr("note", s)
		}},
		{Name: "traces.resource.attribute", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			rs.Resource().Attributes().PutStr("deployment.note", s)
			newSpan(rs)
		}},
		{Name: "traces.resource.attribute.key", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			rs.Resource().Attributes().PutStr(s, "")
			newSpan(rs)
		}},
		{Name: "traces.scope.attribute", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().Attributes().PutStr("owner", s)
			ss.Spans().AppendEmpty().SetName("op")
		}},
		{Name: "traces.scope.name", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, s string) {
			ss := rs.ScopeSpans().AppendEmpty()
			ss.Scope().SetName(s)
			ss.Spans().AppendEmpty().SetName("op")
		}},

		{Name: "log.body", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) { newRecord(rl).Body().SetStr(s) }},
		{Name: "log.body.map", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			m := newRecord(rl).Body().SetEmptyMap()
			m.PutStr("msg", "x")
			m.PutEmptyMap("ctx").PutStr("detail", s)
		}},
		{Name: "log.body.map.key", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			newRecord(rl).Body().SetEmptyMap().PutInt(s, 1)
		}},
		{Name: "log.body.slice", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			newRecord(rl).Body().SetEmptySlice().AppendEmpty().SetStr(s)
		}},
		{Name: "log.body.bytes", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			newRecord(rl).Body().SetEmptyBytes().FromRaw([]byte(s))
		}},
		{Name: "log.attribute", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) { newRecord(rl).Attributes().PutStr("detail", s) }},
		{Name: "log.attribute.key", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) { newRecord(rl).Attributes().PutBool(s, true) }},
		{Name: "log.attribute.bytes", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			newRecord(rl).Attributes().PutEmptyBytes("payload").FromRaw([]byte(s))
		}},
		{Name: "log.event_name", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) { newRecord(rl).SetEventName(s) }},
		{Name: "logs.resource.attribute", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			rl.Resource().Attributes().PutStr("deployment.note", s)
			newRecord(rl)
		}},
		{Name: "logs.scope.attribute", Signal: "logs", Logs: func(rl plog.ResourceLogs, s string) {
			sl := rl.ScopeLogs().AppendEmpty()
			sl.Scope().Attributes().PutStr("owner", s)
			sl.LogRecords().AppendEmpty().Body().SetStr("event")
		}},

		{Name: "metric.gauge.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			newGauge(rm).Attributes().PutStr("route", s)
		}},
		{Name: "metric.gauge.attribute.key", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			newGauge(rm).Attributes().PutStr(s, "")
		}},
		{Name: "metric.sum.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			m.SetName("matrix.sum")
			dp := m.SetEmptySum().DataPoints().AppendEmpty()
			dp.SetDoubleValue(2)
			dp.Attributes().PutStr("route", s)
		}},
		{Name: "metric.histogram.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			m.SetName("matrix.histogram")
			dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
			dp.SetCount(1)
			dp.Attributes().PutStr("route", s)
		}},
		{Name: "metric.exponential_histogram.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			m.SetName("matrix.exphistogram")
			dp := m.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
			dp.SetCount(1)
			dp.Attributes().PutStr("route", s)
		}},
		{Name: "metric.summary.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
			m.SetName("matrix.summary")
			dp := m.SetEmptySummary().DataPoints().AppendEmpty()
			dp.SetCount(1)
			dp.Attributes().PutStr("route", s)
		}},
		{Name: "metric.exemplar.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			ex := newGauge(rm).Exemplars().AppendEmpty()
			ex.SetIntValue(1)
			ex.FilteredAttributes().PutStr("user", s)
		}},
		{Name: "metric.description", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			newGauge(rm)
			rm.ScopeMetrics().At(0).Metrics().At(0).SetDescription(s)
		}},
		{Name: "metrics.resource.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			rm.Resource().Attributes().PutStr("deployment.note", s)
			newGauge(rm)
		}},
		{Name: "metrics.scope.attribute", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, s string) {
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().Attributes().PutStr("owner", s)
			m := sm.Metrics().AppendEmpty()
			m.SetName("matrix.gauge")
			m.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(1)
		}},
	}
}

// NumberPlacements lists the numeric fields: every attribute map that can hold an int or
// a double.
func NumberPlacements() []NumberPlacement {
	return []NumberPlacement{
		{Name: "span.attribute.int", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, k string, v int64) { newSpan(rs).Attributes().PutInt(k, v) }},
		{Name: "span.attribute.double", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, k string, v int64) {
			newSpan(rs).Attributes().PutDouble(k, float64(v))
		}},
		{Name: "span.event.attribute.double", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, k string, v int64) {
			newSpan(rs).Events().AppendEmpty().Attributes().PutDouble(k, float64(v))
		}},
		{Name: "span.link.attribute.int", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, k string, v int64) {
			newSpan(rs).Links().AppendEmpty().Attributes().PutInt(k, v)
		}},
		{Name: "traces.resource.attribute.double", Signal: "traces", Traces: func(rs ptrace.ResourceSpans, k string, v int64) {
			rs.Resource().Attributes().PutDouble(k, float64(v))
			newSpan(rs)
		}},
		{Name: "log.attribute.int", Signal: "logs", Logs: func(rl plog.ResourceLogs, k string, v int64) { newRecord(rl).Attributes().PutInt(k, v) }},
		{Name: "log.body.map.double", Signal: "logs", Logs: func(rl plog.ResourceLogs, k string, v int64) {
			newRecord(rl).Body().SetEmptyMap().PutDouble(k, float64(v))
		}},
		{Name: "log.body.map.slice.int", Signal: "logs", Logs: func(rl plog.ResourceLogs, k string, v int64) {
			newRecord(rl).Body().SetEmptyMap().PutEmptySlice(k).AppendEmpty().SetInt(v)
		}},
		{Name: "metric.gauge.attribute.int", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, k string, v int64) {
			newGauge(rm).Attributes().PutInt(k, v)
		}},
		{Name: "metric.gauge.attribute.double", Signal: "metrics", Metric: func(rm pmetric.ResourceMetrics, k string, v int64) {
			newGauge(rm).Attributes().PutDouble(k, float64(v))
		}},
	}
}

// Text returns everything a backend would store of one resource's data as text: names,
// keys, string values, bytes, and numbers in decimal. A needle found here leaked.
func Text(v any) string {
	var b strings.Builder
	switch d := v.(type) {
	case ptrace.ResourceSpans:
		writeMap(&b, d.Resource().Attributes())
		for _, ss := range d.ScopeSpans().All() {
			b.WriteString(ss.Scope().Name() + "\n")
			writeMap(&b, ss.Scope().Attributes())
			for _, sp := range ss.Spans().All() {
				b.WriteString(sp.Name() + "\n" + sp.Status().Message() + "\n")
				writeMap(&b, sp.Attributes())
				for _, ev := range sp.Events().All() {
					b.WriteString(ev.Name() + "\n")
					writeMap(&b, ev.Attributes())
				}
				for _, l := range sp.Links().All() {
					writeMap(&b, l.Attributes())
				}
			}
		}
	case plog.ResourceLogs:
		writeMap(&b, d.Resource().Attributes())
		for _, sl := range d.ScopeLogs().All() {
			b.WriteString(sl.Scope().Name() + "\n")
			writeMap(&b, sl.Scope().Attributes())
			for _, lr := range sl.LogRecords().All() {
				b.WriteString(lr.EventName() + "\n")
				writeValue(&b, lr.Body())
				writeMap(&b, lr.Attributes())
			}
		}
	case pmetric.ResourceMetrics:
		writeMap(&b, d.Resource().Attributes())
		for _, sm := range d.ScopeMetrics().All() {
			b.WriteString(sm.Scope().Name() + "\n")
			writeMap(&b, sm.Scope().Attributes())
			for _, m := range sm.Metrics().All() {
				b.WriteString(m.Name() + "\n" + m.Description() + "\n")
				writeMetricAttrs(&b, m)
			}
		}
	}
	return b.String()
}

func writeMetricAttrs(b *strings.Builder, m pmetric.Metric) {
	number := func(dps pmetric.NumberDataPointSlice) {
		for _, dp := range dps.All() {
			writeMap(b, dp.Attributes())
			for _, ex := range dp.Exemplars().All() {
				writeMap(b, ex.FilteredAttributes())
			}
		}
	}
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		number(m.Gauge().DataPoints())
	case pmetric.MetricTypeSum:
		number(m.Sum().DataPoints())
	case pmetric.MetricTypeHistogram:
		for _, dp := range m.Histogram().DataPoints().All() {
			writeMap(b, dp.Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		for _, dp := range m.ExponentialHistogram().DataPoints().All() {
			writeMap(b, dp.Attributes())
		}
	case pmetric.MetricTypeSummary:
		for _, dp := range m.Summary().DataPoints().All() {
			writeMap(b, dp.Attributes())
		}
	}
}

func writeMap(b *strings.Builder, m pcommon.Map) {
	for k, v := range m.All() {
		b.WriteString(k + "=")
		writeValue(b, v)
	}
}

func writeValue(b *strings.Builder, v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		writeMap(b, v.Map())
	case pcommon.ValueTypeSlice:
		for _, el := range v.Slice().All() {
			writeValue(b, el)
		}
	case pcommon.ValueTypeBytes:
		b.Write(v.Bytes().AsRaw())
	case pcommon.ValueTypeDouble:
		b.WriteString(strconv.FormatFloat(v.Double(), 'f', -1, 64))
	default:
		b.WriteString(v.AsString())
	}
	b.WriteString("\n")
}
