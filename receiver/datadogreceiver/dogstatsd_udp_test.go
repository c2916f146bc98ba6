package datadogreceiver

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadatatest"
)

// startDogStatsD starts a metrics receiver with the UDP listener on a free
// loopback port and returns the address to send to.
func startDogStatsD(t *testing.T, next consumer.Metrics, queue int) (string, *componenttest.Telemetry) {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cfg.NetAddr.Endpoint = l.Addr().String()
	require.NoError(t, l.Close())
	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := u.LocalAddr().String()
	require.NoError(t, u.Close())
	cfg.DogStatsD = configoptional.Some(DogStatsDConfig{Endpoint: addr, QueueSize: queue, BufferSize: 8192})
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	rcv, err := NewFactory().CreateMetrics(context.Background(), metadatatest.NewSettings(tel), cfg, next)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })
	return addr, tel
}

func TestDogStatsDOverUDP(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	addr, _ := startDogStatsD(t, sink, 16)
	conn, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("app.hits:3|c|#env:prod,route:/a\napp.temp:21.5|g"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return sink.DataPointCount() == 2 }, 10*time.Second, 10*time.Millisecond)
	names := map[string]pmetric.Metric{}
	for _, md := range sink.AllMetrics() {
		rms := md.ResourceMetrics()
		for i := range rms.Len() {
			ms := rms.At(i).ScopeMetrics().At(0).Metrics()
			for j := range ms.Len() {
				names[ms.At(j).Name()] = ms.At(j)
			}
		}
	}
	require.Contains(t, names, "app.hits")
	assert.Equal(t, 3.0, names["app.hits"].Sum().DataPoints().At(0).DoubleValue())
	assert.Equal(t, 21.5, names["app.temp"].Gauge().DataPoints().At(0).DoubleValue())
}

// blockingMetrics holds ConsumeMetrics until released.
type blockingMetrics struct {
	consumertest.MetricsSink
	started chan struct{}
	release chan struct{}
}

func (b *blockingMetrics) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-b.release
	return b.MetricsSink.ConsumeMetrics(ctx, md)
}

// With the translator stuck and the queue full, datagrams are dropped and
// counted instead of piling up.
func TestDogStatsDQueueIsBounded(t *testing.T) {
	next := &blockingMetrics{started: make(chan struct{}, 1), release: make(chan struct{})}
	addr, tel := startDogStatsD(t, next, 1)
	conn, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("first:1|c"))
	require.NoError(t, err)
	<-next.started
	// The queue holds one datagram; every later one is dropped while the
	// translator is stuck.
	for range 20 {
		_, err = conn.Write([]byte("more:1|c"))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return overloadedCount(t, tel) > 0 }, 10*time.Second, 10*time.Millisecond)
	close(next.release)
}

// overloadedCount is the datagrams counted as dropped so far.
func overloadedCount(t *testing.T, tel *componenttest.Telemetry) int64 {
	m, err := tel.GetMetric("otelcol_receiver_datadog_payloads")
	if err != nil {
		return 0
	}
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok)
	var n int64
	for _, dp := range sum.DataPoints {
		ep, _ := dp.Attributes.Value("endpoint")
		oc, _ := dp.Attributes.Value("outcome")
		if ep.AsString() == dogstatsdUDPEndpoint && oc.AsString() == "overloaded" {
			n += dp.Value
		}
	}
	return n
}
