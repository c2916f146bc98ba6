package legacynormalizeprocessor

import (
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"

	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor/internal/metadata"
	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor/internal/metadatatest"
)

var update = flag.Bool("update", false, "rewrite testdata/<case>/output.yaml from the processor's output")

func loadCaseConfig(t *testing.T, dir string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub("legacy_normalize")
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	return cfg
}

// goldenCases: inputs are the e2e suite's goldens, i.e. what the distro's Jaeger and Zipkin
// receivers made of real legacy clients' data (jaeger-client-go over Thrift HTTP, a
// hand-built Jaeger gRPC batch, zipkin-go JSON, the OTel Go SDK's Zipkin exporter).
var goldenCases = []string{"jaeger_thrift_http", "jaeger_grpc_add", "zipkin_json", "zipkin_otel_go"}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			cfg := loadCaseConfig(t, dir)
			sink := new(consumertest.TracesSink)
			p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
			require.NoError(t, err)
			in, err := golden.ReadTraces(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)
			require.NoError(t, p.ConsumeTraces(context.Background(), in))
			require.Len(t, sink.AllTraces(), 1)
			out := sink.AllTraces()[0]

			outPath := filepath.Join(dir, "output.yaml")
			if *update {
				require.NoError(t, golden.WriteTraces(t, outPath, out))
			}
			want, err := golden.ReadTraces(outPath)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, out))
			require.NoError(t, p.Shutdown(context.Background()))
			require.NoError(t, p.Shutdown(context.Background()), "shutdown is idempotent")
		})
	}
}

// TestGoldenIsIdempotent: normalizing normalized data changes nothing, so a second bridge
// (or the parity check) running the same table never reports a difference.
func TestGoldenIsIdempotent(t *testing.T) {
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			p, err := newNormalizer(processortest.NewNopSettings(metadata.Type), loadCaseConfig(t, dir))
			require.NoError(t, err)
			out, err := golden.ReadTraces(filepath.Join(dir, "output.yaml"))
			require.NoError(t, err)
			again, err := golden.ReadTraces(filepath.Join(dir, "output.yaml"))
			require.NoError(t, err)
			again, err = p.processTraces(context.Background(), again)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(out, again))
		})
	}
}

func TestLogsAndMetrics(t *testing.T) {
	p, err := newNormalizer(processortest.NewNopSettings(metadata.Type), createDefaultConfig().(*Config))
	require.NoError(t, err)

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("deployment.environment", "prod")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.Attributes().PutStr("http.method", "GET")
	lr.Attributes().PutStr("http.target", "/search?q=otel")
	ld, err = p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"deployment.environment.name":    "prod",
		"otelcol_bridge.normalized_from": []any{"deployment.environment"},
	}, ld.ResourceLogs().At(0).Resource().Attributes().AsRaw())
	assert.Equal(t, map[string]any{
		"http.request.method":            "GET",
		"url.path":                       "/search",
		"url.query":                      "q=otel",
		"otelcol_bridge.normalized_from": []any{"http.method", "http.target"},
	}, ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().AsRaw())

	md := pmetric.NewMetrics()
	m := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName("http.server.duration")
	dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("http.method", "GET")
	dp.Attributes().PutInt("http.status_code", 200)
	dp.Attributes().PutStr("net.peer.name", "10.0.0.7")
	md, err = p.processMetrics(context.Background(), md)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"http.request.method":       "GET",
		"http.response.status_code": int64(200),
		"client.address":            "10.0.0.7",
	}, md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Histogram().DataPoints().At(0).Attributes().AsRaw(),
		"a server metric's peer is the client; data points get no provenance attribute")
}

func TestTelemetry(t *testing.T) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	p, err := newNormalizer(metadatatest.NewSettings(tt), createDefaultConfig().(*Config))
	require.NoError(t, err)
	in, err := golden.ReadTraces(filepath.Join("testdata", "jaeger_thrift_http", "input.yaml"))
	require.NoError(t, err)
	// A current attribute that disagrees with its legacy one: the legacy one stays.
	in.ResourceSpans().At(0).Resource().Attributes().PutStr("service.instance.id", "pod-7")
	_, err = p.processTraces(context.Background(), in)
	require.NoError(t, err)

	point := func(source string, n int64) metricdata.DataPoint[int64] {
		return metricdata.DataPoint[int64]{
			Attributes: attribute.NewSet(attribute.String("signal", "traces"), attribute.String("source", source)),
			Value:      n,
		}
	}
	metadatatest.AssertEqualProcessorLegacyNormalizeAttributesConverted(t, tt, []metricdata.DataPoint[int64]{
		point("otel_semconv", 10),
		point("opentracing", 10),
		point("jaeger", 2),
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLegacyNormalizeAttributesConflicting(t, tt, []metricdata.DataPoint[int64]{
		point("jaeger", 1),
	}, metricdatatest.IgnoreTimestamp())
	require.NoError(t, p.shutdown(context.Background()))
}

func TestProvenanceDisabled(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.ProvenanceAttribute = ""
	p, err := newNormalizer(processortest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	ld := plog.NewLogs()
	attrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
	attrs.PutStr("http.url", "https://example.com/")
	_, err = p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"url.full": "https://example.com/"}, attrs.AsRaw())
}
