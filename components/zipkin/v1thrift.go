package zipkin

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math"
	"net"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// DecodeV1Thrift translates a Zipkin v1 Thrift body (a list of zipkincore
// spans) as contrib's zipkinv1 Thrift unmarshaler does. The body is read
// with the same generated zipkincore code as contrib's deserializer (so what
// is malformed is exactly what contrib refuses, and a malformed body loses
// every span, as in contrib), but with the body's length as the Thrift size
// limit (see readThriftSpans); the translation is the v1 builder's, linear
// in the binary annotations where contrib's costs n² (pcommon.Map.PutEmpty
// scans the attributes for each).
func DecodeV1Thrift(body []byte, opt Options) (ptrace.Traces, Result, error) {
	spans, err := readThriftSpans(body)
	if err != nil {
		return ptrace.NewTraces(), Result{}, err
	}
	b := newV1Builder(opt)
	var s v1Span
	for _, zs := range spans {
		b.addThrift(zs, &s)
	}
	return b.td, Result{Spans: b.spans}, nil
}

// addThrift translates one Thrift span; contrib's Thrift translation has no
// failure (ids are integers) and, unlike its JSON one, leaves a span without
// timestamps at zero.
func (b *v1Builder) addThrift(zs *zipkincore.Span, s *v1Span) {
	s.reset()
	for _, za := range zs.Annotations {
		s.annotations = append(s.annotations, v1Annotation{ts: za.Timestamp, value: za.Value, ep: thriftEndpoint(za.Host)})
	}
	fallback, lc := "", ""
	for _, zb := range zs.BinaryAnnotations {
		if zb.Host != nil {
			fallback = zb.Host.ServiceName
		}
		if zb.Key == "lc" {
			lc = string(zb.Value)
		}
		s.binary = append(s.binary, v1Binary{key: zb.Key, val: thriftValue(zb)})
	}
	if fallback == "" {
		fallback = lc
	}

	a := v1Annotations(s.annotations)
	res := a.resource(fallback)
	start, end := a.start, a.end
	if zs.Timestamp != nil {
		var dur int64
		if zs.Duration != nil {
			dur = *zs.Duration
		}
		start, end = v1Timestamp(*zs.Timestamp), v1Timestamp(*zs.Timestamp+dur)
	}

	dst := b.resource(res).AppendEmpty()
	b.spans++
	a.fillEvents(s.annotations, dst)
	if len(s.binary) > 0 {
		b.fillBinary(s.binary, dst, 0)
	}
	dst.SetStartTimestamp(pcommon.Timestamp(start))
	dst.SetEndTimestamp(pcommon.Timestamp(end))
	dst.SetKind(a.kind)
	dst.SetName(zs.Name)
	var high uint64
	if zs.TraceIDHigh != nil {
		high = uint64(*zs.TraceIDHigh)
	}
	dst.SetTraceID(traceID(high, uint64(zs.TraceID)))
	dst.SetSpanID(spanID(uint64(zs.ID)))
	if zs.ParentID != nil {
		dst.SetParentSpanID(spanID(uint64(*zs.ParentID)))
	}
}

// thriftEndpoint formats an endpoint as contrib's toTranslatorEndpoint does.
func thriftEndpoint(e *zipkincore.Endpoint) v1Endpoint {
	if e == nil {
		return v1Endpoint{}
	}
	ep := v1Endpoint{set: true, serviceName: e.ServiceName, port: int32(e.Port)}
	if e.Ipv4 != 0 {
		ep.ipv4 = net.IPv4(byte(e.Ipv4>>24), byte(e.Ipv4>>16), byte(e.Ipv4>>8), byte(e.Ipv4)).String()
	}
	if len(e.Ipv6) != 0 {
		ep.ipv6 = net.IP(e.Ipv6).String()
	}
	return ep
}

// thriftValue types a binary annotation by its annotation type, as contrib
// does: numbers from the leading big-endian bytes, a too-short number or an
// unknown type as a "<message>" string.
func thriftValue(zb *zipkincore.BinaryAnnotation) v1Value {
	v := zb.Value
	short := v1Value{typ: pcommon.ValueTypeStr, s: "<not enough bytes representing the number>"}
	switch zb.AnnotationType {
	case zipkincore.AnnotationType_BOOL:
		return v1Value{typ: pcommon.ValueTypeBool, b: bytes.Equal(v, []byte{1})}
	case zipkincore.AnnotationType_BYTES:
		return v1Value{typ: pcommon.ValueTypeStr, s: base64.StdEncoding.EncodeToString(v)}
	case zipkincore.AnnotationType_DOUBLE:
		if len(v) < 8 {
			return short
		}
		return v1Value{typ: pcommon.ValueTypeDouble, d: math.Float64frombits(binary.BigEndian.Uint64(v))}
	case zipkincore.AnnotationType_I16:
		if len(v) < 2 {
			return short
		}
		return v1Value{typ: pcommon.ValueTypeInt, i: int64(binary.BigEndian.Uint16(v))}
	case zipkincore.AnnotationType_I32:
		if len(v) < 4 {
			return short
		}
		return v1Value{typ: pcommon.ValueTypeInt, i: int64(binary.BigEndian.Uint32(v))}
	case zipkincore.AnnotationType_I64:
		if len(v) < 8 {
			return short
		}
		return v1Value{typ: pcommon.ValueTypeInt, i: int64(binary.BigEndian.Uint64(v))}
	case zipkincore.AnnotationType_STRING:
		return v1Value{typ: pcommon.ValueTypeStr, s: string(v)}
	}
	return v1Value{typ: pcommon.ValueTypeStr, s: fmt.Sprintf("<unknown zipkin v1 binary annotation type (%d)>", int(zb.AnnotationType))}
}

// readThriftSpans reads a Thrift binary list of zipkincore spans, as
// contrib's zipkinthriftconverter.DeserializeThrift does, except for the size
// limit. The generated code preallocates every list from its declared length,
// which the Thrift library bounds only by MaxMessageSize (100 MB by default,
// the limit contrib's deserializer keeps): 13 bytes declaring 99,999,999
// binary annotations made it allocate 762 MiB. No container or string of a
// body can be longer than the body, so limiting sizes to its length refuses
// only bodies that would fail anyway, and bounds each preallocation by the
// body.
func readThriftSpans(body []byte) ([]*zipkincore.Span, error) {
	ctx := context.Background()
	buf := thrift.NewTMemoryBufferLen(0)
	_, _ = buf.Write(body)
	limit := int32(math.MaxInt32)
	if len(body) < math.MaxInt32 {
		limit = max(int32(len(body)), 1)
	}
	p := thrift.NewTBinaryProtocolConf(buf, &thrift.TConfiguration{MaxMessageSize: limit})
	_, size, err := p.ReadListBegin(ctx)
	if err != nil {
		return nil, err
	}
	var spans []*zipkincore.Span
	for range size {
		zs := &zipkincore.Span{}
		if err := zs.Read(ctx, p); err != nil {
			return nil, err
		}
		spans = append(spans, zs)
	}
	return spans, nil
}
