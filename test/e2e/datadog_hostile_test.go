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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileCase is one entry of testdata/hostile/cases.json, written by
// `go run ./test/e2e/hostilegen`.
type hostileCase struct {
	Name            string `json:"name"`
	File            string `json:"file"`
	Path            string `json:"path"`
	ContentType     string `json:"content_type"`
	ContentEncoding string `json:"content_encoding"`
	Shape           string `json:"shape"`
}

const (
	// hostileAnswerTimeout is "an answer within a few seconds": every body
	// of the corpus is decoded (or refused) in well under a second on an
	// idle machine; the margin is for a loaded CI runner.
	hostileAnswerTimeout = 10 * time.Second
	// hostilePeakRSS bounds the process's peak resident memory while it
	// handles one body: the decoded form must stay a small multiple of the
	// body (at most ~25 MiB inflated here), whatever its shape.
	hostilePeakRSS = 400 << 20
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

	client := &http.Client{Timeout: hostileAnswerTimeout}
	for _, hc := range cases {
		t.Run(hc.Name, func(t *testing.T) {
			// A fresh process per body: its peak RSS is that body's alone.
			ports := freePorts(t, 2)
			c := startCollector(t, collectorOptions{Config: fmt.Sprintf(hostileConfig, ports[0], ports[1]), HealthPort: ports[1], Args: []string{"--feature-gates=service.profilesSupport"}})
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
			peak := peakRSS(t, pid) // 0 once the process is gone
			t.Logf("%s (%s, %d bytes): status %d in %s, peak RSS %d MiB (%d MiB after start-up): %.200s",
				hc.Name, hc.Path, len(body), status, elapsed.Round(time.Millisecond), peak>>20, baseline>>20, answer)

			require.NoError(t, err, "no answer within %s", hostileAnswerTimeout)
			require.True(t, c.Running(), "collector died on %s", hc.Name)
			switch {
			case status >= 200 && status < 300:
			case status == http.StatusBadRequest, status == http.StatusRequestEntityTooLarge:
				assert.Contains(t, answer, `"error"`, "a refusal must say why")
				assert.Greater(t, len(answer), len(`{"error":""}`)+10, "a refusal must say why")
			default:
				t.Errorf("status %d: want 2xx, 400 or 413", status)
			}
			assert.Less(t, peak, int64(hostilePeakRSS), "peak RSS while handling %s", hc.Name)
		})
	}
}

// peakRSS reads VmHWM, the peak resident set size, in bytes; 0 when the
// process is gone.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0 // the process has exited (the test then fails on it being dead)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
