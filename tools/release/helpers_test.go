//go:build release

package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// env reads a variable the Makefile's release-test target sets.
func env(t *testing.T, k string) string {
	t.Helper()
	v := os.Getenv(k)
	if v == "" {
		t.Fatalf("%s is not set: run the release tests with `make release-test`", k)
	}
	return v
}

func distDir(t *testing.T) string { return env(t, "DIST_DIR") }

// imagePlatforms are the platforms `make image` built (IMAGE_PLATFORMS, linux_amd64 ...).
func imagePlatforms(t *testing.T) []string {
	var out []string
	for _, p := range strings.Fields(env(t, "IMAGE_PLATFORMS")) {
		out = append(out, strings.Replace(p, "_", "/", 1))
	}
	return out
}
func repoRoot(t *testing.T) string { return env(t, "REPO_ROOT") }

func createdTime(t *testing.T) time.Time {
	t.Helper()
	sec, err := strconv.ParseInt(env(t, "SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(sec, 0).UTC()
}

// startInNetns runs argv in a new network namespace of its own (loopback only), so the
// default ports of a shipped config never meet anything else on this machine, from dir.
func startInNetns(t *testing.T, dir string, argv ...string) (*exec.Cmd, *lockedBuf) {
	t.Helper()
	script := `ip link set lo up && cd "$0" && exec "$@"`
	cmd := exec.Command("unshare", append([]string{"--net", "--", "sh", "-c", script, dir}, argv...)...)
	out := &lockedBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("unshare: %v", err)
	}
	return cmd, out
}

// netnsClient is an HTTP client whose connections are made inside the network namespace
// of pid: the socket is created on an OS thread moved into that namespace, and a socket
// stays in the namespace it was created in.
func netnsClient(pid int) *http.Client {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		type result struct {
			c   net.Conn
			err error
		}
		ch := make(chan result, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
			f, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
			if err != nil {
				ch <- result{err: err}
				return
			}
			defer f.Close()
			if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
				ch <- result{err: fmt.Errorf("setns: %w", err)}
				return
			}
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			ch <- result{c, err}
		}()
		r := <-ch
		return r.c, r.err
	}
	return &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
}

// waitHealthy polls the health_check extension inside cmd's namespace until it answers 200.
func waitHealthy(t *testing.T, cmd *exec.Cmd, out *lockedBuf, url string) {
	t.Helper()
	client := netnsClient(cmd.Process.Pid)
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("exited before it was healthy:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not healthy at %s after 90s:\n%s", url, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Ctrl-C, as systemd's KillSignal=SIGINT does: a clean shutdown.
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("did not stop within 30s of SIGINT:\n%s", out.String())
	}
}

// run runs a command and returns its combined output, failing the test on error.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, dir, name string, data []byte, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	return p
}
