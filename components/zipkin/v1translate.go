package zipkin

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The v1 translation is contrib's zipkinv1 package (v0.158.0, default
// feature gates): a span's resource is the endpoint of its first span-kind
// annotation (cs, cr, ss, sr, ms, mr) that names a service, else a service
// named by a binary annotation's endpoint or the "lc" tag, else
// "unknown-service"; resources come in first-appearance order, each with one
// empty scope; annotations become events, binary annotations attributes.

// v1UnknownService is contrib's default service name.
const v1UnknownService = "unknown-service"

// v1ResourceKey identifies a resource by its endpoint without formatting it.
type v1ResourceKey struct {
	service, ipv4, ipv6 string
	port                int32
}

type v1Builder struct {
	opt   Options
	td    ptrace.Traces
	spans int
	now   uint64 // the clock reading for spans without timestamps, 0 until needed

	byKey map[v1ResourceKey]ptrace.SpanSlice
	// byText is contrib's own grouping key, "service-ipv4-ipv6-port":
	// distinct endpoints can format alike (hyphens in names) and then
	// share a resource, as in contrib. Consulted once per new endpoint.
	byText map[string]ptrace.SpanSlice

	detached []*string // scratch of detach
}

func newV1Builder(opt Options) *v1Builder {
	return &v1Builder{opt: opt, td: ptrace.NewTraces()}
}

// add translates one decoded span. It returns an error, and adds nothing,
// when contrib would have failed on the span.
func (b *v1Builder) add(s *v1Span, raw []byte) error {
	tid, err := v1TraceID(s.traceID)
	if err != nil {
		return err
	}
	sid, err := v1SpanID(s.id)
	if err != nil {
		return fmt.Errorf("zipkinV1 span id: %w", err)
	}
	var parent pcommon.SpanID
	if s.parentID != "" {
		if parent, err = v1SpanID(s.parentID); err != nil {
			return fmt.Errorf("zipkinV1 span parentId: %w", err)
		}
	}
	if !b.opt.AliasBody {
		b.detach(s, raw)
	}

	a := v1Annotations(s.annotations)
	res := a.resource(s.fallbackService())
	start, end := a.start, a.end
	if s.ts != 0 {
		start, end = v1Timestamp(s.ts), v1Timestamp(s.ts+s.dur)
	}
	absent := start == 0
	if absent {
		if b.now == 0 {
			b.now = v1Now()
		}
		start, end = b.now, b.now
	}

	dst := b.resource(res).AppendEmpty()
	b.spans++
	a.fillEvents(s.annotations, dst)
	if len(s.binary) > 0 {
		extra := 0
		if absent {
			extra = 1
		}
		b.fillBinary(s.binary, dst, extra)
	}
	if absent {
		dst.Attributes().PutBool(keyStartTimeAbsent, true)
	}
	dst.SetStartTimestamp(pcommon.Timestamp(start))
	dst.SetEndTimestamp(pcommon.Timestamp(end))
	dst.SetKind(a.kind)
	dst.SetName(s.name)
	dst.SetTraceID(tid)
	dst.SetSpanID(sid)
	dst.SetParentSpanID(parent)
	return nil
}

// v1AnnotationSummary is what a span's annotations say, as contrib's
// jsonAnnotationsToSpanAndEndpoint (shared by its JSON and Thrift paths)
// reads them: the kind and endpoint of the first span-kind annotation, the
// earliest and latest times, how many become events.
type v1AnnotationSummary struct {
	kind       ptrace.SpanKind
	ep         *v1Endpoint
	start, end uint64
	events     int
}

func v1Annotations(anns []v1Annotation) v1AnnotationSummary {
	var r v1AnnotationSummary
	kindSet := false
	early, late := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range anns {
		a := &anns[i]
		if a.value == "" {
			continue
		}
		k, isKind := v1Kind(a.value)
		if isKind {
			if r.ep == nil && a.ep.set && a.ep.serviceName != "" && a.ep.serviceName != v1UnknownService {
				r.ep = &a.ep
			}
			if !kindSet {
				r.kind, kindSet = k, true
			}
		} else {
			r.events++
		}
		if a.ts < early {
			early, r.start = a.ts, v1Timestamp(a.ts)
		}
		if a.ts > late {
			late, r.end = a.ts, v1Timestamp(a.ts)
		}
	}
	return r
}

// resource is the endpoint of the span's resource: the annotations' one,
// else one named by the binary annotations (fallback), else unknown-service.
func (r *v1AnnotationSummary) resource(fallback string) v1Endpoint {
	res := v1Endpoint{serviceName: v1UnknownService}
	if r.ep != nil {
		res = *r.ep
	}
	if res.serviceName == v1UnknownService && fallback != "" {
		res.serviceName = fallback
	}
	return res
}

func (r *v1AnnotationSummary) fillEvents(anns []v1Annotation, dst ptrace.Span) {
	if r.events == 0 {
		return
	}
	evs := dst.Events()
	evs.EnsureCapacity(r.events)
	for i := range anns {
		a := &anns[i]
		if _, isKind := v1Kind(a.value); a.value == "" || isKind {
			continue
		}
		ev := evs.AppendEmpty()
		ev.SetTimestamp(pcommon.Timestamp(v1Timestamp(a.ts)))
		ev.SetName(a.value)
	}
}

func v1Kind(value string) (ptrace.SpanKind, bool) {
	switch value {
	case "cs", "cr":
		return ptrace.SpanKindClient, true
	case "ms":
		return ptrace.SpanKindProducer, true
	case "mr":
		return ptrace.SpanKindConsumer, true
	case "ss", "sr":
		return ptrace.SpanKindServer, true
	}
	return 0, false
}

// v1Timestamp converts microseconds as contrib does: none before the epoch,
// and the multiplication wraps as contrib's does.
func v1Timestamp(us int64) uint64 {
	if us <= 0 {
		return 0
	}
	return uint64(us) * 1e3
}

// fallbackService is the service named by the last binary annotation's
// endpoint, else the value of the last "lc" tag.
func (s *v1Span) fallbackService() string {
	name, lc := "", ""
	for i := range s.binary {
		a := &s.binary[i]
		if a.ep.set && a.ep.serviceName != "" {
			name = a.ep.serviceName
		}
		if a.key == "lc" {
			lc = a.value
		}
	}
	if name == "" {
		return lc
	}
	return name
}

// fillBinary writes the binary annotations as attributes (a repeated key
// keeps its first position and its last value, as pcommon.Map.PutEmpty
// does) and derives the status as contrib's statusMapper does. extra is the
// number of attributes the caller adds afterwards.
func (b *v1Builder) fillBinary(bins []v1Binary, dst ptrace.Span, extra int) {
	var st v1StatusMapper
	n := 0
	for i := range bins {
		a := &bins[i]
		if a.key == "lc" {
			a.key = "component"
		}
		if a.val.typ == pcommon.ValueTypeEmpty {
			a.val = b.typed(a.value)
		}
		if a.consumed = st.drops(a.key, &a.val); a.consumed {
			continue
		}
		n++
	}
	attrs := dst.Attributes()
	if n > bigMap {
		// pdata's Put* scan the map: a span with thousands of binary
		// annotations would cost n².
		raw := make(map[string]any, n)
		for i := range bins {
			if a := &bins[i]; !a.consumed {
				raw[a.key] = a.val.raw()
			}
		}
		_ = attrs.FromRaw(raw)
	} else {
		attrs.EnsureCapacity(n + extra)
		for i := range bins {
			if a := &bins[i]; !a.consumed {
				a.val.put(attrs, a.key)
			}
		}
	}
	st.apply(dst.Status())
}

// v1Value is a binary annotation's value as contrib types it: a string (v1
// JSON, typed by parse_string_tags), or by the Thrift annotation type.
type v1Value struct {
	typ pcommon.ValueType
	s   string
	i   int64
	d   float64
	b   bool
}

// typed types a v1 JSON value as parse_string_tags asks.
func (b *v1Builder) typed(value string) v1Value {
	if b.opt.ParseStringTags {
		switch typeOf(value) {
		case pcommon.ValueTypeInt:
			return v1Value{typ: pcommon.ValueTypeInt, i: parseInt(value)}
		case pcommon.ValueTypeDouble:
			return v1Value{typ: pcommon.ValueTypeDouble, d: parseFloat(value)}
		case pcommon.ValueTypeBool:
			return v1Value{typ: pcommon.ValueTypeBool, b: value == "true"}
		}
	}
	return v1Value{typ: pcommon.ValueTypeStr, s: value}
}

func (v *v1Value) put(attrs pcommon.Map, key string) {
	switch v.typ {
	case pcommon.ValueTypeInt:
		attrs.PutInt(key, v.i)
	case pcommon.ValueTypeDouble:
		attrs.PutDouble(key, v.d)
	case pcommon.ValueTypeBool:
		attrs.PutBool(key, v.b)
	default:
		attrs.PutStr(key, v.s)
	}
}

func (v *v1Value) raw() any {
	switch v.typ {
	case pcommon.ValueTypeInt:
		return v.i
	case pcommon.ValueTypeDouble:
		return v.d
	case pcommon.ValueTypeBool:
		return v.b
	}
	return v.s
}

// str is pcommon.Value.Str(): empty unless the value is a string.
func (v *v1Value) str() string {
	if v.typ == pcommon.ValueTypeStr {
		return v.s
	}
	return ""
}

// statusCode reads a status code as contrib's attribToStatusCode does: an
// int32, from an integer or a decimal string.
func (v *v1Value) statusCode() (int32, bool) {
	switch v.typ {
	case pcommon.ValueTypeInt:
		if v.i < math.MinInt32 || v.i > math.MaxInt32 {
			return 0, false
		}
		return int32(v.i), true
	case pcommon.ValueTypeStr:
		c, err := strconv.ParseInt(v.s, 10, 32)
		return int32(c), err == nil
	}
	return 0, false
}

// resource returns the span slice of the endpoint's resource, creating it.
func (b *v1Builder) resource(ep v1Endpoint) ptrace.SpanSlice {
	key := v1ResourceKey{ep.serviceName, ep.ipv4, ep.ipv6, ep.port}
	if ss, ok := b.byKey[key]; ok {
		return ss
	}
	if b.byKey == nil {
		b.byKey = map[v1ResourceKey]ptrace.SpanSlice{}
		b.byText = map[string]ptrace.SpanSlice{}
	}
	if !b.opt.AliasBody {
		key.service = strings.Clone(key.service)
		key.ipv4 = strings.Clone(key.ipv4)
		key.ipv6 = strings.Clone(key.ipv6)
	}
	text := fmt.Sprintf("%s-%s-%s-%d", key.service, key.ipv4, key.ipv6, key.port)
	if ss, ok := b.byText[text]; ok {
		b.byKey[key] = ss
		return ss
	}
	rs := b.td.ResourceSpans().AppendEmpty()
	attrs := rs.Resource().Attributes()
	attrs.PutStr("service.name", key.service)
	if key.ipv4 != "" {
		attrs.PutStr("ipv4", key.ipv4)
	}
	if key.ipv6 != "" {
		attrs.PutStr("ipv6", key.ipv6)
	}
	if key.port != 0 {
		attrs.PutStr("port", strconv.Itoa(int(key.port)))
	}
	ss := rs.ScopeSpans().AppendEmpty().Spans()
	b.byKey[key] = ss
	b.byText[text] = ss
	return ss
}

// detach copies the span's strings that reach pdata and point into raw into
// one allocation, as span.detach does for v2.
func (b *v1Builder) detach(s *v1Span, raw []byte) {
	if len(raw) == 0 {
		return
	}
	lo := uintptr(unsafe.Pointer(&raw[0]))
	hi := lo + uintptr(len(raw))
	ptrs := b.detached[:0]
	n := 0
	add := func(p *string) {
		if len(*p) == 0 {
			return
		}
		if a := uintptr(unsafe.Pointer(unsafe.StringData(*p))); a >= lo && a < hi {
			ptrs = append(ptrs, p)
			n += len(*p)
		}
	}
	add(&s.name)
	for i := range s.annotations {
		add(&s.annotations[i].value)
	}
	for i := range s.binary {
		add(&s.binary[i].key)
		add(&s.binary[i].value)
	}
	b.detached = ptrs
	if n == 0 {
		return
	}
	own := make([]byte, 0, n)
	for _, p := range ptrs {
		at := len(own)
		own = append(own, *p...)
		*p = unsafe.String(&own[at], len(*p))
	}
	clear(ptrs)
}

func v1TraceID(h string) (pcommon.TraceID, error) {
	var id pcommon.TraceID
	switch len(h) {
	case 16:
		if err := decodeHexID(id[8:], h); err != nil {
			return id, fmt.Errorf("zipkinV1 span traceId: %w", err)
		}
	case 32:
		if err := decodeHexID(id[:], h); err != nil {
			return id, fmt.Errorf("zipkinV1 span traceId: %w", err)
		}
	default:
		return id, errV1TraceIDLen
	}
	if id.IsEmpty() {
		return id, errV1TraceID0
	}
	return id, nil
}

func v1SpanID(h string) (pcommon.SpanID, error) {
	var id pcommon.SpanID
	if len(h) != 16 {
		return id, errV1IDLen
	}
	if err := decodeHexID(id[:], h); err != nil {
		return id, err
	}
	if id.IsEmpty() {
		return id, errV1ID0
	}
	return id, nil
}

// v1StatusMapper is contrib's statusMapper: the status comes from
// census.status_code, else otel.status_code, else the error tag, else
// http.status_code.
type v1StatusMapper struct {
	census, otel, errTag, http v1Status
}

type v1Status struct {
	set  bool
	code ptrace.StatusCode
	msg  string
}

// drops notes what a binary annotation says about the status and reports
// whether it is consumed (not an attribute).
func (m *v1StatusMapper) drops(key string, v *v1Value) bool {
	switch key {
	case "census.status_code":
		if c, ok := v.statusCode(); ok {
			m.census.set, m.census.code = true, ptrace.StatusCodeOk
			if c != 0 {
				m.census.code = ptrace.StatusCodeError
			}
		}
		return true
	case "census.status_description", "opencensus.status_description":
		m.census.msg = v.str()
		return true
	case "otel.status_code":
		// Kept as is, even outside the enum, as contrib keeps it.
		if c, ok := v.statusCode(); ok {
			m.otel.set, m.otel.code = true, ptrace.StatusCode(c)
		}
		return true
	case "otel.status_description":
		m.otel.msg = v.str()
		return true
	case "http.status_code", "http.response.status_code":
		if c, ok := v.statusCode(); ok {
			m.http.set, m.http.code = true, ptrace.StatusCodeError
			if c >= 100 && c < 400 {
				m.http.code = ptrace.StatusCodeUnset
			}
		}
	case "http.status_message":
		m.http.msg = v.str()
	case "error":
		m.errTag.set, m.errTag.code = true, ptrace.StatusCodeError
		return true
	}
	return false
}

func (m *v1StatusMapper) apply(dst ptrace.Status) {
	var s v1Status
	switch {
	case m.census.set:
		s = m.census
	case m.otel.set:
		s = m.otel
	case m.errTag.set:
		s = m.errTag
		if m.census.msg != "" {
			s.msg = m.census.msg
		} else if m.otel.msg != "" {
			s.msg = m.otel.msg
		}
	case m.http.set:
		s = m.http
	default:
		return
	}
	dst.SetCode(s.code)
	dst.SetMessage(s.msg)
}
