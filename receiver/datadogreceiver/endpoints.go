package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"encoding/json"
	"strings"
)

// notImplemented are Datadog Agent intake paths that exist but that this
// receiver does not translate: they get 501 and are counted, so nothing a
// client sends there is mistaken for accepted. They are not listed in /info,
// so dd-trace libraries do not use them.
var notImplemented = []string{
	"/v0.1/pipeline_stats",
	"/v0.3/services",
	"/v0.4/services",
	"/debugger/v1/input",
	"/debugger/v1/diagnostics",
	"/debugger/v2/input",
	"/symdb/v1/input",
	"/tracer_flare/v1",
}

// notImplementedPrefixes are path families answered like notImplemented.
var notImplementedPrefixes = []string{"/evp_proxy/"}

// notImplementedEndpoint returns the endpoint name to count a path under.
func notImplementedEndpoint(path string) (string, bool) {
	for _, p := range notImplemented {
		if path == p {
			return p, true
		}
	}
	for _, p := range notImplementedPrefixes {
		if strings.HasPrefix(path, p) {
			return p, true
		}
	}
	return "", false
}

const (
	// dd-trace libraries poll it for remote configuration.
	remoteConfigPath = "/v0.7/config"
	// dd-trace libraries send their instrumentation telemetry under it.
	telemetryProxyPrefix = "/telemetry/proxy/"
	infoPath             = "/info"
	// The Agent validates its API key there at startup.
	validatePath = "/api/v1/validate"
)

// agentInfo is the /info document. It lists exactly the paths translated
// for the pipelines that exist. client_drop_p0s is false: tracers keep
// sending every trace (rejected ones carry their sampling.priority), and when
// /v0.6/stats is listed they also send their stats, which become metrics.
type agentInfo struct {
	Version         string     `json:"version"`
	GitCommit       string     `json:"git_commit"`
	Endpoints       []string   `json:"endpoints"`
	ClientDropP0s   bool       `json:"client_drop_p0s"`
	SpanMetaStructs bool       `json:"span_meta_structs"`
	LongRunning     bool       `json:"long_running_spans"`
	SpanEvents      bool       `json:"span_events"`
	Config          infoConfig `json:"config"`
}

type infoConfig struct {
	DefaultEnv      string `json:"default_env"`
	MaxRequestBytes int64  `json:"max_request_bytes"`
}

// agentAPIVersion is the Agent release whose trace API this receiver
// implements; tracers gate a few features on it.
const agentAPIVersion = "7.80.0"

func infoDocument(maxBody int64, endpoints []string) []byte {
	if endpoints == nil {
		endpoints = []string{}
	}
	info := agentInfo{
		Version:   agentAPIVersion,
		GitCommit: "otelcol-bridge",
		Endpoints: endpoints,
		// Both are decoded natively (meta_struct and span_events fields).
		SpanMetaStructs: true,
		SpanEvents:      true,
		Config:          infoConfig{DefaultEnv: "none", MaxRequestBytes: maxBody},
	}
	b, _ := json.MarshalIndent(info, "", "  ")
	return b
}

// servedEndpoints lists the listed intake paths (tracer-facing: Agents do
// not read /info) whose pipeline exists: the trace paths with a traces
// pipeline; /v0.6/stats and the DogStatsD proxy with a metrics pipeline; the
// profiling intake with a profiles pipeline. Tracers only use what /info
// lists, so a missing pipeline makes them fall back (DogStatsD over UDP) or
// skip the feature instead of getting errors.
func (r *datadogReceiver) servedEndpoints() []string {
	var eps []string
	for _, in := range intakeTable {
		if in.listed && r.hasPipeline(in.signal) {
			eps = append(eps, in.path)
		}
	}
	return eps
}
