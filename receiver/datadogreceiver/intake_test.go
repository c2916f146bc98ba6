package datadogreceiver

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/pmetrictest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/consumer/xconsumer"
	"go.opentelemetry.io/collector/receiver/xreceiver"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadatatest"
)

const intakePayloads = "../../components/datadog/testdata/intake"

// allSignals is a receiver serving every signal from one server.
type allSignals struct {
	*testReceiver
	metrics  *consumertest.MetricsSink
	logs     *consumertest.LogsSink
	profiles *consumertest.ProfilesSink
}

func startAll(t *testing.T, metrics consumer.Metrics, logs consumer.Logs, profiles xconsumer.Profiles) *allSignals {
	t.Helper()
	f := NewFactory()
	cfg := f.CreateDefaultConfig().(*Config)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.NetAddr.Endpoint = l.Addr().String()
	require.NoError(t, l.Close())
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	set := metadatatest.NewSettings(tel)
	traces := new(consumertest.TracesSink)
	ctx := context.Background()
	tr, err := f.CreateTraces(ctx, set, cfg, traces)
	require.NoError(t, err)
	mr, err := f.CreateMetrics(ctx, set, cfg, metrics)
	require.NoError(t, err)
	lr, err := f.CreateLogs(ctx, set, cfg, logs)
	require.NoError(t, err)
	host := componenttest.NewNopHost()
	require.NoError(t, tr.Start(ctx, host))
	require.NoError(t, mr.Start(ctx, host))
	require.NoError(t, lr.Start(ctx, host))
	t.Cleanup(func() {
		require.NoError(t, lr.Shutdown(ctx))
		require.NoError(t, mr.Shutdown(ctx))
		require.NoError(t, tr.Shutdown(ctx))
	})
	if profiles != nil {
		pr, err := f.(xreceiver.Factory).CreateProfiles(ctx, set, cfg, profiles)
		require.NoError(t, err)
		require.NoError(t, pr.Start(ctx, host))
		t.Cleanup(func() { require.NoError(t, pr.Shutdown(ctx)) })
	}
	a := &allSignals{testReceiver: &testReceiver{url: "http://" + cfg.NetAddr.Endpoint, sink: traces, tel: tel}}
	a.metrics, _ = metrics.(*consumertest.MetricsSink)
	a.logs, _ = logs.(*consumertest.LogsSink)
	a.profiles, _ = profiles.(*consumertest.ProfilesSink)
	return a
}

// Every metrics endpoint must produce exactly what components/datadog's
// goldens hold, whatever the body's compression.
func TestMetricsEndpointsGolden(t *testing.T) {
	cases := []struct{ dir, file, path, contentType string }{
		{"series_v1_HANDBUILT", "payload.json", "/api/v1/series", "application/json"},
		{"series_v2_HANDBUILT", "payload.pb", "/api/v2/series", "application/x-protobuf"},
		{"series_v3_HANDBUILT", "payload.pb", "/api/intake/metrics/v3/series", "application/x-protobuf"},
		{"sketches_HANDBUILT", "payload.pb", "/api/beta/sketches", "application/x-protobuf"},
		{"sketches_HANDBUILT", "payload.pb", "/api/v1/sketches", "application/x-protobuf"},
		{"distribution_points_HANDBUILT", "payload.json", "/api/v1/distribution_points", "application/json"},
		{"check_run_HANDBUILT", "payload.json", "/api/v1/check_run", "application/json"},
		{"stats_v04_dd_trace_go", "payload.msgpack", "/v0.6/stats", "application/msgpack"},
		{"stats_v10_dd_trace_go", "payload.msgpack", "/v0.6/stats", "application/msgpack"},
		{"stats_agent_v02_pbgo", "payload.msgpack", "/api/v0.2/stats", "application/msgpack"},
		{"stats_agent_v02_proto_pbgo", "payload.pb", "/api/v0.2/stats", "application/x-protobuf"},
	}
	for _, c := range cases {
		t.Run(c.path+"/"+c.dir, func(t *testing.T) {
			r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
			body, err := os.ReadFile(filepath.Join(intakePayloads, c.dir, c.file))
			require.NoError(t, err)
			want, err := golden.ReadMetrics(filepath.Join(intakePayloads, c.dir, "expected.yaml"))
			require.NoError(t, err)
			h := http.Header{"Content-Type": {c.contentType}, "Dd-Agent-Version": {"7.62.2"}}
			if c.path == "/v0.6/stats" {
				h = http.Header{"Content-Type": {c.contentType}, "Datadog-Meta-Lang": {"go"}, "Datadog-Meta-Tracer-Version": {"v2.12.0"}}
			}
			for _, enc := range []string{"", "gzip", "deflate", "zstd"} {
				hh := h.Clone()
				if enc != "" {
					hh.Set("Content-Encoding", enc)
				}
				status, resp := r.do(t, http.MethodPost, c.path, hh, compress(t, enc, body))
				require.Less(t, status, 300, resp)
			}
			all := r.metrics.AllMetrics()
			require.Len(t, all, 4)
			for _, got := range all {
				require.NoError(t, pmetrictest.CompareMetrics(want, got, pmetrictest.IgnoreResourceMetricsOrder(),
					pmetrictest.IgnoreMetricsOrder(), pmetrictest.IgnoreMetricDataPointsOrder()))
			}
			metadatatest.AssertEqualReceiverDatadogItemsReceived(t, r.tel, []metricdata.DataPoint[int64]{
				{Attributes: attribute.NewSet(attribute.String("endpoint", c.path)), Value: int64(4 * want.DataPointCount())},
			}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
		})
	}
}

func compress(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch enc {
	case "":
		return body
	case "gzip":
		w := gzip.NewWriter(&buf)
		_, _ = w.Write(body)
		require.NoError(t, w.Close())
	case "deflate":
		// The Agent's "deflate" is zlib, as HTTP defines it.
		w := zlib.NewWriter(&buf)
		_, _ = w.Write(body)
		require.NoError(t, w.Close())
	case "zstd":
		w, err := zstd.NewWriter(&buf)
		require.NoError(t, err)
		_, _ = w.Write(body)
		require.NoError(t, w.Close())
	}
	return buf.Bytes()
}

func TestDogStatsDProxy(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	body, err := os.ReadFile(filepath.Join(intakePayloads, "dogstatsd_dd_trace_go", "payload.txt"))
	require.NoError(t, err)
	status, resp := r.do(t, http.MethodPost, "/dogstatsd/v2/proxy", nil, body)
	require.Equal(t, http.StatusOK, status, resp)
	want, err := golden.ReadMetrics(filepath.Join(intakePayloads, "dogstatsd_dd_trace_go", "expected.yaml"))
	require.NoError(t, err)
	require.Len(t, r.metrics.AllMetrics(), 1)
	require.NoError(t, pmetrictest.CompareMetrics(want, r.metrics.AllMetrics()[0], pmetrictest.IgnoreTimestamp(),
		pmetrictest.IgnoreResourceMetricsOrder(), pmetrictest.IgnoreMetricsOrder(), pmetrictest.IgnoreMetricDataPointsOrder()))

	// Malformed lines and events are skipped and counted; the rest is kept.
	status, resp = r.do(t, http.MethodPost, "/dogstatsd/v2/proxy", nil, []byte("ok.metric:1|c\nbroken\n_e{1,1}:a|b\n"))
	require.Equal(t, http.StatusOK, status, resp)
	metadatatest.AssertEqualReceiverDatadogItemsSkipped(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/dogstatsd/v2/proxy"), attribute.String("reason", "malformed")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/dogstatsd/v2/proxy"), attribute.String("reason", "event")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestLogsEndpoint(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	body, err := os.ReadFile(filepath.Join(intakePayloads, "logs_HANDBUILT", "payload.json"))
	require.NoError(t, err)
	for _, enc := range []string{"gzip", "zstd", ""} {
		h := http.Header{"Content-Type": {"application/json"}, "Dd-Evp-Origin-Version": {"7.62.2"}}
		if enc != "" {
			h.Set("Content-Encoding", enc)
		}
		status, resp := r.do(t, http.MethodPost, "/api/v2/logs", h, compress(t, enc, body))
		require.Equal(t, http.StatusAccepted, status, resp)
	}
	want, err := golden.ReadLogs(filepath.Join(intakePayloads, "logs_HANDBUILT", "expected.yaml"))
	require.NoError(t, err)
	// The golden was made with a trace-id cache that knew the first log's
	// trace; here no span of it was seen, so its upper bits are 0.
	first := want.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	require.Equal(t, "6a3f00000000beefaaaaaaaaaaaaaaaa", first.TraceID().String())
	first.SetTraceID([16]byte{8: 0xaa, 9: 0xaa, 10: 0xaa, 11: 0xaa, 12: 0xaa, 13: 0xaa, 14: 0xaa, 15: 0xaa})
	all := r.logs.AllLogs()
	require.Len(t, all, 3)
	for _, got := range all {
		require.NoError(t, plogtest.CompareLogs(want, got, plogtest.IgnoreObservedTimestamp()))
	}

	status, resp := r.do(t, http.MethodPost, "/api/v2/logs", nil, []byte("[{"))
	assert.Equal(t, http.StatusBadRequest, status, resp)
}

// A span seen on a trace path lends its upper trace-id bits to the logs of
// the same trace that carry only the lower 64 bits.
func TestLogsGetUpperTraceIDBitsFromSpans(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	c, body := loadCase(t, "v04_dd_trace_go")
	status, resp := r.do(t, http.MethodPost, c.Path, c.Headers, body)
	require.Equal(t, http.StatusOK, status, resp)
	td := r.sink.AllTraces()[0]
	span := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	id := span.TraceID()
	low := uint64(0)
	for _, b := range id[8:] {
		low = low<<8 | uint64(b)
	}
	logBody, _ := json.Marshal([]map[string]any{{"message": "m", "dd.trace_id": json.Number(jsonUint(low))}})
	status, resp = r.do(t, http.MethodPost, "/api/v2/logs", nil, logBody)
	require.Equal(t, http.StatusAccepted, status, resp)
	got := r.logs.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).TraceID()
	assert.Equal(t, id, got)
}

func jsonUint(v uint64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestProfilingEndpoint(t *testing.T) {
	var heap bytes.Buffer
	require.NoError(t, pprof.Lookup("heap").WriteTo(&heap, 0))
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="event"; filename="event.json"`)
	pw, _ := w.CreatePart(h)
	_, _ = pw.Write([]byte(`{"attachments":["delta-heap.pprof"],"tags_profiler":"service:svc,env:prod","family":"go","version":"4"}`))
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="delta-heap.pprof"; filename="delta-heap.pprof"`)
	pw, _ = w.CreatePart(h)
	_, _ = pw.Write(heap.Bytes())
	require.NoError(t, w.Close())
	hdr := http.Header{"Content-Type": {w.FormDataContentType()}, "Datadog-Meta-Lang": {"go"}}

	// Without a profiles pipeline: 501, counted, nothing advertised.
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	status, resp := r.do(t, http.MethodPost, "/profiling/v1/input", hdr, buf.Bytes())
	assert.Equal(t, http.StatusNotImplemented, status, resp)
	assert.Contains(t, resp, "service.profilesSupport")
	_, info := r.do(t, http.MethodGet, "/info", nil, nil)
	assert.NotContains(t, info, "/profiling/v1/input")

	// With one: translated.
	r = startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), new(consumertest.ProfilesSink))
	status, resp = r.do(t, http.MethodPost, "/profiling/v1/input", hdr, buf.Bytes())
	require.Equal(t, http.StatusAccepted, status, resp)
	require.Len(t, r.profiles.AllProfiles(), 1)
	pd := r.profiles.AllProfiles()[0]
	assert.Positive(t, pd.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().Len())
	_, info = r.do(t, http.MethodGet, "/info", nil, nil)
	assert.Contains(t, info, "/profiling/v1/input")

	status, resp = r.do(t, http.MethodPost, "/profiling/v1/input", http.Header{"Content-Type": {"application/json"}}, []byte("{}"))
	assert.Equal(t, http.StatusBadRequest, status, resp)
}

func TestInfoListsWhatThePipelinesServe(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	status, body := r.do(t, http.MethodGet, "/info", nil, nil)
	require.Equal(t, http.StatusOK, status)
	var info agentInfo
	require.NoError(t, json.Unmarshal([]byte(body), &info))
	assert.ElementsMatch(t, []string{"/v0.3/traces", "/v0.4/traces", "/v0.5/traces", "/v0.7/traces", "/v1.0/traces",
		"/v0.6/stats", "/dogstatsd/v1/proxy", "/dogstatsd/v2/proxy"}, info.Endpoints)
	assert.False(t, info.ClientDropP0s)
}

// With only a traces pipeline, metrics and logs intakes answer 501 and are
// counted, never accepted.
func TestIntakesWithoutPipeline(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink))
	for _, path := range []string{"/api/v2/series", "/v0.6/stats", "/dogstatsd/v2/proxy", "/api/v2/logs", "/profiling/v1/input"} {
		status, resp := r.do(t, http.MethodPost, path, nil, []byte("x"))
		assert.Equal(t, http.StatusNotImplemented, status, resp)
		assert.Contains(t, resp, "pipeline")
	}
	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/api/v2/series"), attribute.String("outcome", "no_pipeline")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.6/stats"), attribute.String("outcome", "no_pipeline")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/dogstatsd/v2/proxy"), attribute.String("outcome", "no_pipeline")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/api/v2/logs"), attribute.String("outcome", "no_pipeline")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/profiling/v1/input"), attribute.String("outcome", "no_pipeline")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestIntakeStatusCodes(t *testing.T) {
	r := startAll(t, consumertest.NewErr(errors.New("memory limit")), new(consumertest.LogsSink), nil)
	body, err := os.ReadFile(filepath.Join(intakePayloads, "series_v2_HANDBUILT", "payload.pb"))
	require.NoError(t, err)
	status, resp := r.do(t, http.MethodPost, "/api/v2/series", nil, body)
	assert.Equal(t, http.StatusServiceUnavailable, status, resp)
	status, resp = r.do(t, http.MethodGet, "/api/v2/series", nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status, resp)
	status, resp = r.do(t, http.MethodPost, "/api/v2/series", nil, []byte{0x0a, 0xff})
	assert.Equal(t, http.StatusBadRequest, status, resp)
	status, resp = r.do(t, http.MethodPost, "/api/v1/validate", nil, nil)
	assert.Equal(t, http.StatusOK, status, resp)
	metadatatest.AssertEqualReceiverDatadogItemsRefused(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/api/v2/series"), attribute.String("reason", "pipeline_refused")), Value: 5},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// Two signals of one configuration share the server: both can start, and
// the port is free again after both shut down.
func TestSignalsShareOneServer(t *testing.T) {
	var addr string
	t.Run("running", func(t *testing.T) {
		r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
		status, _ := r.do(t, http.MethodGet, "/info", nil, nil)
		assert.Equal(t, http.StatusOK, status)
		shared.Lock()
		n := len(shared.byConfig)
		shared.Unlock()
		assert.Equal(t, 1, n, "one server for every signal")
		addr = strings.TrimPrefix(r.url, "http://")
	}) // startAll's cleanup has shut every signal down here
	shared.Lock()
	n := len(shared.byConfig)
	shared.Unlock()
	assert.Zero(t, n, "the server is forgotten after its last signal shut down")
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err, "the port is free again")
	require.NoError(t, l.Close())
}
