package zipkin

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// DecodeV1JSON translates a Zipkin v1 JSON body (an array of spans with
// annotations and binaryAnnotations) as contrib's zipkinv1 JSON unmarshaler
// does, in one pass over the body straight into pdata. Invalid spans are
// dropped and counted, the others kept; a syntax error stops the decoding,
// keeping the spans before it. The error describes the first problem; it is
// nil only when every span was translated.
func DecodeV1JSON(body []byte, opt Options) (ptrace.Traces, Result, error) {
	d := v1Decoder{jsonDecoder: jsonDecoder{jsonScanner: jsonScanner{b: body}}, out: newV1Builder(opt)}
	d.decode()
	return d.out.td, Result{Spans: d.out.spans, Rejected: d.rejected}, d.error()
}

// Errors of a v1 span that contrib's unmarshaler rejects (its messages).
var (
	errV1TraceIDLen = errors.New("zipkinV1 span traceId: hex traceId span has wrong length (expected 16 or 32)")
	errV1TraceID0   = errors.New("zipkinV1 span traceId: traceId is zero")
	errV1IDLen      = errors.New("hex Id has wrong length (expected 16)")
	errV1ID0        = errors.New("ID is zero")
)

// v1Span is one decoded v1 span, reused for every span of a request. Strings
// alias the body until the builder copies them (unless Options.AliasBody).
type v1Span struct {
	traceID, id, parentID, name string
	ts, dur                     int64
	annotations                 []v1Annotation
	binary                      []v1Binary
}

// v1Endpoint is contrib's *endpoint: set is false for a nil pointer.
type v1Endpoint struct {
	set                     bool
	serviceName, ipv4, ipv6 string
	port                    int32
}

type v1Annotation struct {
	ts    int64
	value string
	ep    v1Endpoint
}

type v1Binary struct {
	key, value string
	ep         v1Endpoint
	val        v1Value // the typed value; from value unless the Thrift path set it
	consumed   bool    // the status mapper took it: not an attribute
}

func (s *v1Span) reset() {
	s.traceID, s.id, s.parentID, s.name = "", "", "", ""
	s.ts, s.dur = 0, 0
	clear(s.annotations)
	s.annotations = s.annotations[:0]
	clear(s.binary)
	s.binary = s.binary[:0]
}

type v1Decoder struct {
	jsonDecoder
	out *v1Builder
	s   v1Span
}

func (d *v1Decoder) error() error { return d.listError(d.out.spans) }

// decode reads the top-level value: null (no spans, as json.Unmarshal into a
// nil slice) or an array of spans.
func (d *v1Decoder) decode() { d.decodeList("a list of Zipkin v1 spans", d.element) }

// element reads one span of the list. A null span is rejected: contrib's
// unmarshaler dereferences it and panics.
func (d *v1Decoder) element() {
	if d.peek() != '{' {
		if _, ok := d.skip(); ok {
			d.reject(errors.New("a span must be a JSON object"))
		}
		return
	}
	s := &d.s
	s.reset()
	st := spanState{}
	start := d.i
	d.object(func(key string) { d.spanField(s, &st, key) })
	if d.err != nil {
		return
	}
	if st.err != nil {
		d.reject(st.err)
		return
	}
	if err := d.out.add(s, d.b[start:d.i]); err != nil {
		d.reject(err)
	}
}

func (d *v1Decoder) spanField(s *v1Span, st *spanState, key string) {
	switch {
	case field(key, "traceId"):
		d.stringField(&s.traceID, st)
	case field(key, "id"):
		d.stringField(&s.id, st)
	case field(key, "parentId"):
		d.stringField(&s.parentID, st)
	case field(key, "name"):
		d.stringField(&s.name, st)
	case field(key, "timestamp"):
		d.intField(&s.ts, 64, st)
	case field(key, "duration"):
		d.intField(&s.dur, 64, st)
	case field(key, "debug"):
		d.boolField(st)
	case field(key, "annotations"):
		d.v1Array(st, "annotation", func(isNull bool) {
			if isNull {
				// A nil *annotation: contrib skips it.
				return
			}
			s.annotations = append(s.annotations, v1Annotation{})
			a := &s.annotations[len(s.annotations)-1]
			d.object(func(key string) {
				switch {
				case field(key, "timestamp"):
					d.intField(&a.ts, 64, st)
				case field(key, "value"):
					d.stringField(&a.value, st)
				case field(key, "endpoint"):
					d.v1EndpointField(&a.ep, st)
				default:
					d.skip()
				}
			})
		}, func() { s.annotations = s.annotations[:0] })
	case field(key, "binaryAnnotations"):
		d.v1Array(st, "binary annotation", func(isNull bool) {
			if isNull {
				// contrib dereferences the nil *binaryAnnotation and panics.
				st.fail(errors.New("a binary annotation must be an object, not null"))
				return
			}
			s.binary = append(s.binary, v1Binary{})
			a := &s.binary[len(s.binary)-1]
			d.object(func(key string) {
				switch {
				case field(key, "key"):
					d.stringField(&a.key, st)
				case field(key, "value"):
					d.stringField(&a.value, st)
				case field(key, "endpoint"):
					d.v1EndpointField(&a.ep, st)
				default:
					d.skip()
				}
			})
		}, func() { s.binary = s.binary[:0] })
	default:
		d.skip()
	}
}

// v1Array reads an array of objects (or null, which empties it): elem is
// called with d.i at each element, told whether it is null; other element
// types are type errors. A repeated key starts the array afresh (see the
// receiver's README: encoding/json would decode into the earlier elements).
func (d *v1Decoder) v1Array(st *spanState, what string, elem func(isNull bool), reset func()) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		reset()
		return
	case '[':
	default:
		d.typeError(st, "an array of "+what+"s")
		return
	}
	reset()
	d.i++
	if !d.push() {
		return
	}
	if d.peek() == ']' {
		d.i++
		d.depth--
		return
	}
	for d.err == nil {
		switch d.peek() {
		case '{':
			elem(false)
		case 'n':
			if d.literal("null") {
				elem(true)
			}
		default:
			d.typeError(st, "an "+what+" object")
		}
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			d.depth--
			return
		default:
			d.fail("expected ',' or ']'")
			return
		}
	}
}

// v1EndpointField reads an endpoint into the one already there, as
// encoding/json decodes into a non-nil pointer; null makes it nil.
func (d *v1Decoder) v1EndpointField(e *v1Endpoint, st *spanState) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		*e = v1Endpoint{}
		return
	case '{':
	default:
		d.typeError(st, "an endpoint object")
		return
	}
	if !e.set {
		*e = v1Endpoint{set: true}
	}
	d.object(func(key string) {
		switch {
		case field(key, "serviceName"):
			d.stringField(&e.serviceName, st)
		case field(key, "ipv4"):
			d.stringField(&e.ipv4, st)
		case field(key, "ipv6"):
			d.stringField(&e.ipv6, st)
		case field(key, "port"):
			v := int64(e.port)
			d.intField(&v, 32, st)
			e.port = int32(v)
		default:
			d.skip()
		}
	})
}

// intField reads a signed integer of bits bits as encoding/json decodes a
// number into an int64 or int32 (no fraction or exponent, no overflow);
// null leaves it unchanged.
func (d *v1Decoder) intField(dst *int64, bits int, st *spanState) {
	switch c := d.peek(); {
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		num, ok := d.number()
		if !ok {
			return
		}
		v, err := strconv.ParseInt(bytesToString(num), 10, bits)
		if err != nil {
			st.fail(fmt.Errorf("number %s is not a signed %d-bit integer", num, bits))
			return
		}
		*dst = v
	default:
		d.typeError(st, "a number")
	}
}

// v1Now stands for contrib's time.Now() on spans without any timestamp: one
// reading per request (contrib reads the clock once per such span).
func v1Now() uint64 { return uint64(time.Now().UnixNano()) }
