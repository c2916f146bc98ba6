package zipkin

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Result says what a decode kept and rejected.
type Result struct {
	Spans    int // spans translated into the returned traces
	Rejected int // spans dropped because they were invalid
}

// Errors of a span that contrib's zipkin-go model rejects.
var (
	ErrValidIDRequired        = errors.New("valid span id required")
	ErrValidTraceIDRequired   = errors.New("valid traceId required")
	ErrValidTimestampRequired = errors.New("valid annotation timestamp required")
)

// DecodeV2JSON translates a Zipkin v2 JSON body (an array of spans). Invalid
// spans are dropped and counted, the others kept; a syntax error stops the
// decoding, keeping the spans before it. The error describes the first
// problem; it is nil only when every span was translated.
func DecodeV2JSON(body []byte, opt Options) (ptrace.Traces, Result, error) {
	d := jsonDecoder{jsonScanner: jsonScanner{b: body}, out: newBuilder(opt)}
	d.decode()
	td := d.out.finish()
	return td, Result{Spans: d.out.spans, Rejected: d.rejected}, d.error()
}

type jsonDecoder struct {
	jsonScanner
	out      *builder
	s        span
	rejected int
	spanErr  error // the first error of a span
}

func (d *jsonDecoder) error() error { return d.listError(d.out.spans) }

func (d *jsonDecoder) decode() { d.decodeList("a list of Zipkin spans", d.element) }

// listError is the outcome of decoding a span list of which accepted spans were kept: the
// scan's error, else how many spans were rejected and why the first was.
func (d *jsonDecoder) listError(accepted int) error {
	if d.err != nil {
		if accepted > 0 || d.rejected > 0 {
			return fmt.Errorf("%w (after %d spans)", d.err, accepted+d.rejected)
		}
		return d.err
	}
	if d.spanErr != nil {
		return fmt.Errorf("%d of %d spans rejected, the first because: %w", d.rejected, d.rejected+accepted, d.spanErr)
	}
	return nil
}

// decodeList reads the top-level value: null (no spans, as json.Unmarshal into a nil slice) or
// an array whose every element element reads. Valid JSON of another type is refused as not
// being what (the v2 and v1 lists say which).
func (d *jsonDecoder) decodeList(what string, element func()) {
	switch d.peek() {
	case '[':
	case 'n':
		if d.literal("null") && !d.atEnd() {
			d.fail("data after the top-level value")
		}
		return
	case 0:
		d.fail("empty body")
		return
	default:
		if _, ok := d.skip(); ok {
			if !d.atEnd() {
				d.fail("data after the top-level value")
				return
			}
			d.err = errors.New("cannot unmarshal a JSON " + kindName(d.b0()) + " into " + what)
		}
		return
	}
	d.i++
	d.push()
	if d.peek() == ']' {
		d.i++
	} else {
		for d.err == nil {
			element()
			if d.err != nil {
				return
			}
			switch d.peek() {
			case ',':
				d.i++
				continue
			case ']':
				d.i++
			default:
				d.fail("expected ',' or ']'")
				return
			}
			break
		}
	}
	if d.err == nil && !d.atEnd() {
		d.fail("data after the top-level value")
	}
}

func (d *jsonDecoder) b0() byte {
	for _, c := range d.b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c
	}
	return 0
}

func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

func (d *jsonDecoder) reject(err error) {
	d.rejected++
	if d.spanErr == nil {
		d.spanErr = err
	}
}

// element reads one element of the span list: a span, null (skipped, as
// contrib skips nil spans) or anything else (rejected).
func (d *jsonDecoder) element() {
	switch d.peek() {
	case '{':
	case 'n':
		// Contrib sorts the nil span with the others (see order.go).
		if d.literal("null") {
			d.out.keys = append(d.out.keys, spanKey{service: noServiceName})
		}
		return
	default:
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
	if st.err == nil && s.id < 1 {
		st.err = ErrValidIDRequired
	}
	if st.err != nil {
		d.reject(st.err)
		return
	}
	if st.t > 0 {
		s.setTimes(int64(st.t)*1e3, false, time.Duration(st.d*1e3))
	} else {
		s.setTimes(0, true, time.Duration(st.d*1e3))
	}
	if err := d.out.add(s, d.b[start:d.i]); err != nil {
		d.reject(err)
	}
}

// spanState is what a span's decoding needs beyond the span itself.
type spanState struct {
	t, d uint64 // timestamp and duration in microseconds
	err  error
}

func (st *spanState) fail(err error) {
	if st.err == nil {
		st.err = err
	}
}

// object reads an object at d.i, calling field for each key with d.i at the
// value; field must consume the value.
func (d *jsonDecoder) object(field func(key string)) {
	if !d.expect('{') || !d.push() {
		return
	}
	if d.peek() == '}' {
		d.i++
		d.depth--
		return
	}
	for d.err == nil {
		if d.peek() != '"' {
			d.fail("expected a key")
			return
		}
		key, ok := d.str()
		if !ok || !d.expect(':') {
			return
		}
		d.ws()
		field(key)
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return
		default:
			d.fail("expected ',' or '}'")
			return
		}
	}
}

// field matches a key to a field name as encoding/json does: exactly, else
// case-insensitively.
func field(key, name string) bool {
	return key == name || strings.EqualFold(key, name)
}

func (d *jsonDecoder) spanField(s *span, st *spanState, key string) {
	switch {
	case field(key, "traceId"):
		raw, ok := d.skip()
		if ok {
			hi, lo, err := parseTraceID(raw)
			if err != nil {
				st.fail(err)
			}
			s.traceHi, s.traceLo = hi, lo
		}
	case field(key, "id"):
		if raw, ok := d.skip(); ok {
			if id, set, err := parseSpanID(raw); err != nil {
				st.fail(err)
			} else if set {
				s.id = id
			}
		}
	case field(key, "parentId"):
		if d.peek() == 'n' {
			d.literal("null")
			s.hasParent, s.parent = false, 0
			return
		}
		if raw, ok := d.skip(); ok {
			if !s.hasParent {
				s.hasParent, s.parent = true, 0
			}
			if id, set, err := parseSpanID(raw); err != nil {
				st.fail(err)
			} else if set {
				s.parent = id
			}
		}
	case field(key, "name"):
		d.stringField(&s.name, st)
	case field(key, "kind"):
		d.stringField(&s.kind, st)
	case field(key, "timestamp"):
		d.uintField(&st.t, 64, st)
	case field(key, "duration"):
		d.uintField(&st.d, 64, st)
	case field(key, "debug"), field(key, "shared"):
		d.boolField(st)
	case field(key, "localEndpoint"):
		d.endpointField(&s.local, st)
	case field(key, "remoteEndpoint"):
		d.endpointField(&s.remote, st)
	case field(key, "annotations"):
		d.annotationsField(s, st)
	case field(key, "tags"):
		d.tagsField(s, st)
	default:
		d.skip()
	}
}

// typeError consumes a value of the wrong JSON type for a field.
func (d *jsonDecoder) typeError(st *spanState, what string) {
	if _, ok := d.skip(); ok {
		st.fail(fmt.Errorf("%s expected", what))
	}
}

func (d *jsonDecoder) stringField(dst *string, st *spanState) {
	switch d.peek() {
	case '"':
		if v, ok := d.str(); ok {
			*dst = v
		}
	case 'n':
		d.literal("null")
	default:
		d.typeError(st, "a string")
	}
}

func (d *jsonDecoder) boolField(st *spanState) {
	switch d.peek() {
	case 't':
		d.literal("true")
	case 'f':
		d.literal("false")
	case 'n':
		d.literal("null")
	default:
		d.typeError(st, "a boolean")
	}
}

// uintField reads an unsigned integer of bits bits: digits only, as
// encoding/json's uint decoding takes them.
func (d *jsonDecoder) uintField(dst *uint64, bits uint, st *spanState) {
	switch c := d.peek(); {
	case c == 'n':
		d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		num, ok := d.number()
		if !ok {
			return
		}
		v, ok := parseDecimal(num, bits)
		if !ok {
			st.fail(fmt.Errorf("number %s is not an unsigned %d-bit integer", num, bits))
			return
		}
		*dst = v
	default:
		d.typeError(st, "a number")
	}
}

func parseDecimal(b []byte, bits uint) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (1<<64-1)/10 {
			return 0, false
		}
		n1 := n*10 + uint64(c-'0')
		if n1 < n {
			return 0, false
		}
		n = n1
	}
	if bits < 64 && n >= 1<<bits {
		return 0, false
	}
	return n, true
}

func (d *jsonDecoder) endpointField(e *endpoint, st *spanState) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		*e = endpoint{}
		return
	case '{':
	default:
		d.typeError(st, "an endpoint object")
		return
	}
	d.object(func(key string) {
		switch {
		case field(key, "ServiceName"):
			d.stringField(&e.serviceName, st)
		case field(key, "IPv4"):
			d.ipField(&e.ipv4, &e.hasV4, st)
		case field(key, "IPv6"):
			d.ipField(&e.ipv6, &e.hasV6, st)
		case field(key, "Port"):
			var p uint64 = uint64(e.port)
			d.uintField(&p, 16, st)
			e.port = uint16(p)
		default:
			d.skip()
		}
	})
}

// ipField reads an address as net.IP's UnmarshalText does, and keeps it
// formatted as net.IP's String formats it.
func (d *jsonDecoder) ipField(dst *string, has *bool, st *spanState) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		return
	case '"':
	default:
		d.typeError(st, "an IP address string")
		return
	}
	v, ok := d.str()
	if !ok {
		return
	}
	if v == "" {
		*dst, *has = "", false
		return
	}
	f, ok := formatIP(v)
	if !ok {
		st.fail(&net.ParseError{Type: "IP address", Text: v})
		return
	}
	*dst, *has = f, true
}

// formatIP parses like net.ParseIP and formats like net.IP.String. Dotted
// IPv4, the usual case, is its own canonical form and is not reformatted.
func formatIP(v string) (string, bool) {
	if isDottedDecimal(v) {
		if a, err := netip.ParseAddr(v); err == nil && a.Is4() {
			return v, true
		}
		return "", false
	}
	ip := net.ParseIP(v)
	if ip == nil {
		return "", false
	}
	return ip.String(), true
}

func isDottedDecimal(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func (d *jsonDecoder) annotationsField(s *span, st *spanState) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		s.annotations = s.annotations[:0]
		return
	case '[':
	default:
		d.typeError(st, "an array of annotations")
		return
	}
	s.annotations = s.annotations[:0]
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
		if d.peek() != '{' {
			// null makes zipkin-go's Annotation.UnmarshalJSON dereference
			// nil (contrib's receiver panics); anything else is a type error.
			d.typeError(st, "an annotation object")
		} else {
			var ts uint64
			var value string
			d.object(func(key string) {
				switch {
				case key == "Timestamp":
					// zipkin-go's Annotation embeds a time.Time field of this
					// exact name: it is decoded (and must be valid), then
					// replaced by "timestamp".
					if raw, ok := d.skip(); ok {
						var t time.Time
						if err := t.UnmarshalJSON(raw); err != nil {
							st.fail(err)
						}
					}
				case field(key, "timestamp"):
					d.uintField(&ts, 64, st)
				case field(key, "Value"):
					d.stringField(&value, st)
				default:
					d.skip()
				}
			})
			if d.err != nil {
				return
			}
			if ts < 1 {
				st.fail(ErrValidTimestampRequired)
			}
			s.annotations = append(s.annotations, annotation{ts: uint64(int64(ts) * 1e3), value: value})
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

func (d *jsonDecoder) tagsField(s *span, st *spanState) {
	switch d.peek() {
	case 'n':
		d.literal("null")
		s.tags = s.tags[:0]
		return
	case '{':
	default:
		d.typeError(st, "a tags object")
		return
	}
	d.object(func(key string) {
		switch d.peek() {
		case '"':
			if v, ok := d.str(); ok {
				s.tags = append(s.tags, tag{key: key, value: v})
			}
		case 'n':
			// A Go map keeps the key with an empty value.
			d.literal("null")
			s.tags = append(s.tags, tag{key: key})
		default:
			d.typeError(st, "a string tag value")
		}
	})
}

// parseTraceID reads a trace id as zipkin-go's TraceID.UnmarshalJSON does:
// the raw value minus its first and last byte, as up to 32 hex digits.
func parseTraceID(raw []byte) (hi, lo uint64, err error) {
	if len(raw) < 3 {
		return 0, 0, ErrValidTraceIDRequired
	}
	h := raw[1 : len(raw)-1]
	var ok bool
	if len(h) > 16 {
		if hi, ok = parseHex(h[:len(h)-16]); !ok {
			return 0, 0, fmt.Errorf("invalid traceId %q", h)
		}
		h = h[len(h)-16:]
	}
	if lo, ok = parseHex(h); !ok {
		return 0, 0, fmt.Errorf("invalid traceId %q", h)
	}
	return hi, lo, nil
}

// parseSpanID reads a span id as zipkin-go's ID.UnmarshalJSON does: a raw
// value shorter than 3 bytes leaves the id unset without error.
func parseSpanID(raw []byte) (uint64, bool, error) {
	if len(raw) < 3 {
		return 0, false, nil
	}
	v, ok := parseHex(raw[1 : len(raw)-1])
	if !ok {
		return 0, false, fmt.Errorf("invalid span id %q", raw)
	}
	return v, true, nil
}

// parseHex is strconv.ParseUint(s, 16, 64) without the string conversion.
func parseHex(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		v := hexVal(c)
		if v < 0 || n>>60 != 0 {
			return 0, false
		}
		n = n<<4 | uint64(v)
	}
	return n, true
}
