package profilingextension

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension/internal/metadata"
)

type profilingExtension struct {
	cfg      *Config
	set      extension.Settings
	logger   *zap.Logger
	tel      *metadata.TelemetryBuilder
	kinds    []profiles.Kind
	resource map[string]string

	// Where the schedule sends profiles, in config order: the factory builds them from
	// the config (newDestinations), tests pass a recorder. None: pull endpoints only.
	dests []destination

	// Replaced by tests.
	clock   clock
	runtime runtimeProfiler

	// cpuSlot is held by whoever in this process runs the CPU profiler through us: the
	// schedule or a /debug/pprof/profile request. Pull requests wait for it; the
	// schedule never waits and skips its CPU profile instead.
	cpuSlot chan struct{}

	sched *scheduler

	server     *http.Server
	addr       string // where the pprof endpoints listen
	serverDone chan struct{}

	stopOnce    sync.Once
	cleanupOnce sync.Once
	cleanupErr  error
	restore     []func()
}

// newExtension builds the extension around the given destinations; resource is the
// collector's resource the profiles describe (resourceAttributes).
func newExtension(cfg *Config, set extension.Settings, resource map[string]string, dests []destination) (*profilingExtension, error) {
	kinds, err := cfg.kinds()
	if err != nil {
		return nil, err
	}
	tel, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	return &profilingExtension{
		cfg:      cfg,
		set:      set,
		logger:   set.Logger,
		tel:      tel,
		kinds:    kinds,
		resource: resource,
		dests:    dests,
		clock:    realClock{},
		runtime:  goRuntime{},
		cpuSlot:  make(chan struct{}, 1),
	}, nil
}

// resourceAttributes are the collector's own resource (service.name,
// service.instance.id, service.version, as the service sets them for its telemetry)
// plus host.name and the configured labels.
func resourceAttributes(set extension.Settings, labels map[string]string) map[string]string {
	out := map[string]string{}
	if set.Resource.Attributes().Len() > 0 {
		for k, v := range set.Resource.Attributes().All() {
			out[k] = v.AsString()
		}
	}
	if out["service.name"] == "" && set.BuildInfo.Command != "" {
		out["service.name"] = set.BuildInfo.Command
	}
	if out["service.version"] == "" && set.BuildInfo.Version != "" {
		out["service.version"] = set.BuildInfo.Version
	}
	if _, ok := out["host.name"]; !ok {
		if h, err := os.Hostname(); err == nil {
			out["host.name"] = h
		}
	}
	for k, v := range labels {
		out[k] = v
	}
	return out
}

func (e *profilingExtension) Start(ctx context.Context, host component.Host) error {
	if e.cfg.BlockProfileFraction > 0 {
		runtime.SetBlockProfileRate(e.cfg.BlockProfileFraction)
		e.restore = append(e.restore, func() { runtime.SetBlockProfileRate(0) })
	}
	if e.cfg.MutexProfileFraction > 0 {
		prev := runtime.SetMutexProfileFraction(e.cfg.MutexProfileFraction)
		e.restore = append(e.restore, func() { runtime.SetMutexProfileFraction(prev) })
	}

	if e.cfg.NetAddr.Endpoint != "" {
		// ToServer wraps the mux with the configured authenticator and timeouts; ToListener
		// adds TLS. Built before listening so a missing auth extension fails without a port held.
		srv, err := e.cfg.ToServer(ctx, host.GetExtensions(), e.set.TelemetrySettings, e.pprofMux())
		if err != nil {
			return fmt.Errorf("profiling: pprof endpoints: %w", err)
		}
		ln, err := e.cfg.ToListener(ctx)
		if err != nil {
			return fmt.Errorf("profiling: listening on %q for the pprof endpoints: %w", e.cfg.NetAddr.Endpoint, err)
		}
		e.startServer(srv, ln)
	}

	if len(e.kinds) == 0 || len(e.dests) == 0 {
		e.logger.Info("Serving pprof endpoints only: no profile kinds or no destination configured", zap.String("endpoint", e.cfg.NetAddr.Endpoint))
		return nil
	}
	for _, d := range e.dests {
		if err := d.start(ctx, host); err != nil {
			return fmt.Errorf("profiling: starting %s: %w", d.name(), err)
		}
	}
	e.sched = newScheduler(e)
	e.sched.start()
	names := make([]string, len(e.dests))
	for i, d := range e.dests {
		names[i] = d.name()
	}
	e.logger.Info("Continuous profiling started",
		zap.Duration("interval", e.cfg.Interval), zap.Duration("cpu_duration", e.cfg.CPUDuration),
		zap.Any("profiles", e.kinds), zap.Strings("destinations", names))
	return nil
}

// Shutdown stops the schedule (a CPU profile in progress is stopped and dropped),
// cancels deliveries in flight and closes the pull endpoints. It returns ctx's error if
// the schedule has not stopped in time; calling it again waits again.
func (e *profilingExtension) Shutdown(ctx context.Context) error {
	e.stopOnce.Do(func() {
		if e.sched != nil {
			e.sched.stop()
		}
	})
	if e.sched != nil {
		select {
		case <-e.sched.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e.cleanupOnce.Do(func() { e.cleanupErr = e.cleanup(ctx) })
	return e.cleanupErr
}

func (e *profilingExtension) cleanup(ctx context.Context) error {
	var errs []error
	if e.server != nil {
		if err := e.server.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			_ = e.server.Close()
		}
		<-e.serverDone
	}
	for _, d := range e.dests {
		if err := d.shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.name(), err))
		}
	}
	for _, f := range e.restore {
		f()
	}
	e.tel.Shutdown()
	return errors.Join(errs...)
}

func (e *profilingExtension) startServer(srv *http.Server, ln net.Listener) {
	e.addr = ln.Addr().String()
	e.server = srv
	e.serverDone = make(chan struct{})
	go func() {
		defer close(e.serverDone)
		if err := e.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error("pprof endpoints stopped", zap.Error(err))
		}
	}()
}
