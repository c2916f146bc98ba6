package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"net/http"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// Intake paths named elsewhere in the package (tests, /info).
const (
	agentTracesPath = "/api/v0.2/traces"
	agentStatsPath  = "/api/v0.2/stats"
	statsPath       = "/v0.6/stats"
	dogstatsdV1Path = "/dogstatsd/v1/proxy"
	dogstatsdV2Path = "/dogstatsd/v2/proxy"
	logsPath        = "/api/v2/logs"
	profilingPath   = "/profiling/v1/input"
)

type signal string

const (
	signalTraces   signal = "traces"
	signalMetrics  signal = "metrics"
	signalLogs     signal = "logs"
	signalProfiles signal = "profiles"
)

// metricsTranslateFunc translates the body of a metrics intake; req gives the
// headers some of them read.
type metricsTranslateFunc func(req *http.Request, body []byte, limits datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error)

// intake is one translated path: which pipeline takes it, how it is
// translated and what the Agent (or the Datadog API) answers on success.
// Every path of every signal is a row of intakeTable and goes through
// handleIntake, so that they all answer and count alike.
type intake struct {
	path   string
	signal signal
	// proto is the trace protocol of a traces row.
	proto datadog.Protocol
	// translate translates a metrics row.
	translate metricsTranslateFunc
	// skipsMalformed: malformed lines are skipped and counted, not an
	// error (DogStatsD, as the Agent does).
	skipsMalformed bool
	okStatus       int
	okBody         string
	// listed: tracer-facing, so advertised in /info when its pipeline
	// exists. The Agent's /api intake is not: Agents do not read /info.
	listed bool
}

const (
	apiAccepted = `{"errors":[]}`
	apiOK       = `{"status":"ok"}`
	// traceAccepted tells tracers to keep their default sampling rates.
	traceAccepted = `{"rate_by_service":{}}`
)

// intakeTable is every translated path. Its order is the order of /info's
// endpoints.
var intakeTable = []intake{
	{path: "/v0.3/traces", signal: signalTraces, proto: datadog.V03, okStatus: http.StatusOK, okBody: traceAccepted, listed: true},
	{path: "/v0.4/traces", signal: signalTraces, proto: datadog.V04, okStatus: http.StatusOK, okBody: traceAccepted, listed: true},
	{path: "/v0.5/traces", signal: signalTraces, proto: datadog.V05, okStatus: http.StatusOK, okBody: traceAccepted, listed: true},
	{path: "/v0.7/traces", signal: signalTraces, proto: datadog.V07, okStatus: http.StatusOK, okBody: traceAccepted, listed: true},
	{path: "/v1.0/traces", signal: signalTraces, proto: datadog.V10, okStatus: http.StatusOK, okBody: traceAccepted, listed: true},
	// The Agent's own intake: what a Datadog Agent forwards when its
	// apm_config.apm_dd_url points here.
	{path: agentTracesPath, signal: signalTraces, proto: datadog.AgentV02, okStatus: http.StatusAccepted, okBody: "{}"},

	{path: "/api/v1/series", signal: signalMetrics, translate: agentSeries(datadog.TranslateSeriesV1), okStatus: http.StatusAccepted, okBody: apiOK},
	{path: "/api/v2/series", signal: signalMetrics, translate: translateSeriesV2, okStatus: http.StatusAccepted, okBody: apiAccepted},
	{path: "/api/intake/metrics/v3/series", signal: signalMetrics, translate: agentSeries(datadog.TranslateSeriesV3), okStatus: http.StatusAccepted, okBody: apiAccepted},
	{path: "/api/v1/sketches", signal: signalMetrics, translate: agentSeries(datadog.TranslateSketches), okStatus: http.StatusAccepted, okBody: apiAccepted},
	{path: "/api/beta/sketches", signal: signalMetrics, translate: agentSeries(datadog.TranslateSketches), okStatus: http.StatusAccepted, okBody: apiAccepted},
	{path: "/api/v1/distribution_points", signal: signalMetrics, translate: agentSeries(datadog.TranslateDistributionPoints), okStatus: http.StatusAccepted, okBody: apiOK},
	{path: "/api/v1/check_run", signal: signalMetrics, translate: agentSeries(datadog.TranslateCheckRuns), okStatus: http.StatusAccepted, okBody: apiOK},
	{path: statsPath, signal: signalMetrics, translate: translateTracerStats, okStatus: http.StatusOK, okBody: "OK", listed: true},
	{path: agentStatsPath, signal: signalMetrics, translate: translateAgentStats, okStatus: http.StatusAccepted, okBody: "{}"},
	{path: dogstatsdV1Path, signal: signalMetrics, translate: translateDogStatsD, skipsMalformed: true, okStatus: http.StatusOK, okBody: "OK", listed: true},
	{path: dogstatsdV2Path, signal: signalMetrics, translate: translateDogStatsD, skipsMalformed: true, okStatus: http.StatusOK, okBody: "OK", listed: true},

	{path: logsPath, signal: signalLogs, okStatus: http.StatusAccepted, okBody: "{}"},

	{path: profilingPath, signal: signalProfiles, okStatus: http.StatusAccepted, okBody: "{}", listed: true},
}

// intakes indexes intakeTable by path, for routing.
var intakes = func() map[string]*intake {
	m := make(map[string]*intake, len(intakeTable))
	for i := range intakeTable {
		m[intakeTable[i].path] = &intakeTable[i]
	}
	return m
}()

// tracePaths are the trace rows' paths and protocols.
var tracePaths = func() map[string]datadog.Protocol {
	m := make(map[string]datadog.Protocol)
	for _, in := range intakeTable {
		if in.signal == signalTraces {
			m[in.path] = in.proto
		}
	}
	return m
}()

// agentVersion is the Agent's version from its request headers, for the
// instrumentation scope.
func agentVersion(req *http.Request) string {
	if v := req.Header.Get("DD-Agent-Version"); v != "" {
		return v
	}
	return req.Header.Get("DD-EVP-ORIGIN-VERSION")
}

func agentSeries(f func([]byte, string, datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error)) metricsTranslateFunc {
	return func(req *http.Request, body []byte, limits datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error) {
		return f(body, agentVersion(req), limits)
	}
}

// translateSeriesV2 reads a MetricPayload: protobuf, as the Agent sends
// it, or JSON, as the Datadog API clients send it (Content-Type says which).
func translateSeriesV2(req *http.Request, body []byte, limits datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error) {
	if isJSON(req.Header.Get("Content-Type")) {
		return datadog.TranslateSeriesV2JSON(body, agentVersion(req), limits)
	}
	return datadog.TranslateSeriesV2(body, agentVersion(req), limits)
}

// translateTracerStats reads a tracer's /v0.6/stats body; it is bounded by
// the body size alone.
func translateTracerStats(req *http.Request, body []byte, _ datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error) {
	return datadog.TranslateTracerStats(body, datadog.PayloadFromHeaders(req.Header))
}

// translateAgentStats reads the Agent's StatsPayload: msgpack, as the Agent
// sends it, or protobuf when the Content-Type says so.
func translateAgentStats(req *http.Request, body []byte, _ datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error) {
	enc := datadog.Msgpack
	if isProtobuf(req.Header.Get("Content-Type")) {
		enc = datadog.Protobuf
	}
	return datadog.TranslateAgentStats(body, enc, datadog.Payload{})
}

func translateDogStatsD(_ *http.Request, body []byte, limits datadog.Limits) (pmetric.Metrics, datadog.MetricsStats, error) {
	return datadog.TranslateDogStatsD(body, pcommon.NewTimestampFromTime(time.Now()), limits)
}
