package convert

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/thrift/lib/go/thrift"
	model "github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	jaegerthrift "github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

const jaegerLost = "scope version and attributes (only otel.scope.name/version tags), span links' attributes and trace state, " +
	"event names become an \"event\" field, nanoseconds (microsecond precision), dropped counts, " +
	"non-string resource attributes keep their type but nested maps and arrays become strings"

func init() {
	register(&Format{
		Name:        "jaeger-proto",
		Description: "Jaeger api_v2 protobuf: a PostSpansRequest (the gRPC collector's 14250 message); spans of other processes carry their own process",
		Lost:        jaegerLost,
		decode:      single(decodeJaegerProto),
		encode:      encodeJaegerProto,
	})
	register(&Format{
		Name:        "jaeger-json",
		Description: "Jaeger query API JSON: {\"data\": [trace, ...]} as /api/traces and the UI's download give it",
		Lost:        jaegerLost,
		decode:      single(parity.JaegerQueryJSONToTraces),
		encode:      encodeJaegerJSON,
	})
	register(&Format{
		Name:        "jaeger-thrift-binary",
		Description: "Jaeger Thrift batches, binary protocol (the body of POST /api/traces on 14268); reads Agent emitBatch datagrams (6832) too",
		Lost:        jaegerLost,
		decode:      decodeJaegerThrift(false),
		encode:      encodeJaegerThrift(loadgen.JaegerThriftHTTP),
		stream:      true,
	})
	register(&Format{
		Name:        "jaeger-thrift-compact",
		Description: "Jaeger Agent emitBatch datagrams, Thrift compact protocol (UDP 6831, as jaeger clients send them); reads bare batches too",
		Lost:        jaegerLost,
		decode:      decodeJaegerThrift(true),
		encode:      encodeJaegerThrift(loadgen.JaegerUDPCompact),
		stream:      true,
	})
}

func decodeJaegerProto(data []byte) (ptrace.Traces, error) {
	var req api_v2.PostSpansRequest
	if err := req.Unmarshal(data); err != nil {
		return ptrace.Traces{}, fmt.Errorf("not a Jaeger PostSpansRequest: %w", err)
	}
	return jaegertranslator.ProtoToTraces([]*model.Batch{&req.Batch})
}

// encodeJaegerProto puts every resource's spans in one request: the first resource is the
// batch's process, the spans of the others carry their own process, which Jaeger collectors
// (and contrib's translator) honour over the batch's.
func encodeJaegerProto(w io.Writer, td ptrace.Traces) error {
	batches := jaegertranslator.ProtoFromTraces(td)
	var req api_v2.PostSpansRequest
	for i, b := range batches {
		if i == 0 {
			req.Batch = *b
			continue
		}
		for _, s := range b.Spans {
			s.Process = b.Process
			req.Batch.Spans = append(req.Batch.Spans, s)
		}
	}
	out, err := req.Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// decodeJaegerThrift reads concatenated Thrift structs: bare jaeger.Batch structs (the HTTP
// collector's body) or Agent.emitBatch messages (the agent's UDP datagrams), whichever each
// record starts with. Thrift structs end with a stop field, so records need no framing.
func decodeJaegerThrift(compact bool) func([]byte, func(ptrace.Traces) error) error {
	return func(data []byte, emit func(ptrace.Traces) error) error {
		ctx := context.Background()
		buf := &thrift.TMemoryBuffer{Buffer: bytesBuffer(data)}
		conf := &thrift.TConfiguration{MaxMessageSize: int32(min(len(data)+1, 1<<31-1))}
		var proto thrift.TProtocol = thrift.NewTBinaryProtocolConf(buf, conf)
		if compact {
			proto = thrift.NewTCompactProtocolConf(buf, conf)
		}
		for rec := 0; buf.Len() > 0; rec++ {
			start := int64(len(data) - buf.Len())
			b, err := readJaegerThrift(ctx, proto, data[start], compact)
			if err != nil {
				return atRecord(rec, start, err)
			}
			td, err := jaegertranslator.ThriftToTraces(b)
			if err != nil {
				return atRecord(rec, start, err)
			}
			if err := emit(td); err != nil {
				return err
			}
		}
		return nil
	}
}

func readJaegerThrift(ctx context.Context, proto thrift.TProtocol, first byte, compact bool) (*jaegerthrift.Batch, error) {
	// A message starts with the protocol id (compact 0x82) or a strict version (binary
	// 0x80 0x01); a struct starts with a field header.
	if (compact && first == 0x82) || (!compact && first == 0x80) {
		name, _, _, err := proto.ReadMessageBegin(ctx)
		if err != nil {
			return nil, fmt.Errorf("Thrift message header: %w", err)
		}
		if name != "emitBatch" {
			return nil, fmt.Errorf("Thrift message %q, want emitBatch", name)
		}
		args := agent.NewAgentEmitBatchArgs()
		if err := args.Read(ctx, proto); err != nil {
			return nil, fmt.Errorf("emitBatch arguments: %w", err)
		}
		if err := proto.ReadMessageEnd(ctx); err != nil {
			return nil, err
		}
		if args.Batch == nil {
			return nil, fmt.Errorf("emitBatch without a batch")
		}
		return args.Batch, nil
	}
	b := jaegerthrift.NewBatch()
	if err := b.Read(ctx, proto); err != nil {
		return nil, fmt.Errorf("Thrift jaeger.Batch: %w", err)
	}
	return b, nil
}

// encodeJaegerThrift writes one record per resource (a Jaeger batch has one process), with
// the load generator's encoders: the bytes jaeger clients send.
func encodeJaegerThrift(p loadgen.Protocol) func(io.Writer, ptrace.Traces) error {
	return func(w io.Writer, td ptrace.Traces) error {
		rss := td.ResourceSpans()
		for i := range rss.Len() {
			if rss.At(i).ScopeSpans().Len() == 0 {
				continue
			}
			one := ptrace.NewTraces()
			rss.At(i).CopyTo(one.ResourceSpans().AppendEmpty())
			if one.SpanCount() == 0 {
				continue
			}
			b, err := loadgen.Encode(p, one)
			if err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
}
