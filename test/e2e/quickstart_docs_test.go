//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/test/internal/bridgeproc"
)

// The quickstart's ```sh blocks each follow a marker that says how this test runs them:
//
//	<!-- test: run -->            run with bash -e; must succeed
//	<!-- test: fails "TEXT" -->   run with bash; must fail and print TEXT
//	<!-- test: start -->          started in the background, like a second terminal; the test
//	                              waits for the collector's "Everything is ready" line
//	<!-- test: ctrl-c -->         (no block) SIGINT to what the last start block started
//	<!-- test: skip REASON -->    not run, for the reason given
//
// A block without a marker fails the test, so no command goes untested by accident.
var quickstartStep = regexp.MustCompile("(?s)<!-- test: (run|fails \"[^\"]*\"|start|ctrl-c|skip [^>]*) -->\\s*(```sh\n(.*?)```)?")

var anyShBlock = regexp.MustCompile("(?s)```sh\n.*?```")

type quickstartStepSpec struct {
	kind, arg, script string
}

func quickstartSteps(t *testing.T, page string) []quickstartStepSpec {
	t.Helper()
	raw, err := os.ReadFile(page)
	require.NoError(t, err)
	var steps []quickstartStepSpec
	for _, m := range quickstartStep.FindAllStringSubmatch(string(raw), -1) {
		kind, arg, _ := strings.Cut(m[1], " ")
		if kind != "ctrl-c" {
			require.NotEmpty(t, m[2], "%s: marker %q is not followed by a ```sh block", page, m[0])
		}
		steps = append(steps, quickstartStepSpec{kind: kind, arg: strings.Trim(arg, `"`), script: m[3]})
	}
	blocks := len(anyShBlock.FindAllString(string(raw), -1))
	marked := 0
	for _, s := range steps {
		if s.kind != "ctrl-c" {
			marked++
		}
	}
	require.Equal(t, blocks, marked, "%s: every ```sh block needs a <!-- test: ... --> marker", page)
	return steps
}

// The quickstart uses the default ports. The test moves each to a free one, in the commands
// and in the configuration files they name, so it runs next to anything else on the machine.
var quickstartPorts = []int{4317, 4318, 13133, 8888, 8889, 55679, 1777, 14250, 14268, 6831, 6832,
	9411, 8126, 8125, 14317, 16685, 16686}

var hostPort = regexp.MustCompile(`\b(localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)\b`)
var yamlPort = regexp.MustCompile(`(?m)^(\s+port: )(\d+)$`)

func rewritePorts(s string, ports map[int]int) string {
	s = hostPort.ReplaceAllStringFunc(s, func(m string) string {
		sub := hostPort.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		if p, ok := ports[n]; ok {
			return fmt.Sprintf("127.0.0.1:%d", p)
		}
		return m
	})
	return yamlPort.ReplaceAllStringFunc(s, func(m string) string {
		sub := yamlPort.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		if p, ok := ports[n]; ok {
			return fmt.Sprintf("%s%d", sub[1], p)
		}
		return m
	})
}

// helmBinary is $HELM_BIN (set by `make e2e`), else .tools/bin/helm.
func helmBinary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("HELM_BIN")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".tools", "bin", "helm")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("helm not found at %s: build it with `make .tools/bin/helm` or point HELM_BIN at one: %v", p, err)
	}
	return p
}

// background is a start block running in its own process group.
type background struct {
	cmd    *exec.Cmd
	out    *bridgeproc.LogBuffer
	exited chan struct{}
}

func (b *background) signal(sig syscall.Signal) {
	_ = syscall.Kill(-b.cmd.Process.Pid, sig)
}

// stop sends sig and waits for the group's shell to exit (SIGKILL after stopTimeout).
func (b *background) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	b.signal(sig)
	select {
	case <-b.exited:
	case <-time.After(stopTimeout):
		b.signal(syscall.SIGKILL)
		<-b.exited
		t.Errorf("%q ignored %v and was killed", b.cmd.Args[len(b.cmd.Args)-1], sig)
	}
}

// TestQuickstartCommands runs docs/en/quickstart.md from top to bottom in a scratch directory
// laid out like the repository (bin/otelcol-bridge, .tools/bin/jaeger, the configuration files
// it names), after checking that docs/zh/quickstart.md runs the very same commands.
func TestQuickstartCommands(t *testing.T) {
	root := repoRoot(t)
	en := quickstartSteps(t, filepath.Join(root, "docs", "en", "quickstart.md"))
	zh := quickstartSteps(t, filepath.Join(root, "docs", "zh", "quickstart.md"))
	require.Equal(t, en, zh, "docs/zh/quickstart.md runs the same commands, with the same markers, as docs/en")

	free := freePorts(t, len(quickstartPorts))
	ports := map[int]int{}
	for i, p := range quickstartPorts {
		ports[p] = free[i]
	}

	dir := t.TempDir()
	for _, f := range []string{"distro/config.yaml", "examples/gateway/config.yaml", "examples/gateway/jaeger.yaml"} {
		raw, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(rewritePorts(string(raw), ports)), 0o644))
	}
	for link, target := range map[string]string{
		"bin/otelcol-bridge": binaryPath(t),
		".tools/bin/jaeger":  jaegerBinary(t),
		"path/helm":          helmBinary(t),
		"helm":               filepath.Join(root, "helm"),
	} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(link)), 0o755))
		require.NoError(t, os.Symlink(target, filepath.Join(dir, link)))
	}
	env := append(os.Environ(), "PATH="+filepath.Join(dir, "path")+":"+os.Getenv("PATH"))

	var started []*background
	t.Cleanup(func() {
		for _, b := range started {
			select {
			case <-b.exited:
			default:
				b.stop(t, syscall.SIGTERM)
			}
		}
	})

	ran := 0
	for i, step := range en {
		script := rewritePorts(step.script, ports)
		name := fmt.Sprintf("step %d (%s): %s", i+1, step.kind, strings.TrimSpace(step.script))
		switch step.kind {
		case "skip":
			t.Logf("not run, as the page says (%s): %s", step.arg, strings.TrimSpace(step.script))
		case "run", "fails":
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			cmd := exec.CommandContext(ctx, "bash", "-eo", "pipefail", "-c", script)
			cmd.Dir, cmd.Env = dir, env
			out, err := cmd.CombinedOutput()
			cancel()
			if step.kind == "run" {
				require.NoError(t, err, "%s\n%s", name, out)
			} else {
				require.Error(t, err, "%s should fail\n%s", name, out)
				assert.Contains(t, string(out), step.arg, name)
			}
			ran++
		case "start":
			b := &background{out: &bridgeproc.LogBuffer{}, exited: make(chan struct{})}
			b.cmd = exec.Command("bash", "-c", script)
			b.cmd.Dir, b.cmd.Env = dir, env
			b.cmd.Stdout, b.cmd.Stderr = b.out, b.out
			b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			require.NoError(t, b.cmd.Start(), name)
			go func() { _ = b.cmd.Wait(); close(b.exited) }()
			started = append(started, b)
			deadline := time.Now().Add(startTimeout)
			for !strings.Contains(b.out.String(), "Everything is ready") {
				select {
				case <-b.exited:
					t.Fatalf("%s exited during start-up:\n%s", name, b.out.String())
				default:
				}
				require.True(t, time.Now().Before(deadline), "%s not ready after %s:\n%s", name, startTimeout, b.out.String())
				time.Sleep(pollInterval)
			}
			ran++
		case "ctrl-c":
			require.NotEmpty(t, started, "ctrl-c before any start block")
			last := started[len(started)-1]
			last.stop(t, syscall.SIGINT)
			assert.Contains(t, last.out.String(), "Shutdown complete", "clean stop on Ctrl-C")
		}
	}
	assert.GreaterOrEqual(t, ran, 8, "commands run")
}
