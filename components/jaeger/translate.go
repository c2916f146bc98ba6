package jaeger

import (
	"encoding/binary"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Attribute keys and values contrib's translator reads or writes.
const (
	keyServiceName      = "service.name"
	keySpanKind         = "span.kind"
	keyError            = "error"
	keyHTTPStatusMsg    = "http.status_message"
	keyHTTPStatusCode   = "http.status_code"          // semconv v1.25, what the default gates emit
	keyHTTPRespStatus   = "http.response.status_code" // semconv v1.40, renamed to the above
	keyOTelStatusCode   = "otel.status_code"
	keyOTelStatusDesc   = "otel.status_description"
	keyHostname         = "hostname"
	keyHostName         = "host.name"
	keyJaegerVersion    = "jaeger.version"
	keyExporterVersion  = "opencensus.exporterversion"
	keyRefType          = "opentracing.ref_type"
	keyEventName        = "event"
	refTypeChildOf      = "child_of"
	refTypeFollowsFrom  = "follows_from"
	unknownTagTypeValue = `<Unknown Jaeger TagType "<UNSET>">`
)

// bigMap is the tag count from which a tag list is written through one Go
// map and Map.FromRaw: pdata's Put* scan the map for the key, so a list of
// n tags costs n² that way, and a body full of tags on one span would cost
// far more than its size.
const bigMap = 64

// translator turns a decoded span or process into pdata exactly as
// contrib's ThriftToTraces does (default feature gates).
type translator struct {
	raw map[string]any // reused for tag lists over bigMap
}

func (tr *translator) resource(d *Decoder, res pcommon.Resource) {
	p := &d.proc
	if p.service.n == 0 && !p.hasTags {
		return
	}
	o := d.own(&p.service, d.ptags)
	attrs := res.Attributes()
	first := ""
	if p.service.n > 0 {
		first = o.str(p.service)
	}
	tr.putTags(attrs, d.ptags, o, first)
	// contrib's special keys.
	if v, ok := attrs.Get(keyHostname); ok {
		if _, has := attrs.Get(keyHostName); !has {
			v.CopyTo(attrs.PutEmpty(keyHostName))
			attrs.Remove(keyHostname)
		}
	}
	if v, ok := attrs.Get(keyJaegerVersion); ok {
		if _, has := attrs.Get(keyExporterVersion); !has {
			attrs.PutStr(keyExporterVersion, "Jaeger-"+v.Str())
			attrs.Remove(keyJaegerVersion)
		}
	}
}

// putTags writes tags into attrs with Put semantics (a repeated key keeps
// its first position and takes the last value), after an optional
// service.name.
func (tr *translator) putTags(attrs pcommon.Map, tags []tag, o owned, service string) {
	if len(tags) > bigMap {
		if tr.raw == nil {
			tr.raw = make(map[string]any, len(tags))
		}
		clear(tr.raw)
		if service != "" {
			tr.raw[keyServiceName] = service
		}
		for i := range tags {
			tr.raw[tagKey(tags[i].key, o)] = rawValue(&tags[i], o)
		}
		_ = attrs.FromRaw(tr.raw)
		clear(tr.raw)
		return
	}
	if service != "" {
		attrs.EnsureCapacity(len(tags) + 1)
		attrs.PutStr(keyServiceName, service)
	} else {
		attrs.EnsureCapacity(len(tags))
	}
	for i := range tags {
		t := &tags[i]
		key := tagKey(t.key, o)
		switch t.vType {
		case tagString:
			attrs.PutStr(key, o.str(t.str))
		case tagBool:
			attrs.PutBool(key, t.b)
		case tagLong:
			attrs.PutInt(key, int64(t.num))
		case tagDouble:
			attrs.PutDouble(key, t.dbl)
		case tagBinary:
			attrs.PutEmptyBytes(key).FromRaw(o.bytes(t.bin))
		default:
			attrs.PutStr(key, unknownTagTypeValue)
		}
	}
}

// tagKey is the tag's key, with http.response.status_code written as
// http.status_code, as contrib does with the default feature gates.
func tagKey(k span, o owned) string {
	key := o.key(k)
	if key == keyHTTPRespStatus {
		return keyHTTPStatusCode
	}
	return key
}

func rawValue(t *tag, o owned) any {
	switch t.vType {
	case tagString:
		return o.str(t.str)
	case tagBool:
		return t.b
	case tagLong:
		return int64(t.num)
	case tagDouble:
		return t.dbl
	case tagBinary:
		return o.bytes(t.bin)
	}
	return unknownTagTypeValue
}

func traceID(high, low int64) pcommon.TraceID {
	var id [16]byte
	binary.BigEndian.PutUint64(id[:8], uint64(high))
	binary.BigEndian.PutUint64(id[8:], uint64(low))
	return id
}

func spanID(v int64) pcommon.SpanID {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(v))
	return id
}

func micros(v int64) pcommon.Timestamp { return pcommon.Timestamp(uint64(v) * 1000) }

// parentID is the span's parent: parentSpanId, or else the first CHILD_OF
// reference into the same trace, or else the first FOLLOWS_FROM one.
func parentID(s *spanRec, refs []ref) int64 {
	if s.parentID != 0 {
		return s.parentID
	}
	follows := -1
	for i := range refs {
		f := &refs[i]
		if f.traceHigh != s.traceHigh || f.traceLow != s.traceLow {
			continue
		}
		if f.refType == refChildOf {
			return f.spanID
		}
		if follows < 0 && f.refType == refFollowsFrom {
			follows = i
		}
	}
	if follows >= 0 {
		return refs[follows].spanID
	}
	return 0
}

func (tr *translator) span(d *Decoder, s *spanRec, dest ptrace.Span) {
	o := d.own(&s.name, d.tags, d.fields)
	dest.SetTraceID(traceID(s.traceHigh, s.traceLow))
	dest.SetSpanID(spanID(s.spanID))
	dest.SetName(o.str(s.name))
	dest.SetStartTimestamp(micros(s.start))
	dest.SetEndTimestamp(micros(s.start + s.duration))
	if s.flags&1 == 1 {
		dest.SetFlags(dest.Flags() | 1)
	}
	parent := parentID(s, d.refs)
	if parent != 0 {
		dest.SetParentSpanID(spanID(parent))
	}

	attrs := dest.Attributes()
	tr.putTags(attrs, d.tags, o, "")
	if v, ok := attrs.Get(keySpanKind); ok {
		dest.SetKind(spanKind(v.Str()))
		attrs.Remove(keySpanKind)
	}
	setStatus(attrs, dest)

	if len(d.logs) > 0 {
		events := dest.Events()
		events.EnsureCapacity(len(d.logs))
		for i := range d.logs {
			l := &d.logs[i]
			ev := events.AppendEmpty()
			ev.SetTimestamp(micros(l.ts))
			if l.end == l.fields {
				continue
			}
			ea := ev.Attributes()
			tr.putTags(ea, d.fields[l.fields:l.end], o, "")
			if name, ok := ea.Get(keyEventName); ok {
				ev.SetName(name.Str())
				ea.Remove(keyEventName)
			}
		}
	}
	links(d.refs, parent, dest.Links())
}

// links writes the references except CHILD_OF ones to the parent.
func links(refs []ref, parent int64, dest ptrace.SpanLinkSlice) {
	if len(refs) == 0 || len(refs) == 1 && refs[0].spanID == parent && refs[0].refType == refChildOf {
		return
	}
	dest.EnsureCapacity(len(refs))
	for i := range refs {
		f := &refs[i]
		if f.spanID == parent && f.refType == refChildOf {
			continue
		}
		l := dest.AppendEmpty()
		l.SetTraceID(traceID(f.traceHigh, f.traceLow))
		l.SetSpanID(spanID(f.spanID))
		if f.refType == refChildOf {
			l.Attributes().PutStr(keyRefType, refTypeChildOf)
		} else {
			l.Attributes().PutStr(keyRefType, refTypeFollowsFrom)
		}
	}
}

func spanKind(k string) ptrace.SpanKind {
	switch k {
	case "client":
		return ptrace.SpanKindClient
	case "server":
		return ptrace.SpanKindServer
	case "producer":
		return ptrace.SpanKindProducer
	case "consumer":
		return ptrace.SpanKindConsumer
	case "internal":
		return ptrace.SpanKindInternal
	}
	return ptrace.SpanKindUnspecified
}

// setStatus derives the span status from the error, otel.status_code and
// HTTP status tags, in contrib's order of precedence, and removes the tags
// it consumed.
func setStatus(attrs pcommon.Map, span ptrace.Span) {
	code := ptrace.StatusCodeUnset
	msg := ""
	exists := false
	if v, ok := attrs.Get(keyError); ok && v.Type() == pcommon.ValueTypeBool && v.Bool() {
		code = ptrace.StatusCodeError
		attrs.Remove(keyError)
		exists = true
		if desc, ok := takeStatusDesc(attrs); ok {
			msg = desc
		} else if m, ok := attrs.Get(keyHTTPStatusMsg); ok {
			msg = m.Str()
		}
	}
	if v, ok := attrs.Get(keyOTelStatusCode); ok {
		if !exists {
			exists = true
			switch strings.ToUpper(v.Str()) {
			case "OK":
				code = ptrace.StatusCodeOk
			case "ERROR":
				code = ptrace.StatusCodeError
			}
			if desc, ok := takeStatusDesc(attrs); ok {
				msg = desc
			}
		}
		attrs.Remove(keyOTelStatusCode)
	} else if hv, ok := httpStatus(attrs); !exists && ok {
		if c, ok := statusFromHTTP(hv, span.Kind()); ok {
			if c != ptrace.StatusCodeUnset {
				exists = true
				code = c
			}
			if m, ok := attrs.Get(keyHTTPStatusMsg); ok {
				msg = m.Str()
			}
		}
	}
	if exists {
		span.Status().SetCode(code)
		span.Status().SetMessage(msg)
	}
}

func takeStatusDesc(attrs pcommon.Map) (string, bool) {
	if v, ok := attrs.Get(keyOTelStatusDesc); ok {
		s := v.Str()
		attrs.Remove(keyOTelStatusDesc)
		return s, true
	}
	return "", false
}

func httpStatus(attrs pcommon.Map) (pcommon.Value, bool) {
	if v, ok := attrs.Get(keyHTTPStatusCode); ok {
		return v, true
	}
	return attrs.Get(keyHTTPRespStatus)
}

// statusFromHTTP maps an HTTP status code (an int, or a string holding
// one) to a span status: 4xx is an error for clients and unset for
// servers; outside 100–398 an error. ok is false when it holds no integer.
func statusFromHTTP(v pcommon.Value, kind ptrace.SpanKind) (ptrace.StatusCode, bool) {
	var c int64
	switch v.Type() {
	case pcommon.ValueTypeInt:
		c = v.Int()
	case pcommon.ValueTypeStr:
		n, err := strconv.ParseInt(v.Str(), 10, 0)
		if err != nil {
			return ptrace.StatusCodeUnset, false
		}
		c = n
	default:
		return ptrace.StatusCodeUnset, false
	}
	if c >= 400 && c < 500 {
		switch kind {
		case ptrace.SpanKindClient:
			return ptrace.StatusCodeError, true
		case ptrace.SpanKindServer:
			return ptrace.StatusCodeUnset, true
		}
	}
	if c >= 100 && c < 399 {
		return ptrace.StatusCodeUnset, true
	}
	return ptrace.StatusCodeError, true
}
