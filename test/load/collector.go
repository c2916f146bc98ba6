//go:build bench

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/PID/stat: 100 on every Linux
// architecture Go supports.
const clockTicks = 100

type collector struct {
	cmd     *exec.Cmd
	pid     int
	dir     string
	ports   map[string]int
	logFile *os.File
	exited  chan struct{}
}

var portNames = []string{"HEALTH_PORT", "OTLP_GRPC_PORT", "OTLP_HTTP_PORT", "JAEGER_GRPC_PORT", "JAEGER_HTTP_PORT", "JAEGER_COMPACT_PORT", "ZIPKIN_PORT", "DATADOG_PORT", "TELEMETRY_PORT", "PPROF_PORT"}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// startCollector runs binary on a config from test/load/configs in a fresh directory, on
// free ports, and waits for health_check.
func startCollector(o *options, v *variant) (*collector, error) {
	dir, err := os.MkdirTemp("", "otelcol-bench-")
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(len(portNames))
	if err != nil {
		return nil, err
	}
	c := &collector{dir: dir, ports: map[string]int{}, exited: make(chan struct{})}
	env := os.Environ()
	for i, name := range portNames {
		c.ports[name] = ports[i]
		env = append(env, fmt.Sprintf("%s=%d", name, ports[i]))
	}
	profDir := filepath.Join(dir, "profiles")
	_ = os.MkdirAll(profDir, 0o755)
	env = append(env, "PROFILE_DIR="+profDir)
	args := []string{"--config", filepath.Join(o.root, "test", "load", "configs", v.config)}
	name := v.binary
	if o.pinCPU >= 0 {
		args = append([]string{"-c", strconv.Itoa(o.pinCPU), v.binary}, args...)
		name = "taskset"
	}
	c.logFile, err = os.Create(filepath.Join(dir, "collector.log"))
	if err != nil {
		return nil, err
	}
	c.cmd = exec.Command(name, args...)
	c.cmd.Dir = dir
	c.cmd.Env = env
	c.cmd.Stdout = c.logFile
	c.cmd.Stderr = c.logFile
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	c.pid = c.cmd.Process.Pid // taskset execs the binary: same pid
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	url := fmt.Sprintf("http://127.0.0.1:%d/", c.ports["HEALTH_PORT"])
	for {
		select {
		case <-c.exited:
			return nil, fmt.Errorf("collector exited during start-up:\n%s", c.logTail())
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("collector not healthy after 60s:\n%s", c.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *collector) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "collector.log"))
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// stop sends SIGTERM and waits; the directory is removed.
func (c *collector) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		err = errors.New("collector ignored SIGTERM")
	}
	c.logFile.Close()
	_ = os.RemoveAll(c.dir)
	return err
}

// cpuSeconds is the collector's user+system CPU time so far (/proc/PID/stat).
func (c *collector) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; the fields after it start at the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/PID/stat: %q", b)
	}
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/PID/stat: %q", b)
	}
	utime, _ := strconv.ParseFloat(f[11], 64) // field 14 of stat
	stime, _ := strconv.ParseFloat(f[12], 64) // field 15
	return (utime + stime) / clockTicks, nil
}

// memoryMiB returns VmHWM (peak RSS) and VmRSS from /proc/PID/status.
func (c *collector) memoryMiB() (peak, rss float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		for key, dst := range map[string]*float64{"VmHWM:": &peak, "VmRSS:": &rss} {
			if strings.HasPrefix(line, key) {
				fs := strings.Fields(line)
				if len(fs) >= 2 {
					kb, _ := strconv.ParseFloat(fs[1], 64)
					*dst = kb / 1024
				}
			}
		}
	}
	return peak, rss
}

// telemetry sums the collector's own Prometheus metrics whose name is one of names, over
// all label sets.
func (c *collector) telemetry(names ...string) (map[string]float64, error) {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", c.ports["TELEMETRY_PORT"]))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		name := line
		if i := strings.IndexAny(line, "{ "); i >= 0 {
			name = line[:i]
		}
		for _, want := range names {
			if name == want {
				fs := strings.Fields(line)
				v, err := strconv.ParseFloat(fs[len(fs)-1], 64)
				if err == nil {
					out[want] += v
				}
			}
		}
	}
	return out, nil
}

// systemBusySeconds is the CPU time all CPUs spent busy so far (/proc/stat), to tell how
// much CPU other processes took during a run.
func systemBusySeconds() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy float64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		if i >= 8 { // guest time is already in user
			break
		}
		x, _ := strconv.ParseFloat(v, 64)
		busy += x
	}
	return busy / clockTicks
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
