package zipkinreceiver

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv1"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver/internal/metadatatest"
)

func freeEndpoint(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// start runs the receiver on a loopback port with confighttp's server (so
// decompression and body limits are the real ones) and returns its base URL.
func start(t *testing.T, next consumer.Traces, edit func(*Config)) string {
	url, _ := startWithTelemetry(t, next, edit)
	return url
}

func startWithTelemetry(t *testing.T, next consumer.Traces, edit func(*Config)) (string, *componenttest.Telemetry) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = freeEndpoint(t)
	if edit != nil {
		edit(cfg)
	}
	r, err := NewFactory().CreateTraces(context.Background(), metadatatest.NewSettings(tel), cfg, next)
	require.NoError(t, err)
	require.NoError(t, r.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, r.Shutdown(context.Background())) })
	return "http://" + cfg.NetAddr.Endpoint, tel
}

func post(t *testing.T, url, contentType, encoding string, body []byte) (int, string) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg)
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func readTestdata(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func received(sink *consumertest.TracesSink) ptrace.Traces {
	all := ptrace.NewTraces()
	for _, td := range sink.AllTraces() {
		td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
	}
	return all
}

// Every format reaches the pipeline, and what arrives equals contrib's
// translation of the same body.
func TestFormatsMatchContrib(t *testing.T) {
	jsonBody := readTestdata(t, "zipkin-go.v2.json")
	protoBody := readTestdata(t, "zipkin-go.v2.proto")
	v1Body := readTestdata(t, "contrib-v1-single-batch.json")
	cases := []struct {
		name, path, contentType, encoding string
		body                              []byte
		want                              func() (ptrace.Traces, error)
	}{
		{"v2 json", "/api/v2/spans", "application/json", "", jsonBody, func() (ptrace.Traces, error) {
			return zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(jsonBody)
		}},
		{"v2 json gzip", "/api/v2/spans", "application/json", "gzip", gz(t, jsonBody), func() (ptrace.Traces, error) {
			return zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(jsonBody)
		}},
		{"v2 proto", "/api/v2/spans", "application/x-protobuf", "", protoBody, func() (ptrace.Traces, error) {
			return zipkinv2.NewProtobufTracesUnmarshaler(false, false).UnmarshalTraces(protoBody)
		}},
		{"v1 json", "/api/v1/spans", "application/json", "", v1Body, func() (ptrace.Traces, error) {
			return zipkinv1.NewJSONTracesUnmarshaler(false).UnmarshalTraces(v1Body)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := new(consumertest.TracesSink)
			url := start(t, sink, nil)
			status, msg := post(t, url+c.path, c.contentType, c.encoding, c.body)
			require.Equal(t, http.StatusAccepted, status, msg)
			want, err := c.want()
			require.NoError(t, err)
			require.Positive(t, want.SpanCount())
			require.NoError(t, ptracetest.CompareTraces(want, received(sink),
				ptracetest.IgnoreResourceSpansOrder(), ptracetest.IgnoreScopeSpansOrder(), ptracetest.IgnoreSpansOrder()))
		})
	}
}

// A body larger than max_request_body_size once decompressed is refused with
// 413 naming the key, whatever its compressed size.
func TestDecompressedSizeIsCapped(t *testing.T) {
	sink := new(consumertest.TracesSink)
	url := start(t, sink, func(c *Config) { c.MaxRequestBodySize = 64 << 10 })
	bomb := gz(t, append([]byte(`[{"id":"01","name":"`), bytes.Repeat([]byte{'a'}, 4<<20)...))
	require.Less(t, len(bomb), 64<<10)
	status, msg := post(t, url+"/api/v2/spans", "application/json", "gzip", bomb)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, msg, "max_request_body_size")
	status, msg = post(t, url+"/api/v2/spans", "application/json", "", bytes.Repeat([]byte{' '}, 65<<10))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, msg, "max_request_body_size")
	assert.Zero(t, sink.SpanCount())
}

// The valid spans of a partly invalid request are forwarded and the client
// is told how many were kept; an undecodable body is a 400 with a message.
func TestInvalidInput(t *testing.T) {
	sink := new(consumertest.TracesSink)
	url, tel := startWithTelemetry(t, sink, nil)

	status, msg := post(t, url+"/api/v2/spans", "application/json", "",
		[]byte(`[{"traceId":"01","id":"02","name":"good"},{"traceId":"01","name":"no id"},{"traceId":"zz","id":"03"}]`))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, msg, "1 spans accepted")
	assert.Contains(t, msg, "valid span id required")
	require.Equal(t, 1, sink.SpanCount())
	assert.Equal(t, "good", sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name())

	for _, body := range []string{``, `{`, `[{"id":"01"`, "\x00\xff"} {
		status, msg = post(t, url+"/api/v2/spans", "application/json", "", []byte(body))
		assert.Equal(t, http.StatusBadRequest, status, "%q", body)
		assert.NotEmpty(t, msg)
	}
	status, msg = post(t, url+"/api/v2/spans", "application/x-protobuf", "", []byte{0x0a, 0xff})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.NotEmpty(t, msg)
	assert.Equal(t, 1, sink.SpanCount())

	metadatatest.AssertEqualReceiverZipkinRequests(t, tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("format", "v2_json"), attribute.String("outcome", "partial")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("format", "v2_json"), attribute.String("outcome", "invalid")), Value: 4},
		{Attributes: attribute.NewSet(attribute.String("format", "v2_proto"), attribute.String("outcome", "invalid")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualReceiverZipkinSpansRejected(t, tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("format", "v2_json")), Value: 2},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// v1 JSON is decoded by our own decoder too: the valid spans of a partly
// invalid request are kept (contrib refuses the whole request, and panics on
// a null binary annotation).
func TestInvalidV1JSONKeepsValidSpans(t *testing.T) {
	sink := new(consumertest.TracesSink)
	url, tel := startWithTelemetry(t, sink, nil)
	status, msg := post(t, url+"/api/v1/spans", "application/json", "", []byte(`[
		{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1011","name":"good"},
		{"traceId":"0102030405060708","id":"short"},
		{"traceId":"0102030405060708","id":"0a0b0c0d0e0f1012","binaryAnnotations":[null]}]`))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, msg, "1 spans accepted")
	assert.Contains(t, msg, "2 of 3 spans rejected")
	require.Equal(t, 1, sink.SpanCount())
	assert.Equal(t, "good", sink.AllTraces()[0].ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name())
	metadatatest.AssertEqualReceiverZipkinSpansRejected(t, tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("format", "v1_json")), Value: 2},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// A pipeline refusal is retryable (503 with Retry-After) unless permanent.
func TestPipelineRefusal(t *testing.T) {
	body := readTestdata(t, "zipkin-go.v2.json")
	for _, c := range []struct {
		err        error
		status     int
		retryAfter string
	}{
		{errors.New("memory limit"), http.StatusServiceUnavailable, "1"},
		{consumererror.NewPermanent(errors.New("bad data")), http.StatusBadRequest, ""},
	} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			url := start(t, consumertest.NewErr(c.err), nil)
			req, err := http.NewRequest(http.MethodPost, url+"/api/v2/spans", bytes.NewReader(body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, c.status, resp.StatusCode)
			assert.Equal(t, c.retryAfter, resp.Header.Get("Retry-After"))
		})
	}
}

// A Content-Length far above what arrives costs no allocation beyond
// preallocLimit: the read returns what was sent.
func TestContentLengthIsNotTrusted(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "/api/v2/spans", bytes.NewReader([]byte(`[]`)))
	require.NoError(t, err)
	req.ContentLength = 1 << 40
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b, err := readBody(req, 20<<20)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, "[]", string(b))
	// Trusting Content-Length up to the body limit would allocate 20 MiB;
	// the bound leaves room for what other goroutines allocate meanwhile.
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8*preallocLimit))
}
