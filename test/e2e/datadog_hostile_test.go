//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const hostileConfig = `
receivers:
  datadog:
    endpoint: 127.0.0.1:%d
exporters:
  nop:
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [datadog]
      exporters: [nop]
    metrics:
      receivers: [datadog]
      exporters: [nop]
    logs:
      receivers: [datadog]
      exporters: [nop]
    profiles:
      receivers: [datadog]
      exporters: [nop]
`

// TestDatadogHostileCorpus sends each body of the hostile corpus to the
// datadog receiver of the built binary, one at a time, and checks that it
// answers quickly with a 2xx, or a 400/413 that says why, that the process
// survives, and that its peak RSS while handling the body stays bounded.
func TestDatadogHostileCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "hostile")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	require.NoError(t, err)
	var cases []hostileCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.NotEmpty(t, cases)

	for _, hc := range cases {
		t.Run(hc.Name, func(t *testing.T) {
			// A fresh process per body: its peak RSS is that body's alone.
			ports := freePorts(t, 2)
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(hostileConfig, ports[0], ports[1]), HealthPort: ports[1], Args: []string{"--feature-gates=service.profilesSupport"}})
			got := sendHostile(t, c, ports[0], dir, hc)
			t.Logf("%s (%s, %d bytes): status %d in %s, peak RSS %d MiB (%d MiB after start-up): %.200s",
				hc.Name, hc.Path, got.BodyBytes, got.Status, got.Elapsed.Round(time.Millisecond), got.PeakRSS>>20, got.StartRSS>>20, got.Answer)

			require.NoError(t, got.Err, "no answer within %s", hostileAnswerTimeout)
			require.True(t, c.Running(), "collector died on %s", hc.Name)
			switch {
			case got.Status >= 200 && got.Status < 300:
			case got.Status == http.StatusBadRequest, got.Status == http.StatusRequestEntityTooLarge:
				assert.Contains(t, got.Answer, `"error"`, "a refusal must say why")
				assert.Greater(t, len(got.Answer), len(`{"error":""}`)+10, "a refusal must say why")
			default:
				t.Errorf("status %d: want 2xx, 400 or 413", got.Status)
			}
			assert.Less(t, got.PeakRSS, int64(hostilePeakRSS), "peak RSS while handling %s", hc.Name)
		})
	}
}
