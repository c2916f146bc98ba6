package zipkin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of zipkin.proto3 (openzipkin/zipkin-api, proto/zipkin.proto).
const (
	fieldListSpans = 1

	fieldSpanTraceID     = 1
	fieldSpanParentID    = 2
	fieldSpanID          = 3
	fieldSpanKind        = 4
	fieldSpanName        = 5
	fieldSpanTimestamp   = 6
	fieldSpanDuration    = 7
	fieldSpanLocal       = 8
	fieldSpanRemote      = 9
	fieldSpanAnnotations = 10
	fieldSpanTags        = 11

	fieldEndpointService = 1
	fieldEndpointIPv4    = 2
	fieldEndpointIPv6    = 3
	fieldEndpointPort    = 4

	fieldAnnotationTimestamp = 1
	fieldAnnotationValue     = 2
)

var errInvalidUTF8 = errors.New("string field contains invalid UTF-8")

// DecodeV2Proto translates a Zipkin v2 proto3 body (a ListOfSpans), span by
// span, with the same conversion as zipkin-go's zipkin_proto3.ParseSpans.
// Invalid spans are dropped and counted; a wire-format error stops the
// decoding, keeping the spans before it.
func DecodeV2Proto(body []byte, opt Options) (ptrace.Traces, Result, error) {
	out := newBuilder(opt)
	var s span
	var res Result
	var firstErr, wireErr error
	for len(body) > 0 {
		num, typ, n := consumeTag(body)
		if n < 0 {
			wireErr = protowire.ParseError(n)
			break
		}
		body = body[n:]
		if num != fieldListSpans || typ != protowire.BytesType {
			m := protowire.ConsumeFieldValue(num, typ, body)
			if m < 0 {
				wireErr = protowire.ParseError(m)
				break
			}
			body = body[m:]
			continue
		}
		msg, m := protowire.ConsumeBytes(body)
		if m < 0 {
			wireErr = protowire.ParseError(m)
			break
		}
		body = body[m:]
		s.reset()
		err, wire := decodeProtoSpan(msg, &s)
		if wire {
			wireErr = err
			break
		}
		if err == nil {
			err = out.add(&s, msg)
		}
		if err != nil {
			res.Rejected++
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	res.Spans = out.spans
	switch {
	case wireErr != nil:
		return out.finish(), res, fmt.Errorf("invalid protobuf after %d spans: %w", res.Spans+res.Rejected, wireErr)
	case firstErr != nil:
		return out.finish(), res, fmt.Errorf("%d of %d spans rejected, the first because: %w", res.Rejected, res.Rejected+res.Spans, firstErr)
	}
	return out.finish(), res, nil
}

// protoFields walks the fields of one message, calling f for each; f
// returns how much of b it consumed for a field it knows (or -1 to skip it
// as an unknown field, which is still validated).
func protoFields(b []byte, f func(num protowire.Number, typ protowire.Type, b []byte) (int, error)) (err error, wire bool) {
	for len(b) > 0 {
		num, typ, n := consumeTag(b)
		if n < 0 {
			return protowire.ParseError(n), true
		}
		b = b[n:]
		m, ferr := f(num, typ, b)
		if ferr != nil {
			return ferr, m < 0
		}
		if m < 0 {
			m = protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return protowire.ParseError(m), true
			}
		}
		b = b[m:]
	}
	return nil, false
}

var errWire = errors.New("truncated or malformed field")

// protoSpanState collects what a span's conversion checks at its end.
type protoSpanState struct {
	traceID, parentID, id []byte
	hasParentField        bool
	hasIDField            bool
	ts, dur               uint64
	badUTF8               bool
}

func decodeProtoSpan(msg []byte, s *span) (error, bool) {
	var st protoSpanState
	err, wire := protoFields(msg, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch {
		case typ == protowire.BytesType && num >= fieldSpanTraceID && num <= fieldSpanTags && num != fieldSpanKind && num != fieldSpanTimestamp && num != fieldSpanDuration:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			switch num {
			case fieldSpanTraceID:
				st.traceID = v
			case fieldSpanParentID:
				st.parentID, st.hasParentField = v, true
			case fieldSpanID:
				st.id, st.hasIDField = v, true
			case fieldSpanName:
				s.name = st.str(v)
			case fieldSpanLocal:
				if err, wire := decodeProtoEndpoint(v, &s.local, &st); err != nil {
					return wireLen(wire, n), err
				}
			case fieldSpanRemote:
				if err, wire := decodeProtoEndpoint(v, &s.remote, &st); err != nil {
					return wireLen(wire, n), err
				}
			case fieldSpanAnnotations:
				var a annotation
				var ts uint64
				err, wire := protoFields(v, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
					switch {
					case num == fieldAnnotationTimestamp && typ == protowire.Fixed64Type:
						x, n := protowire.ConsumeFixed64(b)
						if n < 0 {
							return -1, protowire.ParseError(n)
						}
						ts = x
						return n, nil
					case num == fieldAnnotationValue && typ == protowire.BytesType:
						x, n := protowire.ConsumeBytes(b)
						if n < 0 {
							return -1, protowire.ParseError(n)
						}
						a.value = st.str(x)
						return n, nil
					}
					return -1, nil
				})
				if err != nil {
					return wireLen(wire, n), err
				}
				a.ts = uint64(time.Unix(0, int64(ts*1e3)).UnixNano())
				s.annotations = append(s.annotations, a)
			case fieldSpanTags:
				var k, val string
				err, wire := protoFields(v, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
					if (num == 1 || num == 2) && typ == protowire.BytesType {
						x, n := protowire.ConsumeBytes(b)
						if n < 0 {
							return -1, protowire.ParseError(n)
						}
						if num == 1 {
							k = st.str(x)
						} else {
							val = st.str(x)
						}
						return n, nil
					}
					return -1, nil
				})
				if err != nil {
					return wireLen(wire, n), err
				}
				s.tags = append(s.tags, tag{key: k, value: val})
			}
			return n, nil
		case num == fieldSpanKind && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			switch int32(v) {
			case 1:
				s.kind = "CLIENT"
			case 2:
				s.kind = "SERVER"
			case 3:
				s.kind = "PRODUCER"
			case 4:
				s.kind = "CONSUMER"
			default:
				s.kind = ""
			}
			return n, nil
		case num == fieldSpanTimestamp && typ == protowire.Fixed64Type:
			v, n := protowire.ConsumeFixed64(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			st.ts = v
			return n, nil
		case num == fieldSpanDuration && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			st.dur = v
			return n, nil
		}
		return -1, nil
	})
	if err != nil {
		return err, wire
	}
	// The checks of zipkin_proto3's protoSpanToModelSpan, in its order.
	if st.badUTF8 {
		return errInvalidUTF8, false
	}
	if len(st.traceID) != 16 {
		return fmt.Errorf("invalid TraceID: has length %d yet wanted length 16", len(st.traceID)), false
	}
	s.traceHi = binary.BigEndian.Uint64(st.traceID[:8])
	s.traceLo = binary.BigEndian.Uint64(st.traceID[8:])
	if len(st.parentID) > 0 {
		if len(st.parentID) != 8 {
			return fmt.Errorf("invalid ParentID: has length %d yet wanted length 8", len(st.parentID)), false
		}
		s.parent, s.hasParent = binary.BigEndian.Uint64(st.parentID), true
	}
	if len(st.id) == 0 {
		return errors.New("expected a non-nil SpanID"), false
	}
	if len(st.id) != 8 {
		return fmt.Errorf("invalid SpanID: has length %d yet wanted length 8", len(st.id)), false
	}
	s.id = binary.BigEndian.Uint64(st.id)
	s.setTimes(int64(st.ts*1e3), false, time.Duration(st.dur*1e3))
	return nil, false
}

// wireLen turns a nested message's error into the return of a field
// callback: a wire error stops the walk, a semantic one does not.
func wireLen(wire bool, n int) int {
	if wire {
		return -1
	}
	return n
}

// str aliases a proto3 string, noting invalid UTF-8 (which proto3 rejects).
func (st *protoSpanState) str(b []byte) string {
	if !utf8.Valid(b) {
		st.badUTF8 = true
	}
	return bytesToString(b)
}

func decodeProtoEndpoint(b []byte, e *endpoint, st *protoSpanState) (error, bool) {
	return protoFields(b, func(num protowire.Number, typ protowire.Type, b []byte) (int, error) {
		switch {
		case num >= fieldEndpointService && num <= fieldEndpointIPv6 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			switch num {
			case fieldEndpointService:
				e.serviceName = st.str(v)
			case fieldEndpointIPv4:
				e.ipv4, e.hasV4 = net.IP(v).String(), true
			case fieldEndpointIPv6:
				e.ipv6, e.hasV6 = net.IP(v).String(), true
			}
			return n, nil
		case num == fieldEndpointPort && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return -1, protowire.ParseError(n)
			}
			e.port = uint16(int32(v))
			return n, nil
		}
		return -1, nil
	})
}

// consumeTag is protowire.ConsumeTag plus the upper bound on field numbers
// that protobuf-go's unmarshal enforces.
func consumeTag(b []byte) (protowire.Number, protowire.Type, int) {
	num, typ, n := protowire.ConsumeTag(b)
	if n >= 0 && num > protowire.MaxValidNumber {
		return 0, 0, -1
	}
	return num, typ, n
}
