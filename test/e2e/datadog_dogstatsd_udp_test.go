//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/DataDog/datadog-go/v5/statsd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const dogstatsdUDPConfig = `
receivers:
  datadog:
    endpoint: 127.0.0.1:%d
    dogstatsd:
      endpoint: 127.0.0.1:%d
exporters:
  file/metrics:
    path: ./metrics.jsonl
    flush_interval: 100ms
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [datadog]
      exporters: [file/metrics]
`

// TestDogStatsDUDPWithDatadogGo sends custom metrics with the real datadog-go
// statsd client over UDP, and a JSON body to /api/v2/series in the shape the
// Datadog API clients send, and finds both in the exported metrics.
func TestDogStatsDUDPWithDatadogGo(t *testing.T) {
	ports := freePorts(t, 3)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(dogstatsdUDPConfig, ports[0], ports[1], ports[2]), HealthPort: ports[2]})

	client, err := statsd.New(fmt.Sprintf("127.0.0.1:%d", ports[1]),
		statsd.WithNamespace("shop."), statsd.WithTags([]string{"env:e2e", "service:checkout"}),
		statsd.WithoutTelemetry(), statsd.WithoutOriginDetection())
	require.NoError(t, err)
	require.NoError(t, client.Count("orders", 3, []string{"route:/buy"}, 1))
	require.NoError(t, client.Gauge("queue.depth", 42, nil, 1))
	require.NoError(t, client.Distribution("latency", 12.5, nil, 1))
	require.NoError(t, client.Close()) // flushes the client's buffer

	series := []byte(`{"series":[{"metric":"api.submitted","type":3,"points":[{"timestamp":1700000000,"value":7}],` +
		`"resources":[{"name":"web-1","type":"host"}],"tags":["env:e2e"]}]}`)
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/api/v2/series", ports[0]), "application/json", bytes.NewReader(series))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)

	var byName map[string][]foundMetric
	waitFor(t, "the DogStatsD and API metrics", func() bool {
		byName = metricsByName(parseMetrics(t, readJSONLines(t, c.Path("metrics.jsonl"))))
		return len(byName["shop.orders"]) > 0 && len(byName["shop.queue.depth"]) > 0 &&
			len(byName["shop.latency"]) > 0 && len(byName["api.submitted"]) > 0
	})
	orders := byName["shop.orders"][0]
	res := orders.res.AsRaw()
	assert.Equal(t, "checkout", res["service.name"])
	assert.Equal(t, "e2e", res["deployment.environment.name"])
	dp := orders.metric.Sum().DataPoints().At(0)
	assert.Equal(t, 3.0, dp.DoubleValue())
	assert.Equal(t, "/buy", dp.Attributes().AsRaw()["route"])
	assert.Equal(t, 42.0, byName["shop.queue.depth"][0].metric.Gauge().DataPoints().At(0).DoubleValue())
	assert.Equal(t, uint64(1), byName["shop.latency"][0].metric.ExponentialHistogram().DataPoints().At(0).Count())
	api := byName["api.submitted"][0]
	assert.Equal(t, "web-1", api.res.AsRaw()["host.name"])
	assert.Equal(t, 7.0, api.metric.Gauge().DataPoints().At(0).DoubleValue())
}
