package jaeger

import (
	"testing"

	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"github.com/stretchr/testify/require"
)

// The batch built by hand with jaeger-idl's types (testdata
// jaeger-idl-handbuilt.api_v2-proto, a recorded PostSpansRequest: 4 spans,
// every tag type, an error, logs, a FOLLOWS_FROM reference, 128-bit ids),
// carried over field by field to jaeger-idl's Thrift types and checked in all
// four encodings.
func TestIDLHandbuiltBatchMatchesContrib(t *testing.T) {
	var req api_v2.PostSpansRequest
	require.NoError(t, req.Unmarshal(readCapture(t, "jaeger-idl-handbuilt.api_v2-proto")))
	b := thriftFromModel(req.Batch)
	require.Len(t, b.Spans, 4)
	for _, in := range allInputs {
		body := serialize(t, in, b)
		require.NoError(t, sameAsContrib(in, body), in.String())
		td, _, err := ourDecode(in, body)
		require.NoError(t, err)
		require.Equal(t, 4, td.SpanCount())
	}
}

func thriftFromModel(b model.Batch) *jaeger.Batch {
	tags := func(kvs []model.KeyValue) []*jaeger.Tag {
		out := make([]*jaeger.Tag, 0, len(kvs))
		for _, kv := range kvs {
			t := &jaeger.Tag{Key: kv.Key}
			switch kv.VType {
			case model.StringType:
				t.VType, t.VStr = jaeger.TagType_STRING, ptr(kv.VStr)
			case model.BoolType:
				t.VType, t.VBool = jaeger.TagType_BOOL, ptr(kv.VBool)
			case model.Int64Type:
				t.VType, t.VLong = jaeger.TagType_LONG, ptr(kv.VInt64)
			case model.Float64Type:
				t.VType, t.VDouble = jaeger.TagType_DOUBLE, ptr(kv.VFloat64)
			case model.BinaryType:
				t.VType, t.VBinary = jaeger.TagType_BINARY, kv.VBinary
			}
			out = append(out, t)
		}
		return out
	}
	out := &jaeger.Batch{Process: &jaeger.Process{ServiceName: b.Process.ServiceName, Tags: tags(b.Process.Tags)}}
	for _, s := range b.Spans {
		js := &jaeger.Span{
			TraceIdLow: int64(s.TraceID.Low), TraceIdHigh: int64(s.TraceID.High), SpanId: int64(s.SpanID),
			OperationName: s.OperationName, Flags: int32(s.Flags),
			StartTime: s.StartTime.UnixMicro(), Duration: s.Duration.Microseconds(), Tags: tags(s.Tags),
		}
		for _, r := range s.References {
			rt := jaeger.SpanRefType_CHILD_OF
			if r.RefType == model.SpanRefType_FOLLOWS_FROM {
				rt = jaeger.SpanRefType_FOLLOWS_FROM
			}
			js.References = append(js.References, &jaeger.SpanRef{RefType: rt,
				TraceIdLow: int64(r.TraceID.Low), TraceIdHigh: int64(r.TraceID.High), SpanId: int64(r.SpanID)})
		}
		for _, l := range s.Logs {
			js.Logs = append(js.Logs, &jaeger.Log{Timestamp: l.Timestamp.UnixMicro(), Fields: tags(l.Fields)})
		}
		out.Spans = append(out.Spans, js)
	}
	return out
}
