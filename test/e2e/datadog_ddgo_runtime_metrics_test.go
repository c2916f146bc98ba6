//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDDTraceGoRuntimeMetricsUDP runs the real dd-trace-go v2 tracer with runtime metrics on
// (tracer.WithRuntimeMetrics, tracer.WithDogstatsdAddr) against the bridge's DogStatsD UDP
// listener and finds the runtime.go.* metrics in the exported metrics, tagged with the
// tracer's service and env. The tracer reports every 10 s (the first report 10 s after
// start), so the program runs for 13 s and then stops the tracer, which flushes its client.
func TestDDTraceGoRuntimeMetricsUDP(t *testing.T) {
	bin := ddgoSender(t)
	ports := freePorts(t, 3)
	c := startCollector(t, collectorOptions{Config: fmt.Sprintf(dogstatsdUDPConfig, ports[0], ports[1], ports[2]), HealthPort: ports[2]})

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("DD_TRACE_AGENT_URL=http://127.0.0.1:%d", ports[0]),
		fmt.Sprintf("DDGO_RUNTIME_METRICS=127.0.0.1:%d", ports[1]), "DDGO_DURATION=13s",
		"DD_INSTRUMENTATION_TELEMETRY_ENABLED=false", "DD_REMOTE_CONFIGURATION_ENABLED=false",
		"DD_TRACE_STARTUP_LOGS=false")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("ddgo: %v\n%s", err, ee.Stderr)
	}
	require.NoError(t, err, "ddgo output %q", out)

	var runtime []foundMetric
	waitFor(t, "runtime.go.* metrics from dd-trace-go", func() bool {
		runtime = runtime[:0]
		for name, ms := range metricsByName(parseMetrics(t, readJSONLines(t, c.Path("metrics.jsonl")))) {
			if strings.HasPrefix(name, "runtime.go.") {
				runtime = append(runtime, ms...)
			}
		}
		return len(runtime) >= 5
	})
	names := map[string]bool{}
	for _, m := range runtime {
		names[m.metric.Name()] = true
		res := m.res.AsRaw()
		assert.Equal(t, "checkout-ddgo-rt", res["service.name"], "%s", m.metric.Name())
		assert.Equal(t, "e2e", res["deployment.environment.name"], "%s", m.metric.Name())
	}
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	t.Logf("%d distinct runtime.go.* metrics", len(list))
	// Both generations the tracer emits: runtime metrics v1 (MemStats) and v2 (runtime/metrics).
	assert.True(t, names["runtime.go.num_goroutine"], "have %v", list)
	assert.True(t, names["runtime.go.mem_stats.heap_alloc"], "have %v", list)
	assert.True(t, names["runtime.go.metrics.sched_goroutines.goroutines"], "have %v", list)
}
