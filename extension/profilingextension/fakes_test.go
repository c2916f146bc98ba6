package profilingextension

import (
	"context"
	"errors"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension/internal/metadata"
)

// fakeClock moves only when the test says so.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	added   chan struct{}
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Unix(1_700_000_000, 0), added: make(chan struct{}, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	c.added <- struct{}{}
	return ch
}

// Advance moves time and fires the timers that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// waitForTimer blocks until the scheduler asks for a timer (it is waiting on the clock).
func (c *fakeClock) waitForTimer(t *testing.T) {
	t.Helper()
	select {
	case <-c.added:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler never waited on the clock")
	}
}

// fakeRuntime hands out small synthetic profiles; cumulative kinds grow each call.
type fakeRuntime struct {
	mu       sync.Mutex
	cpuBusy  bool // someone else holds the CPU profiler
	cpuOn    bool
	cpuW     io.Writer
	cpuStart int
	calls    map[string]int
	failing  map[string]bool
	cpuEmpty bool
}

func newFakeRuntime() *fakeRuntime {
	return &fakeRuntime{calls: map[string]int{}, failing: map[string]bool{}}
}

func (r *fakeRuntime) StartCPU(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cpuBusy || r.cpuOn {
		return errors.New("cpu profiling already in use")
	}
	r.cpuOn, r.cpuW = true, w
	r.cpuStart++
	return nil
}

func (r *fakeRuntime) StopCPU() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.cpuOn {
		return
	}
	r.cpuOn = false
	n := int64(7)
	if r.cpuEmpty {
		n = 0
	}
	p := fakeProfile([]string{"samples/count", "cpu/nanoseconds"}, "cpu/nanoseconds", []int64{n, n * 1e7})
	p.DurationNanos = 10e9
	_ = p.Write(r.cpuW)
}

func (r *fakeRuntime) cpuRunning() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cpuOn
}

func (r *fakeRuntime) WriteProfile(name string, w io.Writer) error {
	r.mu.Lock()
	r.calls[name]++
	n := int64(r.calls[name])
	fail := r.failing[name]
	r.mu.Unlock()
	if fail {
		return errors.New("boom")
	}
	var p *profile.Profile
	switch name {
	case "heap", "allocs":
		p = fakeProfile([]string{"alloc_objects/count", "alloc_space/bytes", "inuse_objects/count", "inuse_space/bytes"}, "space/bytes", []int64{10 * n, 1000 * n, 3, 300})
	case "goroutine":
		p = fakeProfile([]string{"goroutine/count"}, "goroutine/count", []int64{42})
	case "mutex", "block":
		p = fakeProfile([]string{"contentions/count", "delay/nanoseconds"}, "contentions/count", []int64{2 * n, 500 * n})
	default:
		return errUnknownProfile(name)
	}
	return p.Write(w)
}

func fakeProfile(types []string, period string, values []int64) *profile.Profile {
	vt := func(s string) *profile.ValueType {
		for i := range s {
			if s[i] == '/' {
				return &profile.ValueType{Type: s[:i], Unit: s[i+1:]}
			}
		}
		return &profile.ValueType{Type: s}
	}
	fn := &profile.Function{ID: 1, Name: "main.work", SystemName: "main.work", Filename: "work.go"}
	loc := &profile.Location{ID: 1, Address: 0x1000, Line: []profile.Line{{Function: fn, Line: 3}}}
	p := &profile.Profile{PeriodType: vt(period), Period: 1, TimeNanos: 1, Function: []*profile.Function{fn}, Location: []*profile.Location{loc}}
	for _, t := range types {
		p.SampleType = append(p.SampleType, vt(t))
	}
	p.Sample = []*profile.Sample{{Location: []*profile.Location{loc}, Value: values, Label: map[string][]string{"component": {"test"}}}}
	return p
}

// recorder is a destination that keeps what it was sent and fails when told to.
type recorder struct {
	mu      sync.Mutex
	batches [][]captured
	fail    error
	block   chan struct{} // when set, send waits for it or for ctx
	entered chan struct{}
	sent    chan struct{}
}

func newRecorder() *recorder {
	return &recorder{sent: make(chan struct{}, 100), entered: make(chan struct{}, 100)}
}

func (r *recorder) name() string                                { return "files" }
func (r *recorder) start(context.Context, component.Host) error { return nil }
func (r *recorder) shutdown(context.Context) error              { return nil }
func (r *recorder) send(ctx context.Context, b *batch) []error {
	r.entered <- struct{}{}
	if r.block != nil {
		select {
		case <-r.block:
		case <-ctx.Done():
			r.sent <- struct{}{}
			return sameError(len(b.items), ctx.Err())
		}
	}
	r.mu.Lock()
	r.batches = append(r.batches, b.items)
	err := r.fail
	r.mu.Unlock()
	r.sent <- struct{}{}
	return sameError(len(b.items), err)
}

func (r *recorder) waitSent(t *testing.T) {
	t.Helper()
	select {
	case <-r.sent:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was sent")
	}
}

func (r *recorder) kinds(i int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.batches[i] {
		out = append(out, string(c.kind))
	}
	sort.Strings(out)
	return out
}

// testExtension builds the extension with fakes and a metrics reader.
func testExtension(t *testing.T, mutate func(*Config)) (*profilingExtension, *fakeClock, *fakeRuntime, *recorder, *componenttest.Telemetry) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = ""
	if mutate != nil {
		mutate(cfg)
	}
	require.NoError(t, cfg.Validate())
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	set := extensiontest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tt.NewTelemetrySettings()
	set.Resource = pcommon.NewResource()
	set.Resource.Attributes().PutStr("service.name", "otelcol-bridge")
	set.Resource.Attributes().PutStr("service.instance.id", "inst-1")
	rec := newRecorder()
	ext, err := newExtension(cfg, set, resourceAttributes(set, cfg.Labels), []destination{rec})
	require.NoError(t, err)
	clk, rt := newFakeClock(), newFakeRuntime()
	ext.clock, ext.runtime = clk, rt
	return ext, clk, rt, rec, tt
}

// counter sums a counter's points whose attributes include all of want.
func counter(t *testing.T, tt *componenttest.Telemetry, name string, want map[string]string) int64 {
	t.Helper()
	m, err := tt.GetMetric(name)
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok)
	var total int64
	for _, dp := range sum.DataPoints {
		match := true
		for k, v := range want {
			got, ok := dp.Attributes.Value(attribute.Key(k))
			if !ok || got.AsString() != v {
				match = false
			}
		}
		if match {
			total += dp.Value
		}
	}
	return total
}
