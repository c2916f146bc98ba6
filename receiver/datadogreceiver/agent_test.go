package datadogreceiver

import (
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadatatest"
)

// The Agent sends /api/v0.2/traces gzip- or zstd-compressed protobuf.
func TestAgentTracesGolden(t *testing.T) {
	for _, dir := range []string{"agent_v02_pbgo", "agent_v02_idx_pbgo"} {
		t.Run(dir, func(t *testing.T) {
			r := startReceiver(t, new(consumertest.TracesSink))
			c, body := loadCase(t, dir)
			for _, enc := range []string{"gzip", "zstd", ""} {
				h := c.Headers.Clone()
				if enc != "" {
					h.Set("Content-Encoding", enc)
				}
				status, resp := r.do(t, http.MethodPost, c.Path, h, compress(t, enc, body))
				require.Equal(t, http.StatusAccepted, status, resp)
				assert.JSONEq(t, `{}`, resp)
			}
			want, err := golden.ReadTraces(filepath.Join(payloads, dir, "expected.yaml"))
			require.NoError(t, err)
			all := r.sink.AllTraces()
			require.Len(t, all, 3)
			for _, got := range all {
				require.NoError(t, ptracetest.CompareTraces(want, got))
			}
			metadatatest.AssertEqualReceiverDatadogSpansReceived(t, r.tel, []metricdata.DataPoint[int64]{
				{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath)), Value: 15},
			}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
			metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
				{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("outcome", "accepted")), Value: 3},
			}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
		})
	}
}

func TestAgentTracesStatusCodes(t *testing.T) {
	r := startReceiver(t, new(consumertest.TracesSink))
	c, body := loadCase(t, "agent_v02_pbgo")

	status, resp := r.do(t, http.MethodPost, agentTracesPath, http.Header{"Content-Type": {"application/msgpack"}}, body)
	assert.Equal(t, http.StatusUnsupportedMediaType, status, resp)
	status, resp = r.do(t, http.MethodGet, agentTracesPath, nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status, resp)
	status, resp = r.do(t, http.MethodPost, agentTracesPath, c.Headers, []byte{0x0a, 0xff})
	assert.Equal(t, http.StatusBadRequest, status, resp)
	// Truncated in the Agent's fields after the tracer payload: its spans
	// are forwarded, and the 400 says so (an Agent does not retry a 400).
	status, resp = r.do(t, http.MethodPost, agentTracesPath, c.Headers, body[:len(body)-20])
	assert.Equal(t, http.StatusBadRequest, status, resp)
	assert.Contains(t, resp, "5 spans in 2 traces accepted, the rest is undecodable")
	assert.Equal(t, 5, r.sink.SpanCount())

	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("outcome", "unsupported_media_type")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("outcome", "method_not_allowed")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("outcome", "invalid")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("outcome", "partial")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metadatatest.AssertEqualReceiverDatadogSpansReceived(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath)), Value: int64(r.sink.SpanCount())},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestAgentTracesPipelineRefusal(t *testing.T) {
	r := startReceiver(t, consumertest.NewErr(errors.New("memory limit reached")))
	c, body := loadCase(t, "agent_v02_idx_pbgo")
	status, resp := r.do(t, http.MethodPost, c.Path, c.Headers, body)
	assert.Equal(t, http.StatusServiceUnavailable, status, resp)
	metadatatest.AssertEqualReceiverDatadogSpansRefused(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentTracesPath), attribute.String("reason", "pipeline_refused")), Value: 5},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestAgentStatsStatusCodes(t *testing.T) {
	r := startAll(t, new(consumertest.MetricsSink), new(consumertest.LogsSink), nil)
	msgpack := http.Header{"Content-Type": {"application/msgpack"}}
	status, resp := r.do(t, http.MethodPost, agentStatsPath, msgpack, []byte{0xc1})
	assert.Equal(t, http.StatusBadRequest, status, resp)
	status, resp = r.do(t, http.MethodGet, agentStatsPath, nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, status, resp)
	metadatatest.AssertEqualReceiverDatadogPayloads(t, r.tel, []metricdata.DataPoint[int64]{
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentStatsPath), attribute.String("outcome", "invalid")), Value: 1},
		{Attributes: attribute.NewSet(attribute.String("endpoint", agentStatsPath), attribute.String("outcome", "method_not_allowed")), Value: 1},
	}, metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}
