package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"context"
	"sync"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	jaegerthrift "github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/jaeger"
)

// decoders turn a Thrift batch (HTTP) or an agent message (UDP) into
// traces and the span count contrib's receiver reports.
type decoders struct {
	batch, agent func([]byte, jaeger.Protocol) (ptrace.Traces, int, error)
}

// decoderPool holds components/jaeger's decoders, whose scratch space is
// reused from one request to the next.
var decoderPool = sync.Pool{New: func() any { return new(jaeger.Decoder) }}

func newDecoders(own bool) decoders {
	if !own {
		return decoders{batch: contribBatch, agent: contribAgent}
	}
	return decoders{
		batch: func(b []byte, p jaeger.Protocol) (ptrace.Traces, int, error) {
			d := decoderPool.Get().(*jaeger.Decoder)
			defer decoderPool.Put(d)
			td, res, err := d.DecodeBatch(b, p)
			return td, res.Spans, err
		},
		agent: func(b []byte, p jaeger.Protocol) (ptrace.Traces, int, error) {
			d := decoderPool.Get().(*jaeger.Decoder)
			defer decoderPool.Put(d)
			td, res, err := d.DecodeAgentMessage(b, p)
			return td, res.Spans, err
		},
	}
}

func protocolFactory(p jaeger.Protocol) thrift.TProtocolFactory {
	if p == jaeger.Compact {
		return thrift.NewTCompactProtocolFactoryConf(nil)
	}
	return thrift.NewTBinaryProtocolFactoryConf(nil)
}

// contribBatch is contrib's path: the generated code reads a jaeger.Batch,
// ThriftToTraces translates it (honouring the translator's gates).
func contribBatch(b []byte, p jaeger.Protocol) (ptrace.Traces, int, error) {
	buf := thrift.NewTMemoryBufferLen(len(b))
	_, _ = buf.Write(b)
	batch := &jaegerthrift.Batch{}
	if err := batch.Read(context.Background(), protocolFactory(p).GetProtocol(buf)); err != nil {
		return ptrace.NewTraces(), 0, err
	}
	td, err := jaegertranslator.ThriftToTraces(batch)
	return td, len(batch.Spans), err
}

func contribAgent(b []byte, p jaeger.Protocol) (ptrace.Traces, int, error) {
	buf := thrift.NewTMemoryBufferLen(len(b))
	_, _ = buf.Write(b)
	prot := protocolFactory(p).GetProtocol(buf)
	h := &batchCatcher{}
	if _, err := agent.NewAgentProcessor(h).Process(context.Background(), prot, prot); err != nil {
		return ptrace.NewTraces(), 0, err
	}
	if h.batch == nil {
		return ptrace.NewTraces(), 0, nil
	}
	td, err := jaegertranslator.ThriftToTraces(h.batch)
	return td, len(h.batch.Spans), err
}

type batchCatcher struct{ batch *jaegerthrift.Batch }

func (c *batchCatcher) EmitBatch(_ context.Context, b *jaegerthrift.Batch) error {
	c.batch = b
	return nil
}

// EmitZipkinBatch is refused (contrib's receiver panics on it).
func (*batchCatcher) EmitZipkinBatch(context.Context, []*zipkincore.Span) error {
	return jaeger.ErrNotEmitBatch
}
