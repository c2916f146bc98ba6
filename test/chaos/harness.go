//go:build chaos

// Package chaos injects faults into the built otelcol-bridge binary on loopback — kill -9
// mid-stream, backend outages, full queues, SIGTERM under load, overload in a memory cgroup,
// a killed sampler behind a load_balancing gateway — and counts every span: a sender records
// the span ids the collector acknowledged, a sink records the span ids the backend received,
// and each scenario prints one summary line comparing the two. Run it with `make chaos`.
//
// The collector configs under test are the ones we ship: the Helm chart's durability examples
// rendered with `helm template`, with only addresses and directories rewritten for loopback
// (see shipped.go).
package chaos

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Liveness bounds (not performance assertions): how long a step may take before the test
// gives up on it.
const (
	startTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
	// drainTimeout bounds the wait for queued data to reach the sink after the backend comes
	// back: the exporters' retry backoff tops out at 30 s (retry_on_failure.max_interval).
	drainTimeout = 90 * time.Second
	pollInterval = 100 * time.Millisecond
)

func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// binaryPath is the distro under test: $OTELCOL_BRIDGE_BINARY (set by `make chaos`), else
// bin/otelcol-bridge.
func binaryPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("OTELCOL_BRIDGE_BINARY")
	if p == "" {
		p = filepath.Join(repoRoot(t), "bin", "otelcol-bridge")
	}
	_, err := os.Stat(p)
	require.NoError(t, err, "otelcol-bridge binary not found (run `make build` or `make chaos`)")
	return p
}

// freePort returns a loopback TCP port that is free right now, below the kernel's ephemeral
// range. The scenarios stop and restart listeners on the same port (a sink going down and up, a
// collector killed and restarted) while clients open millions of connections; a port from the
// ephemeral range can meanwhile become some connection's source port, and the restart then
// fails with "address already in use". Ports below the range are never handed out that way.
func freePort(t testing.TB) int {
	t.Helper()
	low := ephemeralLow()
	for i := 0; i < 200; i++ {
		// Spread the picks so parallel test processes rarely try the same port.
		port := 10000 + int(nextPortSeed())%(low-10000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		l.Close()
		return port
	}
	t.Fatalf("no free loopback port below %d after 200 tries", low)
	return 0
}

var portSeed struct {
	sync.Mutex
	n uint64
}

// nextPortSeed walks the candidate ports from a per-process starting point (the pid), so two
// runs do not start from the same port.
func nextPortSeed() uint64 {
	portSeed.Lock()
	defer portSeed.Unlock()
	if portSeed.n == 0 {
		portSeed.n = uint64(os.Getpid())*7919 + uint64(time.Now().UnixNano()%1000)
	}
	portSeed.n += 7
	return portSeed.n
}

// ephemeralLow is the first port of net.ipv4.ip_local_port_range (32768 when unreadable).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 11000 {
				return n
			}
		}
	}
	return 32768
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep the tail only: a collector retrying against a dead backend logs a lot.
	if b.buf.Len() > 4<<20 {
		tail := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-1<<20:]...)
		b.buf.Reset()
		b.buf.Write(tail)
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Collector is one otelcol-bridge process started on a config file.
type Collector struct {
	t       testing.TB
	name    string
	cfg     *Config
	cmd     *exec.Cmd
	log     *lockedBuffer
	exited  chan struct{}
	waitErr error
	done    bool
}

// startCollector starts the binary on cfg and waits until health_check answers. cgroup, when
// set, is a memory cgroup directory the process joins before exec (so the collector sees the
// limit from its first instruction). The process is killed when the test ends.
func startCollector(t testing.TB, name string, cfg *Config, cgroup string, env ...string) *Collector {
	t.Helper()
	path := cfg.write(t)
	bin := binaryPath(t)
	var cmd *exec.Cmd
	if cgroup != "" {
		// The shell puts itself into the cgroup, then becomes the collector.
		cmd = exec.Command("/bin/sh", "-c", `echo $$ > "$1/cgroup.procs" && exec "$2" --config "$3"`,
			"sh", cgroup, bin, path)
	} else {
		cmd = exec.Command(bin, "--config", path)
	}
	cmd.Dir = cfg.Dir
	cmd.Env = append(os.Environ(), env...)
	logBuf := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	require.NoError(t, cmd.Start())
	c := &Collector{t: t, name: name, cfg: cfg, cmd: cmd, log: logBuf, exited: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		if !c.done {
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("%s log (tail):\n%s", c.name, tail(c.log.String(), 6000))
		}
	})
	deadline := time.Now().Add(startTimeout)
	url := fmt.Sprintf("http://127.0.0.1:%d/", cfg.HealthPort)
	for {
		select {
		case <-c.exited:
			t.Fatalf("%s exited during start-up: %v\n%s", name, c.waitErr, tail(c.log.String(), 6000))
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy on %s after %s\n%s", name, url, startTimeout, tail(c.log.String(), 6000))
		}
		time.Sleep(pollInterval)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Kill sends SIGKILL: no shutdown hook runs, exactly like the OOM killer or a node crash.
func (c *Collector) Kill() {
	c.t.Helper()
	c.done = true
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.exited
}

// Terminate sends SIGTERM (what Kubernetes sends) and requires an exit within stopTimeout.
func (c *Collector) Terminate() {
	c.t.Helper()
	c.done = true
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
		require.NoError(c.t, c.waitErr, "%s did not exit cleanly on SIGTERM\n%s", c.name, tail(c.log.String(), 6000))
	case <-time.After(stopTimeout):
		_ = c.cmd.Process.Kill()
		<-c.exited
		c.t.Fatalf("%s ignored SIGTERM for %s and was killed", c.name, stopTimeout)
	}
}

// Alive reports whether the process is still running.
func (c *Collector) Alive() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// Pid is the collector's process id (the shell's, which exec'd into the collector).
func (c *Collector) Pid() int { return c.cmd.Process.Pid }

// Metric scrapes the collector's own Prometheus endpoint (service.telemetry, the same
// /metrics a ServiceMonitor reads) and returns the sum of every sample of name over all labels.
func (c *Collector) Metric(name string) (float64, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", c.cfg.MetricsPort))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var sum float64
	found := false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || !strings.HasPrefix(line, name) {
			continue
		}
		rest := line[len(name):]
		if rest == "" || (rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		// name{labels} value [timestamp]: the value is the first field after the labels.
		if i := strings.LastIndexByte(rest, '}'); i >= 0 {
			rest = rest[i+1:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		sum += v
		found = true
	}
	if !found {
		return 0, fmt.Errorf("no sample of %s", name)
	}
	return sum, sc.Err()
}

// waitFor polls cond until it holds or timeout passes; it returns whether it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollInterval)
	}
}
