package loadgen

import (
	"bytes"
	"compress/gzip"
	"fmt"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// udpMaxPacket is the Jaeger agent's default UDP packet limit (its max_packet_size).
const udpMaxPacket = 65000

// Payload is one request, encoded once before the run and sent many times.
type Payload struct {
	Body  []byte
	Items int // spans, log records or metric data points
	// WireSize is the body's size on the wire when the transport compresses it while
	// sending (gRPC with gzip); 0 means len(Body).
	WireSize int
	// Header holds protocol headers that depend on the content (Datadog's trace count).
	Header map[string]string
}

// Encode turns one request's traces into the protocol's request body.
func Encode(p Protocol, td ptrace.Traces) ([]byte, error) {
	switch p {
	case OTLPGRPC, OTLPHTTP:
		return ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	case OTLPHTTPJSON:
		return ptraceotlp.NewExportRequestFromTraces(td).MarshalJSON()
	case JaegerThriftHTTP:
		return encodeJaegerThriftHTTP(td)
	case JaegerUDPCompact:
		return encodeJaegerUDP(td, true)
	case JaegerUDPBinary:
		return encodeJaegerUDP(td, false)
	case JaegerGRPC:
		return encodeJaegerGRPC(td)
	case ZipkinJSON:
		return encodeZipkin(td, false)
	case ZipkinProto:
		return encodeZipkin(td, true)
	case DatadogV04:
		return encodeDatadogV04(td), nil
	case DatadogV05:
		return encodeDatadogV05(td), nil
	case DatadogV1:
		return encodeDatadogV1(td), nil
	}
	return nil, fmt.Errorf("unknown protocol %q", p)
}

// encodeOTLP encodes logs or metrics (OTLP only).
func encodeOTLP(p Protocol, data any) ([]byte, error) {
	json := p == OTLPHTTPJSON
	switch d := data.(type) {
	case plog.Logs:
		req := plogotlp.NewExportRequestFromLogs(d)
		if json {
			return req.MarshalJSON()
		}
		return req.MarshalProto()
	case pmetric.Metrics:
		req := pmetricotlp.NewExportRequestFromMetrics(d)
		if json {
			return req.MarshalJSON()
		}
		return req.MarshalProto()
	case ptrace.Traces:
		return Encode(p, d)
	}
	return nil, fmt.Errorf("cannot encode %T", data)
}

// headersFor returns the per-payload headers a protocol needs.
func headersFor(p Protocol, td ptrace.Traces) map[string]string {
	switch p {
	case DatadogV04, DatadogV05, DatadogV1:
		return map[string]string{
			"X-Datadog-Trace-Count":         fmt.Sprint(len(datadogChunks(td))),
			"Datadog-Meta-Lang":             "go",
			"Datadog-Meta-Lang-Version":     "1.26.0",
			"Datadog-Meta-Lang-Interpreter": "gc-amd64-linux",
			"Datadog-Meta-Tracer-Version":   "v2.0.0",
		}
	}
	return nil
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
