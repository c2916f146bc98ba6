package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"

	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// Intake paths besides the trace paths: metrics (Agent series, sketches,
// distribution points, check runs; tracer stats; DogStatsD over HTTP), logs
// and profiles.
const (
	statsPath       = "/v0.6/stats"
	dogstatsdV2Path = "/dogstatsd/v2/proxy"
	logsPath        = "/api/v2/logs"
	profilingPath   = "/profiling/v1/input"
)

type signal string

const (
	signalMetrics  signal = "metrics"
	signalLogs     signal = "logs"
	signalProfiles signal = "profiles"
)

type metricsTranslateFunc func(r *datadogReceiver, req *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error)

type intake struct {
	signal    signal
	translate metricsTranslateFunc // metrics intakes only
	// okStatus and okBody are what the Agent (or the Datadog API) answers.
	okStatus int
	okBody   string
}

// agentVersion is the Agent's version from its request headers, for the
// instrumentation scope.
func agentVersion(req *http.Request) string {
	if v := req.Header.Get("DD-Agent-Version"); v != "" {
		return v
	}
	return req.Header.Get("DD-EVP-ORIGIN-VERSION")
}

func agentSeries(f func([]byte, string, datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error)) metricsTranslateFunc {
	return func(r *datadogReceiver, req *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error) {
		return f(body, agentVersion(req), r.limits)
	}
}

const apiAccepted = `{"errors":[]}`

var intakes = map[string]intake{
	"/api/v1/series":                {signal: signalMetrics, translate: agentSeries(datadog.TranslateSeriesV1), okStatus: http.StatusAccepted, okBody: `{"status":"ok"}`},
	"/api/v2/series":                {signal: signalMetrics, translate: translateSeriesV2, okStatus: http.StatusAccepted, okBody: apiAccepted},
	"/api/intake/metrics/v3/series": {signal: signalMetrics, translate: agentSeries(datadog.TranslateSeriesV3), okStatus: http.StatusAccepted, okBody: apiAccepted},
	"/api/v1/sketches":              {signal: signalMetrics, translate: agentSeries(datadog.TranslateSketches), okStatus: http.StatusAccepted, okBody: apiAccepted},
	"/api/beta/sketches":            {signal: signalMetrics, translate: agentSeries(datadog.TranslateSketches), okStatus: http.StatusAccepted, okBody: apiAccepted},
	"/api/v1/distribution_points":   {signal: signalMetrics, translate: agentSeries(datadog.TranslateDistributionPoints), okStatus: http.StatusAccepted, okBody: `{"status":"ok"}`},
	"/api/v1/check_run":             {signal: signalMetrics, translate: agentSeries(datadog.TranslateCheckRuns), okStatus: http.StatusAccepted, okBody: `{"status":"ok"}`},
	statsPath:                       {signal: signalMetrics, translate: translateStats, okStatus: http.StatusOK, okBody: "OK"},
	agentStatsPath:                  {signal: signalMetrics, translate: translateAgentStats, okStatus: http.StatusAccepted, okBody: "{}"},
	"/dogstatsd/v1/proxy":           {signal: signalMetrics, translate: translateDogStatsD, okStatus: http.StatusOK, okBody: "OK"},
	dogstatsdV2Path:                 {signal: signalMetrics, translate: translateDogStatsD, okStatus: http.StatusOK, okBody: "OK"},
	logsPath:                        {signal: signalLogs, okStatus: http.StatusAccepted, okBody: "{}"},
	profilingPath:                   {signal: signalProfiles, okStatus: http.StatusAccepted, okBody: "{}"},
}

// translateSeriesV2 reads a MetricPayload: protobuf, as the Agent sends
// it, or JSON, as the Datadog API clients send it (Content-Type says which).
func translateSeriesV2(r *datadogReceiver, req *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error) {
	if isJSON(req.Header.Get("Content-Type")) {
		return datadog.TranslateSeriesV2JSON(body, agentVersion(req), r.limits)
	}
	return datadog.TranslateSeriesV2(body, agentVersion(req), r.limits)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || mt == "text/json")
}

func translateStats(_ *datadogReceiver, req *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error) {
	return datadog.TranslateStats(body, datadog.PayloadFromHeaders(req.Header))
}

// translateAgentStats reads the Agent's StatsPayload: msgpack, as the Agent
// sends it, or protobuf when the Content-Type says so.
func translateAgentStats(_ *datadogReceiver, req *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error) {
	enc := datadog.Msgpack
	if isProtobuf(req.Header.Get("Content-Type")) {
		enc = datadog.Protobuf
	}
	return datadog.TranslateAgentStats(body, enc, datadog.Payload{})
}

func translateDogStatsD(r *datadogReceiver, _ *http.Request, body []byte) (pmetric.Metrics, datadog.MetricsStats, error) {
	return datadog.TranslateDogStatsD(body, pcommon.NewTimestampFromTime(time.Now()), r.limits)
}

// noPipeline answers a request for a signal no pipeline takes from this
// receiver: 501, so the client knows nothing was kept, and counted.
func (r *datadogReceiver) noPipeline(w http.ResponseWriter, req *http.Request, path string, sig signal) {
	r.outcome(req.Context(), path, "no_pipeline")
	drain(req)
	msg := fmt.Sprintf("no %s pipeline includes this datadog receiver: add it to one", sig)
	if sig == signalProfiles {
		msg += " (profiles pipelines need the collector's --feature-gates=service.profilesSupport)"
	}
	writeError(w, http.StatusNotImplemented, msg, path)
}

func (r *datadogReceiver) outcome(ctx context.Context, path, o string) {
	r.telemetry.ReceiverDatadogPayloads.Add(ctx, 1,
		metric.WithAttributes(attribute.String("endpoint", path), attribute.String("outcome", o)))
}

func (r *datadogReceiver) handleIntake(w http.ResponseWriter, req *http.Request, path string, in intake) {
	ctx := req.Context()
	switch {
	case in.signal == signalMetrics && r.nextMetrics == nil,
		in.signal == signalLogs && r.nextLogs == nil,
		in.signal == signalProfiles && r.nextProfiles == nil:
		r.noPipeline(w, req, path, in.signal)
		return
	}
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		r.outcome(ctx, path, "method_not_allowed")
		writeError(w, http.StatusMethodNotAllowed, "use POST or PUT", path, "POST, PUT")
		return
	}
	outcome := func(o string) { r.outcome(ctx, path, o) }
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
	var items int
	var decodeErr, consumeErr error
	switch in.signal {
	case signalMetrics:
		items, decodeErr, consumeErr = r.consumeMetrics(ctx, req, path, in, body)
	case signalLogs:
		items, decodeErr, consumeErr = r.consumeLogs(ctx, req, path, body)
	case signalProfiles:
		items, decodeErr, consumeErr = r.consumeProfiles(ctx, req, body)
	}
	endpoint := attribute.String("endpoint", path)
	switch {
	case errors.Is(decodeErr, datadog.ErrLimit):
		r.outcome(ctx, path, "too_large")
		writeError(w, http.StatusRequestEntityTooLarge, limitMessage(decodeErr), path)
	case consumeErr != nil:
		r.outcome(ctx, path, "refused")
		r.telemetry.ReceiverDatadogItemsRefused.Add(ctx, int64(items),
			metric.WithAttributes(endpoint, attribute.String("reason", "pipeline_refused")))
		if consumererror.IsPermanent(consumeErr) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("the pipeline refused the %s: %v", in.signal, consumeErr), path)
			return
		}
		writeRetryLater(w, path, fmt.Sprintf("the pipeline refused the %s (retry later): %v", in.signal, consumeErr))
	case decodeErr != nil && items == 0:
		r.outcome(ctx, path, "invalid")
		r.settings.Logger.Debug("undecodable payload", zap.String("path", path), zap.Error(decodeErr))
		writeError(w, http.StatusBadRequest, decodeErr.Error(), path)
	case decodeErr != nil:
		// What was decoded before the error was forwarded; a retry would
		// duplicate it, so the client gets a 4xx saying what was kept.
		r.outcome(ctx, path, "partial")
		r.telemetry.ReceiverDatadogItemsReceived.Add(ctx, int64(items), metric.WithAttributes(endpoint))
		writeError(w, http.StatusBadRequest,
			fmt.Sprintf("%d items accepted, the rest is undecodable: %v", items, decodeErr), path)
	default:
		r.outcome(ctx, path, "accepted")
		r.telemetry.ReceiverDatadogItemsReceived.Add(ctx, int64(items), metric.WithAttributes(endpoint))
		if in.okBody != "" && in.okBody[0] == '{' {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(in.okStatus)
		_, _ = w.Write([]byte(in.okBody))
	}
}

func (r *datadogReceiver) countSkipped(ctx context.Context, path string, reasons map[string]int) {
	for reason, n := range reasons {
		r.telemetry.ReceiverDatadogItemsSkipped.Add(ctx, int64(n),
			metric.WithAttributes(attribute.String("endpoint", path), attribute.String("reason", reason)))
	}
}

func (r *datadogReceiver) consumeMetrics(ctx context.Context, req *http.Request, path string, in intake, body []byte) (int, error, error) {
	ctx = r.obsrecv.StartMetricsOp(ctx)
	md, stats, decodeErr := in.translate(r, req, body)
	r.countSkipped(ctx, path, stats.SkipReasons)
	if path == dogstatsdV2Path || path == "/dogstatsd/v1/proxy" {
		// Malformed DogStatsD lines are skipped and counted, as the Agent
		// skips them; the lines around them are kept and acknowledged.
		if decodeErr != nil {
			r.settings.Logger.Debug("skipped DogStatsD lines", zap.String("path", path), zap.Error(decodeErr))
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
	return points, decodeErr, consumeErr
}

func (r *datadogReceiver) consumeLogs(ctx context.Context, req *http.Request, path string, body []byte) (int, error, error) {
	ctx = r.obsrecv.StartLogsOp(ctx)
	ld, stats, decodeErr := datadog.TranslateLogs(body, agentVersion(req), r.traceIDs, time.Now(), r.limits)
	r.countSkipped(ctx, path, stats.SkipReasons)
	n := ld.LogRecordCount()
	var consumeErr error
	if n > 0 {
		consumeErr = r.nextLogs.ConsumeLogs(ctx, ld)
	}
	r.obsrecv.EndLogsOp(ctx, "datadog", n, consumeErr)
	return n, decodeErr, consumeErr
}

func (r *datadogReceiver) consumeProfiles(ctx context.Context, req *http.Request, body []byte) (int, error, error) {
	pd, stats, decodeErr := datadog.TranslateProfile(req.Header.Get("Content-Type"), body, datadog.PayloadFromHeaders(req.Header), r.cfg.MaxRequestBodySize)
	var consumeErr error
	if stats.Profiles > 0 {
		consumeErr = r.nextProfiles.ConsumeProfiles(ctx, pd)
	}
	return stats.Profiles, decodeErr, consumeErr
}
