//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/DataDog/datadog-go/v5/statsd"
	zipkin "github.com/openzipkin/zipkin-go"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	otellog "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The collector's own telemetry as the docs and the alerting rules name it: one collector,
// driven by real clients into every count and failure those name, so that
// TestDocsMetricNamesExposed and the operations tests check against the same binary state.

// selfTelemetryConfig exercises every component whose telemetry the docs or the rules name:
//   - two OTLP exporters point at a port nobody listens on: one without retries (send
//     failures), one whose single-slot queue stays occupied by a retrying request (enqueue
//     failures, receiver refusals);
//   - a second OTLP receiver feeds pipelines behind a memory_limiter whose limit is below any Go
//     process (refusals for every signal);
//   - the datadog receiver (with drop_rejected_traces and DogStatsD), legacy_normalize,
//     pii_redaction (dropping what us_ssn and auth_header find), log_sampling (dropping DEBUG);
//   - the profiling extension writing files (works) and pushing to Pyroscope and OTLP at the dead
//     port (fails);
//   - a second zipkin receiver feeds a pipeline that accepts, so its partly invalid batch counts;
//   - Datadog traffic has pipelines of its own, so that its many items do not dilute what
//     pii_redaction drops below the rate the redaction alert watches for;
//   - no batch processor before the one-slot queue: a batch of everything would fit in it.
//   - the two-tier sampling parts (tail_sampling, load_balancing).
const selfTelemetryConfig = `
extensions:
  health_check:
    endpoint: 127.0.0.1:{{health}}
  profiling:
    endpoint: 127.0.0.1:{{pprof}}
    interval: 1s
    cpu_duration: 100ms
    profiles: [cpu, heap]
    timeout: 1s
    files:
      directory: {{profiles_dir}}
    pyroscope:
      endpoint: http://127.0.0.1:{{dead}}
      timeout: 1s
    otlp_http:
      endpoint: http://127.0.0.1:{{dead}}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{{otlp_grpc}}
      http:
        endpoint: 127.0.0.1:{{otlp_http}}
  otlp/tight:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{{otlp_tight}}
  zipkin:
    endpoint: 127.0.0.1:{{zipkin}}
  zipkin/accepting:
    endpoint: 127.0.0.1:{{zipkin_accepting}}
  datadog:
    endpoint: 127.0.0.1:{{datadog}}
    drop_rejected_traces: true
    dogstatsd:
      endpoint: 127.0.0.1:{{dogstatsd}}
processors:
  batch:
    timeout: 100ms
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  memory_limiter/tight:
    check_interval: 100ms
    limit_mib: 2
    spike_limit_mib: 1
  legacy_normalize:
  pii_redaction:
    presets: [secrets, pii]
    actions:
      us_ssn: drop
      auth_header: drop
  log_sampling:
    rules:
      - name: debug
        match:
          severity:
            max: DEBUG
        action: drop
  tail_sampling:
    decision_wait: 200ms
    policies:
      - name: everything
        type: always_sample
exporters:
  nop:
  load_balancing:
    routing_key: traceID
    protocol:
      otlp:
        tls:
          insecure: true
        retry_on_failure: {enabled: false}
    resolver:
      static:
        hostnames: [127.0.0.1:{{dead}}]
  otlp_grpc/down:
    endpoint: 127.0.0.1:{{dead}}
    tls:
      insecure: true
    timeout: 1s
    retry_on_failure:
      enabled: false
  otlp_grpc/full:
    endpoint: 127.0.0.1:{{dead}}
    tls:
      insecure: true
    retry_on_failure:
      enabled: true
      initial_interval: 1m
      max_interval: 1m
      max_elapsed_time: 0s
    sending_queue:
      enabled: true
      num_consumers: 1
      queue_size: 1
service:
  extensions: [health_check, profiling]
  pipelines:
    traces:
      receivers: [otlp, zipkin]
      processors: [memory_limiter, legacy_normalize, pii_redaction]
      exporters: [nop, otlp_grpc/down, otlp_grpc/full]
    traces/datadog:
      receivers: [datadog]
      processors: [memory_limiter]
      exporters: [nop, otlp_grpc/full]
    traces/sampled:
      receivers: [otlp]
      processors: [tail_sampling]
      exporters: [load_balancing]
    traces/accepting:
      receivers: [zipkin/accepting]
      processors: [batch]
      exporters: [nop]
    metrics:
      receivers: [otlp, datadog]
      processors: [memory_limiter]
      exporters: [otlp_grpc/down, otlp_grpc/full]
    logs:
      receivers: [otlp]
      processors: [memory_limiter, log_sampling, pii_redaction]
      exporters: [nop, otlp_grpc/down, otlp_grpc/full]
    logs/datadog:
      receivers: [datadog]
      processors: [memory_limiter]
      exporters: [nop, otlp_grpc/full]
    traces/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [nop]
    metrics/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [nop]
    logs/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [nop]
  telemetry:
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: {{telemetry}}
`

// selfTelemetryCollector is the binary running selfTelemetryConfig, with its clients' addresses.
type selfTelemetryCollector struct {
	*Collector
	ports map[string]int // by the config's placeholder names
}

func startSelfTelemetryCollector(t *testing.T) *selfTelemetryCollector {
	t.Helper()
	names := []string{"health", "telemetry", "pprof", "otlp_grpc", "otlp_http", "otlp_tight",
		"zipkin", "zipkin_accepting", "datadog", "dogstatsd", "dead"}
	free := freePorts(t, len(names))
	ports := map[string]int{}
	dir := t.TempDir()
	replacements := []string{"{{profiles_dir}}", filepath.Join(dir, "profiles")}
	for i, name := range names {
		ports[name] = free[i]
		replacements = append(replacements, "{{"+name+"}}", fmt.Sprint(free[i]))
	}
	cfg := strings.NewReplacer(replacements...).Replace(selfTelemetryConfig)
	require.NotContains(t, cfg, "{{", "a placeholder of selfTelemetryConfig has no port")
	c := startCollector(t, collectorOptions{Config: cfg, HealthPort: ports["health"], Dir: dir,
		Args: []string{"--feature-gates=service.profilesSupport"}})
	return &selfTelemetryCollector{Collector: c, ports: ports}
}

func (c *selfTelemetryCollector) addr(name string) string {
	return fmt.Sprintf("127.0.0.1:%d", c.ports[name])
}

// telemetryURL is the collector's own Prometheus endpoint.
func (c *selfTelemetryCollector) telemetryURL() string {
	return "http://" + c.addr("telemetry") + "/metrics"
}

// sendAll sends n rounds of OTLP (SDK over gRPC to both receivers, JSON over HTTP), one round
// of Datadog traffic (a dd-trace-go capture, a rejected trace, Agent logs, DogStatsD over HTTP
// and UDP, unknown and side paths) and one round of Zipkin.
func (c *selfTelemetryCollector) sendAll(t *testing.T, n int) {
	t.Helper()
	sendOTelSignals(t, c.addr("otlp_grpc"), n)
	sendOTelSignals(t, c.addr("otlp_tight"), n)
	for range n {
		sendOTLPJSON(t, "http://"+c.addr("otlp_http"))
	}
	sendDatadogForTelemetry(t, "http://"+c.addr("datadog"))
	sendDogStatsD(t, c.ports["dogstatsd"])
	sendZipkinForOperations(t, c.ports["zipkin"], c.ports["zipkin_accepting"])
}

// A span with a legacy attribute next to its current form holding another value (converted
// and conflicting), a US SSN (dropped by the rule), a bytes value that is not UTF-8
// (unscanned) and a password (redacted).
const telemetrySpanJSON = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"docs-metrics"}}]},
"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,
"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[
{"key":"http.status_code","value":{"intValue":"200"}},{"key":"http.response.status_code","value":{"intValue":"201"}},
{"key":"peer.hostname","value":{"stringValue":"db.internal"}},
{"key":"note","value":{"stringValue":"ssn 123-45-6789"}},{"key":"raw","value":{"bytesValue":"/w=="}},
{"key":"login","value":{"stringValue":"password=hunter2secret"}}]}]}]}]}`

const telemetryLogsJSON = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[
{"severityNumber":5,"body":{"stringValue":"cache miss"}},{"severityNumber":9,"body":{"stringValue":"order placed"}}]}]}]}`

const telemetryGaugeJSON = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"queue.depth",
"gauge":{"dataPoints":[{"asDouble":1,"timeUnixNano":"1700000000000000000"}]}}]}]}]}`

// A Datadog trace whose sampling priority rejects it (dropped by drop_rejected_traces).
const telemetryRejectedDatadogTrace = `[[{"trace_id":1,"span_id":2,"name":"a","service":"svc","resource":"r",
"start":1700000000000000000,"duration":1000,"metrics":{"_sampling_priority_v1":-1}}]]`

// sendOTLPJSON sends a span, two log records and a gauge over OTLP/HTTP JSON.
func sendOTLPJSON(t *testing.T, otlpURL string) {
	t.Helper()
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/traces", "application/json", []byte(telemetrySpanJSON))
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/logs", "application/json", []byte(telemetryLogsJSON))
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/metrics", "application/json", []byte(telemetryGaugeJSON))
}

// sendDatadogForTelemetry sends dd-trace-go's captured traffic as it was, a rejected trace,
// Agent logs, DogStatsD over HTTP with an event (skipped and counted), an unknown path, a side
// request and a path that is not implemented.
func sendDatadogForTelemetry(t *testing.T, ddURL string) {
	t.Helper()
	trace := ddFixture(t, "v04_dd_trace_go")
	for range 3 {
		_, _ = ddPost(t, ddURL, trace)
	}
	postIgnoringAnswer(t, http.MethodPut, ddURL+"/v0.4/traces", "application/json", []byte(telemetryRejectedDatadogTrace))
	logs := intakePayload(t, "logs_HANDBUILT", "payload.json")
	for range 3 {
		postIgnoringAnswer(t, http.MethodPost, ddURL+"/api/v2/logs", "application/json", logs)
	}
	postIgnoringAnswer(t, http.MethodPost, ddURL+"/dogstatsd/v2/proxy", "", intakePayload(t, "dogstatsd_HANDBUILT", "payload.txt"))
	postIgnoringAnswer(t, http.MethodGet, ddURL+"/no/such/path", "", nil)
	postIgnoringAnswer(t, http.MethodGet, ddURL+"/v0.7/config", "", nil)
	postIgnoringAnswer(t, http.MethodPost, ddURL+"/evp_proxy/v2/api/v2/citestcycle", "", nil)
}

// postIgnoringAnswer sends one request and ignores the answer: the full queue and the refusing
// memory_limiter answer errors on purpose.
func postIgnoringAnswer(t *testing.T, method, url, contentType string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Dd-Evp-Origin-Version", "7.62.2")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// servedMetricNames are the names a Prometheus query can use on the telemetry endpoint: every
// sample name (counters carry no _total with the collector's default reader; histograms have
// _bucket, _sum and _count) and every family name (so a histogram is found by its own name).
// Nil when the endpoint does not answer.
func servedMetricNames(url string) map[string]bool {
	resp, err := http.Get(url)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil
	}
	names := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			if f := strings.Fields(line); len(f) >= 3 {
				names[f[2]] = true
			}
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names
}

// waitForServedNames scrapes until missing(served) is empty or outputTimeout passes, sending
// another round of traffic between scrapes: counters appear once first counted, and the
// profiling schedule, the exporters' failures and the memory_limiter's first check take a
// moment. It returns the last scrape and what was still missing.
func (c *selfTelemetryCollector) waitForServedNames(t *testing.T, missing func(served map[string]bool) []string) (map[string]bool, []string) {
	t.Helper()
	deadline := time.Now().Add(outputTimeout)
	for {
		served := servedMetricNames(c.telemetryURL())
		left := missing(served)
		if (served != nil && len(left) == 0) || time.Now().After(deadline) {
			require.NotEmpty(t, served, "nothing scraped from %s", c.telemetryURL())
			return served, left
		}
		sendOTelSignals(t, c.addr("otlp_tight"), 1)
		sendOTLPJSON(t, "http://"+c.addr("otlp_http"))
		time.Sleep(200 * time.Millisecond)
	}
}

// sendOTelSignals sends n export requests of each signal with the OpenTelemetry Go SDK, its
// retries off so that refusals come back at once. Errors are expected (the pipelines refuse).
func sendOTelSignals(t *testing.T, endpoint string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	spanExp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(), otlptracegrpc.WithEndpoint(endpoint),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(newResource("ops-e2e")), sdktrace.WithSyncer(spanExp))
	logExp, err := otlploggrpc.New(ctx, otlploggrpc.WithInsecure(), otlploggrpc.WithEndpoint(endpoint),
		otlploggrpc.WithRetry(otlploggrpc.RetryConfig{Enabled: false}))
	require.NoError(t, err)
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(newResource("ops-e2e")), sdklog.WithProcessor(sdklog.NewSimpleProcessor(logExp)))
	metricExp, err := otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithInsecure(), otlpmetricgrpc.WithEndpoint(endpoint),
		otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig{Enabled: false}))
	require.NoError(t, err)
	reader := sdkmetric.NewPeriodicReader(metricExp, sdkmetric.WithInterval(time.Hour))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(newResource("ops-e2e")), sdkmetric.WithReader(reader))

	tracer := tp.Tracer("ops-e2e")
	logger := lp.Logger("ops-e2e")
	counter, err := mp.Meter("ops-e2e").Int64Counter("ops.requests")
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		_, span := tracer.Start(ctx, "GET /orders")
		span.SetAttributes(attribute.String("http.request.header.authorization", "Bearer c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OTA"))
		span.End() // the syncer exports it now

		for _, rec := range []struct {
			sev  otellog.Severity
			body string
			attr otellog.KeyValue
		}{
			{otellog.SeverityDebug, "cache warmed", otellog.String("cache", "orders")},
			{otellog.SeverityInfo, "Authorization: Bearer c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OTA", otellog.String("route", "/orders")},
			{otellog.SeverityInfo, "uploaded", otellog.Bytes("payload", []byte{0xff, 0xfe, 0x00, 0x80})},
		} {
			var r otellog.Record
			r.SetSeverity(rec.sev)
			r.SetBody(otellog.StringValue(rec.body))
			r.AddAttributes(rec.attr)
			logger.Emit(ctx, r)
		}

		counter.Add(ctx, 1)
		_ = reader.ForceFlush(ctx) // refused: expected
	}
	_ = tp.Shutdown(ctx)
	_ = lp.Shutdown(ctx)
	_ = mp.Shutdown(ctx)
}

// sendZipkinForOperations reports a span with zipkin-go to the refusing pipeline, and posts a batch
// with one valid and one invalid span (no id) to the accepting one: 400, the valid span forwarded,
// the invalid one counted.
func sendZipkinForOperations(t *testing.T, port, acceptingPort int) {
	t.Helper()
	reporter := zipkinhttp.NewReporter(fmt.Sprintf("http://127.0.0.1:%d/api/v2/spans", port))
	tracer, err := zipkin.NewTracer(reporter)
	require.NoError(t, err)
	tracer.StartSpan("GET /legacy").Finish()
	require.NoError(t, reporter.Close())

	batch := `[{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"b7ad6b7169203331","name":"ok","timestamp":1700000000000000,"duration":10,"localEndpoint":{"serviceName":"ops-e2e"}},` +
		`{"traceId":"0af7651916cd43dd8448eb211c80319c","name":"no-id","timestamp":1700000000000000,"duration":10,"localEndpoint":{"serviceName":"ops-e2e"}}]`
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/api/v2/spans", acceptingPort), "application/json", bytes.NewReader([]byte(batch)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "a partly invalid batch")
}

// sendDogStatsD sends a count and an event (events are read, counted as skipped, not translated)
// with datadog-go.
func sendDogStatsD(t *testing.T, port int) {
	t.Helper()
	client, err := statsd.New(fmt.Sprintf("127.0.0.1:%d", port), statsd.WithoutTelemetry(), statsd.WithoutOriginDetection())
	require.NoError(t, err)
	require.NoError(t, client.Count("ops.orders", 3, []string{"env:e2e"}, 1))
	require.NoError(t, client.SimpleEvent("deploy", "gateway rolled out"))
	require.NoError(t, client.Close())
}
