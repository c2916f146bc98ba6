//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	overloadMemoryLimit = 512 << 20
	// overloadDuration and overloadWorkers: 12 saturating workers of 1,000
	// spans per request, three times the load that OOM-killed the receiver
	// before it bounded its decodes.
	overloadDuration = "20s"
	overloadWorkers  = "12"
)

const overloadConfig = `
receivers:
  datadog:
    endpoint: 127.0.0.1:%d
processors:
  memory_limiter:
    check_interval: 100ms
    limit_mib: 380
    spike_limit_mib: 100
  batch:
exporters:
  otlp_grpc:
    # Nothing listens there: the backend is down, the queue fills up.
    endpoint: 127.0.0.1:%d
    tls:
      insecure: true
extensions:
  health_check:
    endpoint: 127.0.0.1:%d
service:
  extensions: [health_check]
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [datadog]
      processors: [memory_limiter, batch]
      exporters: [otlp_grpc]
`

// memoryCgroup is a cgroup v1 memory group created for one test.
type memoryCgroup struct{ dir string }

// newMemoryCgroup creates a child of the memory controller with the given
// limit. Where there is none to create (no cgroup v1 memory controller, not
// root) it skips on a developer's machine but fails in CI (CI set), which runs
// as root on machines with the controller: there the test must run. It is removed when the test ends, after the
// processes in it have exited.
func newMemoryCgroup(t *testing.T, limit int64) *memoryCgroup {
	t.Helper()
	root := "/sys/fs/cgroup/memory"
	if _, err := os.Stat(filepath.Join(root, "cgroup.procs")); err != nil {
		skipOutsideCI(t, "no cgroup v1 memory controller at %s: %v", root, err)
	}
	dir := filepath.Join(root, fmt.Sprintf("otelcol-bridge-e2e-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		skipOutsideCI(t, "cannot create a memory cgroup (root needed): %v", err)
	}
	cg := &memoryCgroup{dir: dir}
	t.Cleanup(func() {
		// rmdir fails while a process is still inside; the collector has
		// been stopped by the cleanups registered after this one.
		if err := os.Remove(dir); err != nil {
			t.Logf("removing %s: %v", dir, err)
		}
	})
	require.NoError(t, cg.write("memory.limit_in_bytes", strconv.FormatInt(limit, 10)))
	return cg
}

func (cg *memoryCgroup) write(file, value string) error {
	return os.WriteFile(filepath.Join(cg.dir, file), []byte(value), 0o644)
}

func (cg *memoryCgroup) read(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(cg.dir, file))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// oomKills is the oom_kill count of memory.oom_control (0 when the kernel
// does not report it).
func (cg *memoryCgroup) oomKills(t *testing.T) int64 {
	for _, line := range strings.Split(cg.read(t, "memory.oom_control"), "\n") {
		if rest, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.ParseInt(rest, 10, 64)
			return n
		}
	}
	return 0
}

// TestDatadogOverloadInMemoryCgroup saturates the datadog receiver with the
// backend down, in a 512 MiB memory cgroup with GOMEMLIMIT at 80 %: the
// process must stay alive and under the limit, and every request it does not
// take must be refused with a status the client retries (429 on /v0.4), none
// dropped with a 2xx or cut off.
func TestDatadogOverloadInMemoryCgroup(t *testing.T) {
	cg := newMemoryCgroup(t, overloadMemoryLimit)
	ports := freePorts(t, 3)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(overloadConfig, ports[0], ports[1], ports[2]), HealthPort: ports[2], Env: []string{fmt.Sprintf("GOMEMLIMIT=%dMiB", overloadMemoryLimit*8/10>>20)}})
	require.NoError(t, cg.write("cgroup.procs", strconv.Itoa(c.Pid())))

	cmd := exec.Command(loadgenBinary(t), "loadgen", "--protocol", "datadog-v04",
		"--endpoint", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"--rate", "0", "--duration", overloadDuration, "--workers", overloadWorkers,
		"--spans-per-request", "1000", "--json")
	out, err := cmd.Output()
	require.NoError(t, err, "loadgen: %s", out)
	var rep struct {
		loadgenReport
		Reasons []struct {
			Reason   string `json:"reason"`
			Requests int64  `json:"requests"`
		} `json:"reasons"`
	}
	require.NoError(t, json.Unmarshal(out, &rep), "%s", out)

	maxUsage, err := strconv.ParseInt(cg.read(t, "memory.max_usage_in_bytes"), 10, 64)
	require.NoError(t, err)
	t.Logf("overload: %d requests, %d spans accepted, %d refused, %d failed; reasons %v; cgroup peak %d MiB of %d MiB; oom kills %d",
		rep.Requests, rep.Accepted, rep.Refused, rep.Failed, rep.Reasons, maxUsage>>20, overloadMemoryLimit>>20, cg.oomKills(t))

	require.True(t, c.Running(), "the collector died under overload")
	assert.Zero(t, cg.oomKills(t), "OOM kills in the cgroup")
	assert.Less(t, maxUsage, int64(overloadMemoryLimit), "the cgroup's peak usage reached its limit")
	assert.Positive(t, rep.Accepted, "some load was taken")
	assert.Zero(t, rep.Failed, "requests cut off or timed out: %s", out)
	// /v0.4/traces is a tracer path: tracers back off and retry on 429.
	for _, r := range rep.Reasons {
		assert.Equal(t, "HTTP 429", r.Reason, "a refusal tracers do not treat as back-off (%d requests)", r.Requests)
	}
}

// skipOutsideCI skips with the reason on a developer's machine and fails in CI,
// where every prerequisite is installed and a skip would hide a missing test.
func skipOutsideCI(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
