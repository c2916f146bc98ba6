package datadogreceiver

import (
	"bytes"
	"context"
	"encoding/binary"

	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadatatest"
)

var msgpackHeader = http.Header{"Content-Type": {"application/msgpack"}}

// emptySpans is a v0.4 body of one trace of n empty spans: one byte each.
func emptySpans(n int) []byte {
	b := []byte{0x91, 0xdd}
	b = binary.BigEndian.AppendUint32(b, uint32(n))
	return append(b, bytes.Repeat([]byte{0x80}, n)...)
}

func TestTooManyItemsIs413NamingTheKey(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.MaxItemsPerRequest = 100 })
	status, resp := r.do(t, http.MethodPost, "/v0.4/traces", msgpackHeader, emptySpans(101))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, resp, "max_items_per_request")
	assert.Zero(t, r.sink.SpanCount(), "nothing of an over-limit payload is forwarded")
	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("outcome", "too_large")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())

	status, resp = r.do(t, http.MethodPost, "/v0.4/traces", msgpackHeader, emptySpans(100))
	assert.Equal(t, http.StatusOK, status, resp)
	assert.Equal(t, 100, r.sink.SpanCount())
}

// A v0.7 chunk's tags are copied into each of its spans: 50 tags × 50 spans
// is 2,500 attributes from a body of a few hundred bytes.
func TestSharedChunkTagsCountAgainstAttributes(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.MaxAttributesPerRequest = 2000 })
	body := []byte{0x81, 0xa6}
	body = append(body, "chunks"...)
	body = append(body, 0x91, 0x82, 0xa4)
	body = append(body, "tags"...)
	body = append(body, 0xde, 0, 50)
	for i := range 50 {
		body = append(body, 0xa3, 't', byte('a'+i/26), byte('a'+i%26), 0xa0)
	}
	body = append(body, 0xa5)
	body = append(body, "spans"...)
	body = append(body, 0xdc, 0, 50)
	body = append(body, bytes.Repeat([]byte{0x80}, 50)...)
	status, resp := r.do(t, http.MethodPost, "/v0.7/traces", msgpackHeader, body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, resp, "max_attributes_per_request")
}

func TestDeclaredBodyAboveLimitIs413BeforeReading(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.MaxRequestBodySize = 1000 })
	req, err := http.NewRequest(http.MethodPost, r.url+"/v0.4/traces", strings.NewReader(strings.Repeat(" ", 2000)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/msgpack")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
}

// A zstd frame may declare any window; the decoder refuses one larger than
// max_request_body_size instead of allocating it.
func TestZstdWindowIsCapped(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink), func(c *Config) { c.MaxRequestBodySize = 1 << 20 })
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 19 << 3, 0x01, 0x00, 0x00}
	h := http.Header{"Content-Type": {"application/msgpack"}, "Content-Encoding": {"zstd"}}
	status, resp := r.do(t, http.MethodPost, "/v0.4/traces", h, frame)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, resp)

	// A normal zstd body still decodes.
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	status, resp = r.do(t, http.MethodPost, "/v0.4/traces", h, enc.EncodeAll(emptySpans(3), nil))
	require.NoError(t, enc.Close())
	assert.Equal(t, http.StatusOK, status, resp)
	assert.Equal(t, 3, r.sink.SpanCount())
}

// blockingTraces holds every ConsumeTraces until released, telling when one
// has started.
type blockingTraces struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blockingTraces) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (b *blockingTraces) ConsumeTraces(context.Context, ptrace.Traces) error {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return nil
}

// With every decode slot busy, a tracer gets 429 with Retry-After at once
// (decode_wait_timeout 0), and the Agent's intake 503.
func TestSaturatedDecodersAnswerRetryLater(t *testing.T) {
	next := &blockingTraces{started: make(chan struct{}), release: make(chan struct{})}
	r := startReceiver(t, next, func(c *Config) {
		c.MaxConcurrentDecodes = 1
		c.DecodeWaitTimeout = 0
	})
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, r.url+"/v0.4/traces", bytes.NewReader(emptySpans(1)))
		req.Header.Set("Content-Type", "application/msgpack")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-next.started

	req, err := http.NewRequest(http.MethodPost, r.url+"/v0.4/traces", bytes.NewReader(emptySpans(1)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/msgpack")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))

	status, body := r.do(t, http.MethodPost, "/api/v0.2/traces", http.Header{"Content-Type": {"application/x-protobuf"}}, nil)
	assert.Equal(t, http.StatusServiceUnavailable, status, body)

	close(next.release)
	assert.Equal(t, http.StatusOK, <-done)
	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("outcome", "overloaded")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/api/v0.2/traces"), attribute.String("outcome", "overloaded")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/v0.4/traces"), attribute.String("outcome", "accepted")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// One bad log among good ones: the good ones are kept and acknowledged, the
// bad one counted; the standard receiver metrics do not count the kept ones
// as refused.
func TestLogsPartialAcceptance(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	status, resp := r.do(t, http.MethodPost, "/api/v2/logs", nil, []byte(`[{"message":"keep me"},1]`))
	assert.Equal(t, http.StatusAccepted, status, resp)
	assert.Equal(t, 1, r.logs.LogRecordCount())
	metadatatest.AssertEqualReceiverDatadogItemsSkipped(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", "/api/v2/logs"), attribute.String("reason", "malformed")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

// /api/v2/series with a JSON body, as the Datadog API clients send it.
func TestSeriesV2JSONBody(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	body := `{"series":[{"metric":"app.requests","type":1,"points":[{"timestamp":1700000000,"value":5}],"tags":["env:prod"]}]}`
	status, resp := r.do(t, http.MethodPost, "/api/v2/series", http.Header{"Content-Type": {"application/json"}}, []byte(body))
	assert.Equal(t, http.StatusAccepted, status, resp)
	assert.Equal(t, 1, r.metrics.DataPointCount())
}
