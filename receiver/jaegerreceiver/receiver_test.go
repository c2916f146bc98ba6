package jaegerreceiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/otelcol-bridge/otelcol-bridge/components/jaeger"
	"github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver/internal/metadata"
)

func TestEveryContribKeyLoads(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	load := func(name string) *Config {
		cfg := NewFactory().CreateDefaultConfig().(*Config)
		sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
		require.NoError(t, err)
		require.NoError(t, sub.Unmarshal(cfg))
		return cfg
	}
	all := load("all")
	require.NoError(t, confmap.Validate(all))
	assert.Equal(t, "127.0.0.1:4250", all.Protocols.GRPC.Get().NetAddr.Endpoint)
	assert.Equal(t, int64(1048576), all.Protocols.ThriftHTTP.Get().MaxRequestBodySize)
	c := all.Protocols.ThriftCompactUDP.Get()
	assert.Equal(t, "127.0.0.1:5831", c.Endpoint)
	assert.Equal(t, settingsOf(c.ServerConfigUDP), udpSettings{queueSize: 77, maxPacketSize: 1234, workers: 3, socketBufferSize: 65536})
	b := all.Protocols.ThriftBinaryUDP.Get()
	assert.Equal(t, udpSettings{queueSize: 1000, maxPacketSize: 65000, workers: 10}, settingsOf(b.ServerConfigUDP), "contrib's defaults")

	assert.ErrorContains(t, confmap.Validate(load("remote_sampling")), "jaegerremotesampling")
	assert.ErrorContains(t, confmap.Validate(load("no_protocols")), "must specify at least one protocol")
}

func freePort(t *testing.T, network string) int {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		require.NoError(t, err)
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type running struct {
	sink                          *consumertest.TracesSink
	httpURL                       string
	compactAddr, binaryAddr, grpc string
}

func startReceiver(t *testing.T, maxBody int64) running {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	run := running{
		sink:        new(consumertest.TracesSink),
		compactAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp")),
		binaryAddr:  fmt.Sprintf("127.0.0.1:%d", freePort(t, "udp")),
		grpc:        fmt.Sprintf("127.0.0.1:%d", freePort(t, "tcp")),
	}
	httpAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t, "tcp"))
	run.httpURL = "http://" + httpAddr + "/api/traces"
	cfg.Protocols.GRPC.GetOrInsertDefault().NetAddr.Endpoint = run.grpc
	cfg.Protocols.ThriftHTTP.GetOrInsertDefault().NetAddr.Endpoint = httpAddr
	cfg.Protocols.ThriftHTTP.GetOrInsertDefault().MaxRequestBodySize = maxBody
	cfg.Protocols.ThriftCompactUDP.GetOrInsertDefault().Endpoint = run.compactAddr
	cfg.Protocols.ThriftBinaryUDP.GetOrInsertDefault().Endpoint = run.binaryAddr
	require.NoError(t, confmap.Validate(cfg))
	r, err := NewFactory().CreateTraces(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, run.sink)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return run
}

func post(t *testing.T, url, contentType string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg)
}

func capture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// contribTraces is what contrib's receiver would forward for the body.
func contribTraces(t *testing.T, body []byte, agent bool, p jaeger.Protocol) ptrace.Traces {
	decode := contribBatch
	if agent {
		decode = contribAgent
	}
	td, _, err := decode(body, p)
	require.NoError(t, err)
	return td
}

func waitForSpans(t *testing.T, sink *consumertest.TracesSink, n int) {
	t.Helper()
	for range 200 {
		if sink.SpanCount() >= n {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.GreaterOrEqual(t, sink.SpanCount(), n)
}

func TestThriftPathsForwardWhatContribForwards(t *testing.T) {
	run := startReceiver(t, 0)
	httpBody := capture(t, "jaeger-client-go-http.thrift-binary")
	udpBody := capture(t, "jaeger-client-go-udp.agent-compact")

	status, msg := post(t, run.httpURL, "application/x-thrift", httpBody)
	require.Equal(t, http.StatusAccepted, status, msg)
	require.Len(t, run.sink.AllTraces(), 1)
	require.NoError(t, ptracetest.CompareTraces(contribTraces(t, httpBody, false, jaeger.Binary), run.sink.AllTraces()[0]))
	// Body buffers are reused: traces forwarded earlier must not change when
	// the next request overwrites the buffer.
	junk := bytes.Repeat([]byte{0xee}, len(httpBody))
	status, _ = post(t, run.httpURL, "application/x-thrift", junk)
	require.Equal(t, http.StatusBadRequest, status)
	status, msg = post(t, run.httpURL, "application/x-thrift", httpBody)
	require.Equal(t, http.StatusAccepted, status, msg)
	require.Len(t, run.sink.AllTraces(), 2)
	require.NoError(t, ptracetest.CompareTraces(contribTraces(t, httpBody, false, jaeger.Binary), run.sink.AllTraces()[0]))
	run.sink.Reset()

	conn, err := net.Dial("udp", run.compactAddr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write(udpBody)
	require.NoError(t, err)
	want := contribTraces(t, udpBody, true, jaeger.Compact)
	waitForSpans(t, run.sink, want.SpanCount())
	require.NoError(t, ptracetest.CompareTraces(want, run.sink.AllTraces()[0]))
	run.sink.Reset()

	// The same batch as an emitBatch message in the binary protocol, to 6832.
	binMsg := binaryEmitBatch(t, udpBody)
	bconn, err := net.Dial("udp", run.binaryAddr)
	require.NoError(t, err)
	defer bconn.Close()
	_, err = bconn.Write(binMsg)
	require.NoError(t, err)
	waitForSpans(t, run.sink, want.SpanCount())
	require.NoError(t, ptracetest.CompareTraces(want, run.sink.AllTraces()[0]))
}

func TestThriftHTTPErrors(t *testing.T) {
	run := startReceiver(t, 1024)
	body := capture(t, "jaeger-client-go-http.thrift-binary") // 2,962 bytes, over the 1 KiB limit
	cases := []struct {
		name, contentType string
		body              []byte
		status            int
		says              string
	}{
		{"oversized", "application/x-thrift", body, http.StatusRequestEntityTooLarge, "max_request_body_size (1024 bytes)"},
		{"truncated", "application/x-thrift", body[:500], http.StatusBadRequest, "truncated"},
		{"garbage", "application/vnd.apache.thrift.binary", []byte("\x00\xffnot thrift"), http.StatusBadRequest, "cannot decode"},
		{"wrong content type", "application/json", []byte("{}"), http.StatusBadRequest, "unsupported Content-Type"},
		{"bad content type", "a/b; x", []byte("{}"), http.StatusBadRequest, "Content-Type"},
	}
	for _, c := range cases {
		status, msg := post(t, run.httpURL, c.contentType, c.body)
		assert.Equal(t, c.status, status, c.name)
		assert.Contains(t, msg, c.says, c.name)
	}
	resp, err := http.Get(run.httpURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, 0, run.sink.SpanCount())
}

// binaryEmitBatch re-encodes the batch of a compact emitBatch message as a
// binary one, with the generated agent client.
func binaryEmitBatch(t *testing.T, compactMsg []byte) []byte {
	t.Helper()
	buf := thrift.NewTMemoryBufferLen(len(compactMsg))
	_, _ = buf.Write(compactMsg)
	prot := thrift.NewTCompactProtocolConf(buf, nil)
	h := &batchCatcher{}
	_, err := agent.NewAgentProcessor(h).Process(context.Background(), prot, prot)
	require.NoError(t, err)
	out := thrift.NewTMemoryBufferLen(len(compactMsg) * 2)
	client := agent.NewAgentClientFactory(out, thrift.NewTBinaryProtocolFactoryConf(nil))
	require.NoError(t, client.EmitBatch(context.Background(), h.batch))
	return out.Bytes()
}

func TestThriftCompactOverHTTP(t *testing.T) {
	run := startReceiver(t, 0)
	msg := capture(t, "jaeger-client-go-udp.agent-compact")
	buf := thrift.NewTMemoryBufferLen(len(msg))
	_, _ = buf.Write(msg)
	prot := thrift.NewTCompactProtocolConf(buf, nil)
	h := &batchCatcher{}
	_, perr := agent.NewAgentProcessor(h).Process(context.Background(), prot, prot)
	require.NoError(t, perr)
	body, err := thrift.NewTSerializer().Write(context.Background(), h.batch) // binary
	require.NoError(t, err)
	ser := thrift.NewTSerializer()
	ser.Protocol = thrift.NewTCompactProtocolConf(ser.Transport, nil)
	compact, err := ser.Write(context.Background(), h.batch)
	require.NoError(t, err)

	status, text := post(t, run.httpURL, "application/vnd.apache.thrift.compact", compact)
	require.Equal(t, http.StatusAccepted, status, text)
	require.NoError(t, ptracetest.CompareTraces(contribTraces(t, body, false, jaeger.Binary), run.sink.AllTraces()[0]))
}

func TestGRPCIsContribs(t *testing.T) {
	run := startReceiver(t, 0)
	conn, err := grpc.NewClient(run.grpc, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	batch := model.Batch{
		Process: &model.Process{ServiceName: "grpc-svc"},
		Spans: []*model.Span{{
			TraceID: model.NewTraceID(1, 2), SpanID: 3, OperationName: "op",
			StartTime: time.Unix(1_700_000_000, 0), Duration: time.Millisecond,
		}},
	}
	_, err = api_v2.NewCollectorServiceClient(conn).PostSpans(context.Background(), &api_v2.PostSpansRequest{Batch: batch})
	require.NoError(t, err)
	require.Equal(t, 1, run.sink.SpanCount())
	got := run.sink.AllTraces()[0].ResourceSpans().At(0)
	v, _ := got.Resource().Attributes().Get("service.name")
	assert.Equal(t, "grpc-svc", v.Str())
	assert.Equal(t, "op", got.ScopeSpans().At(0).Spans().At(0).Name())
}

// contrib's receiver panics on an emitZipkinBatch message (its handler is
// panic("unsupported receiver")); ours drops it and keeps serving.
func TestEmitZipkinBatchIsDropped(t *testing.T) {
	run := startReceiver(t, 0)
	out := thrift.NewTMemoryBufferLen(1024)
	client := agent.NewAgentClientFactory(out, thrift.NewTCompactProtocolFactoryConf(nil))
	require.NoError(t, client.EmitZipkinBatch(context.Background(), []*zipkincore.Span{{TraceID: 1, ID: 2, Name: "z"}}))
	conn, err := net.Dial("udp", run.compactAddr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write(out.Bytes())
	require.NoError(t, err)

	valid := capture(t, "jaeger-client-go-udp.agent-compact")
	_, err = conn.Write(valid)
	require.NoError(t, err)
	want := contribTraces(t, valid, true, jaeger.Compact)
	waitForSpans(t, run.sink, want.SpanCount())
	require.Len(t, run.sink.AllTraces(), 1, "the zipkin batch forwarded nothing")
	require.NoError(t, ptracetest.CompareTraces(want, run.sink.AllTraces()[0]))
}
