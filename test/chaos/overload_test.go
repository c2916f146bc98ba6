//go:build chaos

package chaos

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

const (
	cgroupRoot  = "/sys/fs/cgroup/memory"
	memoryLimit = 512 << 20
	// GOMEMLIMIT as the chart sets it for a 512Mi limit (goMemLimitPercent 80).
	goMemLimit = "409MiB"
)

// memCgroup is a cgroup v1 memory group limited to memoryLimit, removed when the test ends.
type memCgroup struct{ dir string }

func newMemCgroup(t *testing.T, name string) *memCgroup {
	t.Helper()
	needsRoot(t, "the overload scenario (a memory cgroup)")
	if _, err := os.Stat(filepath.Join(cgroupRoot, "memory.limit_in_bytes")); err != nil {
		t.Fatalf("cgroup v1 memory controller not mounted at %s: %v", cgroupRoot, err)
	}
	dir := filepath.Join(cgroupRoot, fmt.Sprintf("otelcol-bridge-chaos-%d-%s", os.Getpid(), name))
	require.NoError(t, os.Mkdir(dir, 0o755), "create the memory cgroup (needs root)")
	cg := &memCgroup{dir: dir}
	t.Cleanup(func() {
		// The collector is gone by now (its own cleanup ran first); rmdir fails while a
		// process is still inside, so retry briefly.
		waitFor(10*time.Second, func() bool { return os.Remove(dir) == nil })
	})
	require.NoError(t, cg.write("memory.limit_in_bytes", strconv.Itoa(memoryLimit)))
	return cg
}

func (c *memCgroup) write(file, v string) error {
	return os.WriteFile(filepath.Join(c.dir, file), []byte(v), 0o644)
}

func (c *memCgroup) read(file string) map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open(filepath.Join(c.dir, file))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 1 {
			v, _ := strconv.ParseInt(fields[0], 10, 64)
			out[""] = v
		} else if len(fields) == 2 {
			v, _ := strconv.ParseInt(fields[1], 10, 64)
			out[fields[0]] = v
		}
	}
	return out
}

// TestOverloadInMemoryCgroup: the shipped persistent-queue gateway with the migration receivers
// on, in a 512 MiB memory cgroup with GOMEMLIMIT as the chart sets it, backend down, overloaded
// on each receiver port in turn by clients offering more than three times what it accepts.
// It must stay alive with its resident memory below the limit (no OOM kill), refuse only with
// the protocol's retryable answer, and deliver every acknowledged span once the backend is up.
//
// The queue is 4 MiB instead of the shipped 1 GiB so that it fills within seconds: a full
// queue is the overload a gateway with a dead backend ends up in. "3× overload" is checked as
// offered ≥ 3 × accepted over the run: at least two thirds of what clients sent was refused.
func TestOverloadInMemoryCgroup(t *testing.T) {
	// Every port is held to retryable refusals: our jaeger (503), zipkin (503) and datadog
	// (429/503) receivers, like the OTLP ones (contrib's jaeger receiver answered 500).
	cases := []struct {
		proto loadgen.Protocol
		port  int
	}{
		{loadgen.OTLPGRPC, 4317},
		{loadgen.OTLPHTTP, 4318},
		{loadgen.JaegerThriftHTTP, 14268},
		{loadgen.ZipkinJSON, 9411},
		{loadgen.DatadogV04, 8126},
	}
	rendered := renderShipped(t, "persistent-queue",
		"presets.migration.enabled=true", "presets.migration.datadog.enabled=true",
		"presets.migration.remoteSampling.enabled=false")["gateway"]
	for _, tc := range cases {
		t.Run(string(tc.proto), func(t *testing.T) {
			sink := newSink(t)
			cfg := loopback(t, rendered, t.TempDir())
			exp := traceExporter(t, cfg)
			pointAt(t, cfg, exp, sink)
			cfg.Set("exporters::"+exp+"::sending_queue::queue_size", 4<<20)
			cg := newMemCgroup(t, string(tc.proto))
			c := startCollector(t, "overload-"+string(tc.proto), cfg, cg.dir, "GOMEMLIMIT="+goMemLimit)

			// 16 workers × 500 spans of ~600 B: about 16 requests of 300 KB in flight at all
			// times, with no pause between requests.
			s := &Sender{Proto: tc.proto, Endpoint: cfg.Endpoint(t, tc.port), Workers: 16, SpansPerReq: 500, AttrBytes: 512, ID: 1}
			start := time.Now()
			stop := s.Start()
			var peakRSS int64
			for end := time.Now().Add(12 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
				st := cg.read("memory.stat")
				if rss := st["total_rss"]; rss > peakRSS {
					peakRSS = rss
				}
			}
			stop()
			elapsed := time.Since(start)
			alive := c.Alive()
			oom := cg.read("memory.oom_control")["oom_kill"]
			maxUsage := cg.read("memory.max_usage_in_bytes")[""]

			sink.Up()
			drained := drain(t, s, sink)
			r := compare("overload_cgroup_512MiB_"+string(tc.proto), s, sink)
			offered := float64(r.Sent) / elapsed.Seconds()
			accepted := float64(r.Acknowledged) / elapsed.Seconds()
			ratio := 0.0
			if accepted > 0 {
				ratio = offered / accepted
			}
			r.Extra = append(r.Extra, fmt.Sprintf("offered_per_s=%.0f accepted_per_s=%.0f overload=%.1fx alive=%t oom_kills=%d peak_rss_mib=%d max_usage_incl_cache_mib=%d",
				offered, accepted, ratio, alive, oom, peakRSS>>20, maxUsage>>20))
			report(t, r)

			var problems []string
			check := func(ok bool, format string, args ...any) {
				if !ok {
					problems = append(problems, fmt.Sprintf(format, args...))
				}
			}
			check(alive, "the collector died under overload")
			check(oom == 0, "%d OOM kills in the cgroup", oom)
			check(peakRSS < memoryLimit, "resident memory reached %d MiB of %d", peakRSS>>20, memoryLimit>>20)
			check(r.Acknowledged > 0, "nothing acknowledged")
			check(ratio >= 3, "offered load only %.1fx the accepted load: not an overload", ratio)
			check(drained && r.Lost == 0, "%d acknowledged spans lost", r.Lost)
			for code := range r.Refused {
				check(retryable(code), "refusal %s is not a retryable error", code)
			}
			for _, p := range problems {
				t.Error(p)
			}
			c.Terminate()
		})
	}
}
