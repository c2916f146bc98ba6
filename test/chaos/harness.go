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
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
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

func repoRoot(t testing.TB) string { return bridgeproc.RepoRoot(t) }

// binaryPath is the distro under test: $OTELCOL_BRIDGE_BINARY (set by `make chaos`), else
// bin/otelcol-bridge.
func binaryPath(t testing.TB) string { return bridgeproc.BinaryPath(t) }

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

// Collector is one otelcol-bridge process started on a config file.
type Collector struct {
	t    testing.TB
	name string
	cfg  *Config
	proc *bridgeproc.Process
	done bool
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
	c := &Collector{t: t, name: name, cfg: cfg, proc: bridgeproc.Start(t, cmd)}
	t.Cleanup(func() {
		if !c.done {
			c.proc.Kill()
		}
		if t.Failed() {
			t.Logf("%s log (tail):\n%s", c.name, bridgeproc.Tail(c.proc.Log.String(), 6000))
		}
	})
	c.proc.WaitHealthy(t, name, cfg.HealthPort, startTimeout, pollInterval, 6000)
	return c
}

// Kill sends SIGKILL: no shutdown hook runs, exactly like the OOM killer or a node crash.
func (c *Collector) Kill() {
	c.t.Helper()
	c.done = true
	c.proc.Kill()
}

// Terminate sends SIGTERM (what Kubernetes sends) and requires a clean exit within stopTimeout.
func (c *Collector) Terminate() {
	c.t.Helper()
	c.done = true
	require.NoError(c.t, c.proc.Stop(syscall.SIGTERM, stopTimeout), "%s did not exit cleanly on SIGTERM\n%s",
		c.name, bridgeproc.Tail(c.proc.Log.String(), 6000))
}

// Alive reports whether the process is still running.
func (c *Collector) Alive() bool { return c.proc.Alive() }

// Pid is the collector's process id (the shell's, which exec'd into the collector).
func (c *Collector) Pid() int { return c.proc.Cmd.Process.Pid }

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
