package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/xconsumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

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
	if proto, ok := tracePaths[path]; ok {
		if r.nextTraces == nil {
			r.noPipeline(w, req, path, "traces")
			return
		}
		r.handleTraces(w, req, path, proto)
		return
	}
	if in, ok := intakes[path]; ok {
		r.handleIntake(w, req, path, in)
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

// traceResponse tells tracers to keep their default sampling rates.
var traceResponse = []byte(`{"rate_by_service":{}}`)

// agentResponse is what Datadog's trace intake answers an Agent.
var agentResponse = []byte(`{}`)

func (r *datadogReceiver) handleTraces(w http.ResponseWriter, req *http.Request, path string, proto datadog.Protocol) {
	ctx := req.Context()
	endpoint := metric.WithAttributes(attribute.String("endpoint", path))
	outcome := func(o string) {
		r.telemetry.ReceiverDatadogPayloads.Add(ctx, 1,
			metric.WithAttributes(attribute.String("endpoint", path), attribute.String("outcome", o)))
	}

	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		outcome("method_not_allowed")
		writeError(w, http.StatusMethodNotAllowed, "use POST or PUT", path, "POST, PUT")
		return
	}
	enc, ok := encodingOf(req.Header.Get("Content-Type"), proto)
	if !ok {
		outcome("unsupported_media_type")
		drain(req)
		writeError(w, http.StatusUnsupportedMediaType,
			fmt.Sprintf("unsupported content type %q for %s", req.Header.Get("Content-Type"), path), path)
		return
	}
	if !r.admit(w, req, path) {
		outcome("overloaded")
		return
	}
	defer r.slots.release()
	body, err := readBody(req, r.cfg.MaxRequestBodySize)
	if err != nil {
		r.bodyError(w, path, err, outcome)
		return
	}

	format := "datadog_" + proto.String()
	ctx = r.obsrecv.StartTracesOp(ctx)
	td, stats, decodeErr := r.translator.Translate(proto, enc, body, datadog.PayloadFromHeaders(req.Header))
	r.countStats(ctx, path, stats)
	if errors.Is(decodeErr, datadog.ErrLimit) {
		r.obsrecv.EndTracesOp(ctx, format, 0, nil)
		outcome("too_large")
		writeError(w, http.StatusRequestEntityTooLarge, limitMessage(decodeErr), path)
		return
	}

	// Count before ConsumeTraces: td belongs to the pipeline afterwards, and a batch
	// processor may already have moved its spans away.
	spans := td.SpanCount()
	var consumeErr error
	if spans > 0 {
		consumeErr = r.nextTraces.ConsumeTraces(ctx, td)
	}
	// Only the pipeline's refusal refuses the decoded spans: the spans
	// decoded before an undecodable rest were forwarded.
	r.obsrecv.EndTracesOp(ctx, format, spans, consumeErr)

	switch {
	case consumeErr != nil:
		outcome("refused")
		r.telemetry.ReceiverDatadogSpansRefused.Add(ctx, int64(spans),
			metric.WithAttributes(attribute.String("endpoint", path), attribute.String("reason", "pipeline_refused")))
		if consumererror.IsPermanent(consumeErr) {
			writeError(w, http.StatusBadRequest, "the pipeline refused the traces: "+consumeErr.Error(), path)
			return
		}
		writeRetryLater(w, path, "the pipeline refused the traces (retry later): "+consumeErr.Error())
	case decodeErr != nil && stats.Chunks == 0:
		outcome("invalid")
		r.settings.Logger.Debug("undecodable trace payload", zap.String("path", path), zap.Error(decodeErr))
		writeError(w, http.StatusBadRequest, decodeErr.Error(), path)
	case decodeErr != nil:
		// The chunks before the error were forwarded; a retry would
		// duplicate them, so the client gets a 4xx naming what was kept.
		outcome("partial")
		r.telemetry.ReceiverDatadogSpansReceived.Add(ctx, int64(spans), endpoint)
		writeError(w, http.StatusBadRequest,
			fmt.Sprintf("%d spans in %d traces accepted, the rest is undecodable: %v", spans, stats.Chunks, decodeErr), path)
	default:
		outcome("accepted")
		r.telemetry.ReceiverDatadogSpansReceived.Add(ctx, int64(spans), endpoint)
		w.Header().Set("Content-Type", "application/json")
		if proto == datadog.AgentV02 {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write(agentResponse)
			return
		}
		_, _ = w.Write(traceResponse)
	}
}

func (r *datadogReceiver) countStats(ctx context.Context, path string, s datadog.Stats) {
	if s.RejectedSpans > 0 {
		r.telemetry.ReceiverDatadogSpansRefused.Add(ctx, int64(s.RejectedSpans),
			metric.WithAttributes(attribute.String("endpoint", path), attribute.String("reason", "sampling_rejected")))
	}
	if s.CacheHits > 0 {
		r.telemetry.ReceiverDatadogTraceIDCacheLookups.Add(ctx, int64(s.CacheHits), metric.WithAttributes(attribute.String("result", "hit")))
	}
	if s.CacheMisses > 0 {
		r.telemetry.ReceiverDatadogTraceIDCacheLookups.Add(ctx, int64(s.CacheMisses), metric.WithAttributes(attribute.String("result", "miss")))
	}
}

// encodingOf maps a Content-Type to the body encoding. As in the Agent, an
// empty type on /v0.3 and /v0.4 means JSON; the other tracer versions are
// msgpack, and the Agent's /api/v0.2/traces is protobuf.
func encodingOf(contentType string, proto datadog.Protocol) (datadog.Encoding, bool) {
	if proto == datadog.AgentV02 {
		if contentType == "" || isProtobuf(contentType) {
			return datadog.Protobuf, true
		}
		return 0, false
	}
	jsonAllowed := proto == datadog.V03 || proto == datadog.V04
	if contentType == "" {
		if jsonAllowed {
			return datadog.JSON, true
		}
		return datadog.Msgpack, true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, false
	}
	switch mt {
	case "application/msgpack", "application/x-msgpack", "application/vnd.msgpack":
		return datadog.Msgpack, true
	case "application/json", "text/json":
		return datadog.JSON, jsonAllowed
	}
	return 0, false
}

func isProtobuf(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/x-protobuf" || mt == "application/protobuf")
}

// admit takes a decode slot for the request, or answers that the client
// should retry later; the caller releases the slot.
func (r *datadogReceiver) admit(w http.ResponseWriter, req *http.Request, path string) bool {
	if r.slots.acquire(req.Context()) {
		return true
	}
	// The body is not read: under overload, reading it is the cost to avoid.
	writeRetryLater(w, path, fmt.Sprintf(
		"all %d decoders (max_concurrent_decodes) stayed busy for %s (decode_wait_timeout): retry later",
		cap(r.slots.ch), r.slots.wait))
	return false
}

// bodyError answers a body that could not be read: 413 when it is (or
// inflates to) more than max_request_body_size, 400 otherwise.
func (r *datadogReceiver) bodyError(w http.ResponseWriter, path string, err error, outcome func(string)) {
	if errors.Is(err, errBodyTooLarge) {
		outcome("too_large")
		writeError(w, http.StatusRequestEntityTooLarge, err.Error(), path)
		return
	}
	outcome("invalid")
	writeError(w, http.StatusBadRequest, "cannot read body: "+err.Error(), path)
}

// limitMessage turns a *datadog.LimitError into the 413 message: what was
// exceeded and the configuration key that raises it.
func limitMessage(err error) string {
	key := "max_request_body_size"
	var le *datadog.LimitError
	if errors.As(err, &le) {
		switch le.What {
		case "items":
			key = "max_items_per_request"
		case "attributes":
			key = "max_attributes_per_request"
		}
	}
	return fmt.Sprintf("%v (the %s setting of the datadog receiver): nothing of this payload was kept", err, key)
}

// drain consumes a request body we do not use, so the connection is reused.
func drain(req *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
}

type errorBody struct {
	Error string `json:"error"`
	Path  string `json:"path"`
}

func writeError(w http.ResponseWriter, status int, msg, path string, allow ...string) {
	if len(allow) > 0 {
		w.Header().Set("Allow", allow[0])
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: msg, Path: path})
}

var _ http.Handler = (*datadogReceiver)(nil)
