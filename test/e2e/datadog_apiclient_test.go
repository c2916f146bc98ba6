//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ddapiSender is test/e2e/ddapi (datadog-api-client-go, in a module of its own).
func ddapiSender(t *testing.T) string { return buildProgram(t, "test/e2e/ddapi") }

// TestDatadogAPIClientSubmitMetrics submits a series with the real
// datadog-api-client-go (MetricsApi.SubmitMetrics: a JSON MetricPayload on
// /api/v2/series, compressed as the client does) and finds it translated.
func TestDatadogAPIClientSubmitMetrics(t *testing.T) {
	bin := ddapiSender(t)
	ports := freePorts(t, 3)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(dogstatsdUDPConfig, ports[0], ports[1], ports[2]), HealthPort: ports[2]})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("DD_BRIDGE_ADDR=127.0.0.1:%d", ports[0]))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "ddapi: %s", out)
	assert.Equal(t, "202", strings.TrimSpace(string(out)), "the API client got the intake's 202")

	var byName map[string][]foundMetric
	waitFor(t, "the API client's series", func() bool {
		byName = metricsByName(parseMetrics(t, readJSONLines(t, c.Path("metrics.jsonl"))))
		return len(byName["app.api.orders"]) > 0
	})
	m := byName["app.api.orders"][0]
	res := m.res.AsRaw()
	assert.Equal(t, "web-1", res["host.name"])
	assert.Equal(t, "api-client", res["service.name"])
	assert.Equal(t, "e2e", res["deployment.environment.name"])
	assert.Equal(t, "request", m.metric.Unit())
	require.Equal(t, 1, m.metric.Sum().DataPoints().Len())
	assert.Equal(t, 5.0, m.metric.Sum().DataPoints().At(0).DoubleValue())
}
