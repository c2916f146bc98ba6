package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// consumed is what a translated request gave the pipeline.
type consumed struct {
	// items are what the signal counts: spans, points, log records or
	// profiles.
	items int
	// traces are the trace chunks decoded (traces rows): a payload of
	// empty traces was still decoded.
	traces     int
	decodeErr  error
	consumeErr error
}

// handleIntake serves every row of intakeTable: pipeline, method, media
// type and admission checks, the body, translation, and the answer, which
// writeOutcome writes and counts.
func (r *datadogReceiver) handleIntake(w http.ResponseWriter, req *http.Request, in *intake) {
	ctx := req.Context()
	if !r.hasPipeline(in.signal) {
		drain(req)
		r.writeOutcome(ctx, w, in, noPipeline(in.signal))
		return
	}
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		r.writeOutcome(ctx, w, in, outcome{name: "method_not_allowed", status: http.StatusMethodNotAllowed, msg: "use POST or PUT", allow: "POST, PUT"})
		return
	}
	var enc datadog.Encoding
	if in.signal == signalTraces {
		var ok bool
		if enc, ok = encodingOf(req.Header.Get("Content-Type"), in.proto); !ok {
			drain(req)
			r.writeOutcome(ctx, w, in, outcome{name: "unsupported_media_type", status: http.StatusUnsupportedMediaType,
				msg: fmt.Sprintf("unsupported content type %q for %s", req.Header.Get("Content-Type"), in.path)})
			return
		}
	}
	if !r.slots.acquire(ctx) {
		// The body is not read: under overload, reading it is the cost to avoid.
		r.writeOutcome(ctx, w, in, outcome{name: "overloaded", retry: true, msg: fmt.Sprintf(
			"all %d decoders (max_concurrent_decodes) stayed busy for %s (decode_wait_timeout): retry later",
			cap(r.slots.ch), r.slots.wait)})
		return
	}
	defer r.slots.release()
	body, err := readBody(req, r.cfg.MaxRequestBodySize)
	if err != nil {
		r.writeOutcome(ctx, w, in, bodyOutcome(err))
		return
	}
	var c consumed
	switch in.signal {
	case signalTraces:
		c = r.consumeTraces(ctx, req, in, enc, body)
	case signalMetrics:
		c = r.consumeMetrics(ctx, req, in, body)
	case signalLogs:
		c = r.consumeLogs(ctx, req, in, body)
	case signalProfiles:
		c = r.consumeProfiles(ctx, req, body)
	}
	r.writeOutcome(ctx, w, in, r.translatedOutcome(in, c))
}

// hasPipeline says whether a pipeline of sig includes this receiver.
func (r *datadogReceiver) hasPipeline(sig signal) bool {
	switch sig {
	case signalTraces:
		return r.nextTraces != nil
	case signalMetrics:
		return r.nextMetrics != nil
	case signalLogs:
		return r.nextLogs != nil
	case signalProfiles:
		return r.nextProfiles != nil
	}
	return false
}

func (r *datadogReceiver) consumeTraces(ctx context.Context, req *http.Request, in *intake, enc datadog.Encoding, body []byte) consumed {
	format := "datadog_" + in.proto.String()
	ctx = r.obsrecv.StartTracesOp(ctx)
	td, stats, decodeErr := r.translator.Translate(in.proto, enc, body, datadog.PayloadFromHeaders(req.Header))
	r.countTraceStats(ctx, in.path, stats)
	if errors.Is(decodeErr, datadog.ErrLimit) {
		// Nothing of the payload is kept.
		r.obsrecv.EndTracesOp(ctx, format, 0, nil)
		return consumed{decodeErr: decodeErr}
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
	return consumed{items: spans, traces: stats.Chunks, decodeErr: decodeErr, consumeErr: consumeErr}
}

func (r *datadogReceiver) countTraceStats(ctx context.Context, path string, s datadog.TraceStats) {
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

func (r *datadogReceiver) countSkipped(ctx context.Context, path string, reasons map[string]int) {
	for reason, n := range reasons {
		r.telemetry.ReceiverDatadogItemsSkipped.Add(ctx, int64(n),
			metric.WithAttributes(attribute.String("endpoint", path), attribute.String("reason", reason)))
	}
}

func (r *datadogReceiver) consumeMetrics(ctx context.Context, req *http.Request, in *intake, body []byte) consumed {
	ctx = r.obsrecv.StartMetricsOp(ctx)
	md, stats, decodeErr := in.translate(req, body, r.limits)
	r.countSkipped(ctx, in.path, stats.SkipReasons)
	if in.skipsMalformed {
		// Malformed lines are skipped and counted, as the Agent skips
		// them; the lines around them are kept and acknowledged.
		if decodeErr != nil {
			r.settings.Logger.Debug("skipped DogStatsD lines", zap.String("path", in.path), zap.Error(decodeErr))
		}
		decodeErr = nil
	}
	points := md.DataPointCount()
	var consumeErr error
	if points > 0 {
		consumeErr = r.nextMetrics.ConsumeMetrics(ctx, md)
	}
	// Only the pipeline's refusal refuses the points: the points decoded
	// before an undecodable rest were forwarded.
	r.obsrecv.EndMetricsOp(ctx, "datadog", points, consumeErr)
	return consumed{items: points, decodeErr: decodeErr, consumeErr: consumeErr}
}

func (r *datadogReceiver) consumeLogs(ctx context.Context, req *http.Request, in *intake, body []byte) consumed {
	ctx = r.obsrecv.StartLogsOp(ctx)
	ld, stats, decodeErr := datadog.TranslateLogs(body, agentVersion(req), r.traceIDs, time.Now(), r.limits)
	r.countSkipped(ctx, in.path, stats.SkipReasons)
	n := ld.LogRecordCount()
	var consumeErr error
	if n > 0 {
		consumeErr = r.nextLogs.ConsumeLogs(ctx, ld)
	}
	r.obsrecv.EndLogsOp(ctx, "datadog", n, consumeErr)
	return consumed{items: n, decodeErr: decodeErr, consumeErr: consumeErr}
}

func (r *datadogReceiver) consumeProfiles(ctx context.Context, req *http.Request, body []byte) consumed {
	pd, stats, decodeErr := datadog.TranslateProfile(req.Header.Get("Content-Type"), body, datadog.PayloadFromHeaders(req.Header), r.cfg.MaxRequestBodySize)
	var consumeErr error
	if stats.Profiles > 0 {
		consumeErr = r.nextProfiles.ConsumeProfiles(ctx, pd)
	}
	return consumed{items: stats.Profiles, decodeErr: decodeErr, consumeErr: consumeErr}
}
