package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/datadog"
)

// dogstatsdUDPEndpoint is the endpoint attribute of what arrives over UDP.
const dogstatsdUDPEndpoint = "dogstatsd_udp"

// maxDatagramsPerBatch bounds the datagrams translated together: one batch
// is aggregated like one Agent flush (counts summed, last gauge kept).
const maxDatagramsPerBatch = 512

// dogstatsdServer reads DogStatsD datagrams into a bounded queue and
// translates them with the same parser as /dogstatsd/v2/proxy. Reading never
// waits for the pipeline: when the queue is full the datagram is dropped
// and counted (outcome "overloaded"), since UDP has no way to push back.
type dogstatsdServer struct {
	r     *datadogReceiver
	conn  net.PacketConn
	queue chan []byte
	bufSz int
	wg    sync.WaitGroup
}

func (r *datadogReceiver) startDogStatsD() error {
	if !r.cfg.DogStatsD.HasValue() || r.nextMetrics == nil {
		return nil
	}
	cfg := r.cfg.DogStatsD.Get()
	conn, err := net.ListenPacket("udp", cfg.Endpoint)
	if err != nil {
		return fmt.Errorf("datadog receiver: dogstatsd: listen on %s: %w", cfg.Endpoint, err)
	}
	s := &dogstatsdServer{r: r, conn: conn, queue: make(chan []byte, cfg.QueueSize), bufSz: cfg.BufferSize}
	s.wg.Add(2)
	go s.read()
	go s.translate()
	r.dogstatsd = s
	return nil
}

// stop closes the socket, then lets the translator finish what is queued.
func (s *dogstatsdServer) stop() {
	_ = s.conn.Close()
	s.wg.Wait()
}

func (s *dogstatsdServer) count(outcome string) {
	s.r.telemetry.ReceiverDatadogPayloads.Add(context.Background(), 1,
		metric.WithAttributes(attribute.String("endpoint", dogstatsdUDPEndpoint), attribute.String("outcome", outcome)))
}

func (s *dogstatsdServer) read() {
	defer s.wg.Done()
	defer close(s.queue)
	buf := make([]byte, s.bufSz)
	for {
		n, _, err := s.conn.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if n == 0 {
			continue
		}
		select {
		case s.queue <- bytes.Clone(buf[:n]):
		default:
			s.count("overloaded")
		}
	}
}

func (s *dogstatsdServer) translate() {
	defer s.wg.Done()
	var batch [][]byte
	for first := range s.queue {
		batch = append(batch[:0], first)
	more:
		for len(batch) < maxDatagramsPerBatch {
			select {
			case d, ok := <-s.queue:
				if !ok {
					break more
				}
				batch = append(batch, d)
			default:
				break more
			}
		}
		s.consume(batch)
	}
}

func (s *dogstatsdServer) consume(batch [][]byte) {
	r := s.r
	ctx := r.obsrecv.StartMetricsOp(context.Background())
	body := bytes.Join(batch, []byte{'\n'})
	md, stats, err := datadog.TranslateDogStatsD(body, pcommon.NewTimestampFromTime(time.Now()), r.limits)
	r.countSkipped(ctx, dogstatsdUDPEndpoint, stats.SkipReasons)
	if err != nil && !errors.Is(err, datadog.ErrLimit) {
		// Malformed lines are skipped and counted; the others are kept.
		r.settings.Logger.Debug("skipped DogStatsD lines", zap.String("endpoint", dogstatsdUDPEndpoint), zap.Error(err))
	}
	points := md.DataPointCount()
	var consumeErr error
	if points > 0 {
		consumeErr = r.nextMetrics.ConsumeMetrics(ctx, md)
	}
	r.obsrecv.EndMetricsOp(ctx, "dogstatsd", points, consumeErr)
	outcome := "accepted"
	switch {
	case errors.Is(err, datadog.ErrLimit):
		outcome = "too_large"
	case consumeErr != nil:
		outcome = "refused"
		r.telemetry.ReceiverDatadogItemsRefused.Add(ctx, int64(points),
			metric.WithAttributes(attribute.String("endpoint", dogstatsdUDPEndpoint), attribute.String("reason", "pipeline_refused")))
	default:
		r.telemetry.ReceiverDatadogItemsReceived.Add(ctx, int64(points),
			metric.WithAttributes(attribute.String("endpoint", dogstatsdUDPEndpoint)))
	}
	for range batch {
		s.count(outcome)
	}
}
