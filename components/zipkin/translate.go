package zipkin

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Options of the translation.
type Options struct {
	// ParseStringTags types tag values that look like integers, floats and
	// booleans, as contrib's parse_string_tags does.
	ParseStringTags bool
	// AliasBody leaves the translated strings pointing into the request
	// body instead of copying each span's bytes (see detach): slightly
	// cheaper, but any span kept downstream keeps the whole body alive.
	AliasBody bool
}

// builder appends translated spans to one ptrace.Traces, grouped by the local
// service name (one resource each, as contrib's translator groups them) and
// then by instrumentation scope name. Groups are found with a map lookup of
// the service name string, not by hashing attribute maps.
type builder struct {
	opt       Options
	td        ptrace.Traces
	resources map[string]int32 // service name -> index in groups
	groups    []resourceGroup
	last      int32            // the group of the previous span: consecutive spans mostly share it
	scopes    map[scopeKey]int // index in resourceGroup.scopes, only for resources with many scopes
	spans     int
	keys      []spanKey // per translated span, in request order (see order.go)
}

type resourceGroup struct {
	service string
	rs      ptrace.ResourceSpans
	scopes  []scopeGroup

	// The span whose tags make the resource: see resourceSource.
	srcScope   string
	srcTags    []tag // its resource tags
	srcKey     string
	srcAnyTags bool
}

type scopeGroup struct {
	name  string
	ss    ptrace.ScopeSpans
	spans ptrace.SpanSlice
	// The otel.library.* and otel.scope.* tags of the group's last span.
	names [4]string
	has   [4]bool
}

func newBuilder(opt Options) *builder {
	return &builder{opt: opt, td: ptrace.NewTraces(), last: -1}
}

// add translates one decoded span. It returns an error, and adds nothing,
// when contrib's translator would have failed on the span (a malformed
// otlp.link.N tag or event annotation).
func (b *builder) add(s *span, raw []byte) error {
	s.dedupTags()
	var hasLinks bool
	scopeName, scopeFromScope := "", false
	for i := range s.tags {
		t := &s.tags[i]
		t.link = -1
		if t.drop {
			continue
		}
		t.class = keyClasses[t.key]
		switch {
		case t.class == classNonSpan && t.key == keyScopeName:
			scopeName, scopeFromScope = t.value, true
		case t.class == classNonSpan && t.key == keyLibraryName && !scopeFromScope:
			scopeName = t.value
		case t.class == classAttr:
			if n := linkIndex(t.key); n >= 0 {
				t.link = int8(n)
				hasLinks = true
			}
		}
	}
	var links [maxLinks]int32
	nLinks := 0
	if hasLinks {
		nLinks = s.collectLinks(&links)
		if err := s.checkLinks(links[:nLinks]); err != nil {
			return err
		}
	}
	if err := s.checkEvents(); err != nil {
		return err
	}

	if !b.opt.AliasBody {
		s.detach(raw)
	}
	service := s.local.serviceName
	if service == "" {
		service = noServiceName
	}
	gi, first := b.resource(service)
	g := &b.groups[gi]
	g.noteResource(s, scopeName, first)
	dst := b.scope(g, gi, scopeName, s).spans.AppendEmpty()
	// The request index, until reorder (see order.go).
	dst.SetDroppedAttributesCount(uint32(len(b.keys)))
	b.keys = append(b.keys, spanKey{service: service, scope: scopeName})
	b.spans++
	b.fillSpan(s, dst, links[:nLinks])
	return nil
}

func (b *builder) resource(service string) (int32, bool) {
	if b.last >= 0 && b.groups[b.last].service == service {
		return b.last, false
	}
	if b.resources == nil {
		b.resources = make(map[string]int32)
	}
	if i, ok := b.resources[service]; ok {
		b.last = i
		return i, false
	}
	rs := b.td.ResourceSpans().AppendEmpty()
	i := int32(len(b.groups))
	rs.Resource().SetDroppedAttributesCount(uint32(i)) // the group, until reorder
	b.groups = append(b.groups, resourceGroup{service: service, rs: rs})
	b.resources[service] = i
	b.last = i
	return i, true
}

// noteResource records s as the span the resource of its service is taken
// from, if it is the one contrib's translator would take: contrib sorts the
// spans by (service, scope name) with a comparator that also answers "less"
// for equal keys, which (up to 12 spans, where sort.Sort is an insertion
// sort) reverses each run of equal keys. Its resource therefore comes from
// the last span, in request order, among those with the smallest scope name.
func (g *resourceGroup) noteResource(s *span, scopeName string, first bool) {
	if !first && scopeName > g.srcScope {
		return
	}
	g.srcScope = scopeName
	g.srcAnyTags = s.liveTags() > 0
	g.srcKey = keyServiceName
	g.srcTags = g.srcTags[:0]
	for i := range s.tags {
		t := &s.tags[i]
		switch {
		case t.drop:
		case t.key == keyServiceNameSource && t.value != "":
			g.srcKey = t.value
		case t.class == classResource:
			g.srcTags = append(g.srcTags, *t)
		}
	}
}

// fillResource sets the resource of a service as contrib's translator does:
// the service name (under the key that otlp.service.name.source names, if
// any), then every resource tag.
func (g *resourceGroup) fillResource() {
	if g.service == noServiceName {
		return
	}
	attrs := g.rs.Resource().Attributes()
	if !g.srcAnyTags {
		attrs.PutStr(keyServiceName, g.service)
		return
	}
	attrs.EnsureCapacity(len(g.srcTags) + 1)
	attrs.PutStr(g.srcKey, g.service)
	for i := range g.srcTags {
		attrs.PutStr(g.srcTags[i].key, g.srcTags[i].value)
	}
}

// finish fills what depends on a group's spans as a whole and returns the
// traces.
func (b *builder) finish() ptrace.Traces {
	b.reorder()
	if !b.opt.AliasBody {
		b.detachGroups()
	}
	for i := range b.groups {
		g := &b.groups[i]
		g.fillResource()
		for j := range g.scopes {
			g.scopes[j].fillScope()
		}
	}
	return b.td
}

func (b *builder) scope(g *resourceGroup, gi int32, name string, s *span) *scopeGroup {
	// A resource rarely has more than a few scopes: they are scanned. Past
	// maxScopeScan a map takes over, so a request naming a new scope in
	// every span still costs linear time.
	var sg *scopeGroup
	if len(g.scopes) <= maxScopeScan {
		for i := range g.scopes {
			if g.scopes[i].name == name {
				sg = &g.scopes[i]
				break
			}
		}
	} else if j, ok := b.scopes[scopeKey{gi, name}]; ok {
		sg = &g.scopes[j]
	}
	if sg == nil {
		ss := g.rs.ScopeSpans().AppendEmpty()
		ss.Scope().SetDroppedAttributesCount(uint32(len(g.scopes))) // the group, until reorder
		g.scopes = append(g.scopes, scopeGroup{name: name, ss: ss, spans: ss.Spans()})
		j := len(g.scopes) - 1
		sg = &g.scopes[j]
		if len(g.scopes) > maxScopeScan {
			if b.scopes == nil {
				b.scopes = make(map[scopeKey]int)
			}
			if len(g.scopes) == maxScopeScan+1 {
				for k := range g.scopes {
					b.scopes[scopeKey{gi, g.scopes[k].name}] = k
				}
			}
			b.scopes[scopeKey{gi, name}] = j
		}
	}
	if name != "" {
		sg.noteNames(s)
	}
	return sg
}

// scopeNameKeys are read in contrib's order: the otel.scope.* tags replace
// the otel.library.* ones.
var scopeNameKeys = [4]string{keyLibraryName, keyLibraryVersion, keyScopeName, keyScopeVersion}

// noteNames keeps the scope tags of the group's latest span: contrib names
// the scope from the last span of the group (see noteResource).
func (sg *scopeGroup) noteNames(s *span) {
	sg.has = [4]bool{}
	for i := range s.tags {
		t := &s.tags[i]
		if t.drop || t.class != classNonSpan {
			continue
		}
		for k, key := range scopeNameKeys {
			if t.key == key {
				sg.names[k], sg.has[k] = t.value, true
			}
		}
	}
}

func (sg *scopeGroup) fillScope() {
	if sg.name == "" {
		return
	}
	scope := sg.ss.Scope()
	for k := range scopeNameKeys {
		if !sg.has[k] {
			continue
		}
		if k%2 == 0 {
			scope.SetName(sg.names[k])
		} else {
			scope.SetVersion(sg.names[k])
		}
	}
}

const maxScopeScan = 8

type scopeKey struct {
	resource int32
	name     string
}

var statusCodes = map[string]ptrace.StatusCode{
	"STATUS_CODE_UNSET": ptrace.StatusCodeUnset,
	"STATUS_CODE_OK":    ptrace.StatusCodeOk,
	"STATUS_CODE_ERROR": ptrace.StatusCodeError,
	// Names the Zipkin exporter once used (contrib issue 14965).
	"Unset": ptrace.StatusCodeUnset,
	"Ok":    ptrace.StatusCodeOk,
	"Error": ptrace.StatusCodeError,
}

func (b *builder) fillSpan(s *span, dst ptrace.Span, links []int32) {
	dst.SetTraceID(traceID(s.traceHi, s.traceLo))
	dst.SetSpanID(spanID(s.id))
	if s.hasParent && s.parent != s.id {
		dst.SetParentSpanID(spanID(s.parent))
	}
	dst.SetName(s.name)

	// consumed marks the special tags that become span fields rather than
	// attributes; everything else stays an attribute.
	kind := ptrace.SpanKindUnspecified
	kindFromField := true
	switch s.kind {
	case "CLIENT":
		kind = ptrace.SpanKindClient
	case "SERVER":
		kind = ptrace.SpanKindServer
	case "PRODUCER":
		kind = ptrace.SpanKindProducer
	case "CONSUMER":
		kind = ptrace.SpanKindConsumer
	default:
		kindFromField = false
	}
	var statusCode, statusDesc, errTag *tag
	for i := range s.tags {
		t := &s.tags[i]
		if t.drop {
			continue
		}
		switch t.class {
		case classTraceState:
			dst.TraceState().FromRaw(t.value)
			t.drop = true
		case classSpanKind:
			if !kindFromField {
				if t.value == "internal" {
					kind = ptrace.SpanKindInternal
				}
				t.drop = true
			}
		case classStatusCode:
			statusCode = t
		case classStatusDescription:
			statusDesc = t
		case classError:
			errTag = t
		}
	}
	dst.SetKind(kind)
	if statusCode != nil {
		dst.Status().SetCode(statusCodes[statusCode.value])
		statusCode.drop = true
		if statusDesc != nil {
			dst.Status().SetMessage(statusDesc.value)
			statusDesc.drop = true
		}
	}
	if errTag != nil {
		dst.Status().SetCode(ptrace.StatusCodeError)
		if errTag.value == "true" {
			errTag.drop = true
		}
	}
	if len(links) > 0 {
		s.fillLinks(links, dst.Links())
	}

	b.fillAttributes(s, dst.Attributes())
	dst.SetStartTimestamp(pcommon.Timestamp(s.start))
	dst.SetEndTimestamp(pcommon.Timestamp(s.end))
	if len(s.annotations) > 0 {
		s.fillEvents(dst.Events())
	}
}

// overridden says whether the endpoint or timestamp attributes, written after
// the tags, replace a tag of this class.
func (s *span) overridden(c keyClass) bool {
	switch c {
	case classLocalAddress:
		return s.local.hasV4 || s.local.hasV6
	case classLocalPort:
		return s.local.port > 0
	case classPeerService:
		return s.remote.serviceName != ""
	case classPeerAddress:
		return s.remote.hasV4 || s.remote.hasV6
	case classPeerPort:
		return s.remote.port > 0
	case classStartTimeAbsent:
		return s.startAbsent
	}
	return false
}

// bigMap is the tag count from which attributes are built through one Go map
// and Map.FromRaw: pdata's Put* scan the map for the key, so a span with
// thousands of tags would otherwise cost n².
const bigMap = 64

func (b *builder) fillAttributes(s *span, attrs pcommon.Map) {
	n := 0
	for i := range s.tags {
		t := &s.tags[i]
		if t.drop || t.class == classResource || t.class == classNonSpan || s.overridden(t.class) {
			t.drop = true
			continue
		}
		n++
	}
	if n > bigMap {
		raw := make(map[string]any, n)
		for i := range s.tags {
			if t := &s.tags[i]; !t.drop {
				raw[t.key] = b.rawValue(t.value)
			}
		}
		_ = attrs.FromRaw(raw)
	} else {
		// Exactly what the span gets: over-reserving costs a slot (about
		// 50 bytes) per span and attribute.
		attrs.EnsureCapacity(n + s.endpointAttrs())
		for i := range s.tags {
			if t := &s.tags[i]; !t.drop {
				b.putTag(attrs, t.key, t.value)
			}
		}
	}
	// The endpoints, as contrib writes them with its default feature gates
	// (EmitV1NetworkConventions on, DontEmitV0NetworkConventions on): the
	// IPv6 address replaces the IPv4 one when a span carries both.
	if s.local.hasV6 {
		attrs.PutStr(keyLocalAddress, s.local.ipv6)
	} else if s.local.hasV4 {
		attrs.PutStr(keyLocalAddress, s.local.ipv4)
	}
	if s.local.port > 0 {
		attrs.PutInt(keyLocalPort, int64(s.local.port))
	}
	if s.remote.serviceName != "" {
		attrs.PutStr(keyPeerService, s.remote.serviceName)
	}
	if s.remote.hasV6 {
		attrs.PutStr(keyPeerAddress, s.remote.ipv6)
	} else if s.remote.hasV4 {
		attrs.PutStr(keyPeerAddress, s.remote.ipv4)
	}
	if s.remote.port > 0 {
		attrs.PutInt(keyPeerPort, int64(s.remote.port))
	}
	if s.startAbsent {
		attrs.PutBool(keyStartTimeAbsent, true)
	}
}

// endpointAttrs counts the attributes fillAttributes writes after the tags.
func (s *span) endpointAttrs() int {
	n := 0
	for _, set := range [...]bool{
		s.local.hasV4 || s.local.hasV6, s.local.port > 0, s.remote.serviceName != "",
		s.remote.hasV4 || s.remote.hasV6, s.remote.port > 0, s.startAbsent,
	} {
		if set {
			n++
		}
	}
	return n
}

func (b *builder) putTag(attrs pcommon.Map, key, value string) {
	if !b.opt.ParseStringTags {
		attrs.PutStr(key, value)
		return
	}
	switch typeOf(value) {
	case pcommon.ValueTypeInt:
		attrs.PutInt(key, parseInt(value))
	case pcommon.ValueTypeDouble:
		attrs.PutDouble(key, parseFloat(value))
	case pcommon.ValueTypeBool:
		attrs.PutBool(key, value == "true")
	default:
		attrs.PutStr(key, value)
	}
}

func (b *builder) rawValue(value string) any {
	if b.opt.ParseStringTags {
		switch typeOf(value) {
		case pcommon.ValueTypeInt:
			return parseInt(value)
		case pcommon.ValueTypeDouble:
			return parseFloat(value)
		case pcommon.ValueTypeBool:
			return value == "true"
		}
	}
	return value
}

func traceID(hi, lo uint64) pcommon.TraceID {
	var id pcommon.TraceID
	putBE(id[:8], hi)
	putBE(id[8:], lo)
	return id
}

func spanID(v uint64) pcommon.SpanID {
	var id pcommon.SpanID
	putBE(id[:], v)
	return id
}

func putBE(b []byte, v uint64) {
	_ = b[7]
	b[0], b[1], b[2], b[3] = byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32)
	b[4], b[5], b[6], b[7] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}
