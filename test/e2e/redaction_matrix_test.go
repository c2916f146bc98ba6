//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii/piitest"
)

// The placement x form matrix of issue 15 through the built binary: distro/config.yaml as
// shipped (ports moved to free ones), and the same file with each preset in place of
// secrets. Every detector's positives, in every key/value form, in every stored field of
// traces, logs and metrics, sent with the pdata OTLP gRPC client (the OTel Go SDK and a
// Datadog payload cover what only they produce), must not reach ./data/*.jsonl.

var matrixPresets = []struct{ name, presets string }{
	{"default", ""},
	{"pci", "[pci]"},
	{"pii", "[pii]"},
	{"all", "[all]"},
}

// matrixCase is one value in one placement, sent in its own resource (named by
// piitest.CaseKey) so a leak is traced back to its placement.
type matrixCase struct {
	id, placement, needle string
	// detector finds needle; cases whose detector the preset does not turn on are not
	// checked.
	detector string
}

func TestRedactionMatrix(t *testing.T) {
	for _, mp := range matrixPresets {
		t.Run(mp.name, func(t *testing.T) {
			cfg, port := defaultConfigOnFreePorts(t)
			presets := []string{pii.PresetSecrets}
			if mp.presets != "" {
				require.Contains(t, cfg, "presets: [secrets]")
				cfg = strings.Replace(cfg, "presets: [secrets]", "presets: "+mp.presets, 1)
				presets = []string{strings.Trim(mp.presets, "[]")}
			}
			dir := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(dir, "data"), 0o755))
			c := startCollector(t, collectorOptions{Config: cfg, HealthPort: port[13133], Dir: dir})

			cases := sendMatrix(t, port[4317], presets)
			for _, mc := range append(sendSDKSpan(t, port[4317]), sendDatadog(t, port[8126])...) {
				if piitest.Enabled(presets, mc.detector) {
					cases = append(cases, mc)
				}
			}

			texts := waitForCases(t, c, cases)
			leaks := map[string]int{}
			for _, mc := range cases {
				if strings.Contains(texts[mc.id], mc.needle) {
					leaks[mc.placement]++
					t.Errorf("%s leaked in %s: %s", mc.id, mc.placement, texts[mc.id])
				}
			}
			t.Logf("%s: %d cases through the binary, leaks per placement: %v", mp.name, len(cases), leaks)
			assert.Empty(t, leaks)
		})
	}
}

// sendMatrix sends every applicable sample in every placement, one resource per case.
func sendMatrix(t *testing.T, grpcPort int, presets []string) []matrixCase {
	t.Helper()
	conn, err := grpc.NewClient(fmt.Sprintf("localhost:%d", grpcPort), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	ctx := context.Background()
	var cases []matrixCase
	add := func(placement, label, needle, detector string) string {
		id := fmt.Sprintf("%s|%s|%d", placement, label, len(cases))
		cases = append(cases, matrixCase{id: id, placement: placement, needle: needle, detector: detector})
		return id
	}
	for _, pl := range piitest.TextPlacements() {
		td, ld, md := ptrace.NewTraces(), plog.NewLogs(), pmetric.NewMetrics()
		for _, s := range piitest.Samples() {
			if !piitest.Enabled(presets, s.Detector) {
				continue
			}
			id := add(pl.Name, s.Detector+"/"+s.Form, s.Needle, s.Detector)
			switch pl.Signal {
			case "traces":
				rs := td.ResourceSpans().AppendEmpty()
				rs.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Traces(rs, s.Text)
			case "logs":
				rl := ld.ResourceLogs().AppendEmpty()
				rl.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Logs(rl, s.Text)
			case "metrics":
				rm := md.ResourceMetrics().AppendEmpty()
				rm.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Metric(rm, s.Text)
			}
		}
		export(ctx, t, conn, td, ld, md)
	}
	for _, pl := range piitest.NumberPlacements() {
		td, ld, md := ptrace.NewTraces(), plog.NewLogs(), pmetric.NewMetrics()
		for _, n := range piitest.Numbers() {
			if !piitest.Enabled(presets, n.Detector) {
				continue
			}
			id := add(pl.Name, n.Detector+"/"+n.Key, strconv.FormatInt(n.Value, 10), n.Detector)
			switch pl.Signal {
			case "traces":
				rs := td.ResourceSpans().AppendEmpty()
				rs.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Traces(rs, n.Key, n.Value)
			case "logs":
				rl := ld.ResourceLogs().AppendEmpty()
				rl.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Logs(rl, n.Key, n.Value)
			case "metrics":
				rm := md.ResourceMetrics().AppendEmpty()
				rm.Resource().Attributes().PutStr(piitest.CaseKey, id)
				pl.Metric(rm, n.Key, n.Value)
			}
		}
		export(ctx, t, conn, td, ld, md)
	}
	return cases
}

func export(ctx context.Context, t *testing.T, conn *grpc.ClientConn, td ptrace.Traces, ld plog.Logs, md pmetric.Metrics) {
	t.Helper()
	if td.ResourceSpans().Len() > 0 {
		_, err := ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
		require.NoError(t, err)
	}
	if ld.ResourceLogs().Len() > 0 {
		_, err := plogotlp.NewGRPCClient(conn).Export(ctx, plogotlp.NewExportRequestFromLogs(ld))
		require.NoError(t, err)
	}
	if md.ResourceMetrics().Len() > 0 {
		_, err := pmetricotlp.NewGRPCClient(conn).Export(ctx, pmetricotlp.NewExportRequestFromMetrics(md))
		require.NoError(t, err)
	}
}

// sendSDKSpan: what an instrumented service sends with the OTel Go SDK: a card number in
// the span name, a token in an event name and in a resource attribute.
func sendSDKSpan(t *testing.T, grpcPort int) []matrixCase {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracegrpc.New(ctx, otlptracegrpc.WithInsecure(), otlptracegrpc.WithEndpoint(fmt.Sprintf("localhost:%d", grpcPort)))
	require.NoError(t, err)
	card, token := "4111111111111111", "ghp_"+strings.Repeat("Sdk7", 9)
	res := resource.NewWithAttributes("", attribute.String("service.name", "sdk-matrix"),
		attribute.String(piitest.CaseKey, "sdk|resource"), attribute.String("deploy.note", "by "+token))
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSyncer(exp))
	_, span := tp.Tracer("matrix").Start(ctx, "charge "+card)
	span.AddEvent("retry with " + token)
	span.End()
	require.NoError(t, tp.Shutdown(ctx))
	return []matrixCase{
		{id: "sdk|resource", placement: "sdk.span.name", needle: card, detector: pii.DetectorCreditCard},
		{id: "sdk|resource", placement: "sdk.span.event.name", needle: token, detector: pii.DetectorGitHubToken},
		{id: "sdk|resource", placement: "sdk.resource.attribute", needle: token[4:], detector: pii.DetectorGitHubToken},
	}
}

// sendDatadog: a tracer's v0.4 JSON span whose resource (the OTLP span name) carries a
// card number and a token, with the card as a numeric metric too; an Agent log whose
// ddtags hold a bare token (a key with an empty value); a v1 series whose tags do.
func sendDatadog(t *testing.T, ddPort int) []matrixCase {
	t.Helper()
	base := fmt.Sprintf("http://localhost:%d", ddPort)
	card, token := "4111111111111111", "ghp_"+strings.Repeat("Dd9k", 9)
	spans := [][]map[string]any{{{
		"trace_id": 4242, "span_id": 4243, "parent_id": 0, "name": "http.request", "service": "dd-matrix",
		"resource": "POST /charge/" + card + "?token=" + token, "type": "web", "start": 1700000000000000000, "duration": 1000,
		"meta":    map[string]string{piitest.CaseKey: "dd|trace", "http.url": "https://api.example.com/v1?password%3Dhunter2Hunter2"},
		"metrics": map[string]float64{"order.ref": 4111111111111111},
	}}}
	post := func(path, ctype string, body any) {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(string(raw)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Less(t, resp.StatusCode, 300, path)
	}
	post("/v0.4/traces", "application/json", spans)
	post("/api/v2/logs", "application/json", []map[string]any{{
		"message": "login ok", "service": "dd-matrix", "hostname": "node-1",
		"ddtags": "env:prod," + token + "," + card + "," + piitest.CaseKey + ":dd|log",
	}})
	post("/api/v1/series", "application/json", map[string]any{"series": []map[string]any{{
		"metric": "dd.matrix.requests", "points": [][]any{{1700000000, 1}}, "type": "count",
		"tags": []string{"env:prod", token, "order:" + card, piitest.CaseKey + ":dd|series"},
	}}})
	return []matrixCase{
		{id: "dd|trace", placement: "datadog.resource(span.name)", needle: card, detector: pii.DetectorCreditCard},
		{id: "dd|trace", placement: "datadog.resource(span.name).token", needle: token, detector: pii.DetectorGitHubToken},
		{id: "dd|trace", placement: "datadog.metrics(double)", needle: "4111111111111111", detector: pii.DetectorCreditCard},
		{id: "dd|trace", placement: "datadog.meta.url_encoded", needle: "hunter2Hunter2", detector: pii.DetectorSecretKV},
		{id: "dd|log", placement: "datadog.ddtags(log)", needle: token, detector: pii.DetectorGitHubToken},
		{id: "dd|log", placement: "datadog.ddtags(log).card", needle: card, detector: pii.DetectorCreditCard},
		{id: "dd|series", placement: "datadog.tags(series)", needle: token, detector: pii.DetectorGitHubToken},
		{id: "dd|series", placement: "datadog.tags(series).card", needle: card, detector: pii.DetectorCreditCard},
	}
}

// waitForCases reads data/*.jsonl until every case id has appeared, and returns the text
// of each case's data (everything the backend would store), keyed by id. A case whose
// marker was itself redacted would never appear: the wait fails then, loudly.
func waitForCases(t *testing.T, c *Collector, cases []matrixCase) map[string]string {
	t.Helper()
	want := map[string]bool{}
	for _, mc := range cases {
		want[mc.id] = true
	}
	texts := map[string]string{}
	var missing []string
	collect := func() bool {
		for k := range texts {
			delete(texts, k)
		}
		for _, name := range []string{"traces", "logs", "metrics"} {
			path := c.Path("data/" + name + ".jsonl")
			if _, err := os.Stat(path); err != nil {
				continue
			}
			lines := readJSONLines(t, path)
			var resources []any
			switch name {
			case "traces":
				for _, rs := range parseTraces(t, lines).ResourceSpans().All() {
					resources = append(resources, rs)
				}
			case "logs":
				for _, rl := range parseLogs(t, lines).ResourceLogs().All() {
					resources = append(resources, rl)
				}
			case "metrics":
				for _, rm := range parseMetrics(t, lines).ResourceMetrics().All() {
					resources = append(resources, rm)
				}
			}
			for _, r := range resources {
				text := piitest.Text(r)
				if id := caseIn(text); id != "" {
					texts[id] += text
				}
			}
		}
		missing = missing[:0]
		for id := range want {
			if _, ok := texts[id]; !ok {
				missing = append(missing, id)
			}
		}
		return len(missing) == 0
	}
	waitFor(t, "every matrix case in data/*.jsonl", collect)
	return texts
}

// caseIn finds the case marker in a resource's text, wherever the receiver put it (a
// resource attribute, a span attribute from Datadog meta, a tag).
func caseIn(text string) string {
	i := strings.Index(text, piitest.CaseKey+"=")
	if i < 0 {
		i = strings.Index(text, piitest.CaseKey+":")
		if i < 0 {
			return ""
		}
	}
	rest := text[i+len(piitest.CaseKey)+1:]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestRedactionDeprecatedAlias: a config that still says log_redaction loads, warns at
// start naming pii_redaction, and redacts.
func TestRedactionDeprecatedAlias(t *testing.T) {
	p := freePorts(t, 3)
	health, grpcPort, telemetry := p[0], p[1], p[2]
	cfg := strings.ReplaceAll(fmt.Sprintf(redactionConfig, health, grpcPort, telemetry), "pii_redaction", "log_redaction")
	c := startCollector(t, collectorOptions{Config: cfg, HealthPort: health})
	waitFor(t, "the deprecation warning in the collector log", func() bool {
		return strings.Contains(c.Log(), "deprecated_type") && strings.Contains(c.Log(), `"type": "pii_redaction"`)
	})

	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", grpcPort), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("password\t=" + e2ePassword)
	export(context.Background(), t, conn, ptrace.NewTraces(), ld, pmetric.NewMetrics())
	lines := waitForLines(t, c.Path("logs.jsonl"), 1)
	assert.NotContains(t, string(lines[0]), e2ePassword)
	assert.Contains(t, string(lines[0]), "****")
}
