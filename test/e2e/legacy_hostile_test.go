//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zipkinHostileCase is one entry of testdata/hostile/{zipkin,jaeger}/cases.json,
// written by `go run ./test/e2e/hostilegen`: the body and the status the
// receiver must answer with.
type zipkinHostileCase struct {
	hostileCase
	Status int `json:"status"`
}

const zipkinHostileConfig = `
receivers:
  zipkin:
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
      receivers: [zipkin]
      exporters: [nop]
`

// TestZipkinHostileCorpus sends each body of the hostile Zipkin corpus (v2
// JSON and proto3, v1 JSON and Thrift) to the zipkin receiver of the built
// binary, one process per body, and checks the status the case names (202
// for huge but valid bodies, 400 with a message for malformed or lying ones,
// 413 for the gzip bomb), an answer within hostileAnswerTimeout, a live
// process, and a peak RSS under hostilePeakRSS.
func TestZipkinHostileCorpus(t *testing.T) {
	testHostileCorpusStatuses(t, filepath.Join("testdata", "hostile", "zipkin"), zipkinHostileConfig)
}

const jaegerHostileConfig = `
receivers:
  jaeger:
    protocols:
      thrift_http:
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
      receivers: [jaeger]
      exporters: [nop]
`

// TestJaegerHostileCorpus does the same for the jaeger receiver's Thrift HTTP path: huge but
// valid batches in the binary and compact protocols, declared sizes that lie, deep nesting, a
// truncated batch and a gzip bomb.
func TestJaegerHostileCorpus(t *testing.T) {
	testHostileCorpusStatuses(t, filepath.Join("testdata", "hostile", "jaeger"), jaegerHostileConfig)
}

// testHostileCorpusStatuses sends every body of dir/cases.json to a fresh collector running
// configFormat (receiver port, then health port) and checks the case's status, a message with
// every refusal, an answer within hostileAnswerTimeout, a live process and a bounded peak RSS.
// It logs the results as a table for the docs.
func testHostileCorpusStatuses(t *testing.T, dir, configFormat string) {
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	require.NoError(t, err)
	var cases []zipkinHostileCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.NotEmpty(t, cases)

	var table []string
	for _, hc := range cases {
		t.Run(hc.Name, func(t *testing.T) {
			ports := freePorts(t, 2)
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(configFormat, ports[0], ports[1]), HealthPort: ports[1]})
			got := sendHostile(t, c, ports[0], dir, hc.hostileCase)
			table = append(table, fmt.Sprintf("| %s | %d | %d | %s | %d | %d |",
				hc.Name, got.BodyBytes, got.Status, got.Elapsed.Round(time.Millisecond), got.PeakRSS>>20, got.StartRSS>>20))
			t.Logf("%s (%s, %d bytes): status %d in %s, peak RSS %d MiB (%d MiB after start-up): %.200s",
				hc.Name, hc.Path, got.BodyBytes, got.Status, got.Elapsed.Round(time.Millisecond), got.PeakRSS>>20, got.StartRSS>>20, got.Answer)

			require.NoError(t, got.Err, "no answer within %s", hostileAnswerTimeout)
			require.True(t, c.Running(), "collector died on %s", hc.Name)
			assert.Equal(t, hc.Status, got.Status, "answer: %.300s", got.Answer)
			if got.Status >= 400 {
				assert.Greater(t, len(got.Answer), 10, "a refusal must say why")
			}
			assert.Less(t, got.PeakRSS, int64(hostilePeakRSS), "peak RSS while handling %s", hc.Name)
		})
	}
	t.Logf("\n| case | body bytes | status | answer time | peak RSS MiB | RSS after start-up MiB |\n|---|---|---|---|---|---|\n%s",
		strings.Join(table, "\n"))
}
