package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"

	"github.com/otelcol-bridge/otelcol-bridge/components/translatorgates"
	"github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver/internal/metadata"
)

type zipkinReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	next      consumer.Traces
	telemetry *metadata.TelemetryBuilder
	// One ObsReport per transport, named as contrib's receiver names them,
	// so the standard receiver metrics keep their labels.
	obsrecv map[format]*receiverhelper.ObsReport
	decode  map[format]decodeFunc

	mu       sync.Mutex
	server   *http.Server
	serverWG sync.WaitGroup
}

func newReceiver(set receiver.Settings, cfg *Config, next consumer.Traces) (*zipkinReceiver, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	r := &zipkinReceiver{
		cfg:       cfg,
		settings:  set,
		next:      next,
		telemetry: tb,
		obsrecv:   make(map[format]*receiverhelper.ObsReport, len(formats)),
	}
	for _, f := range formats {
		obs, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
			ReceiverID:             set.ID,
			Transport:              f.transport(),
			ReceiverCreateSettings: set,
		})
		if err != nil {
			return nil, err
		}
		r.obsrecv[f] = obs
	}
	return r, nil
}

func (r *zipkinReceiver) Start(ctx context.Context, host component.Host) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := zipkinv2.ValidateFeatureGates(); err != nil {
		return fmt.Errorf("zipkin receiver: %w", err)
	}
	own := translatorgates.AtDefault(featuregate.GlobalRegistry(), translatorgates.Zipkin)
	if !own {
		r.settings.Logger.Info("pkg.translator.zipkin feature gates differ from their defaults: v2 bodies are translated by contrib's translator")
	}
	r.decode = decoders(r.cfg.ParseStringTags, own)
	server, err := r.cfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, r)
	if err != nil {
		return fmt.Errorf("zipkin receiver: %w", err)
	}
	ln, err := r.cfg.ToListener(ctx)
	if err != nil {
		return fmt.Errorf("zipkin receiver: listen on %s: %w", r.cfg.NetAddr.Endpoint, err)
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

// Shutdown stops the server, letting requests in flight finish while ctx
// allows. Extra calls do nothing.
func (r *zipkinReceiver) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
		r.serverWG.Wait()
		r.server = nil
	}
	r.telemetry.Shutdown()
	return err
}

func (r *zipkinReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	f := formatOf(req)
	ctx := req.Context()
	body, err := readBody(req, r.cfg.MaxRequestBodySize)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			r.count(ctx, f, "too_large")
			http.Error(w, fmt.Sprintf("request body larger than max_request_body_size (%d bytes)", tooLarge.Limit),
				http.StatusRequestEntityTooLarge)
			return
		}
		r.count(ctx, f, "invalid")
		http.Error(w, "cannot read the request body: "+err.Error(), http.StatusBadRequest)
		return
	}

	obs := r.obsrecv[f]
	ctx = obs.StartTracesOp(ctx)
	td, rejected, decodeErr := r.decode[f](body, req.Header)
	// Counted before ConsumeTraces: td belongs to the pipeline afterwards.
	spans := td.SpanCount()
	var consumeErr error
	if spans > 0 {
		consumeErr = r.next.ConsumeTraces(ctx, td)
	}
	obs.EndTracesOp(ctx, f.receiverTag(), spans, errors.Join(decodeErr, consumeErr))

	switch {
	case consumeErr != nil:
		r.count(ctx, f, "refused")
		if consumererror.IsPermanent(consumeErr) {
			http.Error(w, "the pipeline refused the spans: "+consumeErr.Error(), http.StatusBadRequest)
			return
		}
		// Retryable (a memory_limiter refusal, a full queue): say so.
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the pipeline refused the spans: "+consumeErr.Error(), http.StatusServiceUnavailable)
	case decodeErr != nil && spans == 0:
		r.count(ctx, f, "invalid")
		r.settings.Logger.Debug("undecodable zipkin request", zap.String("format", string(f)), zap.Error(decodeErr))
		http.Error(w, decodeErr.Error(), http.StatusBadRequest)
	case decodeErr != nil:
		// The valid spans were forwarded; a retry would duplicate them, so
		// the client gets a 4xx saying what was kept.
		r.count(ctx, f, "partial")
		if rejected > 0 {
			r.telemetry.ReceiverZipkinSpansRejected.Add(ctx, int64(rejected),
				metric.WithAttributes(attribute.String("format", string(f))))
		}
		http.Error(w, fmt.Sprintf("%d spans accepted, the rest is invalid: %v", spans, decodeErr), http.StatusBadRequest)
	default:
		r.count(ctx, f, "accepted")
		// Zipkin's API answers 202 Accepted.
		w.WriteHeader(http.StatusAccepted)
	}
}

func (r *zipkinReceiver) count(ctx context.Context, f format, outcome string) {
	r.telemetry.ReceiverZipkinRequests.Add(ctx, 1, metric.WithAttributes(
		attribute.String("format", string(f)), attribute.String("outcome", outcome)))
}
