//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docMetricName finds the collector's own metric names in the docs. A name followed by "."
// is an attribute (otelcol_bridge.normalized_from), not a metric; one followed by "*" is a
// family (otelcol_processor_log_redaction_*).
var docMetricName = regexp.MustCompile(`otelcol_[a-z0-9_]+[.*]?`)

// onlyUnderConditions are names the docs rightly mention that this test cannot make the
// binary expose, each with the reason. Keep it short: every other name must be scraped.
var onlyUnderConditions = map[string]string{
	// Counted when redacting a value panicked and the value was masked whole (fail closed);
	// no input makes the processor fail on purpose.
	"otelcol_processor_log_redaction_failures": "needs a redaction failure (a recovered panic)",
}

// docMetricNames returns, per metric name (or family prefix ending in "_"), the doc pages of
// docs/en and docs/zh that mention it; the operations pages have their own, stricter test.
func docMetricNames(t *testing.T) map[string][]string {
	t.Helper()
	top := repoRoot(t)
	pages, err := filepath.Glob(filepath.Join(top, "docs", "*", "*.md"))
	require.NoError(t, err)
	names := map[string][]string{}
	for _, page := range pages {
		if filepath.Base(page) == "operations.md" {
			// TestOperationsRulesMetricNames checks the operations pages (and the alerting
			// rules) against a binary driven into every failure those pages name.
			continue
		}
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		rel, _ := filepath.Rel(top, page)
		seen := map[string]bool{}
		for _, m := range docMetricName.FindAllString(string(raw), -1) {
			if strings.HasSuffix(m, ".") {
				continue
			}
			name := strings.TrimSuffix(m, "*")
			if !seen[name] {
				seen[name] = true
				names[name] = append(names[name], rel)
			}
		}
	}
	return names
}

// metricsConfig exercises every component whose telemetry the docs name: the datadog
// receiver (with drop_rejected_traces), legacy_normalize, pii_redaction (with a drop rule),
// log_sampling, batch, memory_limiter (one instance whose limit is below any live heap, so
// it refuses), the profiling extension (files that work, Pyroscope that does not), and
// exporters with queues: one whose backend is gone, one whose one-slot queue fills up; and
// the two-tier sampling parts (tail_sampling, load_balancing), whose telemetry the operations
// pages may name.
func metricsConfig(health, telemetry, otlpHTTP, dd, pprof int, profDir string) string {
	return fmt.Sprintf(`
extensions:
  health_check:
    endpoint: 127.0.0.1:%[1]d
  profiling:
    endpoint: 127.0.0.1:%[5]d
    interval: 1s
    cpu_duration: 100ms
    profiles: [cpu, heap]
    files:
      directory: %[6]s
    pyroscope:
      endpoint: http://127.0.0.1:1
      timeout: 1s
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%[3]d
  datadog:
    endpoint: 127.0.0.1:%[4]d
    drop_rejected_traces: true
processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  memory_limiter/below_heap:
    check_interval: 100ms
    limit_mib: 2
    spike_limit_mib: 1
  legacy_normalize:
  pii_redaction:
    presets: [secrets, pii]
    actions:
      us_ssn: drop
  log_sampling:
    rules:
      - name: chatty-debug
        match: {severity: {max: DEBUG}}
        action: drop
  batch:
    timeout: 100ms
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
        hostnames: [127.0.0.1:1]
  otlp_http/gone:
    endpoint: http://127.0.0.1:1
    retry_on_failure: {enabled: false}
    sending_queue: {enabled: true}
  otlp_http/full:
    endpoint: http://127.0.0.1:1
    retry_on_failure: {enabled: true, initial_interval: 1m, max_interval: 1m, max_elapsed_time: 0s}
    sending_queue: {enabled: true, queue_size: 1, num_consumers: 1}
service:
  extensions: [health_check, profiling]
  pipelines:
    traces:
      receivers: [otlp, datadog]
      processors: [memory_limiter, legacy_normalize, pii_redaction, batch]
      exporters: [nop, otlp_http/gone]
    traces/full:
      receivers: [otlp, datadog]
      exporters: [otlp_http/full]
    traces/sampled:
      receivers: [otlp]
      processors: [tail_sampling]
      exporters: [load_balancing]
    traces/refusing:
      receivers: [otlp]
      processors: [memory_limiter/below_heap]
      exporters: [nop]
    metrics:
      receivers: [otlp, datadog]
      processors: [memory_limiter]
      exporters: [otlp_http/gone]
    metrics/full:
      receivers: [otlp]
      exporters: [otlp_http/full]
    metrics/refusing:
      receivers: [otlp]
      processors: [memory_limiter/below_heap]
      exporters: [nop]
    logs:
      receivers: [otlp, datadog]
      processors: [memory_limiter, log_sampling, pii_redaction]
      exporters: [nop, otlp_http/gone]
    logs/full:
      receivers: [datadog]
      exporters: [otlp_http/full]
    logs/refusing:
      receivers: [otlp]
      processors: [memory_limiter/below_heap]
      exporters: [nop]
  telemetry:
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[2]d
`, health, telemetry, otlpHTTP, dd, pprof, profDir)
}

// A span with a legacy attribute next to its current form holding another value (converted
// and conflicting), a US SSN (dropped by the rule), a bytes value that is not UTF-8
// (unscanned) and a password (redacted).
const metricsDocSpan = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"docs-metrics"}}]},
"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,
"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[
{"key":"http.status_code","value":{"intValue":"200"}},{"key":"http.response.status_code","value":{"intValue":"201"}},
{"key":"peer.hostname","value":{"stringValue":"db.internal"}},
{"key":"note","value":{"stringValue":"ssn 123-45-6789"}},{"key":"raw","value":{"bytesValue":"/w=="}},
{"key":"login","value":{"stringValue":"password=hunter2secret"}}]}]}]}]}`

const metricsDocLogs = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[
{"severityNumber":5,"body":{"stringValue":"cache miss"}},{"severityNumber":9,"body":{"stringValue":"order placed"}}]}]}]}`

const metricsDocGauge = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"queue.depth",
"gauge":{"dataPoints":[{"asDouble":1,"timeUnixNano":"1700000000000000000"}]}}]}]}]}`

// A Datadog trace whose sampling priority rejects it (dropped by drop_rejected_traces).
const metricsDocRejectedTrace = `[[{"trace_id":1,"span_id":2,"name":"a","service":"svc","resource":"r",
"start":1700000000000000000,"duration":1000,"metrics":{"_sampling_priority_v1":-1}}]]`

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

// sendOTLPForMetrics sends a span, two log records and a gauge over OTLP/HTTP.
func sendOTLPForMetrics(t *testing.T, otlpURL string) {
	t.Helper()
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/traces", "application/json", []byte(metricsDocSpan))
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/logs", "application/json", []byte(metricsDocLogs))
	postIgnoringAnswer(t, http.MethodPost, otlpURL+"/v1/metrics", "application/json", []byte(metricsDocGauge))
}

// sendForMetrics sends what makes every counter of metricsConfig appear.
func sendForMetrics(t *testing.T, otlpURL, ddURL string) {
	t.Helper()
	// Traffic captured from dd-trace-go, sent as it was; twice, so the one-slot queue of
	// otlp_http/full overflows and the pipeline refuses the second.
	trace := ddFixture(t, "v04_dd_trace_go")
	for range 3 {
		_, _ = ddPost(t, ddURL, trace)
	}
	for range 3 {
		sendOTLPForMetrics(t, otlpURL)
	}
	postIgnoringAnswer(t, http.MethodPut, ddURL+"/v0.4/traces", "application/json", []byte(metricsDocRejectedTrace))
	logs := intakePayload(t, "logs_HANDBUILT", "payload.json")
	for range 3 {
		postIgnoringAnswer(t, http.MethodPost, ddURL+"/api/v2/logs", "application/json", logs)
	}
	// DogStatsD over HTTP with an event in it: skipped and counted.
	postIgnoringAnswer(t, http.MethodPost, ddURL+"/dogstatsd/v2/proxy", "", intakePayload(t, "dogstatsd_HANDBUILT", "payload.txt"))
	postIgnoringAnswer(t, http.MethodGet, ddURL+"/no/such/path", "", nil)                     // unknown path
	postIgnoringAnswer(t, http.MethodGet, ddURL+"/v0.7/config", "", nil)                      // a side request
	postIgnoringAnswer(t, http.MethodPost, ddURL+"/evp_proxy/v2/api/v2/citestcycle", "", nil) // not implemented
}

// exposedNames scrapes the collector's own metrics endpoint and returns its sample names
// (what a Prometheus query uses: counters as exposed, histograms with _bucket/_sum/_count).
func exposedNames(url string) map[string]bool {
	resp, err := http.Get(url)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	names := map[string]bool{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names
}

func exposes(names map[string]bool, docName string) bool {
	if strings.HasSuffix(docName, "_") { // a family: otelcol_processor_log_redaction_*
		for n := range names {
			if strings.HasPrefix(n, docName) {
				return true
			}
		}
		return false
	}
	return names[docName]
}

// TestDocsMetricNamesExposed: every otelcol_* metric name in docs/en and docs/zh is one the
// built binary serves on its own telemetry endpoint, so a query copied from the docs finds
// data. (With the collector's default Prometheus reader, counters carry no _total suffix
// and no unit suffix.)
func TestDocsMetricNamesExposed(t *testing.T) {
	docNames := docMetricNames(t)
	require.NotEmpty(t, docNames, "no otelcol_* names found in docs/")

	p := freePorts(t, 5)
	health, telemetry, otlpHTTP, dd, pprof := p[0], p[1], p[2], p[3], p[4]
	dir := t.TempDir()
	cfg := metricsConfig(health, telemetry, otlpHTTP, dd, pprof, filepath.Join(dir, "profiles"))
	startCollector(t, collectorOptions{Config: cfg, HealthPort: health, Dir: dir, Args: []string{"--feature-gates=service.profilesSupport"}})
	otlpURL := fmt.Sprintf("http://127.0.0.1:%d", otlpHTTP)
	sendForMetrics(t, otlpURL, fmt.Sprintf("http://127.0.0.1:%d", dd))

	scrapeURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", telemetry)
	missing := func(names map[string]bool) []string {
		var out []string
		for name := range docNames {
			if _, ok := onlyUnderConditions[name]; !ok && !exposes(names, name) {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out
	}
	// Counters appear once first counted; the profiling schedule, the exporters' failures and
	// the memory_limiter's first check take a moment. Poll until nothing is missing, for at
	// most outputTimeout, sending OTLP again meanwhile (refusals need traffic after the check).
	var names map[string]bool
	deadline := time.Now().Add(outputTimeout)
	for {
		names = exposedNames(scrapeURL)
		if len(missing(names)) == 0 || time.Now().After(deadline) {
			break
		}
		sendOTLPForMetrics(t, otlpURL)
		time.Sleep(200 * time.Millisecond)
	}
	require.NotEmpty(t, names, "nothing scraped from %s", scrapeURL)
	for _, name := range missing(names) {
		var near []string
		for n := range names {
			if strings.HasPrefix(n, strings.TrimSuffix(name, "_total")) {
				near = append(near, n)
			}
		}
		sort.Strings(near)
		assert.Fail(t, "metric name in docs not exposed by the binary",
			"%s mention %s, which the binary does not expose on its telemetry endpoint (exposed with that prefix: %v)",
			strings.Join(docNames[name], ", "), name, near)
	}
	for name, why := range onlyUnderConditions {
		if !exposes(names, name) {
			t.Logf("%s not checked: %s", name, why)
		}
	}
}
