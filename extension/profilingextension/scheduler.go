package profilingextension

import (
	"bytes"
	"context"
	"io"
	"runtime/pprof"
	"time"

	"github.com/google/pprof/profile"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

// clock is time as the scheduler sees it; tests drive it by hand.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// runtimeProfiler is the Go runtime's profilers; tests replace it.
type runtimeProfiler interface {
	// StartCPU fails when the process-wide CPU profiler is already running.
	StartCPU(w io.Writer) error
	StopCPU()
	// WriteProfile writes a snapshot of a named runtime profile (heap, allocs, ...) as
	// gzipped pprof.
	WriteProfile(name string, w io.Writer) error
}

type goRuntime struct{}

func (goRuntime) StartCPU(w io.Writer) error { return pprof.StartCPUProfile(w) }
func (goRuntime) StopCPU()                   { pprof.StopCPUProfile() }
func (goRuntime) WriteProfile(name string, w io.Writer) error {
	p := pprof.Lookup(name)
	if p == nil {
		return errUnknownProfile(name)
	}
	return p.WriteTo(w, 0)
}

type errUnknownProfile string

func (e errUnknownProfile) Error() string { return "the runtime has no profile " + string(e) }

// captured is one profile of a cycle, ready to send.
type captured struct {
	kind profiles.Kind
	// from/until is the time the profile covers: the CPU profile's window, the time
	// since the previous snapshot for deltas, the snapshot's instant otherwise.
	from, until time.Time
	prof        *profile.Profile
}

// Skip reasons (the reason attribute of profiling_profiles_skipped).
const (
	reasonCPUBusy       = "cpu_profiler_busy"
	reasonCaptureFailed = "capture_failed"
	reasonEmpty         = "empty"
	reasonOverrun       = "overrun"
	reasonShutdown      = "shutdown"
)

type scheduler struct {
	e      *profilingExtension
	ctx    context.Context // cancelled at shutdown: aborts deliveries in flight
	cancel context.CancelFunc
	stopCh chan struct{}
	done   chan struct{}

	// baseline is the previous snapshot of each cumulative kind, taken at start and
	// replaced every cycle.
	baseline map[profiles.Kind]*profile.Profile
	baseTime map[profiles.Kind]time.Time
}

func newScheduler(e *profilingExtension) *scheduler {
	ctx, cancel := context.WithCancel(context.Background())
	return &scheduler{
		e: e, ctx: ctx, cancel: cancel,
		stopCh:   make(chan struct{}),
		done:     make(chan struct{}),
		baseline: map[profiles.Kind]*profile.Profile{},
		baseTime: map[profiles.Kind]time.Time{},
	}
}

func (s *scheduler) start() {
	for _, k := range s.e.kinds {
		if k.Cumulative() {
			if p, err := s.snapshot(k); err == nil {
				s.baseline[k] = p
				s.baseTime[k] = s.e.clock.Now()
			}
		}
	}
	go s.run()
}

func (s *scheduler) stop() {
	close(s.stopCh)
	s.cancel()
}

// run takes a cycle right away, then one every interval, on a fixed grid from the
// start. A cycle that outlasts the interval makes the schedule skip the grid points it
// missed (counted as overrun) rather than run cycles back to back.
func (s *scheduler) run() {
	defer close(s.done)
	interval := s.e.cfg.Interval
	next := s.e.clock.Now()
	for {
		s.cycle()
		next = next.Add(interval)
		now := s.e.clock.Now()
		if now.After(next) {
			missed := int64(now.Sub(next)/interval) + 1
			for _, k := range s.e.kinds {
				s.skipped(k, reasonOverrun, missed)
			}
			next = next.Add(time.Duration(missed) * interval)
			s.e.logger.Warn("Profiling cycle took longer than the interval; skipping cycles",
				zap.Int64("skipped_cycles", missed), zap.Duration("interval", interval))
		}
		select {
		case <-s.stopCh:
			return
		case <-s.e.clock.After(next.Sub(now)):
		}
	}
}

func (s *scheduler) cycle() {
	var batch []captured
	wantCPU := false
	for _, k := range s.e.kinds {
		if s.stopped() {
			return
		}
		if k == profiles.KindCPU {
			wantCPU = true
			continue
		}
		if c, ok := s.takeSnapshot(k); ok {
			batch = append(batch, c)
		}
	}
	// CPU last, so the snapshots' own work is not in it.
	if wantCPU {
		if c, ok := s.takeCPU(); ok {
			batch = append(batch, c)
		}
	}
	if len(batch) > 0 && !s.stopped() {
		s.deliver(batch)
	}
}

func (s *scheduler) stopped() bool {
	select {
	case <-s.stopCh:
		return true
	default:
		return false
	}
}

func (s *scheduler) snapshot(k profiles.Kind) (*profile.Profile, error) {
	var buf bytes.Buffer
	if err := s.e.runtime.WriteProfile(string(k), &buf); err != nil {
		return nil, err
	}
	return profile.Parse(&buf)
}

func (s *scheduler) takeSnapshot(k profiles.Kind) (captured, bool) {
	now := s.e.clock.Now()
	p, err := s.snapshot(k)
	if err != nil {
		s.e.logger.Warn("Capturing a profile failed", zap.String("kind", string(k)), zap.Error(err))
		s.skipped(k, reasonCaptureFailed, 1)
		return captured{}, false
	}
	c := captured{kind: k, from: now, until: now, prof: p}
	if k.Cumulative() {
		prev, prevTime := s.baseline[k], s.baseTime[k]
		s.baseline[k], s.baseTime[k] = p, now
		d, err := profiles.Delta(prev, p, k.DeltaSampleTypes())
		if err != nil {
			s.e.logger.Warn("Computing a profile delta failed", zap.String("kind", string(k)), zap.Error(err))
			s.skipped(k, reasonCaptureFailed, 1)
			return captured{}, false
		}
		c.prof = d
		if prev != nil {
			c.from = prevTime
			if c.prof.DurationNanos == 0 {
				c.prof.DurationNanos = now.Sub(prevTime).Nanoseconds()
			}
		}
	}
	return s.keep(c)
}

func (s *scheduler) takeCPU() (captured, bool) {
	// The slot keeps our own pull endpoint out; StartCPU catches every other holder
	// (another extension, a library, a second pprof server).
	select {
	case s.e.cpuSlot <- struct{}{}:
	default:
		s.skipped(profiles.KindCPU, reasonCPUBusy, 1)
		return captured{}, false
	}
	defer func() { <-s.e.cpuSlot }()

	var buf bytes.Buffer
	from := s.e.clock.Now()
	if err := s.e.runtime.StartCPU(&buf); err != nil {
		s.e.logger.Info("CPU profiler busy, skipping this cycle's CPU profile", zap.Error(err))
		s.skipped(profiles.KindCPU, reasonCPUBusy, 1)
		return captured{}, false
	}
	select {
	case <-s.e.clock.After(s.e.cfg.CPUDuration):
		s.e.runtime.StopCPU()
	case <-s.stopCh:
		s.e.runtime.StopCPU()
		s.skipped(profiles.KindCPU, reasonShutdown, 1)
		return captured{}, false
	}
	until := s.e.clock.Now()
	p, err := profile.Parse(&buf)
	if err != nil {
		s.e.logger.Warn("Reading the CPU profile failed", zap.Error(err))
		s.skipped(profiles.KindCPU, reasonCaptureFailed, 1)
		return captured{}, false
	}
	return s.keep(captured{kind: profiles.KindCPU, from: from, until: until, prof: p})
}

// keep counts a captured profile, or skips it when it has no samples (an idle
// collector's CPU profile, a delta with no new contention): nothing to look at.
func (s *scheduler) keep(c captured) (captured, bool) {
	if profiles.SampleCount(c.prof) == 0 {
		s.skipped(c.kind, reasonEmpty, 1)
		return captured{}, false
	}
	s.e.tel.ProfilingProfilesCollected.Add(context.Background(), 1, metric.WithAttributes(attribute.String("kind", string(c.kind))))
	return c, true
}

func (s *scheduler) skipped(k profiles.Kind, reason string, n int64) {
	s.e.tel.ProfilingProfilesSkipped.Add(context.Background(), n,
		metric.WithAttributes(attribute.String("kind", string(k)), attribute.String("reason", reason)))
}

func (s *scheduler) deliver(batch []captured) {
	b := newBatch(batch, s.e.resource, s.e.set.BuildInfo.Version)
	for _, d := range s.e.dests {
		ctx, cancel := context.WithTimeout(s.ctx, s.e.cfg.Timeout)
		errs := d.send(ctx, b)
		cancel()
		var firstErr error
		for i, c := range batch {
			attrs := metric.WithAttributes(attribute.String("kind", string(c.kind)), attribute.String("exporter", d.name()))
			var err error
			if i < len(errs) {
				err = errs[i]
			}
			if err == nil {
				s.e.tel.ProfilingProfilesExported.Add(context.Background(), 1, attrs)
				continue
			}
			s.e.tel.ProfilingProfilesExportFailed.Add(context.Background(), 1, attrs)
			if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			s.e.logger.Warn("Sending profiles failed", zap.String("destination", d.name()), zap.Error(firstErr))
		}
	}
}
