package datadog

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

var genIntake = flag.Bool("gen-intake", false, "rewrite the HANDBUILT intake payloads under testdata/intake")

// The fixed receive time of the goldens (DogStatsD lines carry none).
var goldenNow = time.Unix(handbuiltTS, 0).UTC()

// intakeCase is one payload under testdata/intake/<dir>: payload.<ext> (the
// request body, uncompressed) and expected.yaml. Payloads of HANDBUILT cases
// are written by the encoders in metrics_payloads_test.go (-gen-intake); the
// others are real captures copied from ../shared/fixtures.
type intakeCase struct {
	dir, file, path string
	gen             func() []byte
	translate       func(body []byte) (pmetric.Metrics, MetricsStats, error)
	wantSkipped     int
}

func agentVersionless(f func([]byte, string, Limits) (pmetric.Metrics, MetricsStats, error)) func([]byte) (pmetric.Metrics, MetricsStats, error) {
	return func(b []byte) (pmetric.Metrics, MetricsStats, error) { return f(b, "7.62.2", testLimits) }
}

func statsTranslate(b []byte) (pmetric.Metrics, MetricsStats, error) {
	return TranslateTracerStats(b, Payload{Lang: "go", TracerVersion: "v2.12.0", LangVersion: "1.26.8"})
}

func dogstatsdTranslate(b []byte) (pmetric.Metrics, MetricsStats, error) {
	return TranslateDogStatsD(b, pcommon.NewTimestampFromTime(goldenNow), testLimits)
}

var intakeCases = []intakeCase{
	{dir: "series_v1_HANDBUILT", file: "payload.json", path: "/api/v1/series", gen: seriesV1Payload, translate: agentVersionless(TranslateSeriesV1)},
	{dir: "series_v2_HANDBUILT", file: "payload.pb", path: "/api/v2/series", gen: seriesV2Payload, translate: agentVersionless(TranslateSeriesV2)},
	{dir: "series_v3_HANDBUILT", file: "payload.pb", path: "/api/intake/metrics/v3/series", gen: seriesV3Payload, translate: agentVersionless(TranslateSeriesV3)},
	{dir: "sketches_HANDBUILT", file: "payload.pb", path: "/api/beta/sketches", gen: sketchesPayload, translate: agentVersionless(TranslateSketches)},
	{dir: "distribution_points_HANDBUILT", file: "payload.json", path: "/api/v1/distribution_points", gen: distributionPointsPayload, translate: agentVersionless(TranslateDistributionPoints)},
	{dir: "check_run_HANDBUILT", file: "payload.json", path: "/api/v1/check_run", gen: checkRunPayload, translate: agentVersionless(TranslateCheckRuns)},
	{dir: "dogstatsd_HANDBUILT", file: "payload.txt", path: "/dogstatsd/v2/proxy", gen: dogstatsdPayload, translate: dogstatsdTranslate, wantSkipped: 2},
	{dir: "dogstatsd_dd_trace_go", file: "payload.txt", path: "/dogstatsd/v2/proxy", translate: dogstatsdTranslate},
	{dir: "stats_v04_dd_trace_go", file: "payload.msgpack", path: "/v0.6/stats", translate: statsTranslate},
	{dir: "stats_v10_dd_trace_go", file: "payload.msgpack", path: "/v0.6/stats", translate: statsTranslate},
	{dir: "stats_agent_v02_pbgo", file: "payload.msgpack", path: "/api/v0.2/stats", translate: agentStatsTranslate(Msgpack)},
	{dir: "stats_agent_v02_proto_pbgo", file: "payload.pb", path: "/api/v0.2/stats", translate: agentStatsTranslate(Protobuf)},
}

func (c intakeCase) payloadPath() string { return filepath.Join("testdata", "intake", c.dir, c.file) }

func TestIntakeGolden(t *testing.T) {
	for _, c := range intakeCases {
		t.Run(c.dir, func(t *testing.T) {
			if c.gen != nil && *genIntake {
				require.NoError(t, os.MkdirAll(filepath.Dir(c.payloadPath()), 0o755))
				require.NoError(t, os.WriteFile(c.payloadPath(), c.gen(), 0o644))
			}
			body, err := os.ReadFile(c.payloadPath())
			require.NoError(t, err)
			got, stats, err := c.translate(body)
			if c.wantSkipped == 0 {
				require.NoError(t, err)
			}
			assert.Equal(t, c.wantSkipped, stats.Skipped, "%v", stats.SkipReasons)
			assert.Equal(t, got.DataPointCount(), stats.Points)
			assert.Positive(t, stats.Points)

			expected := filepath.Join("testdata", "intake", c.dir, "expected.yaml")
			if *update {
				require.NoError(t, golden.WriteMetrics(t, expected, got, golden.SkipMetricTimestampNormalization()))
			}
			want, err := golden.ReadMetrics(expected)
			require.NoError(t, err)
			require.NoError(t, pmetrictest.CompareMetrics(want, got, pmetrictest.IgnoreResourceMetricsOrder(), pmetrictest.IgnoreMetricsOrder(), pmetrictest.IgnoreMetricDataPointsOrder()))
		})
	}
}

func TestLogsGolden(t *testing.T) {
	dir := filepath.Join("testdata", "intake", "logs_HANDBUILT")
	payload := filepath.Join(dir, "payload.json")
	if *genIntake {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(payload, logsPayload(), 0o644))
	}
	body, err := os.ReadFile(payload)
	require.NoError(t, err)
	// The first log's trace was seen with upper bits 0x6a3f...: a 64-bit
	// dd.trace_id gets them back from the cache.
	cache := NewTraceIDCache(10)
	cache.Put(12297829382473034410, 0x6a3f00000000beef)
	got, stats, err := TranslateLogs(body, "7.62.2", cache, goldenNow, testLimits)
	require.NoError(t, err)
	assert.Equal(t, LogsStats{Records: 3, TraceIDs: 2, UpperFromTail: 1}, stats)

	expected := filepath.Join(dir, "expected.yaml")
	if *update {
		require.NoError(t, golden.WriteLogs(t, expected, got))
	}
	want, err := golden.ReadLogs(expected)
	require.NoError(t, err)
	require.NoError(t, plogtest.CompareLogs(want, got))
}
