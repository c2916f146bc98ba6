package datadogreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadatatest"
)

// The payloads and goldens are components/datadog's: the receiver must
// produce exactly what the translator produces, for every endpoint.
const payloads = "../../components/datadog/testdata"

type capture struct {
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Headers http.Header `json:"headers"`
}

func loadCase(t *testing.T, dir string) (capture, []byte) {
	t.Helper()
	meta, err := os.ReadFile(filepath.Join(payloads, dir, "request.json"))
	require.NoError(t, err)
	var c capture
	require.NoError(t, json.Unmarshal(meta, &c))
	body, err := os.ReadFile(filepath.Join(payloads, dir, "payload.msgpack"))
	if errors.Is(err, os.ErrNotExist) {
		body, err = os.ReadFile(filepath.Join(payloads, dir, "payload.json"))
	}
	if errors.Is(err, os.ErrNotExist) {
		body, err = os.ReadFile(filepath.Join(payloads, dir, "payload.pb"))
	}
	require.NoError(t, err)
	return c, body
}

type testReceiver struct {
	url  string
	sink *consumertest.TracesSink
	tel  *componenttest.Telemetry
}

func startReceiver(t *testing.T, next consumer.Traces, mutate ...func(*Config)) *testReceiver {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.NetAddr.Endpoint = l.Addr().String()
	require.NoError(t, l.Close())
	for _, m := range mutate {
		m(cfg)
	}
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	sink, _ := next.(*consumertest.TracesSink)
	rcv, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, next)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })
	return &testReceiver{url: "http://" + cfg.NetAddr.Endpoint, sink: sink, tel: tel}
}

func (r *testReceiver) do(t *testing.T, method, path string, h http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, r.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range h {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestEndpointsGolden(t *testing.T) {
	cases := []string{"v04_dd_trace_go", "v10_dd_trace_go", "v03_json_HANDBUILT", "v04_json_HANDBUILT", "v05_HANDBUILT", "v07_HANDBUILT", "v07_v04shape_HANDBUILT"}
	for _, dir := range cases {
		t.Run(dir, func(t *testing.T) {
			r := startReceiver(t, new(consumertest.TracesSink))
			c, body := loadCase(t, dir)
			for _, method := range []string{http.MethodPost, http.MethodPut} {
				status, resp := r.do(t, method, c.Path, c.Headers, body)
				require.Equal(t, http.StatusOK, status, resp)
				assert.JSONEq(t, `{"rate_by_service":{}}`, resp)
			}
			want, err := golden.ReadTraces(filepath.Join(payloads, dir, "expected.yaml"))
			require.NoError(t, err)
			all := r.sink.AllTraces()
			require.Len(t, all, 2)
			for _, got := range all {
				require.NoError(t, ptracetest.CompareTraces(want, got))
			}
			metadatatest.AssertEqualReceiverDatadogSpansReceived(t, r.tel, []metricdata.DataPoint[int64]{
				{Attributes: attribute.NewSet(attribute.String("endpoint", c.Path)), Value: 10},
			}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
		})
	}
}

func TestGzipBody(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink))
	c, body := loadCase(t, "v04_dd_trace_go")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(body)
	require.NoError(t, zw.Close())
	h := c.Headers.Clone()
	h.Set("Content-Encoding", "gzip")
	status, resp := r.do(t, http.MethodPost, c.Path, h, gz.Bytes())
	require.Equal(t, http.StatusOK, status, resp)
	assert.Equal(t, 5, r.sink.SpanCount())
}

func TestInfoAdvertisesWhatIsServed(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink))
	status, body := r.do(t, http.MethodGet, "/info", nil, nil)
	require.Equal(t, http.StatusOK, status)
	var info agentInfo
	require.NoError(t, json.Unmarshal([]byte(body), &info))
	assert.ElementsMatch(t, []string{"/v0.3/traces", "/v0.4/traces", "/v0.5/traces", "/v0.7/traces", "/v1.0/traces"}, info.Endpoints)
	assert.False(t, info.ClientDropP0s)
	for _, e := range info.Endpoints {
		_, ok := tracePaths[e]
		assert.True(t, ok, e)
	}
	assert.Equal(t, int64(defaultMaxRequestBodySize), info.Config.MaxRequestBytes)
}

func TestStatusCodes(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.MaxRequestBodySize = 1000 })
	_, body := loadCase(t, "v04_dd_trace_go")
	msgpack := http.Header{"Content-Type": {"application/msgpack"}}
	jsonBody := http.Header{"Content-Type": {"application/json"}}

	for _, tc := range []struct {
		name         string
		method, path string
		header       http.Header
		body         []byte
		want         int
	}{
		{"body over max_request_body_size", http.MethodPost, "/v0.4/traces", msgpack, body /* 4805 bytes */, http.StatusRequestEntityTooLarge},
		{"text body", http.MethodPost, "/v0.4/traces", http.Header{"Content-Type": {"text/plain"}}, []byte("x"), http.StatusUnsupportedMediaType},
		{"JSON on v1.0", http.MethodPost, "/v1.0/traces", jsonBody, []byte("[]"), http.StatusUnsupportedMediaType},
		{"GET on an intake", http.MethodGet, "/v0.4/traces", nil, nil, http.StatusMethodNotAllowed},
		{"malformed msgpack", http.MethodPost, "/v0.4/traces", msgpack, []byte{0xc1}, http.StatusBadRequest},
		{"pipeline stats", http.MethodPost, "/v0.1/pipeline_stats", msgpack, []byte{0x80}, http.StatusNotImplemented},
		{"EVP proxy", http.MethodPost, "/evp_proxy/v2/api/v2/citestcycle", nil, nil, http.StatusNotImplemented},
		{"remote config", http.MethodGet, "/v0.7/config", nil, []byte("{}"), http.StatusNotFound},
		{"tracer telemetry", http.MethodPost, "/telemetry/proxy/api/v2/apmtelemetry", jsonBody, []byte("{}"), http.StatusAccepted},
	} {
		status, resp := r.do(t, tc.method, tc.path, tc.header, tc.body)
		assert.Equal(t, tc.want, status, "%s: %s", tc.name, resp)
		if tc.want == http.StatusBadRequest {
			assert.Contains(t, resp, `"error"`, tc.name)
		}
	}

	status, resp := r.do(t, http.MethodPost, "/no/such/path", nil, nil)
	assert.Equal(t, http.StatusNotFound, status, resp)
	var eb errorBody
	require.NoError(t, json.Unmarshal([]byte(resp), &eb))
	assert.Equal(t, "/no/such/path", eb.Path)
	assert.Equal(t, "unknown path", eb.Error)

	assert.Zero(t, r.sink.SpanCount())
	metadatatest.AssertEqualReceiverDatadogRequestsUnknownPath(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("path", "/no/such/path")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualReceiverDatadogRequestsNotImplemented(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.1/pipeline_stats")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/evp_proxy/")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualReceiverDatadogSideRequests(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.7/config")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/telemetry/proxy/")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestUnknownPathCardinalityIsBounded(t *testing.T) {
	rcv := &datadogReceiver{paths: map[string]struct{}{}}
	for i := range maxCountedPaths + 5 {
		rcv.countedPath("/p" + string(rune('a'+i%26)) + string(rune('0'+i/26)))
	}
	assert.Equal(t, "other", rcv.countedPath("/new"))
	assert.Len(t, rcv.paths, maxCountedPaths)
}

// A pipeline refusal (memory_limiter) is 429 on tracer paths: tracers back
// off and retry it.
func TestPipelineRefusalIs429(t *testing.T) {
	r := startReceiver(t, consumertest.NewErr(errors.New("memory limit reached")))
	c, body := loadCase(t, "v04_dd_trace_go")
	status, resp := r.do(t, http.MethodPost, c.Path, c.Headers, body)
	assert.Equal(t, http.StatusTooManyRequests, status, resp)
	metadatatest.AssertEqualReceiverDatadogSpansRefused(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("reason", "pipeline_refused")), Value: 5},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestPartialPayloadKeepsEarlierTraces(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink))
	c, body := loadCase(t, "v04_dd_trace_go")
	status, resp := r.do(t, http.MethodPost, c.Path, c.Headers, body[:len(body)-20])
	assert.Equal(t, http.StatusBadRequest, status, resp)
	assert.Contains(t, resp, "1 spans in 1 traces accepted")
	assert.Equal(t, 1, r.sink.SpanCount())
	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("outcome", "partial")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestDropRejectedTraces(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.DropRejectedTraces = true })
	// One trace, priority -1 (USER_REJECT), in the v0.4 msgpack shape.
	body := []byte("\x91\x91\x82\xa7span_id\x01\xa7metrics\x81\xb5_sampling_priority_v1\xcb\xbf\xf0\x00\x00\x00\x00\x00\x00")
	status, resp := r.do(t, http.MethodPost, "/v0.4/traces", http.Header{"Content-Type": {"application/msgpack"}}, body)
	require.Equal(t, http.StatusOK, status, resp)
	assert.Zero(t, r.sink.SpanCount())
	metadatatest.AssertEqualReceiverDatadogSpansRefused(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("reason", "sampling_rejected")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}
