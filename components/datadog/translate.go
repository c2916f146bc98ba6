package datadog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Protocol is the trace intake version, from the request path.
type Protocol uint8

// Trace intake versions.
const (
	V03 Protocol = iota + 1
	V04
	V05
	V07
	V10
	// AgentV02 is the Datadog Agent's own intake, /api/v0.2/traces.
	AgentV02
)

// String is the version as it appears in the path ("v0.4").
func (p Protocol) String() string {
	switch p {
	case V03:
		return "v0.3"
	case V04:
		return "v0.4"
	case V05:
		return "v0.5"
	case V07:
		return "v0.7"
	case V10:
		return "v1.0"
	case AgentV02:
		return "agent_v0.2"
	}
	return "unknown"
}

// Encoding is the body's encoding.
type Encoding uint8

// Body encodings.
const (
	Msgpack Encoding = iota
	JSON
	Protobuf
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case Msgpack:
		return "msgpack"
	case JSON:
		return "JSON"
	case Protobuf:
		return "protobuf"
	}
	return "unknown"
}

// ErrUnsupportedEncoding is returned for an encoding the protocol does not use.
var ErrUnsupportedEncoding = errors.New("encoding not supported on this protocol")

// SpanNameSource says which Datadog field becomes the OTLP span name.
type SpanNameSource uint8

const (
	// SpanNameFromResource names spans after the Datadog resource
	// ("GET /api/orders/{id}"), falling back to the operation name.
	SpanNameFromResource SpanNameSource = iota
	// SpanNameFromOperation names spans after the Datadog operation name
	// ("http.request").
	SpanNameFromOperation
)

// Options tune the translation.
type Options struct {
	SpanName SpanNameSource
	// DropRejected drops chunks whose sampling priority is 0 (AUTO_REJECT)
	// or below (USER_REJECT). They are counted in TraceStats.RejectedSpans.
	DropRejected bool
	// TraceIDCache is the fallback for chunks without their upper 64 trace
	// id bits; nil disables it.
	TraceIDCache *TraceIDCache
	// Limits bound the spans and attributes of one payload; beyond them
	// Translate returns a *LimitError and no traces.
	Limits Limits
}

// TraceStats describes one translated trace payload.
type TraceStats struct {
	Chunks        int
	Spans         int // spans in the returned traces
	RejectedSpans int // spans dropped because of their sampling priority
	CacheHits     int // chunks whose upper trace id bits came from the cache
	CacheMisses   int // chunks without upper bits, not found in the cache
}

// Translator turns trace payloads into OTLP. It is safe for concurrent use.
type Translator struct {
	opts     Options
	decoders sync.Pool
}

// NewTranslator returns a Translator.
func NewTranslator(opts Options) *Translator {
	return &Translator{opts: opts, decoders: sync.Pool{New: func() any { return new(decoder) }}}
}

// decoder is the scratch space of one decode: reused through a pool so that
// steady-state decoding allocates nothing but pdata.
type decoder struct {
	budget  budget
	chunk   Chunk
	payload Payload
	strs    []string
	strIdx  map[string]uint32
}

// Translate decodes body and translates it. hdr carries what the request
// headers say about the tracer (language, versions, container id). On a
// decoding error the traces hold every chunk decoded before it, and the error
// says where decoding stopped.
func (t *Translator) Translate(proto Protocol, enc Encoding, body []byte, hdr Payload) (ptrace.Traces, TraceStats, error) {
	d := t.decoders.Get().(*decoder)
	defer func() {
		d.release()
		t.decoders.Put(d)
	}()
	d.payload = hdr
	d.payload.Attrs = d.payload.Attrs[:0]
	// The budget lives in the pooled decoder: no allocation per request.
	d.budget = budget{lim: t.opts.Limits}
	bud := &d.budget
	d.chunk.bud = bud

	tr := translation{opts: &t.opts, traces: ptrace.NewTraces(), bud: bud}
	emit := tr.chunk
	var err error
	switch {
	case enc == JSON && (proto == V03 || proto == V04):
		err = d.decodeJSON(body, emit)
	case proto == AgentV02 && enc == Protobuf:
		err = d.decodeAgentPayload(body, emit)
	case enc == JSON, enc == Protobuf, proto == AgentV02:
		err = fmt.Errorf("%w: %s on %s", ErrUnsupportedEncoding, enc, proto)
	case proto == V03 || proto == V04:
		err = d.decodeV04(body, emit)
	case proto == V05:
		err = d.decodeV05(body, emit)
	case proto == V07:
		err = d.decodeV07(body, emit)
	case proto == V10:
		err = d.decodeV1(body, emit)
	default:
		err = fmt.Errorf("unknown protocol %d", proto)
	}
	if lerr := bud.failed(); lerr != nil {
		// Over a limit: nothing of the payload is forwarded, whatever was
		// decoded before the limit was reached.
		return ptrace.NewTraces(), TraceStats{}, fmt.Errorf("%s: %w", proto, lerr)
	}
	if err != nil {
		err = fmt.Errorf("%s: %w", proto, err)
	}
	return tr.traces, tr.stats, err
}

// Pooled decoders keep their scratch space between requests, but not what a
// single huge request made them grow to: past these sizes it is dropped, so
// that one hostile body does not pin its peak memory for the process's life.
const (
	maxPooledSpans   = 1024
	maxPooledAttrs   = 256
	maxPooledStrings = 4096
)

// release drops references into the body and oversized scratch space before
// the decoder goes back to the pool.
func (d *decoder) release() {
	d.chunk.reset()
	d.chunk.bud = nil
	if cap(d.chunk.Spans) > maxPooledSpans {
		d.chunk.Spans = nil
	} else {
		for i, s := range d.chunk.Spans[:cap(d.chunk.Spans)] {
			if cap(s.Attrs) > maxPooledAttrs || cap(s.Links) > maxPooledAttrs || cap(s.Events) > maxPooledAttrs {
				d.chunk.Spans[:cap(d.chunk.Spans)][i] = Span{}
			}
		}
	}
	if cap(d.chunk.Attrs) > maxPooledAttrs {
		d.chunk.Attrs = nil
	}
	attrs := d.payload.Attrs[:0]
	if cap(attrs) > maxPooledAttrs {
		attrs = nil
	}
	d.payload = Payload{Attrs: attrs}
	clear(d.strs)
	d.strs = d.strs[:0]
	if cap(d.strs) > maxPooledStrings {
		d.strs = nil
	}
	if len(d.strIdx) > maxPooledStrings {
		d.strIdx = nil
	} else {
		clear(d.strIdx)
	}
}

type resourceKey struct {
	service, env, version, host string
	payload                     int
}

// translation is the state of one Translate call.
type translation struct {
	opts   *Options
	traces ptrace.Traces
	stats  TraceStats
	spans  map[resourceKey]ptrace.SpanSlice
	bud    *budget
	// shared caches the JSON links and events of meta strings that many
	// spans reference (a v0.5 string table entry): decoded once, copied.
	shared map[sharedKey]*sharedJSON
}

func (tr *translation) chunk(p *Payload, c *Chunk) error {
	if err := tr.bud.failed(); err != nil {
		return err
	}
	if len(c.Spans) == 0 {
		return nil
	}
	// The chunk's tags are copied into each of its spans.
	if !tr.bud.attr(len(c.Attrs) * len(c.Spans)) {
		return tr.bud.failed()
	}
	tr.stats.Chunks++

	priority, hasPriority := c.Priority, c.HasPriority
	if !hasPriority {
		for i := range c.Spans {
			if c.Spans[i].HasPriority {
				priority, hasPriority = int64(c.Spans[i].Priority), true
				break
			}
		}
	}
	rejected := hasPriority && priority <= 0
	if c.AgentSampled {
		rejected = c.Dropped
	}
	if tr.opts.DropRejected && rejected {
		tr.stats.RejectedSpans += len(c.Spans)
		return nil
	}

	high, low, hasHigh := tr.chunkTraceID(c)

	if p.Lang == "" {
		p.Lang = c.Spans[0].Language
	}
	for i := range c.Spans {
		s := &c.Spans[i]
		key := resourceKey{
			service: s.Service,
			env:     firstNonEmpty(s.Env, p.Env),
			// Datadog scopes "version" to the tracer's own service, and each
			// span carries it: the payload's app version is no fallback.
			version: s.Version,
			host:    firstNonEmpty(s.Hostname, p.Hostname),
			payload: p.seq,
		}
		dst := tr.spanSlice(key, p).AppendEmpty()

		traceLow, traceHigh := s.TraceID, s.TraceIDHigh
		if c.HasTraceID {
			traceLow, traceHigh = c.TraceIDLow, c.TraceIDHigh
		} else if traceHigh == 0 && hasHigh && traceLow == low {
			traceHigh = high
		}
		tr.span(s, c, traceHigh, traceLow, priority, hasPriority, dst)
		if err := tr.bud.failed(); err != nil {
			return err
		}
	}
	tr.stats.Spans += len(c.Spans)
	return nil
}

// chunkTraceID finds the upper 64 trace id bits of a chunk: from the chunk
// (v1.0), from a span (JSON "trace_id_high" or the "_dd.p.tid" tag), or, when
// the chunk has none, from the fallback cache.
func (tr *translation) chunkTraceID(c *Chunk) (high, low uint64, ok bool) {
	if c.HasTraceID {
		return c.TraceIDHigh, c.TraceIDLow, true
	}
	for i := range c.Spans {
		s := &c.Spans[i]
		if s.TraceIDHigh != 0 {
			high, low, ok = s.TraceIDHigh, s.TraceID, true
			break
		}
		if s.TraceIDHighTag != "" {
			if h, err := strconv.ParseUint(s.TraceIDHighTag, 16, 64); err == nil {
				high, low, ok = h, s.TraceID, true
				break
			}
		}
	}
	if ok {
		tr.opts.TraceIDCache.Put(low, high)
		return high, low, true
	}
	if tr.opts.TraceIDCache == nil {
		return 0, 0, false
	}
	low = c.Spans[0].TraceID
	if high, ok = tr.opts.TraceIDCache.Get(low); ok {
		tr.stats.CacheHits++
		return high, low, true
	}
	tr.stats.CacheMisses++
	return 0, 0, false
}

func (tr *translation) spanSlice(key resourceKey, p *Payload) ptrace.SpanSlice {
	if ss, ok := tr.spans[key]; ok {
		return ss
	}
	if tr.spans == nil {
		tr.spans = make(map[resourceKey]ptrace.SpanSlice, 4)
	}
	rs := tr.traces.ResourceSpans().AppendEmpty()
	fillResource(rs.Resource().Attributes(), key, p)
	scope := rs.ScopeSpans().AppendEmpty()
	scope.Scope().SetName(scopeName(p.Lang))
	scope.Scope().SetVersion(p.TracerVersion)
	tr.spans[key] = scope.Spans()
	return scope.Spans()
}

func fillResource(m pcommon.Map, key resourceKey, p *Payload) {
	m.EnsureCapacity(8 + len(p.Attrs))
	service := key.service
	if service == "" {
		service = "unknown_service"
	}
	m.PutStr("service.name", service)
	putNonEmpty(m, "deployment.environment.name", key.env)
	putNonEmpty(m, "service.version", key.version)
	putNonEmpty(m, "host.name", key.host)
	m.PutStr("telemetry.sdk.name", "datadog")
	putNonEmpty(m, "telemetry.sdk.language", sdkLanguage(p.Lang))
	putNonEmpty(m, "telemetry.sdk.version", p.TracerVersion)
	putNonEmpty(m, "process.runtime.version", p.LangVersion)
	putNonEmpty(m, "process.runtime.description", p.Interpreter)
	putNonEmpty(m, "container.id", p.ContainerID)
	putNonEmpty(m, "service.instance.id", p.RuntimeID)
	for i := range p.Attrs {
		putAttrValue(m.PutEmpty(p.Attrs[i].Key), &p.Attrs[i])
	}
}

func (tr *translation) span(s *Span, c *Chunk, high, low uint64, priority int64, hasPriority bool, dst ptrace.Span) {
	dst.SetTraceID(traceID(high, low))
	dst.SetSpanID(spanID(s.SpanID))
	if s.ParentID != 0 {
		dst.SetParentSpanID(spanID(s.ParentID))
	}
	name := s.Resource
	if tr.opts.SpanName == SpanNameFromOperation || name == "" {
		name = s.Name
	}
	dst.SetName(name)
	start := pcommon.Timestamp(s.Start)
	end := start
	if s.Duration > 0 {
		end = pcommon.Timestamp(s.Start + s.Duration)
	}
	dst.SetStartTimestamp(start)
	dst.SetEndTimestamp(end)
	dst.SetKind(spanKind(s))

	attrs := dst.Attributes()
	if len(s.Attrs)+len(c.Attrs) > bulkAttrs {
		tr.bulkSpanAttrs(s, c, hasPriority, priority, attrs)
	} else {
		tr.spanAttrs(s, c, hasPriority, priority, attrs)
	}
	tr.spanTail(s, high, dst)
}

// bulkSpanAttrs writes the same attributes as spanAttrs, in one pass (see
// bulkAttrs): later keys replace earlier ones exactly as Put does.
func (tr *translation) bulkSpanAttrs(s *Span, c *Chunk, hasPriority bool, priority int64, attrs pcommon.Map) {
	raw := make(map[string]any, len(s.Attrs)+len(c.Attrs)+6)
	putRawNonEmpty(raw, "operation.name", s.Name)
	putRawNonEmpty(raw, "resource.name", s.Resource)
	putRawNonEmpty(raw, "span.type", s.Type)
	putRawNonEmpty(raw, "component", s.Component)
	if hasPriority {
		raw[attrSamplingPri] = priority
	}
	putRawNonEmpty(raw, attrOrigin, c.Origin)
	for i := range s.Attrs {
		a := &s.Attrs[i]
		if a.Type == AttrMetaStruct {
			v := pcommon.NewValueEmpty()
			if tr.metaStructValue(a, v) {
				raw[a.Key] = v.AsRaw()
				continue
			}
		}
		key, val := spanAttrRaw(a)
		raw[key] = val
	}
	for i := range c.Attrs {
		if c.Attrs[i].Key != chunkAttrSvc {
			raw[c.Attrs[i].Key] = attrRaw(&c.Attrs[i])
		}
	}
	fromRawMap(attrs, raw)
}

func putRawNonEmpty(raw map[string]any, key, val string) {
	if key != "" && val != "" {
		raw[key] = val
	}
}

func (tr *translation) spanAttrs(s *Span, c *Chunk, hasPriority bool, priority int64, attrs pcommon.Map) {
	attrs.EnsureCapacity(len(s.Attrs) + len(c.Attrs) + 6)
	putNonEmpty(attrs, "operation.name", s.Name)
	putNonEmpty(attrs, "resource.name", s.Resource)
	putNonEmpty(attrs, "span.type", s.Type)
	putNonEmpty(attrs, "component", s.Component)
	if hasPriority {
		attrs.PutInt(attrSamplingPri, priority)
	}
	putNonEmpty(attrs, attrOrigin, c.Origin)
	for i := range s.Attrs {
		a := &s.Attrs[i]
		if a.Type == AttrMetaStruct && tr.expandMetaStruct(attrs, a) {
			continue
		}
		putSpanAttr(attrs, a)
	}
	for i := range c.Attrs {
		if c.Attrs[i].Key != chunkAttrSvc {
			putAttrValue(attrs.PutEmpty(c.Attrs[i].Key), &c.Attrs[i])
		}
	}
}

func (tr *translation) spanTail(s *Span, high uint64, dst ptrace.Span) {
	attrs := dst.Attributes()
	if s.KindTag != "" && dst.Kind() == ptrace.SpanKindUnspecified {
		attrs.PutStr(tagSpanKind, s.KindTag)
	}
	if s.TraceIDHighTag != "" {
		if h, err := strconv.ParseUint(s.TraceIDHighTag, 16, 64); err != nil || h != high {
			attrs.PutStr(tagTraceIDHigh, s.TraceIDHighTag)
		}
	}

	tr.status(s, dst)
	tr.links(s, dst)
	tr.events(s, dst)
}

// status: unset unless the span is an error; then error.message (or the
// legacy error.msg), error.type and error.stack become the status message and
// an "exception" event. On spans that are not errors the tags stay attributes.
func (tr *translation) status(s *Span, dst ptrace.Span) {
	if !s.Error {
		putNonEmpty(dst.Attributes(), s.ErrMsgKey, s.ErrMsg)
		putNonEmpty(dst.Attributes(), tagErrType, s.ErrType)
		putNonEmpty(dst.Attributes(), tagErrStack, s.ErrStack)
		return
	}
	dst.Status().SetCode(ptrace.StatusCodeError)
	dst.Status().SetMessage(firstNonEmpty(s.ErrMsg, s.ErrType))
	if s.ErrMsg == "" && s.ErrType == "" && s.ErrStack == "" {
		return
	}
	ev := dst.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(dst.EndTimestamp())
	putNonEmpty(ev.Attributes(), "exception.message", s.ErrMsg)
	putNonEmpty(ev.Attributes(), "exception.type", s.ErrType)
	putNonEmpty(ev.Attributes(), "exception.stacktrace", s.ErrStack)
}

// links: native links win; "_dd.span_links" is read only when there are
// none (dd-trace-go sends both). Unreadable JSON stays an attribute.
func (tr *translation) links(s *Span, dst ptrace.Span) {
	if len(s.Links) > 0 {
		links := dst.Links()
		links.EnsureCapacity(len(s.Links))
		for i := range s.Links {
			l := &s.Links[i]
			pl := links.AppendEmpty()
			pl.SetTraceID(traceID(l.TraceIDHigh, l.TraceID))
			pl.SetSpanID(spanID(l.SpanID))
			pl.TraceState().FromRaw(l.Tracestate)
			pl.SetFlags(linkFlags(l.Flags))
			for j := range l.Attrs {
				putAttrValue(pl.Attributes().PutEmpty(l.Attrs[j].Key), &l.Attrs[j])
			}
		}
		return
	}
	if s.LinksJSON != "" && !tr.metaLinks(s.LinksJSON, dst.Links()) {
		dst.Attributes().PutStr(tagSpanLinks, s.LinksJSON)
	}
}

func (tr *translation) events(s *Span, dst ptrace.Span) {
	for i := range s.Events {
		e := &s.Events[i]
		pe := dst.Events().AppendEmpty()
		pe.SetName(e.Name)
		pe.SetTimestamp(pcommon.Timestamp(e.TimeUnixNano))
		for j := range e.Attrs {
			putAttrValue(pe.Attributes().PutEmpty(e.Attrs[j].Key), &e.Attrs[j])
		}
	}
	if s.EventsJSON != "" && !tr.metaEvents(s.EventsJSON, dst.Events()) {
		dst.Attributes().PutStr(tagSpanEvents, s.EventsJSON)
	}
}

// expandMetaStruct writes a meta_struct entry as a structured attribute when
// it holds one complete msgpack document.
func (tr *translation) expandMetaStruct(attrs pcommon.Map, a *Attr) bool {
	v := pcommon.NewValueEmpty()
	if !tr.metaStructValue(a, v) {
		return false
	}
	v.MoveTo(attrs.PutEmpty(a.Key))
	return true
}

// metaStructValue decodes a meta_struct document into v, each of its values
// counted against the budget (a one-byte msgpack value is a pdata value).
func (tr *translation) metaStructValue(a *Attr, v pcommon.Value) bool {
	rest, err := msgpackToValue(a.Bytes, v, 0, tr.bud)
	return err == nil && len(rest) == 0
}

// spanKind: the v1.0 kind field, else the "span.kind" tag, else the span type.
func spanKind(s *Span) ptrace.SpanKind {
	if s.Kind != ptrace.SpanKindUnspecified {
		return s.Kind
	}
	switch s.KindTag {
	case "server":
		return ptrace.SpanKindServer
	case "client":
		return ptrace.SpanKindClient
	case "producer":
		return ptrace.SpanKindProducer
	case "consumer":
		return ptrace.SpanKindConsumer
	case "internal":
		return ptrace.SpanKindInternal
	}
	switch s.Type {
	case "web":
		return ptrace.SpanKindServer
	case "http", "grpc", "sql", "db", "cache", "redis", "memcached", "mongodb",
		"elasticsearch", "opensearch", "cassandra", "leveldb", "dns", "aerospike":
		return ptrace.SpanKindClient
	case "custom", "template", "worker":
		return ptrace.SpanKindInternal
	}
	return ptrace.SpanKindUnspecified
}

// sdkLanguage normalises Datadog-Meta-Lang to telemetry.sdk.language values.
func sdkLanguage(lang string) string {
	switch l := strings.ToLower(lang); l {
	case ".net", "dotnet", "c#":
		return "dotnet"
	case "javascript", "js", "node", "nodejs":
		return "nodejs"
	case "c++", "cpp":
		return "cpp"
	default:
		return l
	}
}

// scopeName names the instrumentation scope after the tracing library.
func scopeName(lang string) string {
	switch sdkLanguage(lang) {
	case "":
		return "dd-trace"
	case "go":
		return "dd-trace-go"
	case "python":
		return "dd-trace-py"
	case "nodejs":
		return "dd-trace-js"
	case "java":
		return "dd-trace-java"
	case "dotnet":
		return "dd-trace-dotnet"
	case "ruby":
		return "dd-trace-rb"
	case "php":
		return "dd-trace-php"
	case "cpp":
		return "dd-trace-cpp"
	case "rust":
		return "dd-trace-rs"
	default:
		return "dd-trace-" + sdkLanguage(lang)
	}
}

// linkFlags keeps the W3C trace flags; Datadog sets bit 31 to mark them as set.
func linkFlags(f uint32) uint32 { return f & 0xff }

func traceID(high, low uint64) pcommon.TraceID {
	var id pcommon.TraceID
	binary.BigEndian.PutUint64(id[:8], high)
	binary.BigEndian.PutUint64(id[8:], low)
	return id
}

func spanID(v uint64) pcommon.SpanID {
	var id pcommon.SpanID
	binary.BigEndian.PutUint64(id[:], v)
	return id
}

func putNonEmpty(m pcommon.Map, key, val string) {
	if key != "" && val != "" {
		m.PutStr(key, val)
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
