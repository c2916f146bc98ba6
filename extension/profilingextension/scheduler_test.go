package profilingextension

import (
	"bytes"
	"context"
	"errors"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

const (
	collected = "otelcol_profiling_profiles_collected"
	exported  = "otelcol_profiling_profiles_exported"
	failed    = "otelcol_profiling_profiles_export_failed"
	skipped   = "otelcol_profiling_profiles_skipped"
)

func shutdown(t *testing.T, ext *profilingExtension) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, ext.Shutdown(ctx))
}

// One cycle at start, the next one interval later; CPU runs for cpu_duration.
func TestScheduleRunsCyclesOnTheInterval(t *testing.T) {
	ext, clk, rt, rec, tt := testExtension(t, nil) // defaults: 60s, 10s CPU, cpu+heap+allocs+goroutine
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)

	clk.waitForTimer(t) // snapshots taken, CPU profile running
	assert.True(t, rt.cpuRunning())
	select {
	case <-rec.sent:
		t.Fatal("sent before the CPU profile finished")
	default:
	}
	clk.Advance(10 * time.Second)
	rec.waitSent(t)
	assert.Equal(t, []string{"allocs", "cpu", "goroutine", "heap"}, rec.kinds(0))

	clk.waitForTimer(t) // waiting for the next cycle
	clk.Advance(49 * time.Second)
	select {
	case <-rec.sent:
		t.Fatal("second cycle before the interval")
	case <-time.After(50 * time.Millisecond):
	}
	clk.Advance(1 * time.Second) // t = 60s
	clk.waitForTimer(t)
	clk.Advance(10 * time.Second)
	rec.waitSent(t)
	assert.Equal(t, []string{"allocs", "cpu", "goroutine", "heap"}, rec.kinds(1))
	clk.waitForTimer(t) // counted and waiting again

	assert.Equal(t, int64(2), counter(t, tt, collected, map[string]string{"kind": "cpu"}))
	assert.Equal(t, int64(2), counter(t, tt, exported, map[string]string{"kind": "heap", "exporter": "files"}))
	assert.Equal(t, int64(8), counter(t, tt, exported, nil))
	assert.Zero(t, counter(t, tt, skipped, nil))

	// allocs is the difference between cycles: 10 objects per snapshot in the fake.
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, c := range rec.batches[1] {
		if c.kind == profiles.KindAllocs {
			require.Len(t, c.prof.SampleType, 2)
			assert.Equal(t, int64(10), c.prof.Sample[0].Value[0])
			assert.Equal(t, 60*time.Second, c.until.Sub(c.from))
		}
	}
}

func TestCPUBusyIsSkippedAndCounted(t *testing.T) {
	ext, clk, rt, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"cpu", "heap"} })
	rt.cpuBusy = true // e.g. a /debug/pprof/profile request on another server
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)

	rec.waitSent(t) // the heap profile still goes out, without waiting for a CPU window
	assert.Equal(t, []string{"heap"}, rec.kinds(0))
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "cpu", "reason": "cpu_profiler_busy"}))

	rt.mu.Lock()
	rt.cpuBusy = false
	rt.mu.Unlock()
	clk.waitForTimer(t)
	clk.Advance(60 * time.Second)
	clk.waitForTimer(t)
	clk.Advance(10 * time.Second)
	rec.waitSent(t)
	assert.Equal(t, []string{"cpu", "heap"}, rec.kinds(1))
}

// Our own pull endpoint holds the slot: the schedule skips instead of failing the request.
func TestCPUSlotHeldByPullRequestSkipsTheCycle(t *testing.T) {
	ext, _, rt, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"cpu", "goroutine"} })
	ext.cpuSlot <- struct{}{}
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)
	rec.waitSent(t)
	assert.Equal(t, []string{"goroutine"}, rec.kinds(0))
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "cpu", "reason": "cpu_profiler_busy"}))
	assert.Zero(t, rt.cpuStart)
}

// With the real runtime: when someone else holds the process-wide CPU profiler,
// StartCPUProfile fails and the cycle is skipped, not crashed.
func TestRealCPUProfilerHeldElsewhere(t *testing.T) {
	var other bytes.Buffer
	require.NoError(t, pprof.StartCPUProfile(&other))
	defer pprof.StopCPUProfile()

	ext, _, _, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"cpu", "goroutine"} })
	ext.runtime = goRuntime{}
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)
	rec.waitSent(t)
	assert.Equal(t, []string{"goroutine"}, rec.kinds(0))
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "cpu", "reason": "cpu_profiler_busy"}))
}

// Shutdown during the CPU window stops the profiler, drops the profile and returns at once.
func TestShutdownDuringCPUProfile(t *testing.T) {
	ext, clk, rt, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"cpu"} })
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	clk.waitForTimer(t)
	require.True(t, rt.cpuRunning())

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, ext.Shutdown(ctx))
	assert.False(t, rt.cpuRunning(), "CPU profiler released")
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "cpu", "reason": "shutdown"}))
	assert.Empty(t, rec.batches)
	require.NoError(t, ext.Shutdown(ctx), "idempotent")
}

// A delivery stuck on a slow destination is cancelled by Shutdown, and Shutdown
// honours its own deadline while it waits.
func TestShutdownCancelsDeliveryAndHonoursContext(t *testing.T) {
	ext, _, _, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"heap"}; c.Timeout = time.Hour })
	rec.block = make(chan struct{})
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))

	expired, cancel := context.WithCancel(context.Background())
	cancel()
	// The schedule may or may not be inside send yet; either way Shutdown must not hang.
	err := ext.Shutdown(expired)
	if err != nil {
		require.ErrorIs(t, err, context.Canceled)
	}
	shutdown(t, ext)
	select {
	case <-rec.sent:
		assert.Equal(t, int64(1), counter(t, tt, failed, map[string]string{"kind": "heap"}))
	default:
	}
}

func TestShutdownWithoutStart(t *testing.T) {
	ext, _, _, _, _ := testExtension(t, nil)
	shutdown(t, ext)
	shutdown(t, ext)
}

func TestFailedCaptureAndDeliveryAreCounted(t *testing.T) {
	ext, clk, rt, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"heap", "goroutine"} })
	rt.failing["heap"] = true
	rec.fail = errors.New("disk full")
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)
	rec.waitSent(t)
	clk.waitForTimer(t)
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "heap", "reason": "capture_failed"}))
	assert.Equal(t, int64(1), counter(t, tt, failed, map[string]string{"kind": "goroutine", "exporter": "files"}))
	assert.Zero(t, counter(t, tt, exported, nil))
}

func TestEmptyProfilesAreSkipped(t *testing.T) {
	ext, clk, rt, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"cpu", "goroutine"} })
	rt.cpuEmpty = true
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)
	clk.waitForTimer(t)
	clk.Advance(10 * time.Second)
	rec.waitSent(t)
	assert.Equal(t, []string{"goroutine"}, rec.kinds(0))
	assert.Equal(t, int64(1), counter(t, tt, skipped, map[string]string{"kind": "cpu", "reason": "empty"}))
}

// A cycle longer than the interval skips the grid points it missed.
func TestOverrunSkipsMissedCycles(t *testing.T) {
	ext, clk, _, rec, tt := testExtension(t, func(c *Config) { c.Profiles = []string{"heap"}; c.Interval = 10 * time.Second })
	rec.block = make(chan struct{})
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	defer shutdown(t, ext)
	<-rec.entered
	clk.Advance(25 * time.Second) // the delivery takes 25s
	close(rec.block)
	rec.waitSent(t)
	clk.waitForTimer(t)
	assert.Equal(t, int64(2), counter(t, tt, skipped, map[string]string{"kind": "heap", "reason": "overrun"}))
	clk.Advance(5 * time.Second) // next grid point: 30s
	rec.waitSent(t)
}

func TestPullOnlyWithoutDestination(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	ext, err := newConfiguredExtension(cfg, extensionSettings())
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	assert.Nil(t, ext.sched, "no schedule without a destination")
	shutdown(t, ext)
}
