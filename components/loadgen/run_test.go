package loadgen

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// These tests run the real transports against in-process receivers that decode every
// request: what the generator reports as accepted is exactly what the receiver got.

func TestSentEqualsReceivedOTLPHTTP(t *testing.T) {
	var received, requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := requests.Add(1)
		if n%3 == 0 { // every third request is refused, as a memory limiter would
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		req := ptraceotlp.NewExportRequest()
		if err := req.UnmarshalProto(body); err != nil || r.URL.Path != "/v1/traces" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		received.Add(int64(req.Traces().SpanCount()))
		w.Header().Set("Content-Type", "application/x-protobuf")
		b, _ := ptraceotlp.NewExportResponse().MarshalProto()
		_, _ = w.Write(b)
	}))
	defer srv.Close()

	rep, err := Run(context.Background(), Config{
		Protocol: OTLPHTTP, Endpoint: strings.TrimPrefix(srv.URL, "http://"),
		Rate: 2000, Duration: 500 * time.Millisecond, ItemsPerRequest: 20, Workers: 2,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1000), rep.Sent)
	assert.Equal(t, received.Load(), rep.Accepted)
	assert.Equal(t, rep.Sent, rep.Accepted+rep.Refused)
	assert.Positive(t, rep.Refused)
	assert.Equal(t, []Reason{{"HTTP 503", requests.Load() / 3}}, rep.Reasons)
	assert.Positive(t, rep.WireBytesPerItem)
}

type countingTraceServer struct {
	ptraceotlp.UnimplementedGRPCServer
	received, requests atomic.Int64
	partial            int64
}

func (s *countingTraceServer) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	n := s.requests.Add(1)
	if n%4 == 0 {
		return ptraceotlp.NewExportResponse(), status.Error(codes.ResourceExhausted, "memory limit")
	}
	resp := ptraceotlp.NewExportResponse()
	spans := int64(req.Traces().SpanCount())
	if n%5 == 0 && s.partial > 0 {
		resp.PartialSuccess().SetRejectedSpans(s.partial)
		spans -= s.partial
	}
	s.received.Add(spans)
	return resp, nil
}

func TestSentEqualsReceivedOTLPGRPC(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	impl := &countingTraceServer{partial: 3}
	ptraceotlp.RegisterGRPCServer(srv, impl)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	rep, err := Run(context.Background(), Config{
		Protocol: OTLPGRPC, Endpoint: lis.Addr().String(),
		Rate: 4000, Duration: 500 * time.Millisecond, ItemsPerRequest: 20, Workers: 3,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2000), rep.Sent)
	assert.Equal(t, impl.received.Load(), rep.Accepted)
	assert.Equal(t, rep.Sent, rep.Accepted+rep.Refused)
	reasons := map[string]int64{}
	for _, r := range rep.Reasons {
		reasons[r.Reason] = r.Requests
	}
	assert.Equal(t, impl.requests.Load()/4, reasons["gRPC ResourceExhausted"])
	assert.Positive(t, reasons["partial success: rejected items"])
}

func TestUDPIsUnacknowledged(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer conn.Close()
	var datagrams atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := conn.ReadFrom(buf); err != nil {
				return
			}
			datagrams.Add(1)
		}
	})
	rep, err := Run(context.Background(), Config{
		Protocol: JaegerUDPCompact, Endpoint: conn.LocalAddr().String(),
		Rate: 1000, Duration: 200 * time.Millisecond, ItemsPerRequest: 10, Workers: 1,
	})
	require.NoError(t, err)
	assert.Equal(t, int64(200), rep.Sent)
	assert.Equal(t, rep.Sent, rep.Unacknowledged)
	assert.Zero(t, rep.Accepted)
	assert.True(t, rep.Lossless())
	assert.Eventually(t, func() bool { return datagrams.Load() == rep.Requests }, 5*time.Second, 10*time.Millisecond)
	conn.Close()
	wg.Wait()
}

func TestConnectionRefusedIsFailed(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	lis.Close()
	rep, err := Run(context.Background(), Config{Protocol: ZipkinJSON, Endpoint: addr, Rate: 100, Duration: 100 * time.Millisecond, ItemsPerRequest: 10, Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, rep.Sent, rep.Failed)
	require.NotEmpty(t, rep.Reasons)
	assert.Contains(t, rep.Reasons[0].Reason, "connection refused")
}

func TestReplay(t *testing.T) {
	dir := t.TempDir()
	td := SynthTraces(30, 5, testNow)
	var m ptrace.JSONMarshaler
	line, err := m.MarshalTraces(td)
	require.NoError(t, err)
	// Two lines, as the file exporter writes them.
	path := filepath.Join(dir, "traces.jsonl")
	require.NoError(t, os.WriteFile(path, append(append(append([]byte{}, line...), '\n'), append(line, '\n')...), 0o600))

	pool, err := BuildPayloads(Config{Protocol: ZipkinJSON, Replay: path, Rate: 1, Duration: time.Second, Workers: 1, Variants: 3})
	require.NoError(t, err)
	require.Len(t, pool, 3)
	assert.Equal(t, 60, pool[0].Items)
	assert.NotEqual(t, pool[0].Body, pool[1].Body, "variants get their own ids")

	// A captured OTLP/HTTP request body replays too.
	fixture := filepath.Join("..", "..", "test", "e2e", "testdata", "fixtures", "otel-go-nocomp-cumulative.otlp-http")
	bodies, _ := filepath.Glob(filepath.Join(fixture, "*.body"))
	for _, b := range bodies {
		if p, err := BuildPayloads(Config{Protocol: OTLPGRPC, Replay: b, Rate: 1, Duration: time.Second, Workers: 1, Variants: 1}); err == nil {
			assert.Positive(t, p[0].Items)
			return
		}
	}
	t.Fatalf("no trace capture in %s replays", fixture)
}

func TestValidate(t *testing.T) {
	base := func() Config {
		return Config{Protocol: OTLPGRPC, Rate: 10, Duration: time.Second, ItemsPerRequest: 10, Workers: 1}
	}
	for _, tc := range []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"unknown protocol", func(c *Config) { c.Protocol = "otlp-carrier-pigeon" }, `--protocol "otlp-carrier-pigeon"`},
		{"negative rate", func(c *Config) { c.Rate = -1 }, "--rate must be >= 0"},
		{"zero duration", func(c *Config) { c.Duration = 0 }, "--duration must be positive"},
		{"zero spans", func(c *Config) { c.ItemsPerRequest = 0 }, "--spans-per-request must be positive"},
		{"zero workers", func(c *Config) { c.Workers = 0 }, "--workers must be positive"},
		{"logs over zipkin", func(c *Config) { c.Protocol = ZipkinJSON; c.Signal = Logs }, "carries traces only"},
		{"bad compression", func(c *Config) { c.Compression = "zstd" }, "--compression must be none or gzip"},
		{"gzip over UDP", func(c *Config) { c.Protocol = JaegerUDPBinary; c.Compression = "gzip" }, "has no compression"},
		{"URL for gRPC", func(c *Config) { c.Endpoint = "http://localhost:4317" }, "wants host:port, not a URL"},
		{"no port", func(c *Config) { c.Protocol = ZipkinJSON; c.Endpoint = "localhost" }, "--endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.modify(&c)
			err := c.Validate()
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	c := base()
	require.NoError(t, c.Validate())
	assert.Equal(t, Traces, c.Signal)
}

func TestResolveEndpoint(t *testing.T) {
	for _, tc := range []struct {
		p        Protocol
		sig      Signal
		endpoint string
		want     string
	}{
		{OTLPHTTP, Traces, "", "http://127.0.0.1:4318/v1/traces"},
		{OTLPHTTPJSON, Logs, "collector:4318", "http://collector:4318/v1/logs"},
		{OTLPHTTP, Metrics, "https://gw.example.com", "https://gw.example.com/v1/metrics"},
		{ZipkinJSON, Traces, "http://127.0.0.1:9411/custom/path", "http://127.0.0.1:9411/custom/path"},
		{DatadogV1, Traces, "127.0.0.1:18126", "http://127.0.0.1:18126/v1.0/traces"},
		{JaegerGRPC, Traces, "", "127.0.0.1:14250"},
		{JaegerUDPBinary, Traces, "", "127.0.0.1:6832"},
	} {
		got, err := resolveEndpoint(tc.p, tc.sig, tc.endpoint)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}

func TestLogsAndMetricsOverOTLP(t *testing.T) {
	for _, sig := range []Signal{Logs, Metrics} {
		for _, p := range []Protocol{OTLPGRPC, OTLPHTTPJSON} {
			pool, err := BuildPayloads(Config{Protocol: p, Signal: sig, Rate: 1, Duration: time.Second, ItemsPerRequest: 40, Workers: 1, Variants: 1})
			require.NoError(t, err)
			assert.Equal(t, 40, pool[0].Items, "%s over %s", sig, p)
		}
	}
}

func TestGRPCGzipCountsCompressedBytes(t *testing.T) {
	plain, err := BuildPayloads(Config{Protocol: OTLPGRPC, Rate: 1, Duration: time.Second, ItemsPerRequest: 100, Workers: 1, Variants: 1})
	require.NoError(t, err)
	gz, err := BuildPayloads(Config{Protocol: OTLPGRPC, Compression: "gzip", Rate: 1, Duration: time.Second, ItemsPerRequest: 100, Workers: 1, Variants: 1})
	require.NoError(t, err)
	assert.Len(t, gz[0].Body, len(plain[0].Body), "grpc compresses while sending: the body stays plain")
	assert.Positive(t, gz[0].WireSize)
	assert.Less(t, gz[0].WireSize, len(gz[0].Body)/2)
}
