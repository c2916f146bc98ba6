package loadgen

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	idlagent "github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	idljaeger "github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// spanKey is what must survive every protocol: ids, the parent link and the name.
type spanKey struct {
	trace, span, parent, name string
}

func spanKeys(td ptrace.Traces) []spanKey {
	var out []spanKey
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				// Zipkin lowercases span names (zipkin-go does, as the Zipkin server would).
				out = append(out, spanKey{sp.TraceID().String(), sp.SpanID().String(), sp.ParentSpanID().String(), strings.ToLower(sp.Name())})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].span < out[j].span })
	return out
}

// attrValues collects one attribute's values over all spans, to check tags survive.
func attrValues(td ptrace.Traces, key string) []string {
	var out []string
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, sp := range ss.Spans().All() {
				if v, ok := sp.Attributes().Get(key); ok {
					out = append(out, v.AsString())
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func decodeThriftBinaryBatch(t *testing.T, b []byte) *idljaeger.Batch {
	t.Helper()
	buf := thrift.NewTMemoryBuffer()
	_, _ = buf.Write(b)
	batch := idljaeger.NewBatch()
	require.NoError(t, batch.Read(context.Background(), thrift.NewTBinaryProtocolConf(buf, nil)))
	return batch
}

// decodeAgentDatagram reads an Agent.emitBatch datagram as the Jaeger receiver does.
func decodeAgentDatagram(t *testing.T, b []byte, compact bool) *idljaeger.Batch {
	t.Helper()
	buf := thrift.NewTMemoryBuffer()
	_, _ = buf.Write(b)
	var proto thrift.TProtocol = thrift.NewTBinaryProtocolConf(buf, nil)
	if compact {
		proto = thrift.NewTCompactProtocolConf(buf, nil)
	}
	// jaeger-client-go marks the oneway call as CALL; the agent ignores the type.
	name, _, _, err := proto.ReadMessageBegin(context.Background())
	require.NoError(t, err)
	require.Equal(t, "emitBatch", name)
	args := idlagent.NewAgentEmitBatchArgs()
	require.NoError(t, args.Read(context.Background(), proto))
	return args.Batch
}

// TestEncodersRoundTrip decodes every protocol's payload with the receiving side's own
// types and translators (contrib's Jaeger and Zipkin translators, ours for Datadog) and
// checks that every span arrives with its ids, parent, name and tags.
func TestEncodersRoundTrip(t *testing.T) {
	const n = 57 // not a multiple of the 10-span trace: a truncated trace too
	td := SynthTraces(n, 3, testNow)
	want := spanKeys(td)
	require.Len(t, want, n)
	wantQueries := attrValues(td, "db.query.text")
	require.NotEmpty(t, wantQueries)

	decoders := map[Protocol]func(t *testing.T, b []byte) ptrace.Traces{
		OTLPGRPC: func(t *testing.T, b []byte) ptrace.Traces {
			req := ptraceotlp.NewExportRequest()
			require.NoError(t, req.UnmarshalProto(b))
			return req.Traces()
		},
		OTLPHTTP: func(t *testing.T, b []byte) ptrace.Traces {
			req := ptraceotlp.NewExportRequest()
			require.NoError(t, req.UnmarshalProto(b))
			return req.Traces()
		},
		OTLPHTTPJSON: func(t *testing.T, b []byte) ptrace.Traces {
			req := ptraceotlp.NewExportRequest()
			require.NoError(t, req.UnmarshalJSON(b))
			return req.Traces()
		},
		JaegerThriftHTTP: func(t *testing.T, b []byte) ptrace.Traces {
			out, err := jaegertranslator.ThriftToTraces(decodeThriftBinaryBatch(t, b))
			require.NoError(t, err)
			return out
		},
		JaegerUDPCompact: func(t *testing.T, b []byte) ptrace.Traces {
			out, err := jaegertranslator.ThriftToTraces(decodeAgentDatagram(t, b, true))
			require.NoError(t, err)
			return out
		},
		JaegerUDPBinary: func(t *testing.T, b []byte) ptrace.Traces {
			out, err := jaegertranslator.ThriftToTraces(decodeAgentDatagram(t, b, false))
			require.NoError(t, err)
			return out
		},
		JaegerGRPC: func(t *testing.T, b []byte) ptrace.Traces {
			var req api_v2.PostSpansRequest
			require.NoError(t, req.Unmarshal(b))
			out, err := jaegertranslator.ProtoToTraces([]*model.Batch{&req.Batch})
			require.NoError(t, err)
			return out
		},
		ZipkinJSON: func(t *testing.T, b []byte) ptrace.Traces {
			out, err := zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(b)
			require.NoError(t, err)
			return out
		},
		ZipkinProto: func(t *testing.T, b []byte) ptrace.Traces {
			out, err := zipkinv2.NewProtobufTracesUnmarshaler(false, false).UnmarshalTraces(b)
			require.NoError(t, err)
			return out
		},
		DatadogV04: datadogDecoder(datadog.V04),
		DatadogV05: datadogDecoder(datadog.V05),
		DatadogV1:  datadogDecoder(datadog.V10),
	}
	require.Len(t, decoders, len(protocols), "every protocol has a round-trip decoder")

	for p, decode := range decoders {
		t.Run(string(p), func(t *testing.T) {
			body, err := Encode(p, td)
			require.NoError(t, err)
			got := decode(t, body)
			assert.Equal(t, want, spanKeys(got))
			assert.Equal(t, wantQueries, attrValues(got, "db.query.text"), "string tags survive")
			assert.Len(t, attrValues(got, "server.port"), len(attrValues(td, "server.port")), "numeric tags survive")
		})
	}
}

func datadogDecoder(proto datadog.Protocol) func(t *testing.T, b []byte) ptrace.Traces {
	return func(t *testing.T, b []byte) ptrace.Traces {
		tr := datadog.NewTranslator(datadog.Options{})
		out, stats, err := tr.Translate(proto, datadog.Msgpack, b, datadog.Payload{Lang: "go"})
		require.NoError(t, err)
		require.Zero(t, stats.RejectedSpans)
		return out
	}
}

// The OTLP payload is the synthesized data exactly.
func TestOTLPEncodingIsExact(t *testing.T) {
	td := SynthTraces(25, 1, testNow)
	body, err := Encode(OTLPHTTP, td)
	require.NoError(t, err)
	req := ptraceotlp.NewExportRequest()
	require.NoError(t, req.UnmarshalProto(body))
	require.NoError(t, ptracetest.CompareTraces(td, req.Traces()))
}

func TestSynthTraces(t *testing.T) {
	for _, n := range []int{1, 10, 100, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			td := SynthTraces(n, 0, testNow)
			assert.Equal(t, n, td.SpanCount())
			seen := map[string]bool{}
			for _, k := range spanKeys(td) {
				assert.False(t, seen[k.span], "span ids are unique")
				seen[k.span] = true
			}
		})
	}
	// Same variant, same payload; another variant, other ids.
	a, b, c := spanKeys(SynthTraces(20, 1, testNow)), spanKeys(SynthTraces(20, 1, testNow)), spanKeys(SynthTraces(20, 2, testNow))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a[0].trace, c[0].trace)
}

func TestUDPPayloadLimit(t *testing.T) {
	_, err := BuildPayloads(Config{Protocol: JaegerUDPCompact, Rate: 1, Duration: time.Second, ItemsPerRequest: 1000, Workers: 1, Variants: 1})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "UDP packet limit; use --spans-per-request")
	pool, err := BuildPayloads(Config{Protocol: JaegerUDPCompact, Rate: 1, Duration: time.Second, ItemsPerRequest: 50, Workers: 1, Variants: 2})
	require.NoError(t, err)
	assert.Len(t, pool, 2)
	assert.LessOrEqual(t, len(pool[0].Body), udpMaxPacket)
}
