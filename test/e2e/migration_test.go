//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	zipkin "github.com/openzipkin/zipkin-go"
	zipkinmodel "github.com/openzipkin/zipkin-go/model"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/uber/jaeger-client-go"
	"github.com/uber/jaeger-client-go/transport"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

// jaegerBinary is Jaeger v2 (github.com/jaegertracing/jaeger v1.76.0, cmd/jaeger), built in
// its own module under tools/jaeger so its collector versions never meet ours.
func jaegerBinary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("JAEGER_BIN")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".tools", "bin", "jaeger")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Jaeger v2 binary not found at %s: build it with `make %s` or\n"+
			"  cd tools/jaeger && go build -o %s github.com/jaegertracing/jaeger/cmd/jaeger\n"+
			"or point JAEGER_BIN at one: %v", p, ".tools/bin/jaeger", p, err)
	}
	return p
}

// jaegerV2 is a running Jaeger v2 all-in-one with in-memory storage.
type jaegerV2 struct {
	OTLPGRPC int
	QueryURL string
}

// startJaegerV2 runs Jaeger v2 on free ports: OTLP in, query API (/api/traces) out.
func startJaegerV2(t *testing.T) *jaegerV2 {
	t.Helper()
	p := freePorts(t, 4)
	j := &jaegerV2{OTLPGRPC: p[0], QueryURL: fmt.Sprintf("http://127.0.0.1:%d", p[2])}
	config := fmt.Sprintf(`
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 10000
  jaeger_query:
    # Jaeger's own traces would go to localhost:4317 and stall its shutdown.
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:%d
    grpc:
      endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
      http:
        endpoint: 127.0.0.1:%d
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`, p[2], p[3], p[0], p[1])
	dir := t.TempDir()
	cfg := filepath.Join(dir, "jaeger.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(config), 0o600))
	cmd := exec.Command(jaegerBinary(t), "--config", cfg)
	cmd.Dir = dir
	log := &bridgeproc.LogBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("jaeger log:\n%s", tail(log.String(), 40))
		}
	})
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case err := <-exited:
			t.Fatalf("jaeger exited during start-up: %v\n%s", err, log.String())
		default:
		}
		if resp, err := http.Get(j.QueryURL + "/api/services"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("jaeger query API not up on %s after %s\n%s", j.QueryURL, startTimeout, log.String())
		}
		time.Sleep(pollInterval)
	}
}

// spanCount is how many spans Jaeger's query API returns for traceID (0 when not found).
func (j *jaegerV2) spanCount(t testing.TB, traceID string) int {
	resp, err := http.Get(j.QueryURL + "/api/traces/" + traceID)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var body struct {
		Data []struct {
			Spans []json.RawMessage `json:"spans"`
		} `json:"data"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil || len(body.Data) == 0 {
		return 0
	}
	return len(body.Data[0].Spans)
}

// migrationBridge is bridge A: the legacy intake (Jaeger Thrift HTTP, Zipkin) dual-writing,
// as examples/migration does, to the old backend as received and to the new one normalized.
type migrationBridge struct {
	*Collector
	JaegerHTTP, Zipkin int
}

// startMigrationBridge runs bridge A. dropOnNew, when set, is a service the new route drops
// (a filter processor): the deliberately broken route.
func startMigrationBridge(t *testing.T, oldOTLP, newOTLP int, dropOnNew string) *migrationBridge {
	t.Helper()
	p := freePorts(t, 3)
	filter, filterProc := "", ""
	if dropOnNew != "" {
		filter = fmt.Sprintf(`
  filter/broken_route:
    error_mode: ignore
    traces:
      span:
        - resource.attributes["service.name"] == %q`, dropOnNew)
		filterProc = ", filter/broken_route"
	}
	config := fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
receivers:
  jaeger:
    protocols:
      thrift_http:
        endpoint: 127.0.0.1:%d
  zipkin:
    endpoint: 127.0.0.1:%d
processors:
  legacy_normalize:%s
exporters:
  otlp_grpc/old:
    endpoint: 127.0.0.1:%d
    tls:
      insecure: true
    sending_queue:
      enabled: true
      queue_size: 1000
  otlp_grpc/new:
    endpoint: 127.0.0.1:%d
    tls:
      insecure: true
    sending_queue:
      enabled: true
      queue_size: 1000
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces/old:
      receivers: [jaeger, zipkin]
      exporters: [otlp_grpc/old]
    traces/new:
      receivers: [jaeger, zipkin]
      processors: [legacy_normalize%s]
      exporters: [otlp_grpc/new]
`, p[0], p[1], p[2], filter, oldOTLP, newOTLP, filterProc)
	return &migrationBridge{Collector: startCollector(t, collectorOptions{Config: config, HealthPort: p[0]}), JaegerHTTP: p[1], Zipkin: p[2]}
}

// startOldBackend is bridge B, standing in for the old backend: OTLP in, file out.
func startOldBackend(t *testing.T) (c *Collector, otlpPort int) {
	t.Helper()
	p := freePorts(t, 2)
	config := fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%d
exporters:
  file:
    path: ./traces.jsonl
    flush_interval: 100ms
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file]
`, p[0], p[1])
	return startCollector(t, collectorOptions{Config: config, HealthPort: p[0]}), p[1]
}

// zipkinGoTrace records, with zipkin-go, a server span and a client child in the old
// Zipkin conventions (string tags, remote endpoint, error tag) and returns the trace id.
func zipkinGoTrace(t testing.TB, port int, service string) string {
	t.Helper()
	reporter := zipkinhttp.NewReporter(fmt.Sprintf("http://127.0.0.1:%d/api/v2/spans", port), zipkinhttp.BatchInterval(50*time.Millisecond))
	local, err := zipkin.NewEndpoint(service, "127.0.0.1:8080")
	require.NoError(t, err)
	tracer, err := zipkin.NewTracer(reporter, zipkin.WithLocalEndpoint(local), zipkin.WithTraceID128Bit(true), zipkin.WithSharedSpans(false))
	require.NoError(t, err)
	root := tracer.StartSpan("get /api/orders/{id}", zipkin.Kind(zipkinmodel.Server))
	root.Tag("http.method", "GET")
	root.Tag("http.path", "/api/orders/42")
	root.Tag("http.status_code", "502")
	db := tracer.StartSpan("select orders", zipkin.Kind(zipkinmodel.Client), zipkin.Parent(root.Context()),
		zipkin.RemoteEndpoint(&zipkinmodel.Endpoint{ServiceName: "postgres", IPv4: net.ParseIP("192.0.2.10"), Port: 5432}))
	db.Tag("sql.query", "SELECT * FROM orders WHERE id = ?")
	zipkin.TagError.Set(db, "connection reset")
	time.Sleep(2 * time.Millisecond)
	db.Finish()
	root.Finish()
	require.NoError(t, reporter.Close())
	return root.Context().TraceID.String()
}

// runParity runs `otelcol-bridge parity` and returns its output and exit code.
func runParity(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(binaryPath(t), append([]string{"parity"}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("otelcol-bridge parity: %v\n%s", err, out)
	return "", -1
}

type parityReport struct {
	TracesCompared   int  `json:"traces_compared"`
	TracesMismatched int  `json:"traces_mismatched"`
	OK               bool `json:"ok"`
	Mismatches       []struct {
		TraceID string `json:"trace_id"`
		Missing string `json:"missing"`
	} `json:"mismatches"`
}

// TestMigrationDualWriteParity: jaeger-client-go and zipkin-go → bridge A (legacy_normalize on
// the new route) → dual-write to Jaeger v2 (new) and a second bridge writing files (old);
// `otelcol-bridge parity` then finds both sides identical. A second bridge A whose new route
// drops one service is then reported as a mismatch with exit status 1.
func TestMigrationDualWriteParity(t *testing.T) {
	newBackend := startJaegerV2(t)
	oldBackend, oldOTLP := startOldBackend(t)
	oldFile := oldBackend.Path("traces.jsonl")

	send := func(a *migrationBridge, suffix string) (jaegerID, zipkinID string) {
		sender := transport.NewHTTPTransport(fmt.Sprintf("http://127.0.0.1:%d/api/traces", a.JaegerHTTP))
		jaegerID, _ = jaegerTrace(t, jaeger.NewRemoteReporter(sender), "checkout-jaeger"+suffix)
		jaegerID = padTraceID(jaegerID)
		zipkinID = zipkinGoTrace(t, a.Zipkin, "checkout-zipkin"+suffix)
		return jaegerID, zipkinID
	}

	t.Run("full_parity", func(t *testing.T) {
		a := startMigrationBridge(t, oldOTLP, newBackend.OTLPGRPC, "")
		jaegerID, zipkinID := send(a, "")
		waitForTrace(t, oldFile, jaegerID, 2)
		waitForTrace(t, oldFile, zipkinID, 2)
		waitFor(t, "both traces in Jaeger v2", func() bool {
			return newBackend.spanCount(t, jaegerID) >= 2 && newBackend.spanCount(t, zipkinID) >= 2
		})

		// Ids sampled from the old side: both legacy traces and the upstream trace
		// jaegerTrace links to.
		out, code := runParity(t, "--left", "otlp-file="+oldFile, "--right", "jaeger="+newBackend.QueryURL,
			"--sample", "10", "--format", "json")
		require.Equal(t, 0, code, "parity failed:\n%s", out)
		var rep parityReport
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		assert.Equal(t, 3, rep.TracesCompared)
		assert.Zero(t, rep.TracesMismatched)
		assert.True(t, rep.OK)

		// The other way round, ids from Jaeger's search API, text report.
		out, code = runParity(t, "--left", "jaeger="+newBackend.QueryURL, "--right", "otlp-file="+oldFile,
			"--service", "checkout-zipkin", "--sample", "5")
		require.Equal(t, 0, code, "parity failed:\n%s", out)
		assert.Contains(t, out, "PARITY: 1 traces compared, 1 identical, 0 different")
		require.NoError(t, a.Stop())
	})

	t.Run("broken_route", func(t *testing.T) {
		a := startMigrationBridge(t, oldOTLP, newBackend.OTLPGRPC, "checkout-zipkin-broken")
		jaegerID, zipkinID := send(a, "-broken")
		waitForTrace(t, oldFile, jaegerID, 2)
		waitForTrace(t, oldFile, zipkinID, 2)
		waitFor(t, "the Jaeger trace in Jaeger v2", func() bool { return newBackend.spanCount(t, jaegerID) >= 2 })
		time.Sleep(500 * time.Millisecond) // what could still arrive has arrived

		args := []string{"--left", "otlp-file=" + oldFile, "--right", "jaeger=" + newBackend.QueryURL,
			"--trace-id", jaegerID, "--trace-id", zipkinID}
		out, code := runParity(t, append(args, "--format", "json")...)
		require.Equal(t, 1, code, "parity should fail:\n%s", out)
		var rep parityReport
		require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
		assert.Equal(t, 2, rep.TracesCompared)
		assert.Equal(t, 1, rep.TracesMismatched)
		require.Len(t, rep.Mismatches, 1)
		assert.Equal(t, zipkinID, rep.Mismatches[0].TraceID)
		assert.Equal(t, "right", rep.Mismatches[0].Missing)

		out, code = runParity(t, args...)
		assert.Equal(t, 1, code)
		assert.Contains(t, out, "MISMATCH: 2 traces compared, 1 identical, 1 different (50.0%, allowed 0.0%)")
		assert.Contains(t, out, "trace "+zipkinID+": missing on the right")

		// Within a tolerated share, the same result passes.
		_, code = runParity(t, append(args, "--max-mismatch-ratio", "0.5")...)
		assert.Equal(t, 0, code)

		// Usage and I/O errors are exit status 2 (needs the distro's run() to honour
		// cli.ExitCode), with a message naming the culprit.
		out, code = runParity(t, "--left", "otlp-file="+filepath.Join(t.TempDir(), "nope.jsonl"), "--right", "jaeger="+newBackend.QueryURL, "--sample", "3")
		assert.Equal(t, 2, code, out)
		assert.True(t, strings.Contains(out, "nope.jsonl"), out)
	})
}
