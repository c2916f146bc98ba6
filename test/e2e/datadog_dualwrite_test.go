//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startOTLPStandIn is an otelcol-bridge that takes OTLP/gRPC and writes every signal to
// ./{traces,metrics,logs}.jsonl: here it stands in for the Datadog Agent's OTLP intake or for
// the new backend, which this machine does not have.
func startOTLPStandIn(t *testing.T) (c *Collector, otlpPort int) {
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
  file/traces:
    path: ./traces.jsonl
    flush_interval: 100ms
  file/metrics:
    path: ./metrics.jsonl
    flush_interval: 100ms
  file/logs:
    path: ./logs.jsonl
    flush_interval: 100ms
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file/traces]
    metrics:
      receivers: [otlp]
      exporters: [file/metrics]
    logs:
      receivers: [otlp]
      exporters: [file/logs]
`, p[0], p[1])
	return startCollector(t, collectorOptions{Config: config, HealthPort: p[0]}), p[1]
}

// TestDatadogDualWriteRecipe runs examples/migration/from-datadog-dual-write.yaml (the recipe of
// docs/en/migrate-from-datadog.md) as shipped, ports moved to free ones: a dd-trace-go trace,
// Agent series and Agent logs sent to it reach both destinations. What it cannot show is the
// Datadog Agent's side (its OTLP intake settings): no Agent runs here.
func TestDatadogDualWriteRecipe(t *testing.T) {
	agent, agentPort := startOTLPStandIn(t)
	backend, backendPort := startOTLPStandIn(t)

	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "examples", "migration", "from-datadog-dual-write.yaml"))
	require.NoError(t, err)
	free := freePorts(t, 3)
	ports := map[int]int{8126: free[0], 13133: free[1], 8888: free[2]}
	startCollector(t, collectorOptions{Config: rewritePorts(string(raw), ports), HealthPort: ports[13133], Env: []string{
		fmt.Sprintf("DD_AGENT_OTLP_ENDPOINT=127.0.0.1:%d", agentPort),
		fmt.Sprintf("BACKEND_OTLP_ENDPOINT=127.0.0.1:%d", backendPort),
		"BACKEND_OTLP_INSECURE=true",
	}})
	url := fmt.Sprintf("http://127.0.0.1:%d", ports[8126])

	// A trace captured from dd-trace-go, sent as it was.
	status, body := ddPost(t, url, ddFixture(t, "v04_dd_trace_go"))
	require.Equal(t, http.StatusOK, status, body)
	agentHeaders := func(ct string) http.Header {
		return http.Header{"Content-Type": {ct}, "Dd-Agent-Version": {"7.62.2"}, "Dd-Api-Key": {"unused"}}
	}
	status, body = ddSend(t, url, "/api/v1/series", agentHeaders("application/json"), intakePayload(t, "series_v1_HANDBUILT", "payload.json"))
	require.Less(t, status, 300, body)
	logsHeaders := http.Header{"Content-Type": {"application/json"}, "Dd-Evp-Origin-Version": {"7.62.2"}}
	status, body = ddSend(t, url, "/api/v2/logs", logsHeaders, intakePayload(t, "logs_HANDBUILT", "payload.json"))
	require.Less(t, status, 300, body)

	// The fixture's trace with the upper 64 bits from _dd.p.tid (datadog_test.go checks the
	// translation itself; here only that both destinations hold the same spans).
	const traceID = "6b07bc710000000079fe54754f8c312d"
	for name, dest := range map[string]*Collector{"Datadog Agent stand-in": agent, "new backend stand-in": backend} {
		td := waitForTrace(t, dest.Path("traces.jsonl"), traceID, 4)
		assert.Len(t, spansOfTrace(td, traceID), 4, "%s: spans of the dd-trace-go trace", name)
		waitFor(t, name+": the Agent's series", func() bool {
			return len(metricsByName(parseMetrics(t, readJSONLines(t, dest.Path("metrics.jsonl"))))["system.load.1"]) > 0
		})
		waitFor(t, name+": the Agent's logs", func() bool {
			return parseLogs(t, readJSONLines(t, dest.Path("logs.jsonl"))).LogRecordCount() > 0
		})
	}
	a := parseLogs(t, readJSONLines(t, agent.Path("logs.jsonl"))).LogRecordCount()
	b := parseLogs(t, readJSONLines(t, backend.Path("logs.jsonl"))).LogRecordCount()
	assert.Equal(t, a, b, "both destinations get every log record")
}
