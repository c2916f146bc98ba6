//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkoutApp is the examples/apps/checkout demo app.
func checkoutApp(t testing.TB) string { return buildProgram(t, "examples/apps/checkout") }

// runCheckout runs the demo app against an OTLP/HTTP endpoint until it has sent its data.
func runCheckout(t testing.TB, otlpHTTPPort int, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, checkoutApp(t), args...)
	cmd.Env = append(os.Environ(),
		fmt.Sprintf("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:%d", otlpHTTPPort),
		"OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "checkout %v: %s", args, out)
}

// exampleEnv starts the bridge on an example config whose endpoints come from ${env:...}.
type exampleEnv struct {
	OTLPGRPC, OTLPHTTP, Health, Telemetry, PromExporter int
}

func (e exampleEnv) vars() []string {
	return []string{
		fmt.Sprintf("OTLP_GRPC_ENDPOINT=127.0.0.1:%d", e.OTLPGRPC),
		fmt.Sprintf("OTLP_HTTP_ENDPOINT=127.0.0.1:%d", e.OTLPHTTP),
		fmt.Sprintf("HEALTH_ENDPOINT=127.0.0.1:%d", e.Health),
		fmt.Sprintf("TELEMETRY_PORT=%d", e.Telemetry),
		fmt.Sprintf("PROMETHEUS_EXPORTER_ENDPOINT=127.0.0.1:%d", e.PromExporter),
	}
}

func newExampleEnv(t testing.TB) exampleEnv {
	p := freePorts(t, 5)
	return exampleEnv{OTLPGRPC: p[0], OTLPHTTP: p[1], Health: p[2], Telemetry: p[3], PromExporter: p[4]}
}

func startExample(t testing.TB, example string, env exampleEnv, extra ...string) *Collector {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", example))
	require.NoError(t, err)
	return startCollector(t, collectorOptions{Config: string(raw), HealthPort: env.Health, Env: append(env.vars(), extra...)})
}

// checkoutExpectations are the exact Prometheus series the checkout app produces after
// `runs` runs of 20 requests (every 5th request fails with status 500). Names follow the
// OTel→Prometheus rules: unit suffixes (s→_seconds, By→_bytes, Cel→_celsius, ms→_milliseconds,
// 1→_ratio), _total on monotonic sums, _bucket/_sum/_count on histograms, and {annotations}
// dropped from units.
func checkoutExpectations(runs float64) map[string]float64 {
	r := runs
	return map[string]float64{
		`app_requests_total{http_response_status_code="200"}`: 16 * r,
		`app_requests_total{http_response_status_code="500"}`: 4 * r,
		`app_active_requests`: 0,
		`app_request_duration_seconds_count{http_response_status_code="500"}`:             4 * r,
		`app_request_duration_seconds_sum{http_response_status_code="500"}`:               0.06 * r,
		`app_request_duration_seconds_bucket{http_response_status_code="500",le="0.005"}`: 0,
		`app_request_duration_seconds_bucket{http_response_status_code="500",le="0.05"}`:  4 * r,
		`app_request_duration_seconds_bucket{http_response_status_code="500",le="+Inf"}`:  4 * r,
		`app_request_duration_seconds_count{http_response_status_code="200"}`:             16 * r,
		`app_request_duration_seconds_bucket{http_response_status_code="200",le="0.005"}`: 4 * r,
		`app_temperature_celsius`:         21,
		`app_cpu_time_milliseconds_total`: 60 * r,
		`app_queue_depth`:                 3,
		`app_memory_utilization_ratio`:    0.25,
	}
}

// exponentialHistogramExpectations: app.payload.size is an exponential histogram. Scraped in
// Prometheus's text format it becomes count, sum and a single +Inf bucket (its resolution is
// lost); over remote write it arrives as a native histogram (docs/en/metrics.md).
func exponentialHistogramExpectations(runs float64, native bool) map[string]float64 {
	if native {
		return map[string]float64{
			`histogram_count(app_payload_size_bytes{http_response_status_code="200",%s})`: 16 * runs,
			`histogram_sum(app_payload_size_bytes{http_response_status_code="200",%s})`:   16000 * runs,
			`histogram_count(app_payload_size_bytes{http_response_status_code="500",%s})`: 4 * runs,
			`histogram_sum(app_payload_size_bytes{http_response_status_code="500",%s})`:   5000 * runs,
			// The buckets survive: 4 of the 16 payloads of status 200 are at most 500 bytes.
			`histogram_fraction(0, 500, app_payload_size_bytes{http_response_status_code="200",%s})`: 0.25,
		}
	}
	return map[string]float64{
		`app_payload_size_bytes_count{http_response_status_code="200",%s}`:            16 * runs,
		`app_payload_size_bytes_sum{http_response_status_code="200",%s}`:              16000 * runs,
		`app_payload_size_bytes_bucket{http_response_status_code="500",le="+Inf",%s}`: 4 * runs,
		`app_payload_size_bytes_sum{http_response_status_code="500",%s}`:              5000 * runs,
	}
}

// assertCheckoutSeries checks every expected series of one service: its exact name, that
// the resource became labels, and its value.
func assertCheckoutSeries(t *testing.T, prom *prometheusServer, service string, runs float64, native bool) {
	t.Helper()
	for tmpl, want := range exponentialHistogramExpectations(runs, native) {
		query := fmt.Sprintf(tmpl, fmt.Sprintf("service_name=%q", service))
		got := prom.Query(t, query)
		require.Len(t, got, 1, "series %s", query)
		assert.InDelta(t, want, got[0].Value, 1e-6, "value of %s", query)
	}
	for sel, want := range checkoutExpectations(runs) {
		name, labels, _ := strings.Cut(sel, "{")
		labels = strings.TrimSuffix(labels, "}")
		if labels != "" {
			labels += ","
		}
		query := fmt.Sprintf(`%s{%sservice_name=%q}`, name, labels, service)
		got := prom.Query(t, query)
		require.Len(t, got, 1, "series %s", query)
		assert.InDelta(t, want, got[0].Value, 1e-9, "value of %s", query)
		assert.Equal(t, "demo", got[0].Labels["deployment_environment_name"], "resource attribute as label on %s", query)
		assert.Equal(t, "1.0.0", got[0].Labels["service_version"], "%s", query)
	}
	// Nothing else under the app_ prefix: a renamed or extra series fails here.
	names := prom.SeriesNames(t, fmt.Sprintf(`{__name__=~"app_.*",service_name=%q}`, service))
	want := map[string]bool{}
	for sel := range checkoutExpectations(runs) {
		name, _, _ := strings.Cut(sel, "{")
		want[name] = true
	}
	histograms := []string{"app_request_duration_seconds"}
	if native {
		want["app_payload_size_bytes"] = true
	} else {
		histograms = append(histograms, "app_payload_size_bytes")
	}
	for _, h := range histograms {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			want[h+suffix] = true
		}
	}
	assert.Equal(t, want, names, "series names of %s", service)
}

// TestMetricsPrometheusPull runs examples/metrics/prometheus-pull.yaml, has a real Prometheus
// scrape it, and feeds it from the checkout app with cumulative and with delta temporality.
// Two delta runs must add up (delta_to_cumulative); the cumulative run is reported as is.
func TestMetricsPrometheusPull(t *testing.T) {
	env := newExampleEnv(t)
	startExample(t, "metrics/prometheus-pull.yaml", env)
	prom := startPrometheus(t, false, fmt.Sprintf("127.0.0.1:%d", env.PromExporter))

	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-cumulative", "-requests", "20")
	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-delta", "-temporality", "delta", "-requests", "20")
	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-delta", "-temporality", "delta", "-requests", "20")

	waitFor(t, "both delta runs scraped", func() bool {
		got := prom.Query(t, `app_requests_total{service_name="checkout-delta",http_response_status_code="200"}`)
		return len(got) == 1 && got[0].Value == 32
	})
	prom.WaitFor(t, `app_requests_total{service_name="checkout-cumulative"}`, 2)
	assertCheckoutSeries(t, prom, "checkout-cumulative", 1, false)
	assertCheckoutSeries(t, prom, "checkout-delta", 2, false)
}

// TestMetricsRemoteWrite runs examples/metrics/remote-write.yaml against a real Prometheus's
// remote-write receiver.
func TestMetricsRemoteWrite(t *testing.T) {
	prom := startPrometheus(t, true)
	env := newExampleEnv(t)
	startExample(t, "metrics/remote-write.yaml", env,
		fmt.Sprintf("PROMETHEUS_RW_URL=http://127.0.0.1:%d/api/v1/write", prom.Port))

	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-cumulative", "-requests", "20")
	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-delta", "-temporality", "delta", "-requests", "20")
	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-delta", "-temporality", "delta", "-requests", "20")

	waitFor(t, "both delta runs written", func() bool {
		got := prom.Query(t, `app_requests_total{service_name="checkout-delta",http_response_status_code="200"}`)
		return len(got) == 1 && got[0].Value == 32
	})
	prom.WaitFor(t, `app_requests_total{service_name="checkout-cumulative"}`, 2)
	assertCheckoutSeries(t, prom, "checkout-cumulative", 1, true)
	assertCheckoutSeries(t, prom, "checkout-delta", 2, true)
	// Remote write names the job after the service.
	got := prom.Query(t, `app_requests_total{service_name="checkout-delta",http_response_status_code="200"}`)
	assert.Equal(t, "checkout-delta", got[0].Labels["job"])
}

// TestMetricsViews runs examples/metrics/views.yaml: user.id is cut and the points it split
// are summed, app.temperature is renamed, app.queue.depth is dropped.
func TestMetricsViews(t *testing.T) {
	env := newExampleEnv(t)
	startExample(t, "metrics/views.yaml", env)
	prom := startPrometheus(t, false, fmt.Sprintf("127.0.0.1:%d", env.PromExporter))
	runCheckout(t, env.OTLPHTTP, "-signals", "metrics", "-service", "checkout-views", "-user-ids", "-requests", "20")

	got := prom.WaitFor(t, `app_requests_total{service_name="checkout-views"}`, 2)
	require.Len(t, got, 2, "one series per status code, not one per user")
	byStatus := map[string]float64{}
	for _, s := range got {
		assert.NotContains(t, s.Labels, "user_id")
		byStatus[s.Labels["http_response_status_code"]] = s.Value
	}
	assert.Equal(t, map[string]float64{"200": 16, "500": 4}, byStatus)

	names := prom.SeriesNames(t, `{service_name="checkout-views"}`)
	assert.True(t, names["app_room_temperature_celsius"], "renamed metric present: %v", names)
	assert.False(t, names["app_temperature_celsius"], "old name gone")
	assert.False(t, names["app_queue_depth"], "dropped instrument gone")
	assert.True(t, names["app_request_duration_seconds_bucket"], "other metrics untouched")
}

// TestHostMetrics runs examples/metrics/hostmetrics.yaml on this machine: every scraper's
// series exists with its attributes, and so does the collector's own telemetry.
func TestHostMetrics(t *testing.T) {
	env := newExampleEnv(t)
	startExample(t, "metrics/hostmetrics.yaml", env, "HOSTMETRICS_INTERVAL=1s", "SELF_SCRAPE_INTERVAL=1s")
	prom := startPrometheus(t, false, fmt.Sprintf("127.0.0.1:%d", env.PromExporter))

	wantLabels := map[string][]string{
		"system_cpu_time_seconds_total":                 {"state"},
		"system_cpu_load_average_1m":                    nil,
		"system_memory_usage_bytes":                     {"state"},
		"system_disk_io_bytes_total":                    {"device", "direction"},
		"system_filesystem_usage_bytes":                 {"device", "mountpoint", "type", "state"},
		"system_network_io_bytes_total":                 {"device", "direction"},
		"system_processes_count":                        {"status"},
		"process_cpu_time_seconds_total":                {"process_pid", "process_executable_name", "state"},
		"process_memory_usage_bytes":                    {"process_pid"},
		"otelcol_process_uptime_total":                  nil,
		"otelcol_receiver_accepted_metric_points_total": {"receiver"},
	}
	for name, labels := range wantLabels {
		got := prom.WaitFor(t, name, 1)
		for _, l := range labels {
			assert.NotEmpty(t, got[0].Labels[l], "%s has label %s: %v", name, l, got[0].Labels)
		}
	}
	states := map[string]bool{}
	for _, s := range prom.Query(t, "system_memory_usage_bytes") {
		states[s.Labels["state"]] = true
		assert.Positive(t, s.Value+1, "memory usage is a number")
	}
	assert.True(t, states["used"] && states["free"], "memory states: %v", states)
}

func execCommand(bin string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, bin, args...).CombinedOutput()
}

// runJSMetrics sends the JS SDK's metrics (js/send-metrics.js) to an OTLP/HTTP port.
func runJSMetrics(t *testing.T, otlpHTTPPort int, service, temporality string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "send-metrics.js")
	cmd.Dir = filepath.Join(repoRoot(t), "test", "e2e", "js")
	cmd.Env = append(os.Environ(),
		fmt.Sprintf("OTLP_METRICS_URL=http://127.0.0.1:%d/v1/metrics", otlpHTTPPort),
		"SERVICE="+service, "TEMPORALITY="+temporality)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "node send-metrics.js: %s", out)
}

// TestJSMetricsPrometheus: the same pull recipe with a second language, the OpenTelemetry JS
// SDK (OTLP/HTTP JSON), cumulative and delta (two delta runs add up).
func TestJSMetricsPrometheus(t *testing.T) {
	env := newExampleEnv(t)
	startExample(t, "metrics/prometheus-pull.yaml", env)
	prom := startPrometheus(t, false, fmt.Sprintf("127.0.0.1:%d", env.PromExporter))
	runJSMetrics(t, env.OTLPHTTP, "js-cumulative", "cumulative")
	runJSMetrics(t, env.OTLPHTTP, "js-delta", "delta")
	runJSMetrics(t, env.OTLPHTTP, "js-delta", "delta")

	waitFor(t, "both delta runs scraped", func() bool {
		got := prom.Query(t, `js_requests_total{service_name="js-delta",http_response_status_code="200"}`)
		return len(got) == 1 && got[0].Value == 8
	})
	for _, c := range []struct {
		service string
		runs    float64
	}{{"js-cumulative", 1}, {"js-delta", 2}} {
		want := map[string]float64{
			`js_requests_total{http_response_status_code="200"}`: 4 * c.runs,
			`js_requests_total{http_response_status_code="500"}`: 1 * c.runs,
			`js_inflight`: 2,
			`js_request_duration_seconds_count{http_response_status_code="200"}`:            4 * c.runs,
			`js_request_duration_seconds_sum{http_response_status_code="200"}`:              0.5 * c.runs,
			`js_request_duration_seconds_bucket{http_response_status_code="200",le="0.1"}`:  2 * c.runs,
			`js_request_duration_seconds_bucket{http_response_status_code="500",le="0.1"}`:  0,
			`js_request_duration_seconds_bucket{http_response_status_code="500",le="+Inf"}`: 1 * c.runs,
			`js_temperature_celsius`:    19.5,
			`js_heap_utilization_ratio`: 0.5,
		}
		if c.runs == 2 {
			// An up-down counter stays cumulative under the delta preference: each run restarts
			// it, and the second run's value is what Prometheus holds.
			want[`js_inflight`] = 2
		}
		for sel, v := range want {
			name, labels, _ := strings.Cut(sel, "{")
			labels = strings.TrimSuffix(labels, "}")
			if labels != "" {
				labels += ","
			}
			query := fmt.Sprintf(`%s{%sservice_name=%q}`, name, labels, c.service)
			got := prom.Query(t, query)
			require.Len(t, got, 1, "series %s", query)
			assert.InDelta(t, v, got[0].Value, 1e-9, "value of %s", query)
		}
	}
}
