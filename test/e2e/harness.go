//go:build e2e

// Package e2e drives the built otelcol-bridge binary on loopback with real client
// libraries and checks what its file exporters write. Run it with `make e2e`.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	startTimeout  = 60 * time.Second
	outputTimeout = 20 * time.Second
	stopTimeout   = 15 * time.Second
	pollInterval  = 50 * time.Millisecond
)

// binaryPath is the distro under test: $OTELCOL_BRIDGE_BINARY (set by `make e2e`),
// else bin/otelcol-bridge at the top of the checkout.
func binaryPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("OTELCOL_BRIDGE_BINARY")
	if p == "" {
		p = filepath.Join(repoRoot(t), "bin", "otelcol-bridge")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("otelcol-bridge binary not found at %s (run `make build` or `make e2e`): %v", p, err)
	}
	return p
}

func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// freePorts returns n distinct loopback ports that are free for both TCP and UDP right now.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var holds []func()
	defer func() {
		for _, release := range holds {
			release()
		}
	}()
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			l.Close()
			continue
		}
		holds = append(holds, func() { l.Close(); u.Close() })
		ports = append(ports, port)
	}
	return ports
}

// lockedBuffer collects the collector's output; the process writes while tests read.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Collector is one running otelcol-bridge process.
type Collector struct {
	t       testing.TB
	Dir     string
	cmd     *exec.Cmd
	log     *lockedBuffer
	exited  chan struct{}
	waitErr error
	stopped bool
}

// startCollector writes config into a fresh directory, starts the binary there and waits
// until health_check on healthPort answers. The collector is stopped when the test ends;
// a test that failed gets the collector's log.
func startCollector(t testing.TB, config string, healthPort int, extraArgs ...string) *Collector {
	t.Helper()
	return startCollectorIn(t, t.TempDir(), config, healthPort, extraArgs...)
}

// startCollectorIn is startCollector with a working directory prepared by the caller.
func startCollectorIn(t testing.TB, dir, config string, healthPort int, extraArgs ...string) *Collector {
	t.Helper()
	return startCollectorEnv(t, dir, config, healthPort, nil, extraArgs...)
}

// startCollectorEnv is startCollectorIn with extra environment variables (KEY=value), for
// configs that take their endpoints from ${env:...}.
func startCollectorEnv(t testing.TB, dir, config string, healthPort int, env []string, extraArgs ...string) *Collector {
	t.Helper()
	cfgPath := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(config), 0o600))

	args := append([]string{"--config", cfgPath}, extraArgs...)
	cmd := exec.Command(binaryPath(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	logBuf := &lockedBuffer{}
	cmd.Stdout = logBuf
	cmd.Stderr = logBuf
	require.NoError(t, cmd.Start())

	c := &Collector{t: t, Dir: dir, cmd: cmd, log: logBuf, exited: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		err := c.Stop()
		if t.Failed() {
			t.Logf("collector log (%s):\n%s", dir, c.log.String())
		}
		if err != nil {
			t.Errorf("collector did not stop cleanly: %v\n%s", err, c.log.String())
		}
	})

	deadline := time.Now().Add(startTimeout)
	healthURL := fmt.Sprintf("http://127.0.0.1:%d/", healthPort)
	for {
		select {
		case <-c.exited:
			t.Fatalf("collector exited during start-up: %v\n%s", c.waitErr, c.log.String())
		default:
		}
		if resp, err := http.Get(healthURL); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector not healthy on %s after %s\n%s", healthURL, startTimeout, c.log.String())
		}
		time.Sleep(pollInterval)
	}
}

// Stop sends SIGTERM (what Kubernetes does) and waits for a clean exit.
func (c *Collector) Stop() error { return c.stopWith(syscall.SIGTERM) }

// Interrupt sends SIGINT (what Ctrl-C does) and waits for a clean exit.
func (c *Collector) Interrupt() error { return c.stopWith(syscall.SIGINT) }

func (c *Collector) stopWith(sig syscall.Signal) error {
	if c.stopped {
		return nil
	}
	c.stopped = true
	select {
	case <-c.exited:
		return fmt.Errorf("collector had already exited: %v", c.waitErr)
	default:
	}
	_ = c.cmd.Process.Signal(sig)
	select {
	case <-c.exited:
		return c.waitErr
	case <-time.After(stopTimeout):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("collector ignored %v and was killed", sig)
	}
}

// Running reports whether the process is still alive.
func (c *Collector) Running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// Log is everything the collector printed so far.
func (c *Collector) Log() string { return c.log.String() }

// Path is a file in the collector's working directory.
func (c *Collector) Path(name string) string { return filepath.Join(c.Dir, name) }

// readJSONLines returns the complete lines of a file exporter's output (none if absent).
// A last line without its newline is still being written and is left for the next read.
func readJSONLines(t testing.TB, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i+1]
	} else {
		return nil
	}
	var lines [][]byte
	for _, line := range bytes.Split(data, []byte{'\n'}) {
		if line = bytes.TrimSpace(line); len(line) > 0 {
			lines = append(lines, line)
		}
	}
	return lines
}

func parseTraces(t testing.TB, lines [][]byte) ptrace.Traces {
	t.Helper()
	out := ptrace.NewTraces()
	var u ptrace.JSONUnmarshaler
	for _, l := range lines {
		td, err := u.UnmarshalTraces(l)
		require.NoError(t, err, "file exporter line is not OTLP JSON traces: %.200s", l)
		td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
	}
	return out
}

func parseMetrics(t testing.TB, lines [][]byte) pmetric.Metrics {
	t.Helper()
	out := pmetric.NewMetrics()
	var u pmetric.JSONUnmarshaler
	for _, l := range lines {
		md, err := u.UnmarshalMetrics(l)
		require.NoError(t, err, "file exporter line is not OTLP JSON metrics: %.200s", l)
		md.ResourceMetrics().MoveAndAppendTo(out.ResourceMetrics())
	}
	return out
}

func parseLogs(t testing.TB, lines [][]byte) plog.Logs {
	t.Helper()
	out := plog.NewLogs()
	var u plog.JSONUnmarshaler
	for _, l := range lines {
		ld, err := u.UnmarshalLogs(l)
		require.NoError(t, err, "file exporter line is not OTLP JSON logs: %.200s", l)
		ld.ResourceLogs().MoveAndAppendTo(out.ResourceLogs())
	}
	return out
}

// waitFor polls until done returns true or the output timeout passes.
func waitFor(t testing.TB, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(outputTimeout)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", outputTimeout, what)
		}
		time.Sleep(pollInterval)
	}
}

// waitForTrace waits until the traces file holds at least wantSpans spans of traceID
// and returns all spans seen so far.
func waitForTrace(t testing.TB, path, traceID string, wantSpans int) ptrace.Traces {
	t.Helper()
	var td ptrace.Traces
	waitFor(t, fmt.Sprintf("%d spans of trace %s in %s", wantSpans, traceID, path), func() bool {
		td = parseTraces(t, readJSONLines(t, path))
		return len(spansOfTrace(td, traceID)) >= wantSpans
	})
	return td
}

// waitForLines waits until a file exporter output has at least n lines and returns them.
func waitForLines(t testing.TB, path string, n int) [][]byte {
	t.Helper()
	var lines [][]byte
	waitFor(t, fmt.Sprintf("%d lines in %s", n, path), func() bool {
		lines = readJSONLines(t, path)
		return len(lines) >= n
	})
	return lines
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
