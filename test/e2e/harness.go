//go:build e2e

// Package e2e drives the built otelcol-bridge binary on loopback with real client
// libraries and checks what its file exporters write. Run it with `make e2e`.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
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

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

const (
	startTimeout  = 60 * time.Second
	outputTimeout = 20 * time.Second
	stopTimeout   = 15 * time.Second
	pollInterval  = 50 * time.Millisecond
)

// binaryPath is the distro under test: $OTELCOL_BRIDGE_BINARY (set by `make e2e`),
// else bin/otelcol-bridge at the top of the checkout.
func binaryPath(t testing.TB) string { return bridgeproc.BinaryPath(t) }

func repoRoot(t testing.TB) string { return bridgeproc.RepoRoot(t) }

// builtPrograms caches the programs buildProgram made in this test run, by package dir.
var builtPrograms struct {
	sync.Mutex
	bins map[string]string
}

// buildProgram builds the Go main package in dir (relative to the top of the checkout) once per
// test run and returns the binary. A dir with its own go.mod (test/e2e/ddgo, test/e2e/ddapi)
// is built in its own module, which keeps the tracer libraries out of ours.
func buildProgram(t testing.TB, dir string) string {
	t.Helper()
	builtPrograms.Lock()
	defer builtPrograms.Unlock()
	if bin, ok := builtPrograms.bins[dir]; ok {
		return bin
	}
	out, err := os.MkdirTemp("", "e2e-prog")
	require.NoError(t, err)
	bin := filepath.Join(out, filepath.Base(dir))
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join(repoRoot(t), dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, msg)
	}
	if builtPrograms.bins == nil {
		builtPrograms.bins = map[string]string{}
	}
	builtPrograms.bins[dir] = bin
	return bin
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

// Collector is one running otelcol-bridge process.
type Collector struct {
	t       testing.TB
	Dir     string
	proc    *bridgeproc.Process
	stopped bool
}

// collectorOptions says how a test starts one collector: the config, the health_check port
// that tells it is up, and what differs from the defaults (a fresh working directory, the
// test's own environment, no extra flags).
type collectorOptions struct {
	Config     string   // YAML, written to config.yaml in Dir
	HealthPort int      // health_check's port: start-up waits until it answers 200
	Dir        string   // working directory prepared by the caller; a new t.TempDir() when empty
	Env        []string // extra KEY=value pairs, for configs that take endpoints from ${env:...}
	Args       []string // extra flags after --config: feature gates, a second --config overlay
}

// startCollector writes the config into the working directory, starts the binary there and
// waits until health_check answers. The collector is stopped when the test ends; a test that
// failed gets the collector's log.
func startCollector(t testing.TB, o collectorOptions) *Collector {
	t.Helper()
	dir := o.Dir
	if dir == "" {
		dir = t.TempDir()
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(o.Config), 0o600))

	args := append([]string{"--config", cfgPath}, o.Args...)
	cmd := exec.Command(binaryPath(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), o.Env...)
	c := &Collector{t: t, Dir: dir, proc: bridgeproc.Start(t, cmd)}
	t.Cleanup(func() {
		err := c.Stop()
		if t.Failed() {
			t.Logf("collector log (%s):\n%s", dir, c.Log())
		}
		if err != nil {
			t.Errorf("collector did not stop cleanly: %v\n%s", err, c.Log())
		}
	})
	c.proc.WaitHealthy(t, "collector", o.HealthPort, startTimeout, pollInterval, 0)
	return c
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
	if !c.proc.Alive() {
		return fmt.Errorf("collector had already exited: %v", c.proc.WaitErr())
	}
	if err := c.proc.Stop(sig, stopTimeout); err != nil {
		return fmt.Errorf("collector: %w", err)
	}
	return nil
}

// Running reports whether the process is still alive.
func (c *Collector) Running() bool { return c.proc.Alive() }

// Log is everything the collector printed so far.
func (c *Collector) Log() string { return c.proc.Log.String() }

// Pid is the collector's process id.
func (c *Collector) Pid() int { return c.proc.Cmd.Process.Pid }

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
