package datadog

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Reserved attributes of a Datadog log (https://docs.datadoghq.com/logs/log_configuration/attributes_naming_convention/).
const (
	logMessage   = "message"
	logMsg       = "msg"
	logStatus    = "status"
	logLevel     = "level"
	logTimestamp = "timestamp"
	logHostname  = "hostname"
	logHost      = "host"
	logService   = "service"
	logSource    = "ddsource"
	logTags      = "ddtags"
	logTraceID   = "dd.trace_id"
	logSpanID    = "dd.span_id"
	logDD        = "dd"

	// AttrLogSource holds ddsource, the integration or language that wrote
	// the log (the name contrib's Datadog exporter reads back).
	AttrLogSource = "datadog.log.source"
)

// LogsStats describes one translated logs payload.
type LogsStats struct {
	Records       int // log records returned
	TraceIDs      int // records with a trace id
	UpperFromTail int // 64-bit trace ids whose upper bits came from the trace-id cache
	Skipped       int // array elements that are no log object
	// SkipReasons counts skipped elements per reason ("malformed").
	SkipReasons map[string]int
}

// TranslateLogs translates an /api/v2/logs JSON body: an array of log
// objects (or one object). cache, when not nil, supplies the upper 64 bits of
// trace ids sent as 64-bit decimals, from the spans this receiver translated.
// agentVersion is the scope version (the DD-EVP-ORIGIN-VERSION header).
// An element of the array that is no JSON object is skipped and counted, the
// others are kept. Beyond lim, nothing is returned but a *LimitError.
func TranslateLogs(body []byte, agentVersion string, cache *TraceIDCache, now time.Time, lim Limits) (plog.Logs, LogsStats, error) {
	var stats LogsStats
	ld := plog.NewLogs()
	items, err := logItems(body, &stats)
	if err != nil {
		return ld, stats, fmt.Errorf("logs: %w", err)
	}
	bud := newBudget(lim)
	scopes := map[metricResource]plog.ScopeLogs{}
	for _, item := range items {
		if item == nil {
			continue
		}
		if !bud.item(1) || !bud.attr(len(item)) {
			return plog.NewLogs(), LogsStats{}, bud.failed()
		}
		fields := structuredFields(item)
		res, tagAttrs := logResource(fields)
		if !bud.attr(len(tagAttrs)) {
			return plog.NewLogs(), LogsStats{}, bud.failed()
		}
		lr := logScope(ld, scopes, res, agentVersion).LogRecords().AppendEmpty()
		stats.Records++
		lr.SetObservedTimestamp(pcommon.NewTimestampFromTime(now))
		fillLogRecord(lr, fields, tagAttrs, cache, &stats)
	}
	return ld, stats, nil
}

// structuredFields returns the item's fields. The message may itself be a
// JSON object (a structured log line the Agent tailed): Datadog parses it,
// and so do we; the outer fields win.
func structuredFields(item map[string]any) map[string]any {
	fields := item
	if msg, ok := item[logMessage].(string); ok && strings.HasPrefix(strings.TrimSpace(msg), "{") {
		var inner map[string]any
		d := json.NewDecoder(strings.NewReader(msg))
		d.UseNumber()
		if d.Decode(&inner) == nil && inner != nil {
			merged := make(map[string]any, len(inner)+len(item))
			for k, v := range inner {
				merged[k] = v
			}
			for k, v := range item {
				if k != logMessage {
					merged[k] = v
				}
			}
			if _, ok := inner[logMessage]; !ok {
				if m, ok := inner[logMsg]; ok {
					merged[logMessage] = m
					delete(merged, logMsg)
				} else {
					merged[logMessage] = msg
				}
			}
			fields = merged
		}
	}
	return fields
}

// logResource reads what identifies the record's resource: service, host
// (hostname wins over host) and ddtags, which splitTags divides between the
// resource and the attributes it returns.
func logResource(fields map[string]any) (metricResource, [][2]string) {
	res := metricResource{}
	if s, ok := fields[logService].(string); ok {
		res.service = s
	}
	if s, ok := fields[logHostname].(string); ok {
		res.host = s
	} else if s, ok := fields[logHost].(string); ok {
		res.host = s
	}
	var tagAttrs [][2]string
	if s, ok := fields[logTags].(string); ok && s != "" {
		tagAttrs = splitTags(strings.Split(s, ","), &res)
	}
	return res, tagAttrs
}

// logScope returns the scope of the records of res, creating its resource
// on first use: the records of one resource share one ResourceLogs.
func logScope(ld plog.Logs, scopes map[metricResource]plog.ScopeLogs, res metricResource, agentVersion string) plog.ScopeLogs {
	if sl, ok := scopes[res]; ok {
		return sl
	}
	rl := ld.ResourceLogs().AppendEmpty()
	res.put(rl.Resource().Attributes())
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(AgentScope)
	sl.Scope().SetVersion(agentVersion)
	scopes[res] = sl
	return sl
}

// fillLogRecord maps the fields onto the record: Datadog's reserved
// attributes to body, severity, timestamp and trace context, the rest (and
// the non-resource tags) to attributes.
func fillLogRecord(lr plog.LogRecord, fields map[string]any, tagAttrs [][2]string, cache *TraceIDCache, stats *LogsStats) {
	attrs := newLogAttrs(lr.Attributes(), len(fields)+len(tagAttrs))
	var traceID, spanID any
	for k, v := range fields {
		switch k {
		case logService, logHostname, logTags:
		case logHost:
			if _, ok := fields[logHostname]; ok {
				attrs.put(k, v)
			}
		case logMessage:
			if s, ok := v.(string); ok {
				lr.Body().SetStr(s)
			} else {
				putJSONValue(lr.Body(), v, 0)
			}
		case logStatus, logLevel:
			// status is Datadog's reserved attribute; level counts only
			// when there is no status, and stays an attribute otherwise.
			_, hasStatus := fields[logStatus]
			if s, ok := v.(string); ok && (k == logStatus || !hasStatus) {
				lr.SetSeverityText(s)
				lr.SetSeverityNumber(severityOf(s))
			} else {
				attrs.put(k, v)
			}
		case logTimestamp:
			if ts, ok := logTime(v); ok {
				lr.SetTimestamp(ts)
			} else {
				attrs.put(k, v)
			}
		case logSource:
			attrs.put(AttrLogSource, v)
		case logTraceID:
			traceID = v
		case logSpanID:
			spanID = v
		case logDD:
			// {"dd":{"trace_id":...,"span_id":...,"service":...}} as some
			// log libraries nest it.
			if m, ok := v.(map[string]any); ok {
				if t, ok := m["trace_id"]; ok && traceID == nil {
					traceID = t
					delete(m, "trace_id")
				}
				if s, ok := m["span_id"]; ok && spanID == nil {
					spanID = s
					delete(m, "span_id")
				}
				if len(m) == 0 {
					continue
				}
			}
			attrs.put(k, v)
		default:
			attrs.put(k, v)
		}
	}
	attrs.tags(tagAttrs)
	if traceID != nil {
		id, fromCache, ok := logTraceIDOf(traceID, cache)
		if ok {
			lr.SetTraceID(id)
			stats.TraceIDs++
			if fromCache {
				stats.UpperFromTail++
			}
		} else {
			attrs.put(logTraceID, traceID)
		}
	}
	if spanID != nil {
		if id, ok := logSpanIDOf(spanID); ok {
			lr.SetSpanID(id)
		} else {
			attrs.put(logSpanID, spanID)
		}
	}
	attrs.finish()
}

// logItems reads the body: one log object, or an array of them. An element
// that is not an object (a number, a string, a truncated object inside an
// otherwise valid array) is skipped and counted; a body that is no JSON
// array at all is an error.
func logItems(body []byte, stats *LogsStats) ([]map[string]any, error) {
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '{' {
		var one map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&one); err != nil {
			return nil, err
		}
		return []map[string]any{one}, nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, err
	}
	items := make([]map[string]any, 0, len(raws))
	for _, raw := range raws {
		var item map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&item); err != nil {
			stats.Skipped++
			if stats.SkipReasons == nil {
				stats.SkipReasons = map[string]int{}
			}
			stats.SkipReasons["malformed"]++
			continue
		}
		items = append(items, item)
	}
	return items, nil
}

// logAttrs builds a log record's attributes: key by key and then sorted
// when they are few; in one pass through a Go map when they are many (see
// bulkAttrs), in no particular order.
type logAttrs struct {
	m   pcommon.Map
	raw map[string]any
}

func newLogAttrs(m pcommon.Map, n int) *logAttrs {
	a := &logAttrs{m: m}
	if n > bulkAttrs {
		a.raw = make(map[string]any, n)
	}
	return a
}

func (a *logAttrs) put(k string, v any) {
	if a.raw != nil {
		a.raw[k] = jsonRaw(v, 0)
		return
	}
	putJSONValue(a.m.PutEmpty(k), v, 0)
}

func (a *logAttrs) tags(kvs [][2]string) {
	if a.raw == nil {
		putKVs(a.m, kvs)
		return
	}
	for _, kv := range kvs {
		multiStrRaw(a.raw, kv[0], kv[1])
	}
}

func (a *logAttrs) finish() {
	if a.raw != nil {
		fromRawMap(a.m, a.raw)
		return
	}
	sortMap(a.m)
}

// jsonRaw is putJSONValue for bulk maps: the value as pcommon.Value.FromRaw
// takes it.
func jsonRaw(v any, depth int) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	case []any:
		if depth > maxDepth {
			return nil
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = jsonRaw(e, depth+1)
		}
		return out
	case map[string]any:
		if depth > maxDepth {
			return nil
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = jsonRaw(e, depth+1)
		}
		return out
	}
	return v
}

func sortMap(m pcommon.Map) {
	if m.Len() < 2 {
		return
	}
	raw := m.AsRaw()
	keys := slices.Sorted(maps.Keys(raw))
	tmp := pcommon.NewMap()
	m.CopyTo(tmp)
	m.Clear()
	m.EnsureCapacity(len(keys))
	for _, k := range keys {
		v, _ := tmp.Get(k)
		v.CopyTo(m.PutEmpty(k))
	}
}

// severityOf maps a Datadog status (syslog severity names, or common level
// names) to an OTLP severity number.
func severityOf(status string) plog.SeverityNumber {
	switch strings.ToLower(status) {
	case "emerg", "emergency", "panic":
		return plog.SeverityNumberFatal4
	case "alert":
		return plog.SeverityNumberFatal3
	case "crit", "critical", "fatal":
		return plog.SeverityNumberFatal
	case "err", "error":
		return plog.SeverityNumberError
	case "warn", "warning":
		return plog.SeverityNumberWarn
	case "notice":
		return plog.SeverityNumberInfo2
	case "info", "informational", "ok", "success":
		return plog.SeverityNumberInfo
	case "debug":
		return plog.SeverityNumberDebug
	case "trace":
		return plog.SeverityNumberTrace
	}
	return plog.SeverityNumberUnspecified
}

// logTime reads a Datadog log timestamp: milliseconds since the epoch (what
// the Agent sends), or an RFC 3339 string.
func logTime(v any) (pcommon.Timestamp, bool) {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil || f <= 0 || f > math.MaxInt64/1e6 {
			return 0, false
		}
		return pcommon.Timestamp(uint64(f * 1e6)), true
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return pcommon.NewTimestampFromTime(ts), true
		}
		if ms, err := strconv.ParseInt(t, 10, 64); err == nil && ms > 0 {
			return pcommon.Timestamp(uint64(ms) * 1e6), true
		}
	}
	return 0, false
}

// logTraceIDOf reads dd.trace_id: 32 hex digits (128-bit, as tracers log it
// with 128-bit logging on), or a 64-bit decimal (the default), whose upper
// bits come from the trace-id cache when a span of the trace was seen.
func logTraceIDOf(v any, cache *TraceIDCache) (pcommon.TraceID, bool, bool) {
	s := jsonScalarString(v)
	if len(s) == 32 {
		var id pcommon.TraceID
		if _, err := hex.Decode(id[:], []byte(s)); err == nil && !id.IsEmpty() {
			return id, false, true
		}
	}
	low, err := strconv.ParseUint(s, 10, 64)
	if err != nil || low == 0 {
		return pcommon.TraceID{}, false, false
	}
	high, fromCache := cache.Get(low)
	return traceID(high, low), fromCache, true
}

// logSpanIDOf reads dd.span_id: a 64-bit decimal, or 16 hex digits.
func logSpanIDOf(v any) (pcommon.SpanID, bool) {
	s := jsonScalarString(v)
	var id pcommon.SpanID
	if u, err := strconv.ParseUint(s, 10, 64); err == nil && u != 0 {
		return spanID(u), true
	}
	if len(s) == 16 {
		if _, err := hex.Decode(id[:], []byte(s)); err == nil && !id.IsEmpty() {
			return id, true
		}
	}
	return id, false
}

func jsonScalarString(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case json.Number:
		return t.String()
	}
	return ""
}
