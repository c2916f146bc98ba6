//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/DataDog/datadog-go/v5/statsd"
	"github.com/openzipkin/zipkin-go"
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
	"gopkg.in/yaml.v3"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

// operationsConfig provokes everything the alerting rules of examples/operations watch, on one
// collector: both OTLP exporters point at a port nobody listens on, one without retries (send
// failures) and one whose single-slot queue stays occupied by a retrying request (enqueue failures,
// receiver refusals); a second OTLP receiver feeds pipelines behind a memory_limiter whose limit
// is below any Go process (refusals for every signal); pii_redaction drops what auth_header finds;
// log_sampling drops DEBUG; profiling ships heap profiles to the dead port; a second zipkin
// receiver feeds a pipeline that accepts, so that its partly invalid batch is counted as partial.
const operationsConfig = `
extensions:
  health_check:
    endpoint: 127.0.0.1:%[1]d
  profiling:
    endpoint: 127.0.0.1:%[2]d
    interval: 1s
    cpu_duration: 100ms
    profiles: [heap]
    timeout: 1s
    otlp_http:
      endpoint: http://127.0.0.1:%[9]d
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[3]d
  otlp/tight:
    protocols:
      grpc:
        endpoint: 127.0.0.1:%[4]d
  zipkin:
    endpoint: 127.0.0.1:%[5]d
  zipkin/accepting:
    endpoint: 127.0.0.1:%[10]d
  datadog:
    endpoint: 127.0.0.1:%[6]d
    dogstatsd:
      endpoint: 127.0.0.1:%[7]d
processors:
  batch:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 20
  memory_limiter/tight:
    check_interval: 100ms
    limit_mib: 2
    spike_limit_mib: 1
  pii_redaction:
    presets: [secrets]
    actions:
      auth_header: drop
  log_sampling:
    rules:
      - name: debug
        match:
          severity:
            max: DEBUG
        action: drop
exporters:
  nop:
  otlp_grpc/down:
    endpoint: 127.0.0.1:%[9]d
    tls:
      insecure: true
    timeout: 1s
    retry_on_failure:
      enabled: false
  otlp_grpc/full:
    endpoint: 127.0.0.1:%[9]d
    tls:
      insecure: true
    retry_on_failure:
      enabled: true
      initial_interval: 1m
    sending_queue:
      enabled: true
      num_consumers: 1
      queue_size: 1
service:
  extensions: [health_check, profiling]
  pipelines:
    traces:
      receivers: [otlp, zipkin, datadog]
      processors: [memory_limiter, pii_redaction]
      exporters: [otlp_grpc/down, otlp_grpc/full]
    metrics:
      receivers: [otlp, datadog]
      processors: [pii_redaction]
      exporters: [otlp_grpc/down, otlp_grpc/full]
    logs:
      receivers: [otlp, datadog]
      processors: [log_sampling, pii_redaction]
      exporters: [otlp_grpc/down, otlp_grpc/full]
    traces/accepting:
      receivers: [zipkin/accepting]
      processors: [batch]
      exporters: [nop]
    traces/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [otlp_grpc/down]
    metrics/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [otlp_grpc/down]
    logs/tight:
      receivers: [otlp/tight]
      processors: [memory_limiter/tight]
      exporters: [otlp_grpc/down]
  telemetry:
    metrics:
      level: normal
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: %[8]d
`

// declaredOnly are metric names the operations pages mention that no client can make the
// binary emit: they are checked against the component's metadata.yaml instead.
var declaredOnly = map[string]string{
	// Counted only when redacting a value panics (fail closed).
	"otelcol_processor_log_redaction_failures": "processor/piiredactionprocessor/metadata.yaml",
}

// TestOperationsRulesMetricNames runs the binary, drives it with real clients (OTel Go SDK,
// zipkin-go, datadog-go) into the failures the alerting rules watch, and checks that every metric
// name the rules file and the operations pages (en, zh) use is one the binary's telemetry endpoint
// serves, so that neither can drift from the binary unnoticed.
func TestOperationsRulesMetricNames(t *testing.T) {
	root := repoRoot(t)
	want := map[string][]string{} // exact name -> where it is used
	var prefixes []string         // from `name_*` in the pages

	rulesFile := filepath.Join(root, "examples", "operations", "alerts.yaml")
	for _, expr := range ruleExprs(t, rulesFile) {
		for _, name := range metricNamesInExpr(expr) {
			want[name] = append(want[name], "examples/operations/alerts.yaml")
		}
	}
	for _, page := range []string{"docs/en/operations.md", "docs/zh/operations.md"} {
		raw, err := os.ReadFile(filepath.Join(root, page))
		require.NoError(t, err)
		names, pagePrefixes := metricNamesInPage(string(raw))
		prefixes = append(prefixes, pagePrefixes...)
		for _, name := range names {
			if meta, ok := declaredOnly[name]; ok {
				declared, err := os.ReadFile(filepath.Join(root, meta))
				require.NoError(t, err)
				require.Contains(t, string(declared), "\n    "+strings.TrimPrefix(name, "otelcol_")+":",
					"%s names %s, which %s does not declare", page, name, meta)
				continue
			}
			want[name] = append(want[name], page)
		}
	}
	require.NotEmpty(t, want)

	oc := startOperationsCollector(t)
	// Three requests per signal and receiver: the first occupies otlp_grpc/full's consumer, the
	// second its one queue slot, the third is refused.
	oc.sendAll(t, 3)

	telemetryURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", oc.telemetryPort)
	var served map[string]bool
	var missing []string
	deadline := time.Now().Add(outputTimeout)
	for {
		served = servedMetricNames(t, telemetryURL)
		missing = missing[:0]
		for name := range want {
			if !served[name] {
				missing = append(missing, fmt.Sprintf("%s (used in %s)", name, strings.Join(dedupe(want[name]), ", ")))
			}
		}
		for _, p := range prefixes {
			if !anyWithPrefix(served, p) {
				missing = append(missing, p+"* (docs)")
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		// memory_limiter decides at its checks (every 100 ms here): requests that arrived
		// before its first check after start-up were let through. Send again.
		sendOTelSignals(t, oc.grpcTight, 1)
		time.Sleep(200 * time.Millisecond)
	}
	sort.Strings(missing)
	require.Empty(t, missing, "metric names the rules or the operations pages use but the binary does not serve;\nserved: %s\ncollector log:\n%s",
		strings.Join(slices.Sorted(maps.Keys(served)), " "), tail(oc.Log(), 40))
}

// operationsCollector is the binary running operationsConfig, with the addresses its clients use.
type operationsCollector struct {
	*Collector
	grpcMain, grpcTight          string
	zipkinPort, zipkinAcceptPort int
	dogstatsdPort, telemetryPort int
}

func startOperationsCollector(t *testing.T) *operationsCollector {
	t.Helper()
	ports := freePorts(t, 10)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(operationsConfig, toAny(ports)...), HealthPort: ports[0]})
	return &operationsCollector{
		Collector: c,
		grpcMain:  fmt.Sprintf("127.0.0.1:%d", ports[2]), grpcTight: fmt.Sprintf("127.0.0.1:%d", ports[3]),
		zipkinPort: ports[4], zipkinAcceptPort: ports[9],
		dogstatsdPort: ports[6], telemetryPort: ports[7],
	}
}

// sendAll sends n requests of each OTLP signal to both OTLP receivers, and one round of Zipkin
// and DogStatsD traffic.
func (oc *operationsCollector) sendAll(t *testing.T, n int) {
	t.Helper()
	sendOTelSignals(t, oc.grpcMain, n)
	sendOTelSignals(t, oc.grpcTight, n)
	sendZipkinForOperations(t, oc.zipkinPort, oc.zipkinAcceptPort)
	sendDogStatsD(t, oc.dogstatsdPort)
}

// TestOperationsRulesOnRealData loads the rules file into a real Prometheus that scrapes the
// binary while clients keep provoking failures: every rule must evaluate without error on the
// binary's real series (a name collision, a bad label match or a typo in a recording rule's name
// shows here, not in promtool's synthetic series), and the alerts for the failures provoked must
// go pending.
func TestOperationsRulesOnRealData(t *testing.T) {
	rules, err := filepath.Abs(filepath.Join(repoRoot(t), "examples", "operations", "alerts.yaml"))
	require.NoError(t, err)
	oc := startOperationsCollector(t)
	prom := startPrometheusWithRules(t, rules, fmt.Sprintf("127.0.0.1:%d", oc.telemetryPort))

	want := map[string]bool{ // alert -> seen pending or firing
		"OtelcolBridgeExporterEnqueueFailed":  false, // otlp_grpc/full: one-slot queue, occupied
		"OtelcolBridgeExporterSendFailed":     false, // otlp_grpc/down: nothing listens
		"OtelcolBridgeReceiverRefusing":       false, // otlp and otlp/tight refuse
		"OtelcolBridgeMemoryLimiterRefusing":  false, // memory_limiter/tight: 2 MiB limit
		"OtelcolBridgeRedactionDroppingMuch":  false, // auth_header: drop takes 1 of 3 log records
		"OtelcolBridgeZipkinRequestsRejected": false, // a span without id
		"OtelcolBridgeProfilingExportFailing": false, // profiles to the dead port
	}
	var health []string
	deadline := time.Now().Add(90 * time.Second)
	for {
		// Rates need increases between scrapes: keep the failures coming.
		oc.sendAll(t, 1)
		for _, a := range prom.Query(t, `ALERTS{alertstate=~"pending|firing"}`) {
			if _, ok := want[a.Labels["alertname"]]; ok {
				want[a.Labels["alertname"]] = true
			}
		}
		health = prom.ruleProblems(t)
		done := len(health) == 0
		for _, seen := range want {
			done = done && seen
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 90 s: alerts not pending (false) %v; rule problems %v", want, health)
		}
		time.Sleep(time.Second)
	}
	// Silent on a healthy scrape target.
	for _, a := range prom.Query(t, `ALERTS{alertname="OtelcolBridgeDown"}`) {
		t.Errorf("OtelcolBridgeDown is %s although the collector is up", a.Labels["alertstate"])
	}
}

// startPrometheusWithRules is startPrometheus with a rule file, evaluated every second, and a
// scrape job named like the rules expect.
func startPrometheusWithRules(t *testing.T, rulesFile, target string) *prometheusServer {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: otelcol-bridge
    static_configs:
      - targets: [%q]
`, rulesFile, target)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600))
	port := freePorts(t, 1)[0]
	logBuf := &bridgeproc.LogBuffer{}
	cmd := exec.Command(prometheusBinary(t), "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("prometheus log:\n%s", tail(logBuf.String(), 40))
		}
	})
	waitFor(t, "prometheus ready", func() bool {
		select {
		case <-exited:
			t.Fatalf("prometheus exited during start-up:\n%s", logBuf.String())
		default:
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/-/ready", port))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return &prometheusServer{Port: port, log: logBuf}
}

// ruleProblems lists the rules Prometheus has not evaluated yet or failed to evaluate.
func (p *prometheusServer) ruleProblems(t *testing.T) []string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/rules", p.Port))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	var problems []string
	n := 0
	for _, g := range body.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				problems = append(problems, fmt.Sprintf("%s: %s %s", r.Name, r.Health, r.LastError))
			}
		}
	}
	if n == 0 {
		problems = append(problems, "no rules loaded")
	}
	return problems
}

// operationsPageMetricName finds otelcol_* names in the pages; a trailing `*` (group 2) makes it a prefix.
var operationsPageMetricName = regexp.MustCompile("(otelcol_[a-z0-9_]*[a-z0-9])(_?\\*)?")

// metricNamesInPage returns the exact otelcol_* names a page mentions and the prefixes it
// mentions as `name_*`.
func metricNamesInPage(text string) (names, prefixes []string) {
	for _, m := range operationsPageMetricName.FindAllStringSubmatch(text, -1) {
		if m[2] != "" {
			prefixes = append(prefixes, m[1])
		} else {
			names = append(names, m[1])
		}
	}
	return names, prefixes
}

// ruleExprs returns the expr of every rule (alerting and recording) of a Prometheus rules file.
func ruleExprs(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var f struct {
		Groups []struct {
			Rules []struct {
				Alert  string `yaml:"alert"`
				Record string `yaml:"record"`
				Expr   string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &f), path)
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			require.NotEmpty(t, r.Expr, "rule %s%s has no expr", r.Alert, r.Record)
			out = append(out, r.Expr)
		}
	}
	require.NotEmpty(t, out, "no rules in %s", path)
	return out
}

// plainName is a metric name of the binary in a PromQL expression; the recording rules' own
// names (otelcolbridge:...) do not match it.
var plainName = regexp.MustCompile(`\botelcol_[a-z0-9_]+\b`)

// metricNamesInExpr lists the otelcol_* names an expression selects.
func metricNamesInExpr(expr string) []string {
	return plainName.FindAllString(expr, -1)
}

// servedMetricNames are the metric family names on the telemetry endpoint (histogram series
// count under their family name too).
func servedMetricNames(t *testing.T, url string) map[string]bool {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
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

func toAny(ports []int) []any {
	out := make([]any, len(ports))
	for i, p := range ports {
		out[i] = p
	}
	return out
}

func anyWithPrefix(names map[string]bool, prefix string) bool {
	for n := range names {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TestOperationsPagesMatch: the Chinese operations page matches the English one section for
// section: the same heading levels in the same order, the same metric and alert names, the same
// anchors (the alerts' runbook links) and the same code blocks, comments aside.
func TestOperationsPagesMatch(t *testing.T) {
	root := repoRoot(t)
	type shape struct {
		Headings []string
		Names    []string
		Alerts   []string
		Anchors  []string
		Code     []string
	}
	read := func(lang string) shape {
		raw, err := os.ReadFile(filepath.Join(root, "docs", lang, "operations.md"))
		require.NoError(t, err)
		text := string(raw)
		var s shape
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "#!") {
				s.Headings = append(s.Headings, strings.SplitN(line, " ", 2)[0])
			}
		}
		s.Names = sortedUnique(operationsPageMetricName.FindAllString(text, -1))
		s.Alerts = sortedUnique(regexp.MustCompile(`\bOtelcolBridge[A-Za-z]+`).FindAllString(text, -1))
		s.Anchors = sortedUnique(regexp.MustCompile(`<a id="[^"]+">`).FindAllString(text, -1))
		for _, m := range regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(text, -1) {
			s.Code = append(s.Code, regexp.MustCompile(`\s+#.*`).ReplaceAllString(m[1], ""))
		}
		return s
	}
	en, zh := read("en"), read("zh")
	require.NotEmpty(t, en.Names)
	require.Equal(t, en.Headings, zh.Headings, "heading levels and order")
	require.Equal(t, en.Names, zh.Names, "metric names")
	require.Equal(t, en.Alerts, zh.Alerts, "alert names")
	require.Equal(t, en.Anchors, zh.Anchors, "anchors")
	require.Equal(t, en.Code, zh.Code, "code blocks")
}

func sortedUnique(in []string) []string {
	out := dedupe(in)
	sort.Strings(out)
	return out
}
