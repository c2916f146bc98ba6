package loadgen

import (
	"encoding/binary"
	"fmt"
	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The Datadog encoders write what dd-trace libraries send to the Agent's trace intake, from
// the synthesized OTLP spans: one chunk per trace, operation name and type derived from the
// span's semantic attributes (as dd-trace integrations name them), the OTLP span name as the
// resource, string attributes in meta and numeric ones in metrics, the upper 64 trace id bits
// in "_dd.p.tid" on the chunk's first span, and sampling priority 1 (AUTO_KEEP).

type ddSpan struct {
	service, name, resource, typ string
	env, version                 string
	traceHigh, traceLow          uint64
	spanID, parentID             uint64
	start, duration              int64
	isErr                        bool
	kind                         ptrace.SpanKind
	meta                         []ddKV // string tags
	metrics                      []ddKV // numeric tags
}

type ddKV struct {
	key string
	str string
	num float64
}

type ddChunk struct {
	traceHigh, traceLow uint64
	spans               []ddSpan
}

func ddName(attrs pcommon.Map, kind ptrace.SpanKind) (name, typ string) {
	str := func(k string) string {
		if v, ok := attrs.Get(k); ok {
			return v.AsString()
		}
		return ""
	}
	switch {
	case str("db.system.name") == "redis":
		return "redis.command", "redis"
	case str("db.system.name") != "":
		return str("db.system.name") + ".query", "sql"
	case str("messaging.system") != "":
		return str("messaging.system") + ".produce", "queue"
	case str("rpc.system") != "":
		return str("rpc.system") + ".server", "rpc"
	case str("http.request.method") != "" && kind == ptrace.SpanKindServer:
		return "http.request", "web"
	case str("http.request.method") != "":
		return "http.request", "http"
	}
	return "internal", "custom"
}

func idLow(id pcommon.TraceID) uint64  { return binary.BigEndian.Uint64(id[8:]) }
func idHigh(id pcommon.TraceID) uint64 { return binary.BigEndian.Uint64(id[:8]) }
func sid(id pcommon.SpanID) uint64     { return binary.BigEndian.Uint64(id[:]) }

// datadogChunks groups the spans by trace, in order of first appearance.
func datadogChunks(td ptrace.Traces) []ddChunk {
	var chunks []ddChunk
	index := map[pcommon.TraceID]int{}
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		res := rs.Resource().Attributes()
		service, env, version := "unknown_service", "", ""
		if v, ok := res.Get("service.name"); ok {
			service = v.AsString()
		}
		if v, ok := res.Get("deployment.environment.name"); ok {
			env = v.AsString()
		}
		if v, ok := res.Get("service.version"); ok {
			version = v.AsString()
		}
		host := ""
		if v, ok := res.Get("host.name"); ok {
			host = v.AsString()
		}
		for j := range rs.ScopeSpans().Len() {
			spans := rs.ScopeSpans().At(j).Spans()
			for k := range spans.Len() {
				sp := spans.At(k)
				name, typ := ddName(sp.Attributes(), sp.Kind())
				s := ddSpan{
					service: service, name: name, resource: sp.Name(), typ: typ, env: env, version: version,
					traceHigh: idHigh(sp.TraceID()), traceLow: idLow(sp.TraceID()),
					spanID: sid(sp.SpanID()), parentID: sid(sp.ParentSpanID()),
					start:    int64(sp.StartTimestamp()),
					duration: int64(sp.EndTimestamp() - sp.StartTimestamp()),
					isErr:    sp.Status().Code() == ptrace.StatusCodeError,
					kind:     sp.Kind(),
				}
				s.meta = append(s.meta, ddKV{key: "env", str: env}, ddKV{key: "version", str: version},
					ddKV{key: "span.kind", str: spanKindTag(sp.Kind())}, ddKV{key: "_dd.hostname", str: host})
				if s.isErr {
					s.meta = append(s.meta, ddKV{key: "error.message", str: sp.Status().Message()})
				}
				sp.Attributes().Range(func(k string, v pcommon.Value) bool {
					switch v.Type() {
					case pcommon.ValueTypeInt:
						s.metrics = append(s.metrics, ddKV{key: k, num: float64(v.Int())})
					case pcommon.ValueTypeDouble:
						s.metrics = append(s.metrics, ddKV{key: k, num: v.Double()})
					default:
						s.meta = append(s.meta, ddKV{key: k, str: v.AsString()})
					}
					return true
				})
				if sp.Kind() == ptrace.SpanKindServer || sp.ParentSpanID().IsEmpty() {
					s.metrics = append(s.metrics, ddKV{key: "_dd.top_level", num: 1})
				}
				ci, ok := index[sp.TraceID()]
				if !ok {
					ci = len(chunks)
					index[sp.TraceID()] = ci
					chunks = append(chunks, ddChunk{traceHigh: s.traceHigh, traceLow: s.traceLow})
				}
				chunks[ci].spans = append(chunks[ci].spans, s)
			}
		}
	}
	// The chunk's first span carries the trace-level tags, as dd-trace does.
	for i := range chunks {
		first := &chunks[i].spans[0]
		first.meta = append(first.meta, ddKV{key: "_dd.p.tid", str: fmt.Sprintf("%016x", chunks[i].traceHigh)})
		first.metrics = append(first.metrics, ddKV{key: "_sampling_priority_v1", num: 1})
	}
	return chunks
}

func spanKindTag(k ptrace.SpanKind) string {
	switch k {
	case ptrace.SpanKindServer:
		return "server"
	case ptrace.SpanKindClient:
		return "client"
	case ptrace.SpanKindProducer:
		return "producer"
	case ptrace.SpanKindConsumer:
		return "consumer"
	}
	return "internal"
}

func boolInt(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

// encodeDatadogV04 is /v0.4/traces: an array of traces, each an array of span maps.
func encodeDatadogV04(td ptrace.Traces) []byte {
	chunks := datadogChunks(td)
	b := make([]byte, 0, 1024*td.SpanCount())
	b = mpArrayHeader(b, len(chunks))
	for _, c := range chunks {
		b = mpArrayHeader(b, len(c.spans))
		for i := range c.spans {
			s := &c.spans[i]
			b = mpMapHeader(b, 12)
			b = mpString(mpString(b, "service"), s.service)
			b = mpString(mpString(b, "name"), s.name)
			b = mpString(mpString(b, "resource"), s.resource)
			b = mpUint(mpString(b, "trace_id"), s.traceLow)
			b = mpUint(mpString(b, "span_id"), s.spanID)
			b = mpUint(mpString(b, "parent_id"), s.parentID)
			b = mpInt(mpString(b, "start"), s.start)
			b = mpInt(mpString(b, "duration"), s.duration)
			b = mpInt(mpString(b, "error"), boolInt(s.isErr))
			b = mpString(mpString(b, "type"), s.typ)
			b = mpMapHeader(mpString(b, "meta"), len(s.meta))
			for _, kv := range s.meta {
				b = mpString(mpString(b, kv.key), kv.str)
			}
			b = mpMapHeader(mpString(b, "metrics"), len(s.metrics))
			for _, kv := range s.metrics {
				b = mpFloat(mpString(b, kv.key), kv.num)
			}
		}
	}
	return b
}

// stringTable interns strings for v0.5 (index 0 is "").
type stringTable struct {
	index map[string]uint64
	strs  []string
}

func newStringTable() *stringTable {
	return &stringTable{index: map[string]uint64{"": 0}, strs: []string{""}}
}

func (t *stringTable) id(s string) uint64 {
	if i, ok := t.index[s]; ok {
		return i
	}
	i := uint64(len(t.strs))
	t.index[s] = i
	t.strs = append(t.strs, s)
	return i
}

// encodeDatadogV05 is /v0.5/traces: [string table, traces], each span an array of 12
// fields whose strings are indexes into the table.
func encodeDatadogV05(td ptrace.Traces) []byte {
	chunks := datadogChunks(td)
	st := newStringTable()
	body := make([]byte, 0, 512*td.SpanCount())
	body = mpArrayHeader(body, len(chunks))
	for _, c := range chunks {
		body = mpArrayHeader(body, len(c.spans))
		for i := range c.spans {
			s := &c.spans[i]
			body = mpArrayHeader(body, 12)
			body = mpUint(body, st.id(s.service))
			body = mpUint(body, st.id(s.name))
			body = mpUint(body, st.id(s.resource))
			body = mpUint(body, s.traceLow)
			body = mpUint(body, s.spanID)
			body = mpUint(body, s.parentID)
			body = mpInt(body, s.start)
			body = mpInt(body, s.duration)
			body = mpInt(body, boolInt(s.isErr))
			body = mpMapHeader(body, len(s.meta))
			for _, kv := range s.meta {
				body = mpUint(mpUint(body, st.id(kv.key)), st.id(kv.str))
			}
			body = mpMapHeader(body, len(s.metrics))
			for _, kv := range s.metrics {
				body = mpFloat(mpUint(body, st.id(kv.key)), kv.num)
			}
			body = mpUint(body, st.id(s.typ))
		}
	}
	b := make([]byte, 0, len(body)+64*len(st.strs))
	b = mpArrayHeader(b, 2)
	b = mpArrayHeader(b, len(st.strs))
	for _, s := range st.strs {
		b = mpString(b, s)
	}
	return append(b, body...)
}

// streamStrings writes v1.0's streaming strings: the first occurrence as a string (which the
// reader appends to its table), every later one as the table index.
type streamStrings struct {
	index map[string]uint64
}

func (t *streamStrings) put(b []byte, s string) []byte {
	if i, ok := t.index[s]; ok {
		return mpUint(b, i)
	}
	t.index[s] = uint64(len(t.index))
	return mpString(b, s)
}

// encodeDatadogV1 is /v1.0/traces as dd-trace-go v2 sends it: field-id maps with
// streaming strings and typed attributes (see components/datadog/decode_v1.go).
func encodeDatadogV1(td ptrace.Traces) []byte {
	chunks := datadogChunks(td)
	st := &streamStrings{index: map[string]uint64{"": 0}}
	b := make([]byte, 0, 384*td.SpanCount())
	env, version, host := "", "", ""
	if len(chunks) > 0 {
		s := chunks[0].spans[0]
		env, version = s.env, s.version
		for _, kv := range s.meta {
			if kv.key == "_dd.hostname" {
				host = kv.str
			}
		}
	}
	b = mpMapHeader(b, 7)
	b = st.put(mpUint(b, 3), "go")
	b = st.put(mpUint(b, 4), "1.26.0")
	b = st.put(mpUint(b, 5), "v2.0.0")
	b = st.put(mpUint(b, 6), "5b2f0e5c-7d1a-4c39-9a3e-2f1f8a6b9c01")
	b = st.put(mpUint(b, 7), env)
	b = st.put(mpUint(b, 8), host)
	b = mpArrayHeader(mpUint(b, 11), len(chunks))
	var tid [16]byte
	for _, c := range chunks {
		b = mpMapHeader(b, 3)
		b = mpInt(mpUint(b, 1), 1)
		binary.BigEndian.PutUint64(tid[:8], c.traceHigh)
		binary.BigEndian.PutUint64(tid[8:], c.traceLow)
		b = mpBin(mpUint(b, 6), tid[:])
		b = mpArrayHeader(mpUint(b, 4), len(c.spans))
		for i := range c.spans {
			s := &c.spans[i]
			b = mpMapHeader(b, 14)
			b = st.put(mpUint(b, 1), s.service)
			b = st.put(mpUint(b, 2), s.name)
			b = st.put(mpUint(b, 3), s.resource)
			b = mpUint(mpUint(b, 4), s.spanID)
			b = mpUint(mpUint(b, 5), s.parentID)
			b = mpInt(mpUint(b, 6), s.start)
			b = mpInt(mpUint(b, 7), s.duration)
			b = mpBool(mpUint(b, 8), s.isErr)
			b = st.put(mpUint(b, 10), s.typ)
			b = st.put(mpUint(b, 13), s.env)
			b = st.put(mpUint(b, 14), version)
			b = st.put(mpUint(b, 15), "")
			b = mpUint(mpUint(b, 16), uint64(s.kind))
			// Attributes: a flat array of (key, type, value); env, version and kind are fields.
			attrs := make([]ddKV, 0, len(s.meta)+len(s.metrics))
			for _, kv := range s.meta {
				if kv.key != "env" && kv.key != "version" && kv.key != "span.kind" {
					attrs = append(attrs, kv)
				}
			}
			nMeta := len(attrs)
			attrs = append(attrs, s.metrics...)
			sort.SliceStable(attrs[:nMeta], func(i, j int) bool { return attrs[i].key < attrs[j].key })
			b = mpArrayHeader(mpUint(b, 9), 3*len(attrs))
			for i, kv := range attrs {
				b = st.put(b, kv.key)
				if i < nMeta {
					b = st.put(mpUint(b, 1), kv.str)
				} else {
					b = mpFloat(mpUint(b, 3), kv.num)
				}
			}
		}
	}
	return b
}
