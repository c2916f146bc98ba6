package datadog

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// AttrType says which field of an Attr holds its value.
type AttrType uint8

// Attribute value types. The values of v1.0's typed attributes map onto them.
const (
	AttrString AttrType = iota + 1
	AttrBool
	AttrDouble
	AttrInt
	AttrBytes
	// AttrValue holds an already converted nested value (array or map).
	AttrValue
	// AttrMetaStruct is a meta_struct entry: bytes holding one msgpack
	// document, expanded into a structured value by the translation. Bytes
	// attributes of other origins (v1.0's typed bytes) stay bytes.
	AttrMetaStruct
)

// Attr is one tag of a Datadog span: a meta entry (string), a metrics entry
// (double), a v1.0 typed attribute or a meta_struct entry (bytes).
type Attr struct {
	Key   string
	Type  AttrType
	Str   string
	Num   float64
	Int   int64
	Bool  bool
	Bytes []byte
	Value pcommon.Value
}

// Link is a span link (native, or decoded from meta "_dd.span_links").
type Link struct {
	TraceIDHigh, TraceID, SpanID uint64
	Tracestate                   string
	Flags                        uint32
	Attrs                        []Attr
}

// Event is a span event (native, or decoded from meta "events").
type Event struct {
	Name         string
	TimeUnixNano uint64
	Attrs        []Attr
}

// Span is a decoded Datadog span. Decoders reuse Span values across spans, so
// nothing may keep a *Span after the chunk callback returns.
type Span struct {
	Service, Name, Resource, Type string
	TraceID, TraceIDHigh          uint64
	SpanID, ParentID              uint64
	Start, Duration               int64
	Error                         bool

	// Fields promoted out of the tags, by the v1.0 protocol or by Span.addStr.
	Env, Version, Component string
	Hostname, Language      string
	Kind                    ptrace.SpanKind
	KindTag                 string
	TraceIDHighTag          string // meta "_dd.p.tid"
	ErrMsgKey, ErrMsg       string // "error.message" or legacy "error.msg"
	ErrType, ErrStack       string
	LinksJSON, EventsJSON   string
	Priority                float64
	HasPriority             bool

	Attrs  []Attr
	Links  []Link
	Events []Event

	// bud is the request's decoding budget (see budget.go); it survives reset.
	bud *budget
}

func (s *Span) reset() {
	attrs, links, events, bud := s.Attrs[:0], s.Links[:0], s.Events[:0], s.bud
	*s = Span{Attrs: attrs, Links: links, Events: events, bud: bud}
}

// appendAttr appends a to the span's attributes within the budget.
func (s *Span) appendAttr(a Attr) { s.bud.appendAttr(&s.Attrs, a) }

// Tag keys with a meaning of their own in the translation.
const (
	tagEnv          = "env"
	tagVersion      = "version"
	tagHostname     = "_dd.hostname"
	tagLanguage     = "language"
	tagSpanKind     = "span.kind"
	tagTraceIDHigh  = "_dd.p.tid"
	tagErrMessage   = "error.message"
	tagErrMsg       = "error.msg"
	tagErrType      = "error.type"
	tagErrStack     = "error.stack"
	tagSpanLinks    = "_dd.span_links"
	tagSpanEvents   = "events"
	tagComponent    = "component"
	metricPriority  = "_sampling_priority_v1"
	chunkAttrSvc    = "service"
	tagProcessTags  = "_dd.tags.process"
	attrOrigin      = "_dd.origin"
	attrSamplingPri = "sampling.priority"
)

// addStr records a string tag, promoting the ones the translation consumes.
func (s *Span) addStr(key, val string) {
	switch key {
	case tagEnv:
		if s.Env == "" {
			s.Env = val
		}
		return
	case tagVersion:
		if s.Version == "" {
			s.Version = val
		}
		return
	case tagHostname:
		s.Hostname = val
		return
	case tagLanguage:
		s.Language = val
		return
	case tagSpanKind:
		s.KindTag = val
		return
	case tagTraceIDHigh:
		s.TraceIDHighTag = val
		return
	case tagErrMessage:
		s.ErrMsgKey, s.ErrMsg = key, val
		return
	case tagErrMsg:
		if s.ErrMsgKey == "" {
			s.ErrMsgKey, s.ErrMsg = key, val
			return
		}
	case tagErrType:
		s.ErrType = val
		return
	case tagErrStack:
		s.ErrStack = val
		return
	case tagSpanLinks:
		s.LinksJSON = val
		return
	case tagSpanEvents:
		s.EventsJSON = val
		return
	case tagComponent:
		if s.Component == "" {
			s.Component = val
		}
		return
	}
	s.appendAttr(Attr{Key: key, Type: AttrString, Str: val})
}

// addNum records a numeric (metrics) tag.
func (s *Span) addNum(key string, val float64) {
	if key == metricPriority {
		s.Priority, s.HasPriority = val, true
		return
	}
	s.appendAttr(Attr{Key: key, Type: AttrDouble, Num: val})
}

// addAttr records a typed attribute (v1.0), routing strings and doubles
// through the same promotion as meta and metrics.
func (s *Span) addAttr(a Attr) {
	switch a.Type {
	case AttrString:
		s.addStr(a.Key, a.Str)
	case AttrDouble:
		s.addNum(a.Key, a.Num)
	case AttrInt:
		if a.Key == metricPriority {
			s.Priority, s.HasPriority = float64(a.Int), true
			return
		}
		s.appendAttr(a)
	default:
		s.appendAttr(a)
	}
}

// Chunk is a list of spans of one trace, as the tracer flushed them.
type Chunk struct {
	Spans []Span

	// The chunk's trace id, for protocols that carry it per chunk (v1.0).
	TraceIDHigh, TraceIDLow uint64
	HasTraceID              bool
	Priority                int64
	HasPriority             bool
	Origin                  string
	Attrs                   []Attr

	// AgentSampled marks chunks an Agent forwarded (/api/v0.2/traces): the
	// Agent has already sampled them, so only Dropped (the Agent kept the
	// chunk's spans for analytics although the trace was dropped) makes
	// them rejected, whatever their priority.
	AgentSampled, Dropped bool

	// bud is the request's decoding budget; it survives reset.
	bud *budget
}

func (c *Chunk) reset() {
	spans, attrs, bud := c.Spans[:0], c.Attrs[:0], c.bud
	*c = Chunk{Spans: spans, Attrs: attrs, bud: bud}
}

// newSpan returns the next span slot, reusing earlier capacity. The pointer is
// valid until the next call. Once the budget is spent the last slot is
// reused, so a body of millions of empty spans allocates no more than the
// budget allows; decoders stop at the next span boundary (spent).
func (c *Chunk) newSpan() *Span {
	n := len(c.Spans)
	if !c.bud.item(1) && n > 0 {
		s := &c.Spans[n-1]
		s.reset()
		return s
	}
	if n < cap(c.Spans) {
		c.Spans = c.Spans[:n+1]
		s := &c.Spans[n]
		s.reset()
		s.bud = c.bud
		return s
	}
	c.Spans = append(c.Spans, Span{bud: c.bud})
	return &c.Spans[n]
}

// spent is the budget's overflow error, or nil: decoders check it after each
// span and chunk.
func (c *Chunk) spent() error { return c.bud.failed() }

// dropLastSpan forgets a span whose decoding failed.
func (c *Chunk) dropLastSpan() { c.Spans = c.Spans[:len(c.Spans)-1] }

// Payload is what a tracer says about itself: from the request headers, and
// for v0.7 and v1.0 also from the payload.
type Payload struct {
	Lang, LangVersion, Interpreter, TracerVersion string
	RuntimeID, ContainerID                        string
	Env, Hostname, AppVersion                     string
	Attrs                                         []Attr

	// seq tells the tracer payloads of one request apart (an Agent payload
	// holds many), so that spans of different tracers never share a resource.
	seq int
}
