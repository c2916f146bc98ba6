//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

// prometheusServer is a real Prometheus on a free loopback port.
type prometheusServer struct {
	Port int
	log  *bridgeproc.LogBuffer
}

// prometheusBinary finds Prometheus: $PROMETHEUS_BIN (the Makefile sets it), else the one
// `make e2e` builds from its Go module into .tools/bin, else one on the PATH.
func prometheusBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("PROMETHEUS_BIN"); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("PROMETHEUS_BIN=%s: %v", bin, err)
		}
		return bin
	}
	if bin, err := filepath.Abs("../../.tools/bin/prometheus"); err == nil {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	if bin, err := exec.LookPath("prometheus"); err == nil {
		return bin
	}
	t.Fatalf("Prometheus not found: run `make e2e` (it builds .tools/bin/prometheus from tools/prometheus) or set PROMETHEUS_BIN")
	return ""
}

// startPrometheus runs Prometheus (prometheusBinary) with a 1 s scrape of the given targets
// and the remote-write receiver on, and waits until it is ready. With nativeHistograms,
// Prometheus also scrapes native histograms (in protobuf), where they stay native.
func startPrometheus(t testing.TB, nativeHistograms bool, targets ...string) *prometheusServer {
	t.Helper()
	bin := prometheusBinary(t)
	dir := t.TempDir()
	quoted, _ := json.Marshal(targets)
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: bridge
    static_configs:
      - targets: %s
`, quoted)
	if len(targets) == 0 {
		cfg = "global:\n  scrape_interval: 1s\n"
	}
	if nativeHistograms {
		// Prometheus 3.8 and later take native histograms over remote write as they come,
		// and scrape them when this is set (the old --enable-feature=native-histograms is a no-op).
		cfg = strings.Replace(cfg, "global:\n", "global:\n  scrape_native_histograms: true\n", 1)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600))
	port := freePorts(t, 1)[0]
	logBuf := &bridgeproc.LogBuffer{}
	args := []string{
		"--config.file=" + filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path=" + filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port),
		"--web.enable-remote-write-receiver",
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("prometheus log:\n%s", tail(logBuf.String(), 40))
		}
	})
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/-/ready", port))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &prometheusServer{Port: port, log: logBuf}
			}
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited during start-up:\n%s", logBuf.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready after %s:\n%s", startTimeout, logBuf.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// promSample is one series of an instant-vector result.
type promSample struct {
	Labels map[string]string
	Value  float64
}

// Query runs an instant query through Prometheus's HTTP API.
func (p *prometheusServer) Query(t testing.TB, query string) []promSample {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/query?query=%s", p.Port, url.QueryEscape(query)))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, "success", body.Status, "query %q: %s", query, body.Error)
	out := make([]promSample, 0, len(body.Data.Result))
	for _, r := range body.Data.Result {
		v, err := strconv.ParseFloat(r.Value[1].(string), 64)
		require.NoError(t, err)
		out = append(out, promSample{Labels: r.Metric, Value: v})
	}
	return out
}

// WaitFor polls query until it returns at least n series.
func (p *prometheusServer) WaitFor(t testing.TB, query string, n int) []promSample {
	t.Helper()
	var got []promSample
	waitFor(t, fmt.Sprintf("%d series for %s", n, query), func() bool {
		got = p.Query(t, query)
		return len(got) >= n
	})
	return got
}

// SeriesNames lists the metric names Prometheus holds for a label selector.
func (p *prometheusServer) SeriesNames(t testing.TB, selector string) map[string]bool {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/series?match[]=%s", p.Port, url.QueryEscape(selector)))
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data []map[string]string `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	names := map[string]bool{}
	for _, s := range body.Data {
		names[s["__name__"]] = true
	}
	return names
}
