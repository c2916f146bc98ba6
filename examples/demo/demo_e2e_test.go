//go:build e2e

// The e2e test of `make demo`: it runs the real launcher (examples/demo/cmd/demo) with the real
// otelcol-bridge, Jaeger v2, Prometheus, NATS, SQLite and the shop's five services on free
// loopback ports, then checks through Jaeger's query API that one order's trace crosses the
// services and protocols with its parent links intact, that the logs of the services join it
// by trace id in the bridge's logs output, that Prometheus has the RED metrics, and that an
// interrupt (Ctrl-C) stops every process the launcher started. `make demo-test` builds
// everything and runs it.
package demo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/jaegerapi"
	"github.com/otelcol-bridge/otelcol-bridge/examples/demo/internal/otlplogs"
)

const (
	readyTimeout = 2 * time.Minute // the launcher waits for Jaeger, Prometheus, the bridge and five services
	traceTimeout = 60 * time.Second
	stopTimeout  = 45 * time.Second // the launcher gives each child 10 s, services first
	// The tracers flush every 0.5 s (OTel, zipkin-go, jaeger-client-go) to 2 s (dd-trace-go),
	// the bridge batches for 0.5 s: a trace older than this is complete.
	settle = 4 * time.Second
)

// demoInfo is the part of <run dir>/demo.json the test reads.
type demoInfo struct {
	JaegerQueryURL string `json:"jaeger_query_url"`
	PrometheusURL  string `json:"prometheus_url"`
	ViewURL        string `json:"view_url"`
	ShopAPIURL     string `json:"shop_api_url"`
	LogsFile       string `json:"logs_file"`
	PIDs           []int  `json:"pids"`
}

// lockedBuffer collects the launcher's output from its two pipes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func mustEnvFile(t *testing.T, key string) string {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		t.Fatalf("%s is not set: run this test with `make demo-test`, which builds everything and sets it", key)
	}
	if _, err := os.Stat(v); err != nil {
		t.Fatalf("%s=%s: %v", key, v, err)
	}
	return v
}

func TestDemo(t *testing.T) {
	binDir := mustEnvFile(t, "DEMO_BIN_DIR")
	bridge := mustEnvFile(t, "OTELCOL_BRIDGE_BINARY")
	jaegerBin := mustEnvFile(t, "JAEGER_BIN")
	prometheusBin := mustEnvFile(t, "PROMETHEUS_BIN")
	jsDir, _ := filepath.Abs("js")
	config, _ := filepath.Abs("config.yaml")
	runDir := t.TempDir()

	out := &lockedBuffer{}
	cmd := exec.Command(filepath.Join(binDir, "demo"), "-free-ports", "-run-dir", runDir, "-rate", "5",
		"-bridge", bridge, "-jaeger", jaegerBin, "-prometheus", prometheusBin, "-js-dir", jsDir, "-config", config)
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped { // a failed assertion: still stop everything
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(stopTimeout):
				_ = cmd.Process.Kill() // its children die with it (Pdeathsig)
				<-exited
			}
		}
		if t.Failed() {
			t.Logf("launcher output:\n%s", out.String())
			for _, name := range []string{"proc/otelcol-bridge.log", "proc/jaeger.log", "logs/shop-api.stderr.log",
				"logs/pricing.stderr.log", "logs/order-worker.stderr.log", "logs/shipping.stderr.log"} {
				if b, err := os.ReadFile(filepath.Join(runDir, name)); err == nil {
					t.Logf("%s (last 2000 bytes):\n%s", name, tail(string(b), 2000))
				}
			}
		}
	})

	info := waitForInfo(t, filepath.Join(runDir, "demo.json"), exited)
	assert.Contains(t, out.String(), info.ViewURL, "the launcher prints the trace view URL")

	// One complete order: ≥ 4 services over ≥ 3 protocols, one root, every other span's parent
	// in the trace, and the logs of ≥ 3 services carrying its trace id.
	jaeger := &jaegerapi.Client{BaseURL: info.JaegerQueryURL}
	var found *jaegerapi.Trace
	var sum jaegerapi.Summary
	var logServices map[string]bool
	var logCount int
	last := "no trace yet"
	deadline := time.Now().Add(traceTimeout)
	for found == nil && time.Now().Before(deadline) {
		time.Sleep(time.Second)
		traces, err := jaeger.Search(context.Background(), "shop-api", 50, 10*time.Minute)
		if err != nil {
			last = err.Error()
			continue
		}
		for i := range traces {
			if time.Since(traceStart(traces[i])) < settle {
				continue // its last spans may still be in a tracer's buffer
			}
			s := traces[i].Summarize()
			if len(s.Services) < 4 || len(s.Protocols) < 3 || s.Roots != 1 || len(s.OrphanSpans) > 0 {
				last = fmt.Sprintf("trace %s: %d spans, services %v, protocols %v, %d roots, orphans %v",
					traces[i].TraceID, s.Spans, keys(s.Services), keys(s.Protocols), s.Roots, s.OrphanSpans)
				continue
			}
			logs, err := otlplogs.ByTrace(info.LogsFile, traces[i].TraceID)
			require.NoError(t, err, "reading the bridge's logs")
			if svcs := otlplogs.Services(logs); len(svcs) >= 3 {
				found, sum, logServices, logCount = &traces[i], s, svcs, len(logs)
				break
			} else {
				last = fmt.Sprintf("trace %s is complete but its logs come from %v only", traces[i].TraceID, keys(svcs))
			}
		}
	}
	require.NotNil(t, found, "no trace crossing ≥ 4 services and ≥ 3 protocols with intact parent links and logs of ≥ 3 services within %s; last: %s",
		traceTimeout, last)
	t.Logf("DEMO trace %s: %d spans, services %v, protocols %v; %d log records from %v",
		found.TraceID, sum.Spans, keys(sum.Services), keys(sum.Protocols), logCount, keys(logServices))

	// The trace view shows that trace with its logs.
	page := httpGet(t, info.ViewURL+"trace/"+found.TraceID)
	for _, want := range []string{found.TraceID, "shop-api", "order-worker", "otlp", "zipkin"} {
		assert.Contains(t, page, want, "the trace view page")
	}

	// Bad input gets a status and a message that says what is wanted.
	for _, c := range []struct{ method, url, want string }{
		{http.MethodPost, info.ShopAPIURL + "/orders?sku=moka-pot&qty=zero", "want ?sku=<name>&qty=<positive integer>"},
		{http.MethodGet, info.ViewURL + "trace/not-a-trace-id", "want /trace/<32 lowercase hex digits>"},
	} {
		req, err := http.NewRequest(c.method, c.url, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s %s", c.method, c.url)
		assert.Contains(t, b.String(), c.want, "%s %s", c.method, c.url)
	}

	// /trace/latest redirects to a settled trace (the page the README screenshot shows).
	assert.Contains(t, httpGet(t, info.ViewURL+"trace/latest"), "Logs with this trace id", "/trace/latest leads to a trace page")

	// RED metrics: span_metrics → Prometheus has call counts for the services.
	assert.True(t, promHas(t, info.PrometheusURL, `count by (service_name) (traces_span_metrics_calls_total)`, 4),
		"Prometheus has traces_span_metrics_calls_total of ≥ 4 services")
	// DogStatsD: inventory's Go runtime metrics (dd-trace-go sends them every 10 s over UDP).
	assert.True(t, promHas(t, info.PrometheusURL, `runtime_go_num_goroutine{exported_job="inventory"}`, 1),
		"Prometheus has runtime_go_num_goroutine of inventory (DogStatsD → bridge → Prometheus)")

	// Ctrl-C: the launcher stops everything it started and exits 0.
	stopped = true
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	select {
	case err := <-exited:
		assert.NoError(t, err, "the launcher's exit after the interrupt")
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("launcher still running %s after the interrupt", stopTimeout)
	}
	assert.Contains(t, out.String(), "demo: stopped everything it started")
	assert.Len(t, info.PIDs, 8, "demo.json lists Jaeger, Prometheus, the bridge and five services")
	for _, pid := range info.PIDs {
		err := syscall.Kill(pid, 0)
		assert.ErrorIs(t, err, syscall.ESRCH, "process %d is gone after the launcher stopped", pid)
	}
}

// promHas polls an instant query until it returns at least n series (bounded).
func promHas(t *testing.T, base, query string, n int) bool {
	t.Helper()
	deadline := time.Now().Add(traceTimeout)
	for {
		var body struct {
			Data struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(httpGet(t, base+"/api/v1/query?query="+url.QueryEscape(query))), &body))
		if len(body.Data.Result) >= n {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Second)
	}
}

func waitForInfo(t *testing.T, path string, exited <-chan error) demoInfo {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			var in demoInfo
			require.NoError(t, json.Unmarshal(b, &in), path)
			return in
		}
		select {
		case err := <-exited:
			t.Fatalf("the launcher exited before it was ready: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("the launcher was not ready after %s", readyTimeout)
	return demoInfo{}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", u, b.String())
	return b.String()
}

func traceStart(t jaegerapi.Trace) time.Time {
	var start int64
	for i, sp := range t.Spans {
		if i == 0 || sp.StartTime < start {
			start = sp.StartTime
		}
	}
	return time.UnixMicro(start)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
