//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zipkinHostileCase is one entry of testdata/hostile/zipkin/cases.json,
// written by `go run ./test/e2e/hostilegen`: the body and the status the
// zipkin receiver must answer with.
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
	dir := filepath.Join("testdata", "hostile", "zipkin")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	require.NoError(t, err)
	var cases []zipkinHostileCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.NotEmpty(t, cases)

	client := &http.Client{Timeout: hostileAnswerTimeout}
	var table []string
	for _, hc := range cases {
		t.Run(hc.Name, func(t *testing.T) {
			ports := freePorts(t, 2)
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(zipkinHostileConfig, ports[0], ports[1]), HealthPort: ports[1]})
			pid := c.Pid()
			body, err := os.ReadFile(filepath.Join(dir, hc.File))
			require.NoError(t, err)
			baseline := peakRSS(t, pid)

			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
				fmt.Sprintf("http://127.0.0.1:%d%s", ports[0], hc.Path), bytes.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", hc.ContentType)
			if hc.ContentEncoding != "" {
				req.Header.Set("Content-Encoding", hc.ContentEncoding)
			}
			start := time.Now()
			resp, err := client.Do(req)
			elapsed := time.Since(start)
			var status int
			var answer string
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				status, answer = resp.StatusCode, strings.TrimSpace(string(b))
			}
			peak := peakRSS(t, pid)
			table = append(table, fmt.Sprintf("| %s | %d | %d | %s | %d | %d |",
				hc.Name, len(body), status, elapsed.Round(time.Millisecond), peak>>20, baseline>>20))
			t.Logf("%s (%s, %d bytes): status %d in %s, peak RSS %d MiB (%d MiB after start-up): %.200s",
				hc.Name, hc.Path, len(body), status, elapsed.Round(time.Millisecond), peak>>20, baseline>>20, answer)

			require.NoError(t, err, "no answer within %s", hostileAnswerTimeout)
			require.True(t, c.Running(), "collector died on %s", hc.Name)
			assert.Equal(t, hc.Status, status, "answer: %.300s", answer)
			if status >= 400 {
				assert.Greater(t, len(answer), 10, "a refusal must say why")
			}
			assert.Less(t, peak, int64(hostilePeakRSS), "peak RSS while handling %s", hc.Name)
		})
	}
	t.Logf("\n| case | body bytes | status | answer time | peak RSS MiB | RSS after start-up MiB |\n|---|---|---|---|---|---|\n%s",
		strings.Join(table, "\n"))
}
