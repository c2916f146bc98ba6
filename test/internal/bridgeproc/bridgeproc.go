// Package bridgeproc runs the built otelcol-bridge binary for the test suites that drive it
// as a process (test/e2e, test/chaos): it finds the binary, starts it with its output
// captured, waits until health_check answers and stops it. What each suite does around that
// (config files, clean shutdown checks, kill -9, cgroups) stays in the suite.
package bridgeproc

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// RepoRoot is the top of the checkout: every suite lives two levels below it (test/<suite>).
func RepoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// BinaryPath is the distro under test: $OTELCOL_BRIDGE_BINARY (the make targets set it), else
// bin/otelcol-bridge at the top of the checkout.
func BinaryPath(t testing.TB) string {
	t.Helper()
	p := os.Getenv("OTELCOL_BRIDGE_BINARY")
	if p == "" {
		p = filepath.Join(RepoRoot(t), "bin", "otelcol-bridge")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("otelcol-bridge binary not found at %s (run `make build`): %v", p, err)
	}
	return p
}

// logKeep bounds what a LogBuffer holds: a collector retrying against a dead backend logs
// for minutes, and only the end is worth printing.
const logKeep = 4 << 20

// LogBuffer collects a process's output while tests read it, keeping the last logKeep bytes.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > logKeep {
		tail := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-logKeep/4:]...)
		b.buf.Reset()
		b.buf.Write(tail)
	}
	return b.buf.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Process is one started command whose exit is observed in the background.
type Process struct {
	Cmd     *exec.Cmd
	Log     *LogBuffer
	exited  chan struct{}
	waitErr error
}

// Start starts cmd with stdout and stderr going to a LogBuffer.
func Start(t testing.TB, cmd *exec.Cmd) *Process {
	t.Helper()
	p := &Process{Cmd: cmd, Log: &LogBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.Log, p.Log
	require.NoError(t, cmd.Start())
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p
}

// Exited is closed when the process has exited; WaitErr is then its exit error.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// WaitErr is what exec.Cmd.Wait returned; only meaningful once Exited is closed.
func (p *Process) WaitErr() error { return p.waitErr }

// Alive reports whether the process is still running.
func (p *Process) Alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// WaitHealthy polls http://127.0.0.1:port/ until it answers 200. It fails the test when the
// process exits first or timeout passes, with the process's output (cut to logTail bytes
// when logTail > 0).
func (p *Process) WaitHealthy(t testing.TB, name string, port int, timeout, poll time.Duration, logTail int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	for {
		select {
		case <-p.exited:
			t.Fatalf("%s exited during start-up: %v\n%s", name, p.waitErr, Tail(p.Log.String(), logTail))
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not healthy on %s after %s\n%s", name, url, timeout, Tail(p.Log.String(), logTail))
		}
		time.Sleep(poll)
	}
}

// Stop sends sig and waits up to timeout for the exit, then kills. It returns the exit error,
// or an error saying the signal was ignored.
func (p *Process) Stop(sig syscall.Signal, timeout time.Duration) error {
	_ = p.Cmd.Process.Signal(sig)
	select {
	case <-p.exited:
		return p.waitErr
	case <-time.After(timeout):
		_ = p.Cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("ignored %v for %s and was killed", sig, timeout)
	}
}

// Kill sends SIGKILL (no shutdown hook runs, like the OOM killer) and waits for the exit.
func (p *Process) Kill() {
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
}

// Tail is the last n bytes of s (all of it when n <= 0 or s is shorter), marked when cut.
func Tail(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
