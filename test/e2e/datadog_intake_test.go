//go:build e2e

package e2e

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// The datadog receiver's metrics, DogStatsD, stats, logs and profiling intakes in the
// built distro (dd-trace-js is in datadog_ddtracejs_test.go). The payloads are
// the ones of components/datadog/testdata/intake: real dd-trace-go captures
// (stats, DogStatsD) and the HANDBUILT Agent payloads.

func datadogAllSignalsConfig(ddPort, healthPort int) string {
	return fmt.Sprintf(`
receivers:
  datadog:
    endpoint: 127.0.0.1:%d
exporters:
  file/traces:
    path: ./traces.jsonl
    flush_interval: 100ms
  file/metrics:
    path: ./metrics.jsonl
    flush_interval: 100ms
  file/logs:
    path: ./logs.jsonl
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [datadog]
      exporters: [file/traces]
    metrics:
      receivers: [datadog]
      exporters: [file/metrics]
    logs:
      receivers: [datadog]
      exporters: [file/logs]
`, ddPort, healthPort)
}

func startDatadogAllSignals(t *testing.T) (*Collector, string) {
	t.Helper()
	ports := freePorts(t, 2)
	c := startCollector(t, collectorOptions{Config: datadogAllSignalsConfig(ports[0], ports[1]), HealthPort: ports[1]})
	return c, fmt.Sprintf("http://127.0.0.1:%d", ports[0])
}

func intakePayload(t *testing.T, dir, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "components", "datadog", "testdata", "intake", dir, file))
	require.NoError(t, err)
	return b
}

func ddSend(t *testing.T, url, path string, h http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func gzipBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf)
	require.NoError(t, err)
	_, _ = w.Write(b)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// metricsByName indexes every metric of the file exporter's output by name,
// with its resource.
type foundMetric struct {
	res    pcommon.Map
	scope  string
	metric pmetric.Metric
}

func metricsByName(md pmetric.Metrics) map[string][]foundMetric {
	out := map[string][]foundMetric{}
	for _, rm := range md.ResourceMetrics().All() {
		for _, sm := range rm.ScopeMetrics().All() {
			for _, m := range sm.Metrics().All() {
				out[m.Name()] = append(out[m.Name()], foundMetric{res: rm.Resource().Attributes(), scope: sm.Scope().Name(), metric: m})
			}
		}
	}
	return out
}

func TestDatadogMetricsAndLogsIntakes(t *testing.T) {
	col, url := startDatadogAllSignals(t)

	// /info advertises stats and the DogStatsD proxy now that a metrics
	// pipeline takes them, and still no profiling (no profiles pipeline).
	resp, err := http.Get(url + "/info")
	require.NoError(t, err)
	info, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(info), `"/v0.6/stats"`)
	assert.Contains(t, string(info), `"/dogstatsd/v2/proxy"`)
	assert.NotContains(t, string(info), `"/profiling/v1/input"`)
	assert.Contains(t, string(info), `"client_drop_p0s": false`)

	agent := func(ct string) http.Header {
		return http.Header{"Content-Type": {ct}, "Dd-Agent-Version": {"7.62.2"}, "Dd-Api-Key": {"unused"}}
	}
	sends := []struct {
		path, dir, file string
		h               http.Header
		encode          func(*testing.T, []byte) []byte
		encoding        string
	}{
		{"/api/v1/series", "series_v1_HANDBUILT", "payload.json", agent("application/json"), gzipBytes, "gzip"},
		{"/api/v2/series", "series_v2_HANDBUILT", "payload.pb", agent("application/x-protobuf"), zstdBytes, "zstd"},
		{"/api/intake/metrics/v3/series", "series_v3_HANDBUILT", "payload.pb", agent("application/x-protobuf"), zstdBytes, "zstd"},
		{"/api/beta/sketches", "sketches_HANDBUILT", "payload.pb", agent("application/x-protobuf"), gzipBytes, "gzip"},
		{"/api/v1/distribution_points", "distribution_points_HANDBUILT", "payload.json", agent("application/json"), nil, ""},
		{"/api/v1/check_run", "check_run_HANDBUILT", "payload.json", agent("application/json"), nil, ""},
		{"/v0.6/stats", "stats_v04_dd_trace_go", "payload.msgpack", http.Header{"Content-Type": {"application/msgpack"},
			"Datadog-Meta-Lang": {"go"}, "Datadog-Meta-Tracer-Version": {"v2.12.0"}}, nil, ""},
		{"/dogstatsd/v2/proxy", "dogstatsd_dd_trace_go", "payload.txt", http.Header{}, nil, ""},
		{"/api/v2/logs", "logs_HANDBUILT", "payload.json", http.Header{"Content-Type": {"application/json"}, "Dd-Evp-Origin-Version": {"7.62.2"}}, zstdBytes, "zstd"},
	}
	for _, s := range sends {
		body := intakePayload(t, s.dir, s.file)
		h := s.h.Clone()
		if s.encode != nil {
			body = s.encode(t, body)
			h.Set("Content-Encoding", s.encoding)
		}
		status, resp := ddSend(t, url, s.path, h, body)
		require.Less(t, status, 300, "%s: %s", s.path, resp)
	}

	var byName map[string][]foundMetric
	waitFor(t, "the metrics of every intake", func() bool {
		byName = metricsByName(parseMetrics(t, readJSONLines(t, col.Path("metrics.jsonl"))))
		for _, n := range []string{"system.load.1", "checkout.orders", "system.mem.used", "checkout.request.duration",
			"datadog.agent.up", "datadog.trace.hits", "datadog.trace.latency", "datadog.tracer.flush_bytes"} {
			if len(byName[n]) == 0 {
				return false
			}
		}
		return true
	})

	// Series: a count becomes a delta sum over its interval.
	orders := byName["checkout.orders"][0]
	assert.Equal(t, pmetric.MetricTypeSum, orders.metric.Type())
	assert.Equal(t, pmetric.AggregationTemporalityDelta, orders.metric.Sum().AggregationTemporality())
	assertStr(t, orders.res, "service.name", "checkout")
	assertStr(t, orders.res, "host.name", "fixture-host")
	assert.Equal(t, AgentScopeName, orders.scope)
	// Sketches and distribution points: exponential histograms.
	for _, m := range byName["checkout.request.duration"] {
		require.Equal(t, pmetric.MetricTypeExponentialHistogram, m.metric.Type())
		dp := m.metric.ExponentialHistogram().DataPoints().At(0)
		assert.Equal(t, uint64(7), dp.Count())
		assert.Equal(t, 1.5, dp.Max())
	}
	// Tracer stats: hits per service, latency histograms.
	services := map[string]bool{}
	for _, m := range byName["datadog.trace.hits"] {
		services[attr(t, m.res, "service.name").Str()] = true
		assert.Equal(t, "dd-trace-go", m.scope)
	}
	assert.True(t, services["checkout-dd-go"] && services["checkout-dd-go-postgres"] && services["checkout-dd-go-redis"], "%v", services)
	// DogStatsD: dd-trace-go's health metrics.
	fb := byName["datadog.tracer.flush_bytes"][0]
	assert.Equal(t, 4805.0, fb.metric.Sum().DataPoints().At(0).DoubleValue())
	assertStr(t, fb.res, "service.name", "checkout-dd-go")
	assert.Equal(t, "dogstatsd", fb.scope)

	// Logs: severity, resource, trace ids.
	var found bool
	waitFor(t, "3 log records", func() bool {
		ld := parseLogs(t, readJSONLines(t, col.Path("logs.jsonl")))
		if ld.LogRecordCount() < 3 {
			return false
		}
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					if lr.Body().Str() == "charge failed" {
						found = true
						assert.Equal(t, "3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a", lr.TraceID().String())
						assert.Equal(t, plog.SeverityNumberError, lr.SeverityNumber())
						assertStr(t, rl.Resource().Attributes(), "service.name", "checkout")
						assertStr(t, lr.Attributes(), "datadog.log.source", "nodejs")
					}
				}
			}
		}
		return true
	})
	assert.True(t, found, "the structured log line was parsed")
}

// AgentScopeName is the scope of what the Agent sends (components/datadog.AgentScope).
const AgentScopeName = "datadog-agent"

// Without a profiles pipeline (the profiles feature gate is off by
// default), the profiling intake says so instead of accepting.
func TestDatadogProfilingWithoutPipeline(t *testing.T) {
	_, url := startDatadogAllSignals(t)
	status, body := ddSend(t, url, "/profiling/v1/input", http.Header{"Content-Type": {"multipart/form-data; boundary=x"}}, []byte("--x--\r\n"))
	assert.Equal(t, http.StatusNotImplemented, status, body)
	assert.Contains(t, body, "profilesSupport")
}
