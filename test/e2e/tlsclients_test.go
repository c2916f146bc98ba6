//go:build e2e

package e2e

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/jaegertracing/jaeger-idl/proto-gen/api_v2"
	zipkin "github.com/openzipkin/zipkin-go"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"
	"github.com/stretchr/testify/require"
	"github.com/uber/jaeger-client-go"
	"github.com/uber/jaeger-client-go/transport"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// The clients of the TLS/auth tests: each sends one span named for the case, so the
// file exporter's output says exactly which cases got through.

const clientTimeout = 10 * time.Second

// otlpClient says how an OTel Go SDK exporter connects.
type otlpClient struct {
	tls     *tls.Config // nil: plaintext
	headers map[string]string
}

// exportGRPC sends one span named name with the SDK's OTLP/gRPC exporter, retries off so
// a refusal is the answer to this one request.
func exportGRPC(t *testing.T, addr, name string, c otlpClient) error {
	t.Helper()
	opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(addr),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}), otlptracegrpc.WithHeaders(c.headers)}
	if c.tls == nil {
		opts = append(opts, otlptracegrpc.WithInsecure())
	} else {
		opts = append(opts, otlptracegrpc.WithTLSCredentials(credentials.NewTLS(c.tls)))
	}
	return exportWith(t, name, func(ctx context.Context) (sdktrace.SpanExporter, error) { return otlptracegrpc.New(ctx, opts...) })
}

// exportHTTP is exportGRPC over OTLP/HTTP (protobuf).
func exportHTTP(t *testing.T, addr, name string, c otlpClient) error {
	t.Helper()
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(addr),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}), otlptracehttp.WithHeaders(c.headers)}
	if c.tls == nil {
		opts = append(opts, otlptracehttp.WithInsecure())
	} else {
		opts = append(opts, otlptracehttp.WithTLSClientConfig(c.tls))
	}
	return exportWith(t, name, func(ctx context.Context) (sdktrace.SpanExporter, error) { return otlptracehttp.New(ctx, opts...) })
}

func exportWith(t *testing.T, name string, newExp func(context.Context) (sdktrace.SpanExporter, error)) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	exp, err := newExp(ctx)
	require.NoError(t, err)
	defer func() { _ = exp.Shutdown(context.Background()) }()
	var tid trace.TraceID
	var sid trace.SpanID
	_, _ = rand.Read(tid[:])
	_, _ = rand.Read(sid[:])
	now := time.Now()
	stub := tracetest.SpanStub{
		Name:        name,
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}),
		StartTime:   now.Add(-time.Millisecond),
		EndTime:     now,
		Resource:    resource.NewSchemaless(attribute.String("service.name", "tls-e2e")),
	}
	return exp.ExportSpans(ctx, tracetest.SpanStubs{stub}.Snapshots())
}

// grpcCode is the gRPC status code of an SDK export error ("OK" for nil).
func grpcCode(err error) string {
	s, _ := status.FromError(err)
	return s.Code().String()
}

// httpClient is an HTTP client for the legacy clients: tlsConf nil is plaintext.
func httpClient(tlsConf *tls.Config) *http.Client {
	return &http.Client{Timeout: clientTimeout, Transport: &http.Transport{TLSClientConfig: tlsConf}}
}

// sendJaeger sends one span with jaeger-client-go's Thrift HTTP sender and returns the
// sender's own error (the collector's answer), which its reporter would only log.
func sendJaeger(t *testing.T, url, name string, client *http.Client, headers map[string]string) error {
	t.Helper()
	opts := []transport.HTTPOption{transport.HTTPRoundTripper(client.Transport), transport.HTTPTimeout(clientTimeout)}
	if headers != nil {
		opts = append(opts, transport.HTTPHeaders(headers))
	}
	sender := transport.NewHTTPTransport(url, opts...)
	mem := jaeger.NewInMemoryReporter()
	tracer, closer := jaeger.NewTracer("tls-e2e-jaeger", jaeger.NewConstSampler(true), mem)
	tracer.StartSpan(name).Finish()
	// Closing the tracer resets the in-memory reporter: take the span first.
	spans := mem.GetSpans()
	require.Len(t, spans, 1)
	defer func() { require.NoError(t, closer.Close()) }()
	if _, err := sender.Append(spans[0].(*jaeger.Span)); err != nil {
		return err
	}
	_, err := sender.Flush()
	return err
}

// postJaegerGRPC sends one span with Jaeger's gRPC CollectorService (what jaeger-agent
// and the Jaeger SDKs' gRPC reporters call); creds nil is plaintext.
func postJaegerGRPC(t *testing.T, addr, name string, tlsConf *tls.Config) error {
	t.Helper()
	creds := insecure.NewCredentials()
	if tlsConf != nil {
		creds = credentials.NewTLS(tlsConf)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	require.NoError(t, err)
	defer conn.Close()
	var tid [16]byte
	_, _ = rand.Read(tid[:])
	batch := model.Batch{
		Process: &model.Process{ServiceName: "tls-e2e-jaeger-grpc"},
		Spans: []*model.Span{{
			TraceID:       model.NewTraceID(binary.BigEndian.Uint64(tid[:8]), binary.BigEndian.Uint64(tid[8:])),
			SpanID:        model.NewSpanID(binary.BigEndian.Uint64(tid[4:12]) | 1),
			OperationName: name,
			StartTime:     time.Now().UTC(),
			Duration:      time.Millisecond,
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	_, err = api_v2.NewCollectorServiceClient(conn).PostSpans(ctx, &api_v2.PostSpansRequest{Batch: batch})
	return err
}

// statusRecorder is zipkin-go's HTTP client with the collector's answers kept: the
// reporter only logs failures.
type statusRecorder struct {
	client *http.Client
	mu     sync.Mutex
	codes  []int
	errs   []error
}

func (r *statusRecorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.client.Do(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errs = append(r.errs, err)
	} else {
		r.codes = append(r.codes, resp.StatusCode)
	}
	return resp, err
}

// sendZipkin sends one span with zipkin-go's HTTP reporter (JSON v2) and returns the
// status codes and transport errors it met.
func sendZipkin(t *testing.T, url, name string, client *http.Client) ([]int, []error) {
	t.Helper()
	rec := &statusRecorder{client: client}
	reporter := zipkinhttp.NewReporter(url, zipkinhttp.Client(rec), zipkinhttp.BatchInterval(50*time.Millisecond),
		zipkinhttp.Logger(log.New(io.Discard, "", 0)))
	tracer, err := zipkin.NewTracer(reporter)
	require.NoError(t, err)
	tracer.StartSpan(name).Finish()
	// Close returns the last send's error, which the recorder holds too.
	_ = reporter.Close()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.codes, rec.errs
}

// runDDGo runs test/e2e/ddgo (dd-trace-go v2) against agentURL and returns the trace id
// it printed. caFile is added to the roots the tracer trusts through SSL_CERT_FILE, which
// Go's crypto/x509 reads on Linux: dd-trace-go has no CA setting of its own.
func runDDGo(t *testing.T, agentURL, caFile string) string {
	t.Helper()
	bin := ddgoSender(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "DD_TRACE_AGENT_URL="+agentURL, "SSL_CERT_FILE="+caFile,
		"DD_INSTRUMENTATION_TELEMETRY_ENABLED=false", "DD_REMOTE_CONFIGURATION_ENABLED=false",
		"DD_TRACE_STARTUP_LOGS=false")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("ddgo: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err)
	i := strings.Index(string(out), `"traceId":"`)
	require.GreaterOrEqual(t, i, 0, "ddgo output %q", out)
	return string(out[i+len(`"traceId":"`) : i+len(`"traceId":"`)+32])
}

// spanNames are the names of every span in a traces file.
func spanNames(t *testing.T, path string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	td := parseTraces(t, readJSONLines(t, path))
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				out[s.Name()] = true
			}
		}
	}
	return out
}

// waitForSpans waits until every name is in the traces file.
func waitForSpans(t *testing.T, path string, names ...string) {
	t.Helper()
	waitFor(t, fmt.Sprintf("spans %v in %s", names, path), func() bool {
		got := spanNames(t, path)
		for _, n := range names {
			if !got[n] {
				return false
			}
		}
		return true
	})
}

// assertNoSpans checks that none of the refused names reached the pipeline. Call it after
// waitForSpans on spans sent later: receivers refuse before anything enters a pipeline,
// so a refused span that has not arrived by then never will.
func assertNoSpans(t *testing.T, path string, names ...string) {
	t.Helper()
	got := spanNames(t, path)
	for _, n := range names {
		require.False(t, got[n], "refused span %q reached the file exporter", n)
	}
}
