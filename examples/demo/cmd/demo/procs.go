package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// child is one process the launcher started.
type child struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
	logs []io.Closer
}

// startChild runs bin with env added to the launcher's environment, stdout and stderr to the
// given files. The child gets its own process group, so that a Ctrl-C in the terminal reaches
// the launcher only and the launcher stops the services in order, and the kernel kills it
// (SIGKILL) should the launcher die without stopping it.
func startChild(name, bin string, args, env []string, dir string, stdout, stderr *os.File) (*child, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{}), logs: []io.Closer{stdout, stderr}}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// stop sends SIGTERM to the child's process group, and SIGKILL after grace.
func (c *child) stop(grace time.Duration) error {
	defer func() {
		for _, l := range c.logs {
			_ = l.Close()
		}
	}()
	select {
	case <-c.done:
		return c.exitError()
	default:
	}
	pgid := c.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-c.done:
		_ = syscall.Kill(-pgid, syscall.SIGKILL) // anything it left behind in its group
		return nil
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-c.done
		return fmt.Errorf("%s did not stop within %s: killed", c.name, grace)
	}
}

// exitError is how the child ended, nil for a clean exit or one by our SIGTERM.
func (c *child) exitError() error {
	var ee *exec.ExitError
	if c.err == nil || errors.As(c.err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGTERM {
		return nil
	}
	return fmt.Errorf("%s: %w", c.name, c.err)
}

// waitReady polls url until it answers 2xx, the child exits or the timeout passes.
func waitReady(ctx context.Context, c *child, url string, timeout time.Duration, logPath string) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				return nil
			}
		}
		select {
		case <-c.done:
			return fmt.Errorf("%s exited during start-up (%v): see %s", c.name, c.err, logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready at %s after %s: see %s", c.name, url, timeout, logPath)
		}
	}
}
