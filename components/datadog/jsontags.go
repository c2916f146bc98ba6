package datadog

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Tracers that cannot send links and events natively put them in meta as JSON:
// "_dd.span_links" and "events". Ids there are decimal numbers (dd-trace-go)
// or hex strings (dd-trace-py, dd-trace-js).

type metaLink struct {
	TraceID     json.RawMessage   `json:"trace_id"`
	TraceIDHigh json.RawMessage   `json:"trace_id_high"`
	SpanID      json.RawMessage   `json:"span_id"`
	Attributes  map[string]string `json:"attributes"`
	Tracestate  string            `json:"tracestate"`
	Flags       uint32            `json:"flags"`
}

// parseID reads a JSON id: a number is decimal, a string is hex. A 32-digit
// hex string is a full 128-bit id.
func parseID(raw json.RawMessage) (high, low uint64, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, 0, true
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, 0, false
		}
		if len(s) > 16 {
			h, err1 := strconv.ParseUint(s[:len(s)-16], 16, 64)
			l, err2 := strconv.ParseUint(s[len(s)-16:], 16, 64)
			return h, l, err1 == nil && err2 == nil
		}
		l, err := strconv.ParseUint(s, 16, 64)
		return 0, l, err == nil
	}
	l, err := strconv.ParseUint(string(raw), 10, 64)
	return 0, l, err == nil
}

// appendMetaLinks decodes "_dd.span_links" into dst; false if it is not valid.
func appendMetaLinks(js string, dst ptrace.SpanLinkSlice) bool {
	var links []metaLink
	if json.Unmarshal([]byte(js), &links) != nil {
		return false
	}
	for _, ml := range links {
		high, low, ok1 := parseID(ml.TraceID)
		_, h2, ok2 := parseID(ml.TraceIDHigh)
		_, span, ok3 := parseID(ml.SpanID)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		if high == 0 {
			high = h2
		}
		l := dst.AppendEmpty()
		l.SetTraceID(traceID(high, low))
		l.SetSpanID(spanID(span))
		l.TraceState().FromRaw(ml.Tracestate)
		l.SetFlags(linkFlags(ml.Flags))
		for _, k := range slices.Sorted(maps.Keys(ml.Attributes)) {
			l.Attributes().PutStr(k, ml.Attributes[k])
		}
	}
	return true
}

type metaEvent struct {
	Name         string         `json:"name"`
	TimeUnixNano uint64         `json:"time_unix_nano"`
	Attributes   map[string]any `json:"attributes"`
}

// appendMetaEvents decodes meta "events" into dst; false if it is not valid.
func appendMetaEvents(js string, dst ptrace.SpanEventSlice) bool {
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.UseNumber()
	var events []metaEvent
	if dec.Decode(&events) != nil {
		return false
	}
	for _, me := range events {
		e := dst.AppendEmpty()
		e.SetName(me.Name)
		e.SetTimestamp(pcommon.Timestamp(me.TimeUnixNano))
		for _, k := range slices.Sorted(maps.Keys(me.Attributes)) {
			putJSONValue(e.Attributes().PutEmpty(k), me.Attributes[k], 0)
		}
	}
	return true
}

func putJSONValue(dst pcommon.Value, v any, depth int) {
	switch t := v.(type) {
	case string:
		dst.SetStr(t)
	case bool:
		dst.SetBool(t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			dst.SetInt(i)
		} else if f, err := t.Float64(); err == nil {
			dst.SetDouble(f)
		} else {
			dst.SetStr(t.String())
		}
	case []any:
		if depth > maxDepth {
			return
		}
		sl := dst.SetEmptySlice()
		for _, e := range t {
			putJSONValue(sl.AppendEmpty(), e, depth+1)
		}
	case map[string]any:
		if depth > maxDepth {
			return
		}
		m := dst.SetEmptyMap()
		for _, k := range slices.Sorted(maps.Keys(t)) {
			putJSONValue(m.PutEmpty(k), t[k], depth+1)
		}
	}
}
