package zipkin

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	zipkinthriftconverter "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinthriftconverter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The v1 Thrift differential tests hold DecodeV1Thrift to contrib's zipkinv1
// Thrift unmarshaler (v0.158.0, default feature gates): same error-or-not
// and, when contrib succeeds, the same traces in the same order.

func contribV1Thrift(body []byte) (td ptrace.Traces, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("contrib panicked: %v", r)
		}
	}()
	return zipkinv1.NewThriftTracesUnmarshaler().UnmarshalTraces(body)
}

func sameAsContribV1Thrift(body []byte) error {
	want, wantErr := contribV1Thrift(body)
	got, res, gotErr := DecodeV1Thrift(body, Options{})
	if n := got.SpanCount(); n != res.Spans {
		return fmt.Errorf("result says %d spans, traces hold %d", res.Spans, n)
	}
	switch {
	case wantErr != nil && gotErr == nil:
		return fmt.Errorf("contrib fails (%v), we do not", wantErr)
	case wantErr == nil && gotErr != nil:
		return fmt.Errorf("we fail (%v), contrib does not", gotErr)
	case wantErr != nil:
		return nil
	}
	return ptracetest.CompareTraces(want, got)
}

func serializeThrift(t testing.TB, spans []*zipkincore.Span) []byte {
	b, err := zipkinthriftconverter.SerializeThrift(context.Background(), spans)
	require.NoError(t, err)
	return b
}

// thriftCaptures are contrib's v1 Thrift samples (kept as JSON, as contrib
// keeps them), serialized.
func thriftCaptures(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for name, raw := range captures(t, ".v1thrift.json") {
		var spans []*zipkincore.Span
		require.NoError(t, json.Unmarshal(raw, &spans), name)
		out[name] = serializeThrift(t, spans)
	}
	return out
}

func be(n int, v uint64) []byte {
	b := binary.BigEndian.AppendUint64(nil, v)
	return b[8-n:]
}

// thriftEdgeSpans are spans where contrib's Thrift translation has a quirk
// the decoder must reproduce.
func thriftEdgeSpans() [][]*zipkincore.Span {
	i64 := func(v int64) *int64 { return &v }
	host := &zipkincore.Endpoint{Ipv4: -1, Port: -7, ServiceName: "h", Ipv6: []byte{0x20, 0x01, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}
	bin := func(key string, typ zipkincore.AnnotationType, v []byte, h *zipkincore.Endpoint) *zipkincore.BinaryAnnotation {
		return &zipkincore.BinaryAnnotation{Key: key, Value: v, AnnotationType: typ, Host: h}
	}
	var many []*zipkincore.BinaryAnnotation
	for i := range 100 {
		many = append(many, bin(fmt.Sprintf("k%d", i%70), zipkincore.AnnotationType_STRING, []byte(fmt.Sprint(i)), nil))
	}
	return [][]*zipkincore.Span{
		{{}},
		{{TraceID: 1, ID: 2, TraceIDHigh: i64(3), ParentID: i64(0), Name: "n", Timestamp: i64(5)}},
		{{TraceID: 1, ID: 2, Timestamp: i64(-5), Duration: i64(10)}, {TraceID: 1, ID: 3, Timestamp: i64(math.MaxInt64), Duration: i64(1)}},
		{{TraceID: 1, ID: 2, Duration: i64(10), Annotations: []*zipkincore.Annotation{
			{Timestamp: 3, Value: "cs", Host: &zipkincore.Endpoint{ServiceName: "unknown-service"}},
			{Timestamp: 9, Value: "sr", Host: host}, {Timestamp: 1, Value: ""}, {Timestamp: 4, Value: "ev"},
			{Timestamp: 4, Value: "mr", Host: &zipkincore.Endpoint{ServiceName: "m", Ipv6: []byte{1, 2, 3}}},
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			bin("b1", zipkincore.AnnotationType_BOOL, []byte{1}, nil), bin("b0", zipkincore.AnnotationType_BOOL, []byte{2}, nil),
			bin("by", zipkincore.AnnotationType_BYTES, []byte("\x00\xff"), nil), bin("d", zipkincore.AnnotationType_DOUBLE, be(8, math.Float64bits(1.5)), nil),
			bin("ds", zipkincore.AnnotationType_DOUBLE, []byte{1}, nil), bin("i16", zipkincore.AnnotationType_I16, be(2, 0xfffe), nil),
			bin("i16s", zipkincore.AnnotationType_I16, nil, nil), bin("i32", zipkincore.AnnotationType_I32, be(4, 0xfffffffe), nil),
			bin("i32s", zipkincore.AnnotationType_I32, []byte{1, 2}, nil), bin("i64", zipkincore.AnnotationType_I64, be(8, math.MaxUint64), nil),
			bin("i64s", zipkincore.AnnotationType_I64, []byte{1}, nil), bin("s", zipkincore.AnnotationType_STRING, []byte("x\xff"), nil),
			bin("u", zipkincore.AnnotationType(99), []byte("x"), nil), bin("lc", zipkincore.AnnotationType_STRING, []byte("comp"), nil),
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			bin("lc", zipkincore.AnnotationType_STRING, []byte("comp"), &zipkincore.Endpoint{ServiceName: "svc"}),
			bin("k", zipkincore.AnnotationType_STRING, []byte("v"), &zipkincore.Endpoint{}),
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			bin("census.status_code", zipkincore.AnnotationType_I32, be(4, 2), nil),
			bin("census.status_description", zipkincore.AnnotationType_I16, be(2, 1), nil),
			bin("http.status_code", zipkincore.AnnotationType_STRING, []byte("404"), nil),
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			bin("otel.status_code", zipkincore.AnnotationType_I64, be(8, 1<<40), nil),
			bin("error", zipkincore.AnnotationType_BOOL, []byte{0}, nil),
			bin("otel.status_description", zipkincore.AnnotationType_STRING, []byte("d"), nil),
			bin("http.status_code", zipkincore.AnnotationType_I16, be(2, 200), nil),
			bin("http.status_message", zipkincore.AnnotationType_STRING, []byte("m"), nil),
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: []*zipkincore.BinaryAnnotation{
			bin("http.response.status_code", zipkincore.AnnotationType_I32, be(4, 503), nil),
			bin("otel.status_code", zipkincore.AnnotationType_STRING, []byte("-3"), nil),
		}}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: many}},
		{{TraceID: 1, ID: 2, BinaryAnnotations: many[:40]}},
	}
}

func TestV1ThriftCapturesMatchContrib(t *testing.T) {
	for name, body := range thriftCaptures(t) {
		got, res, err := DecodeV1Thrift(body, Options{})
		require.NoError(t, err, name)
		require.Positive(t, res.Spans, name)
		require.Equal(t, res.Spans, got.SpanCount(), name)
		require.NoError(t, sameAsContribV1Thrift(body), name)
	}
}

func TestV1ThriftEdgeCasesMatchContrib(t *testing.T) {
	for i, spans := range thriftEdgeSpans() {
		body := serializeThrift(t, spans)
		if err := sameAsContribV1Thrift(body); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
	}
	for i, body := range []string{"", "\x0c", "\x0c\x00\x00\x00\x01", "\x0c\x7f\xff\xff\xff", "\x0c\x00\x00\x00\x01\x0b\x00\x03\x7f\xff\xff\xff", "\x0f" + strings.Repeat("\x00", 8),
		"\x0c\x00\x00\x00\x01\x0f\x00\x08\x0c\x00\x0f\x42\x40", "\x0c\x00\x00\x00\x01\x0f\x00\x08\x0c\x00\x00\x00\x02\x00\x00"} {
		if err := sameAsContribV1Thrift([]byte(body)); err != nil {
			t.Errorf("raw case %d: %v", i, err)
		}
	}
}

func FuzzV1ThriftMatchesContrib(f *testing.F) {
	for _, b := range thriftCaptures(f) {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	for _, spans := range thriftEdgeSpans() {
		f.Add(serializeThrift(f, spans))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := sameAsContribV1Thrift(body); err != nil {
			t.Fatal(err)
		}
	})
}
