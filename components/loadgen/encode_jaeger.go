package loadgen

import (
	"context"
	"fmt"

	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"github.com/uber/jaeger-client-go/thrift"
	"github.com/uber/jaeger-client-go/thrift-gen/agent"
	"github.com/uber/jaeger-client-go/thrift-gen/jaeger"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// A Jaeger request carries one process (one service), so traces are first collapsed into a
// single batch: the spans of every resource go under the first resource's process. The
// generator's requests then hold exactly --spans-per-request spans in every protocol.
func jaegerBatch(td ptrace.Traces) (*model.Batch, error) {
	batches := jaegertranslator.ProtoFromTraces(td)
	if len(batches) == 0 {
		return nil, fmt.Errorf("no spans to encode")
	}
	out := batches[0]
	for _, b := range batches[1:] {
		out.Spans = append(out.Spans, b.Spans...)
	}
	return out, nil
}

func encodeJaegerGRPC(td ptrace.Traces) ([]byte, error) {
	b, err := jaegerBatch(td)
	if err != nil {
		return nil, err
	}
	req := api_v2.PostSpansRequest{Batch: *b}
	return req.Marshal()
}

// encodeJaegerThriftHTTP is what jaeger-client-go's HTTP transport posts to /api/traces:
// a jaeger.Batch in Thrift binary.
func encodeJaegerThriftHTTP(td ptrace.Traces) ([]byte, error) {
	b, err := jaegerBatch(td)
	if err != nil {
		return nil, err
	}
	buf := thrift.NewTMemoryBufferLen(64 << 10)
	if err := thriftBatch(b).Write(context.Background(), thrift.NewTBinaryProtocolConf(buf, nil)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeJaegerUDP is one agent datagram as jaeger-client-go's UDP transport sends it: an
// Agent.emitBatch oneway call, in Thrift compact (6831) or binary (6832).
func encodeJaegerUDP(td ptrace.Traces, compact bool) ([]byte, error) {
	b, err := jaegerBatch(td)
	if err != nil {
		return nil, err
	}
	buf := thrift.NewTMemoryBufferLen(udpMaxPacket)
	var factory thrift.TProtocolFactory = thrift.NewTBinaryProtocolFactoryConf(nil)
	if compact {
		factory = thrift.NewTCompactProtocolFactoryConf(nil)
	}
	client := agent.NewAgentClientFactory(buf, factory)
	if err := client.EmitBatch(context.Background(), thriftBatch(b)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func thriftBatch(b *model.Batch) *jaeger.Batch {
	out := &jaeger.Batch{Process: &jaeger.Process{ServiceName: b.Process.ServiceName, Tags: thriftTags(b.Process.Tags)}}
	out.Spans = make([]*jaeger.Span, 0, len(b.Spans))
	for _, s := range b.Spans {
		ts := &jaeger.Span{
			TraceIdLow:    int64(s.TraceID.Low),
			TraceIdHigh:   int64(s.TraceID.High),
			SpanId:        int64(s.SpanID),
			OperationName: s.OperationName,
			Flags:         int32(s.Flags),
			StartTime:     s.StartTime.UnixMicro(),
			Duration:      s.Duration.Microseconds(),
			Tags:          thriftTags(s.Tags),
		}
		for _, r := range s.References {
			if ts.ParentSpanId == 0 && r.RefType == model.ChildOf && r.TraceID == s.TraceID {
				ts.ParentSpanId = int64(r.SpanID)
				continue
			}
			refType := jaeger.SpanRefType_CHILD_OF
			if r.RefType == model.FollowsFrom {
				refType = jaeger.SpanRefType_FOLLOWS_FROM
			}
			ts.References = append(ts.References, &jaeger.SpanRef{
				RefType: refType, TraceIdLow: int64(r.TraceID.Low), TraceIdHigh: int64(r.TraceID.High), SpanId: int64(r.SpanID),
			})
		}
		for _, l := range s.Logs {
			ts.Logs = append(ts.Logs, &jaeger.Log{Timestamp: l.Timestamp.UnixMicro(), Fields: thriftTags(l.Fields)})
		}
		out.Spans = append(out.Spans, ts)
	}
	return out
}

func thriftTags(kvs []model.KeyValue) []*jaeger.Tag {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]*jaeger.Tag, 0, len(kvs))
	for i := range kvs {
		kv := &kvs[i]
		t := &jaeger.Tag{Key: kv.Key}
		switch kv.VType {
		case model.ValueType_BOOL:
			t.VType, t.VBool = jaeger.TagType_BOOL, &kv.VBool
		case model.ValueType_INT64:
			t.VType, t.VLong = jaeger.TagType_LONG, &kv.VInt64
		case model.ValueType_FLOAT64:
			t.VType, t.VDouble = jaeger.TagType_DOUBLE, &kv.VFloat64
		case model.ValueType_BINARY:
			t.VType, t.VBinary = jaeger.TagType_BINARY, kv.VBinary
		default:
			t.VType, t.VStr = jaeger.TagType_STRING, &kv.VStr
		}
		out = append(out, t)
	}
	return out
}
