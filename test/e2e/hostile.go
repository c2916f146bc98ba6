//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The hostile corpora (testdata/hostile, written by `go run ./test/e2e/hostilegen`) are sent
// to the built binary one body per fresh process, so that a body's peak RSS is its own.

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

// hostileAnswer is what the collector did with one hostile body.
type hostileAnswer struct {
	Status    int    // 0 when no answer came (Err says why)
	Answer    string // the response body, trimmed
	Err       error
	Elapsed   time.Duration
	BodyBytes int
	StartRSS  int64 // peak RSS before the body was sent
	PeakRSS   int64 // peak RSS after the answer; 0 once the process is gone
}

// sendHostile posts the case's body (a file in dir) to the collector's port and measures the
// answer time and the process's peak RSS.
func sendHostile(t *testing.T, c *Collector, port int, dir string, hc hostileCase) hostileAnswer {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, hc.File))
	require.NoError(t, err)
	got := hostileAnswer{BodyBytes: len(body), StartRSS: peakRSS(t, c.Pid())}

	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		fmt.Sprintf("http://127.0.0.1:%d%s", port, hc.Path), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", hc.ContentType)
	if hc.ContentEncoding != "" {
		req.Header.Set("Content-Encoding", hc.ContentEncoding)
	}
	client := &http.Client{Timeout: hostileAnswerTimeout}
	start := time.Now()
	resp, err := client.Do(req)
	got.Elapsed, got.Err = time.Since(start), err
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got.Status, got.Answer = resp.StatusCode, strings.TrimSpace(string(b))
	}
	got.PeakRSS = peakRSS(t, c.Pid())
	return got
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
