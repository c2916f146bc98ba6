//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	"github.com/opentracing/opentracing-go"
	"github.com/opentracing/opentracing-go/ext"
	otlog "github.com/opentracing/opentracing-go/log"
	zipkin "github.com/openzipkin/zipkin-go"
	zipkinmodel "github.com/openzipkin/zipkin-go/model"
	zipkinproto "github.com/openzipkin/zipkin-go/proto/zipkin_proto3"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uber/jaeger-client-go"
	"github.com/uber/jaeger-client-go/thrift"
	"github.com/uber/jaeger-client-go/thrift-gen/agent"
	jaegerthrift "github.com/uber/jaeger-client-go/thrift-gen/jaeger"
	"github.com/uber/jaeger-client-go/transport"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func TestOTelJSTracesOverHTTPJSON(t *testing.T) {
	b := startBridge(t)
	jsDir := filepath.Join(repoRoot(t), "test", "e2e", "js")
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules")); err != nil {
		t.Fatalf("JS SDK not installed in %s (run `make e2e`, which runs npm ci): %v", jsDir, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "send-trace.js")
	cmd.Dir = jsDir
	cmd.Env = append(os.Environ(), fmt.Sprintf("OTLP_TRACES_URL=http://127.0.0.1:%d/v1/traces", b.Ports.OTLPHTTP))
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("node send-trace.js: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	var ids traceIDs
	require.NoError(t, json.Unmarshal(out, &ids), "sender output %q", out)

	td := waitForTrace(t, b.TracesFile(), ids.TraceID, 3)
	assertRealisticTrace(t, td, ids, serviceInfo{Name: "checkout-js", Version: "2.3.1", ScopeName: "e2e-js", ScopeVersion: "0.1.0"})
}

func TestZipkinGo(t *testing.T) {
	b := startBridge(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/api/v2/spans", b.Ports.Zipkin)

	cases := map[string][]zipkinhttp.ReporterOption{
		"v2-json":   nil,
		"v2-proto3": {zipkinhttp.Serializer(zipkinproto.SpanSerializer{})},
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			service := "checkout-zipkin-" + name
			reporter := zipkinhttp.NewReporter(url, append(opts, zipkinhttp.BatchInterval(50*time.Millisecond))...)
			local, err := zipkin.NewEndpoint(service, "127.0.0.1:8080")
			require.NoError(t, err)
			tracer, err := zipkin.NewTracer(reporter, zipkin.WithLocalEndpoint(local),
				zipkin.WithTraceID128Bit(true), zipkin.WithSharedSpans(false))
			require.NoError(t, err)

			root := tracer.StartSpan("get /api/orders/{id}", zipkin.Kind(zipkinmodel.Server))
			root.Tag("http.method", "GET")
			root.Tag("http.status_code", "500")
			root.Tag("order.total", "42.5")
			root.Annotate(time.Now(), "retrying")
			db := tracer.StartSpan("select orders", zipkin.Kind(zipkinmodel.Client), zipkin.Parent(root.Context()),
				zipkin.RemoteEndpoint(&zipkinmodel.Endpoint{ServiceName: "postgres", IPv4: net.ParseIP("192.0.2.10"), Port: 5432}))
			db.Tag("sql.query", "SELECT * FROM orders WHERE id = ?")
			zipkin.TagError.Set(db, "connection reset")
			time.Sleep(2 * time.Millisecond) // zipkin durations are whole microseconds
			db.Finish()
			local2 := tracer.StartSpan("render", zipkin.Parent(root.Context()))
			local2.Finish()
			root.Finish()
			require.NoError(t, reporter.Close())

			traceID := root.Context().TraceID.String()
			require.Len(t, traceID, 32, "128-bit trace id")
			td := waitForTrace(t, b.TracesFile(), traceID, 3)
			spans := spansByName(t, spansOfTrace(td, traceID))
			require.Len(t, spans, 3)

			r, d, l := spans["get /api/orders/{id}"], spans["select orders"], spans["render"]
			for _, s := range []foundSpan{r, d, l} {
				assertStr(t, s.Resource.Attributes(), "service.name", service)
			}
			assert.Equal(t, ptrace.SpanKindServer, r.Span.Kind())
			assert.Equal(t, root.Context().ID.String(), r.Span.SpanID().String())
			assert.True(t, r.Span.ParentSpanID().IsEmpty())
			assertStr(t, r.Span.Attributes(), "http.method", "GET")
			assertStr(t, r.Span.Attributes(), "http.status_code", "500")
			assertStr(t, r.Span.Attributes(), "order.total", "42.5")
			findEvent(t, r.Span, "retrying")

			assert.Equal(t, ptrace.SpanKindClient, d.Span.Kind())
			assert.Equal(t, r.Span.SpanID(), d.Span.ParentSpanID())
			assertStr(t, d.Span.Attributes(), "sql.query", "SELECT * FROM orders WHERE id = ?")
			// zipkin's remoteEndpoint, in the current semantic conventions.
			assertStr(t, d.Span.Attributes(), "service.peer.name", "postgres")
			assertStr(t, d.Span.Attributes(), "network.peer.address", "192.0.2.10")
			assert.Equal(t, ptrace.StatusCodeError, d.Span.Status().Code())
			assert.Greater(t, d.Span.EndTimestamp(), d.Span.StartTimestamp())

			assert.Equal(t, r.Span.SpanID(), l.Span.ParentSpanID())
			assert.Equal(t, ptrace.StatusCodeUnset, l.Span.Status().Code())
		})
	}
}

// jaegerTrace records, with jaeger-client-go, a SERVER root with typed tags, a log and a
// CLIENT child with an error and a FOLLOWS_FROM reference to a span of another trace, and returns the tracer's trace id.
func jaegerTrace(t testing.TB, reporter jaeger.Reporter, service string) (traceID string, followsFrom jaeger.SpanContext) {
	t.Helper()
	tracer, closer := jaeger.NewTracer(service, jaeger.NewConstSampler(true), reporter,
		jaeger.TracerOptions.Gen128Bit(true),
		jaeger.TracerOptions.Tag("deployment.environment", "e2e"))

	upstream := tracer.StartSpan("upstream.enqueue")
	upstream.Finish()
	followsFrom = upstream.Context().(jaeger.SpanContext)

	root := tracer.StartSpan("GET /api/orders/{id}", ext.SpanKindRPCServer)
	root.SetTag("http.method", "GET")
	root.SetTag("http.status_code", 500)
	root.SetTag("order.express", true)
	root.SetTag("order.total", 42.5)
	root.LogFields(otlog.String("event", "retrying"), otlog.Int("retry.attempt", 2))

	// CHILD_OF names the parent; the FOLLOWS_FROM reference to another trace becomes a link.
	db := tracer.StartSpan("SELECT orders", ext.SpanKindRPCClient,
		opentracing.ChildOf(root.Context()), opentracing.FollowsFrom(upstream.Context()))
	db.SetTag("db.statement", "SELECT * FROM orders WHERE id = ?")
	ext.Error.Set(db, true)
	db.LogFields(otlog.String("event", "error"), otlog.String("message", "connection reset"))
	db.Finish()
	root.Finish()
	require.NoError(t, closer.Close())
	return root.Context().(jaeger.SpanContext).TraceID().String(), followsFrom
}

// assertJaegerTrace checks the translation of jaegerTrace's spans to OTLP.
func assertJaegerTrace(t testing.TB, td ptrace.Traces, traceID, service string, followsFrom jaeger.SpanContext) {
	t.Helper()
	spans := spansByName(t, spansOfTrace(td, traceID))
	require.Len(t, spans, 2, "spans of trace %s", traceID)
	root, db := spans["GET /api/orders/{id}"], spans["SELECT orders"]
	for _, s := range []foundSpan{root, db} {
		res := s.Resource.Attributes()
		assertStr(t, res, "service.name", service)
		assertStr(t, res, "deployment.environment", "e2e")
		// jaeger-client-go's own process tags: contrib's translator renames jaeger.version
		// and hostname, and keeps ip and client-uuid as they are.
		assert.Contains(t, attr(t, res, "opencensus.exporterversion").Str(), "Jaeger-Go-")
		attr(t, res, "host.name")
		attr(t, res, "client-uuid")
	}
	assert.Equal(t, ptrace.SpanKindServer, root.Span.Kind())
	assert.True(t, root.Span.ParentSpanID().IsEmpty())
	a := root.Span.Attributes()
	assertStr(t, a, "http.method", "GET")
	assertInt(t, a, "http.status_code", 500)
	assertBool(t, a, "order.express", true)
	assertDouble(t, a, "order.total", 42.5)
	ev := findEvent(t, root.Span, "retrying")
	assertInt(t, ev.Attributes(), "retry.attempt", 2)
	assert.Equal(t, 0, root.Span.Links().Len())

	assert.Equal(t, ptrace.SpanKindClient, db.Span.Kind())
	assert.Equal(t, root.Span.SpanID(), db.Span.ParentSpanID())
	require.Equal(t, 1, db.Span.Links().Len(), "FOLLOWS_FROM becomes a link")
	assert.Equal(t, padTraceID(followsFrom.TraceID().String()), db.Span.Links().At(0).TraceID().String())
	assert.Equal(t, fmt.Sprintf("%016x", uint64(followsFrom.SpanID())), db.Span.Links().At(0).SpanID().String())
	assertStr(t, db.Span.Attributes(), "db.statement", "SELECT * FROM orders WHERE id = ?")
	assert.Equal(t, ptrace.StatusCodeError, db.Span.Status().Code())
	_, hasErrorTag := db.Span.Attributes().Get("error")
	assert.False(t, hasErrorTag, "the error tag becomes the span status")
}

func TestJaegerClientGo(t *testing.T) {
	b := startBridge(t)

	t.Run("udp-compact-6831", func(t *testing.T) {
		sender, err := jaeger.NewUDPTransport(fmt.Sprintf("127.0.0.1:%d", b.Ports.JaegerCompact), 0)
		require.NoError(t, err)
		service := "checkout-jaeger-udp"
		traceID, ff := jaegerTrace(t, jaeger.NewRemoteReporter(sender), service)
		td := waitForTrace(t, b.TracesFile(), padTraceID(traceID), 2)
		assertJaegerTrace(t, td, padTraceID(traceID), service, ff)
	})

	t.Run("http-binary-14268", func(t *testing.T) {
		sender := transport.NewHTTPTransport(fmt.Sprintf("http://127.0.0.1:%d/api/traces", b.Ports.JaegerThriftHTTP))
		service := "checkout-jaeger-http"
		traceID, ff := jaegerTrace(t, jaeger.NewRemoteReporter(sender), service)
		td := waitForTrace(t, b.TracesFile(), padTraceID(traceID), 2)
		assertJaegerTrace(t, td, padTraceID(traceID), service, ff)
	})

	t.Run("udp-binary-6832", func(t *testing.T) {
		sender := &binaryUDPTransport{addr: fmt.Sprintf("127.0.0.1:%d", b.Ports.JaegerBin)}
		service := "checkout-jaeger-udp-binary"
		traceID, ff := jaegerTrace(t, jaeger.NewRemoteReporter(sender), service)
		require.NoError(t, sender.err)
		td := waitForTrace(t, b.TracesFile(), padTraceID(traceID), 2)
		assertJaegerTrace(t, td, padTraceID(traceID), service, ff)
	})
}

// padTraceID renders a jaeger-client-go trace id as the 32 hex digits OTLP uses.
func padTraceID(id string) string { return fmt.Sprintf("%032s", id) }

// binaryUDPTransport sends jaeger-client-go's spans to the agent's binary-thrift port (6832),
// which jaeger-client-go itself never uses: the spans are converted with the client's own
// BuildJaegerThrift and emitted with its generated agent client over TBinaryProtocol.
type binaryUDPTransport struct {
	addr    string
	process *jaegerthrift.Process
	spans   []*jaegerthrift.Span
	err     error
}

func (u *binaryUDPTransport) Append(span *jaeger.Span) (int, error) {
	if u.process == nil {
		u.process = jaeger.BuildJaegerProcessThrift(span)
	}
	u.spans = append(u.spans, jaeger.BuildJaegerThrift(span))
	return 0, nil
}

func (u *binaryUDPTransport) Flush() (int, error) {
	if len(u.spans) == 0 {
		return 0, nil
	}
	buf := thrift.NewTMemoryBufferLen(65000)
	client := agent.NewAgentClientFactory(buf, thrift.NewTBinaryProtocolFactoryDefault())
	n := len(u.spans)
	if err := client.EmitBatch(context.Background(), &jaegerthrift.Batch{Process: u.process, Spans: u.spans}); err != nil {
		u.err = err
		return 0, err
	}
	u.spans = nil
	conn, err := net.Dial("udp", u.addr)
	if err != nil {
		u.err = err
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.Write(buf.Bytes()); err != nil {
		u.err = err
		return 0, err
	}
	return n, nil
}

func (u *binaryUDPTransport) Close() error { return nil }

func TestJaegerGRPCPostSpans(t *testing.T) {
	b := startBridge(t)
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", b.Ports.JaegerGRPC),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()

	traceID := model.NewTraceID(0x1122334455667788, 0x99aabbccddeeff00)
	now := time.Now().UTC().Truncate(time.Microsecond)
	batch := model.Batch{
		Process: &model.Process{ServiceName: "checkout-jaeger-grpc", Tags: []model.KeyValue{
			model.String("hostname", "gateway-e2e"), model.String("deployment.environment", "e2e"),
		}},
		Spans: []*model.Span{
			{
				TraceID: traceID, SpanID: model.NewSpanID(1), OperationName: "GET /api/orders/{id}",
				StartTime: now, Duration: 20 * time.Millisecond,
				Tags: []model.KeyValue{
					model.String("span.kind", "server"), model.Int64("http.status_code", 500),
					model.Bool("order.express", true), model.Float64("order.total", 42.5),
				},
				Logs: []model.Log{{Timestamp: now.Add(time.Millisecond), Fields: []model.KeyValue{
					model.String("event", "retrying"), model.Int64("retry.attempt", 2),
				}}},
			},
			{
				TraceID: traceID, SpanID: model.NewSpanID(2), OperationName: "SELECT orders",
				References: []model.SpanRef{model.NewChildOfRef(traceID, model.NewSpanID(1))},
				StartTime:  now.Add(2 * time.Millisecond), Duration: 5 * time.Millisecond,
				Tags: []model.KeyValue{model.String("span.kind", "client"), model.Bool("error", true)},
			},
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = api_v2.NewCollectorServiceClient(conn).PostSpans(ctx, &api_v2.PostSpansRequest{Batch: batch})
	require.NoError(t, err)

	want := "112233445566778899aabbccddeeff00"
	td := waitForTrace(t, b.TracesFile(), want, 2)
	spans := spansByName(t, spansOfTrace(td, want))
	root, db := spans["GET /api/orders/{id}"], spans["SELECT orders"]
	assertStr(t, root.Resource.Attributes(), "service.name", "checkout-jaeger-grpc")
	assertStr(t, root.Resource.Attributes(), "host.name", "gateway-e2e")
	assert.Equal(t, ptrace.SpanKindServer, root.Span.Kind())
	assert.Equal(t, "0000000000000001", root.Span.SpanID().String())
	assertInt(t, root.Span.Attributes(), "http.status_code", 500)
	assertBool(t, root.Span.Attributes(), "order.express", true)
	assertDouble(t, root.Span.Attributes(), "order.total", 42.5)
	assert.Equal(t, uint64(now.UnixNano()), uint64(root.Span.StartTimestamp()))
	assert.Equal(t, uint64(now.Add(20*time.Millisecond).UnixNano()), uint64(root.Span.EndTimestamp()))
	ev := findEvent(t, root.Span, "retrying")
	assertInt(t, ev.Attributes(), "retry.attempt", 2)
	assert.Equal(t, ptrace.SpanKindClient, db.Span.Kind())
	assert.Equal(t, "0000000000000001", db.Span.ParentSpanID().String())
	assert.Equal(t, ptrace.StatusCodeError, db.Span.Status().Code())
	assert.False(t, strings.Contains(fmt.Sprint(db.Span.Attributes().AsRaw()), "span.kind"), "span.kind tag becomes the span kind")
}
