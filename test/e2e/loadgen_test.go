//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadgenBinary runs `loadgen`: the distro under test, unless $LOADGEN_BINARY names another
// binary with the same subcommand (to try a new loadgen against an older distro build).
func loadgenBinary(t testing.TB) string {
	if p := os.Getenv("LOADGEN_BINARY"); p != "" {
		return p
	}
	return binaryPath(t)
}

const loadgenConfig = `
extensions:
  health_check:
    endpoint: 127.0.0.1:%[1]d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[2]d
      http:
        endpoint: 127.0.0.1:%[3]d
  jaeger:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[4]d
      thrift_http:
        endpoint: 127.0.0.1:%[5]d
      thrift_compact:
        endpoint: 127.0.0.1:%[6]d
      thrift_binary:
        endpoint: 127.0.0.1:%[7]d
  zipkin:
    endpoint: 127.0.0.1:%[8]d
  datadog:
    endpoint: 127.0.0.1:%[9]d
processors:
  batch:
    timeout: 200ms
exporters:
  file:
    path: ./traces.jsonl
    format: json
    flush_interval: 100ms
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp, jaeger, zipkin, datadog]
      processors: [batch]
      exporters: [file]
  telemetry:
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[10]d
`

// telemetrySum sums a metric of the collector's own Prometheus endpoint over its label sets.
func telemetrySum(t testing.TB, port int, metric string) float64 {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, metric+"{") || strings.HasPrefix(line, metric+" ") {
			f := strings.Fields(line)
			v, err := strconv.ParseFloat(f[len(f)-1], 64)
			require.NoError(t, err, line)
			sum += v
		}
	}
	return sum
}

type loadgenReport struct {
	Sent           int64   `json:"sent"`
	Accepted       int64   `json:"accepted"`
	Refused        int64   `json:"refused"`
	Failed         int64   `json:"failed"`
	Unacknowledged int64   `json:"unacknowledged"`
	Requests       int64   `json:"requests"`
	SentPerSecond  float64 `json:"sent_per_second"`
	LateRequests   int64   `json:"late_requests"`
	GeneratorCores float64 `json:"generator_cores"`
}

// TestLoadgenSentEqualsReceived runs the real binary's `loadgen` at a fixed rate against a
// fresh collector for every protocol, and checks that every span sent was accepted (UDP:
// written), counted by the receiver's own telemetry, and written by the file exporter.
func TestLoadgenSentEqualsReceived(t *testing.T) {
	const (
		rate       = 1000
		seconds    = 2
		perRequest = 20
		wantSpans  = rate * seconds
	)
	for _, tc := range []struct {
		protocol string
		port     int // index into the ports below
		udp      bool
	}{
		{"otlp-grpc", 1, false}, {"otlp-http", 2, false}, {"otlp-http-json", 2, false},
		{"jaeger-grpc", 3, false}, {"jaeger-thrift-http", 4, false},
		{"jaeger-udp-compact", 5, true}, {"jaeger-udp-binary", 6, true},
		{"zipkin-json", 7, false}, {"zipkin-proto", 7, false},
		{"datadog-v04", 8, false}, {"datadog-v05", 8, false}, {"datadog-v1", 8, false},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			ports := freePorts(t, 10)
			args := make([]any, len(ports))
			for i, p := range ports {
				args[i] = p
			}
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(loadgenConfig, args...), HealthPort: ports[0]})
			telemetry := ports[9]

			cmd := exec.Command(loadgenBinary(t), "loadgen", "--protocol", tc.protocol,
				"--endpoint", fmt.Sprintf("127.0.0.1:%d", ports[tc.port]),
				"--rate", strconv.Itoa(rate), "--duration", fmt.Sprintf("%ds", seconds),
				"--spans-per-request", strconv.Itoa(perRequest), "--workers", "2", "--json")
			out, err := cmd.Output()
			require.NoError(t, err, "loadgen: %s", out)
			var rep loadgenReport
			require.NoError(t, json.Unmarshal(out, &rep), "%s", out)

			assert.Equal(t, int64(wantSpans), rep.Sent, "rate × duration spans")
			assert.Equal(t, int64(wantSpans/perRequest), rep.Requests)
			assert.Zero(t, rep.Refused+rep.Failed, "%s", out)
			if tc.udp {
				assert.Equal(t, rep.Sent, rep.Unacknowledged, "UDP has no answer")
			} else {
				assert.Equal(t, rep.Sent, rep.Accepted, "every request answered 2xx / OK")
			}

			waitFor(t, "the file exporter to write every span", func() bool {
				return parseTraces(t, readJSONLines(t, c.Path("traces.jsonl"))).SpanCount() >= wantSpans
			})
			assert.Equal(t, wantSpans, parseTraces(t, readJSONLines(t, c.Path("traces.jsonl"))).SpanCount(), "no span duplicated")
			// The receiver's own count (read after the spans are out, so it is final).
			assert.Equal(t, float64(wantSpans), telemetrySum(t, telemetry, "otelcol_receiver_accepted_spans"), "otelcol_receiver_accepted_spans")
			assert.Zero(t, telemetrySum(t, telemetry, "otelcol_receiver_refused_spans"))
			assert.Equal(t, float64(wantSpans), telemetrySum(t, telemetry, "otelcol_processor_batch_batch_send_size_sum"), "spans the batch processor passed on")
		})
	}
}

// TestLoadgenReplayRawSentEqualsReceived replays the client captures `make bench` replays
// (loadgen --replay-raw: the captured spans, repeated) against the built binary, and checks
// that every span sent reached the pipeline.
func TestLoadgenReplayRawSentEqualsReceived(t *testing.T) {
	const (
		rate       = 500
		seconds    = 2
		perRequest = 25
		wantSpans  = rate * seconds
	)
	captures := filepath.Join("..", "..", "components", "loadgen", "testdata", "captures")
	for _, tc := range []struct {
		protocol, capture string
		port              int // index into the ports below
	}{
		{"zipkin-json", "zipkin-go.v2.json", 7}, {"zipkin-proto", "zipkin-go.v2.proto", 7},
		{"jaeger-thrift-http", "jaeger-client-go.thrift", 4},
	} {
		t.Run(tc.capture, func(t *testing.T) {
			ports := freePorts(t, 10)
			args := make([]any, len(ports))
			for i, p := range ports {
				args[i] = p
			}
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(loadgenConfig, args...), HealthPort: ports[0]})
			cmd := exec.Command(loadgenBinary(t), "loadgen", "--protocol", tc.protocol,
				"--endpoint", fmt.Sprintf("127.0.0.1:%d", ports[tc.port]), "--replay-raw", filepath.Join(captures, tc.capture),
				"--rate", strconv.Itoa(rate), "--duration", fmt.Sprintf("%ds", seconds),
				"--spans-per-request", strconv.Itoa(perRequest), "--workers", "2", "--json")
			out, err := cmd.Output()
			require.NoError(t, err, "loadgen: %s", out)
			var rep loadgenReport
			require.NoError(t, json.Unmarshal(out, &rep), "%s", out)
			assert.Equal(t, int64(wantSpans), rep.Sent)
			assert.Equal(t, rep.Sent, rep.Accepted, "%s", out)
			waitFor(t, "the file exporter to write every span", func() bool {
				return parseTraces(t, readJSONLines(t, c.Path("traces.jsonl"))).SpanCount() >= wantSpans
			})
			assert.Equal(t, float64(wantSpans), telemetrySum(t, ports[9], "otelcol_receiver_accepted_spans"))
		})
	}
}

// TestBenchConfigsValidate: the pipelines `make bench` runs (test/load/configs) load in this
// build, so a manifest change cannot silently break the benchmarks.
func TestBenchConfigsValidate(t *testing.T) {
	configs, err := filepath.Glob(filepath.Join(repoRoot(t), "test", "load", "configs", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, configs)
	env := append(os.Environ(), "PROFILE_DIR="+t.TempDir())
	for i, name := range []string{"HEALTH_PORT", "OTLP_GRPC_PORT", "OTLP_HTTP_PORT", "JAEGER_GRPC_PORT", "JAEGER_HTTP_PORT", "JAEGER_COMPACT_PORT", "ZIPKIN_PORT", "DATADOG_PORT", "TELEMETRY_PORT", "PPROF_PORT"} {
		env = append(env, fmt.Sprintf("%s=%d", name, 40000+i))
	}
	for _, cfg := range configs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			cmd := exec.Command(binaryPath(t), "validate", "--config", cfg)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			assert.NoError(t, err, "%s", out)
		})
	}
}
