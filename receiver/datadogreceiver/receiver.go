package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/xconsumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadata"
)

// maxCountedPaths bounds the distinct values of the unknown-path counter's
// path attribute, so a scanner cannot blow up metric cardinality.
const maxCountedPaths = 100

type datadogReceiver struct {
	cfg        *Config
	settings   receiver.Settings
	translator *datadog.Translator
	traceIDs   *datadog.TraceIDCache
	obsrecv    *receiverhelper.ObsReport
	telemetry  *metadata.TelemetryBuilder
	limits     datadog.Limits
	slots      *decodeSlots

	// The pipelines this receiver feeds; nil when no pipeline of that
	// signal includes it. Set before Start (see shared.go).
	nextTraces   consumer.Traces
	nextMetrics  consumer.Metrics
	nextLogs     consumer.Logs
	nextProfiles xconsumer.Profiles

	// Start and Shutdown are called once per signal the receiver serves;
	// the server runs from the first Start to the last Shutdown.
	lifecycleMu sync.Mutex
	started     int
	server      *http.Server
	serverWG    sync.WaitGroup
	dogstatsd   *dogstatsdServer

	pathsMu sync.Mutex
	paths   map[string]struct{}

	// release forgets the receiver in the shared map once it has shut down,
	// so a reload creates a fresh one.
	release func()
}

func newReceiver(set receiver.Settings, cfg *Config) (*datadogReceiver, error) {
	obsrecv, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "http",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	spanName := datadog.SpanNameFromResource
	if cfg.SpanName == SpanNameOperation {
		spanName = datadog.SpanNameFromOperation
	}
	cache := datadog.NewTraceIDCache(cfg.TraceIDCacheSize)
	limits := datadog.Limits{MaxItems: cfg.MaxItemsPerRequest, MaxAttributes: cfg.MaxAttributesPerRequest}
	return &datadogReceiver{
		cfg:      cfg,
		settings: set,
		translator: datadog.NewTranslator(datadog.Options{
			SpanName:     spanName,
			DropRejected: cfg.DropRejectedTraces,
			TraceIDCache: cache,
			Limits:       limits,
		}),
		limits:    limits,
		slots:     newDecodeSlots(cfg.MaxConcurrentDecodes, cfg.DecodeWaitTimeout),
		traceIDs:  cache,
		obsrecv:   obsrecv,
		telemetry: tb,
		paths:     make(map[string]struct{}),
	}, nil
}

func (r *datadogReceiver) Start(ctx context.Context, host component.Host) error {
	r.lifecycleMu.Lock()
	defer r.lifecycleMu.Unlock()
	r.started++
	if r.started > 1 {
		return nil
	}
	server, err := r.cfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, r, zstdDecoderOption(&r.cfg.ServerConfig)...)
	if err != nil {
		r.started--
		return fmt.Errorf("datadog receiver: %w", err)
	}
	ln, err := r.cfg.ToListener(ctx)
	if err != nil {
		r.started--
		return fmt.Errorf("datadog receiver: listen on %s: %w", r.cfg.NetAddr.Endpoint, err)
	}
	if err = r.startDogStatsD(); err != nil {
		_ = ln.Close()
		r.started--
		return err
	}
	r.server = server
	r.serverWG.Add(1)
	go func() {
		defer r.serverWG.Done()
		if err := server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	}()
	return nil
}

// Shutdown stops the server when the last signal using it shuts down. Extra
// calls do nothing.
func (r *datadogReceiver) Shutdown(ctx context.Context) error {
	r.lifecycleMu.Lock()
	defer r.lifecycleMu.Unlock()
	if r.started > 0 {
		r.started--
	}
	if r.started > 0 {
		return nil
	}
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
		r.serverWG.Wait()
		r.server = nil
	}
	if r.dogstatsd != nil {
		r.dogstatsd.stop()
		r.dogstatsd = nil
	}
	r.telemetry.Shutdown()
	if r.release != nil {
		r.release()
	}
	return err
}

// ServeHTTP routes every request itself, so that each path gets an explicit
// answer: translated, side feature, not implemented (501) or unknown (404).
func (r *datadogReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path := req.URL.Path
	if in, ok := intakes[path]; ok {
		r.handleIntake(w, req, in)
		return
	}
	switch {
	case path == infoPath:
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			writeError(w, http.StatusMethodNotAllowed, "use GET", path, http.MethodGet)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		// Built per request: it reports the body limit in force (ToServer
		// may fill in a default) and the endpoints of the pipelines that exist.
		_, _ = w.Write(infoDocument(r.cfg.MaxRequestBodySize, r.servedEndpoints()))
	case path == validatePath:
		// The Agent checks its API key at startup; there is none to check.
		r.countSide(req.Context(), validatePath)
		drain(req)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"valid":true}`))
	case path == remoteConfigPath:
		// The Agent answers 404 when remote configuration is disabled, and
		// dd-trace libraries then carry on without it.
		r.countSide(req.Context(), remoteConfigPath)
		drain(req)
		writeError(w, http.StatusNotFound, "remote configuration is not served by the otelcol-bridge datadog receiver", path)
	case len(path) >= len(telemetryProxyPrefix) && path[:len(telemetryProxyPrefix)] == telemetryProxyPrefix:
		// Instrumentation telemetry is about the tracer, not the
		// application; it is acknowledged so tracers do not retry it, and
		// counted. It is not listed in /info, so most tracers never send it.
		r.countSide(req.Context(), telemetryProxyPrefix)
		drain(req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("{}"))
	default:
		if endpoint, ok := notImplementedEndpoint(path); ok {
			r.telemetry.ReceiverDatadogRequestsNotImplemented.Add(req.Context(), 1,
				metric.WithAttributes(attribute.String("endpoint", endpoint)))
			drain(req)
			writeError(w, http.StatusNotImplemented, "this Datadog intake is not translated by the otelcol-bridge datadog receiver yet", path)
			return
		}
		r.telemetry.ReceiverDatadogRequestsUnknownPath.Add(req.Context(), 1,
			metric.WithAttributes(attribute.String("path", r.countedPath(path))))
		drain(req)
		writeError(w, http.StatusNotFound, "unknown path", path)
	}
}

func (r *datadogReceiver) countSide(ctx context.Context, endpoint string) {
	r.telemetry.ReceiverDatadogSideRequests.Add(ctx, 1, metric.WithAttributes(attribute.String("endpoint", endpoint)))
}

func (r *datadogReceiver) countedPath(path string) string {
	r.pathsMu.Lock()
	defer r.pathsMu.Unlock()
	if _, ok := r.paths[path]; ok {
		return path
	}
	if len(r.paths) >= maxCountedPaths || len(path) > 200 {
		return "other"
	}
	r.paths[path] = struct{}{}
	return path
}

var _ http.Handler = (*datadogReceiver)(nil)
