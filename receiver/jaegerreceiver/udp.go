package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/jaegerreceiver"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/jaeger"
)

type udpSettings struct {
	queueSize, maxPacketSize, workers, socketBufferSize int
}

func settingsOf(c contrib.ServerConfigUDP) udpSettings {
	return udpSettings{c.QueueSize, c.MaxPacketSize, c.Workers, c.SocketBufferSize}
}

// udpServer is a Jaeger agent endpoint: one goroutine reads datagrams
// (up to max_packet_size bytes each, as contrib's server truncates them)
// into a queue of queue_size packets, dropping packets when it is full, and
// workers goroutines decode and forward them. Packet buffers are reused: the
// decoder copies what the traces keep.
type udpServer struct {
	conn    *net.UDPConn
	queue   chan []byte
	buffers sync.Pool
	wg      sync.WaitGroup
	logger  *zap.Logger
}

func startUDPServer(endpoint string, s udpSettings, p jaeger.Protocol, dec decoders, obs *receiverhelper.ObsReport, next consumer.Traces, logger *zap.Logger) (*udpServer, error) {
	if s.workers <= 0 {
		return nil, fmt.Errorf("workers must be greater than 0, got %d", s.workers)
	}
	if s.maxPacketSize <= 0 {
		return nil, fmt.Errorf("max_packet_size must be greater than 0, got %d", s.maxPacketSize)
	}
	if s.queueSize < 0 {
		return nil, fmt.Errorf("queue_size must not be negative, got %d", s.queueSize)
	}
	addr, err := net.ResolveUDPAddr("udp", endpoint)
	if err != nil {
		return nil, err
	}
	conn, err := net.ListenUDP("udp", addr)
	if err != nil {
		return nil, err
	}
	if s.socketBufferSize > 0 {
		if err := conn.SetReadBuffer(s.socketBufferSize); err != nil {
			conn.Close()
			return nil, err
		}
	}
	u := &udpServer{conn: conn, queue: make(chan []byte, s.queueSize), logger: logger}
	size := s.maxPacketSize
	u.buffers.New = func() any { b := make([]byte, size); return &b }

	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer close(u.queue)
		u.read()
	}()
	var workers sync.WaitGroup
	for range s.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for pkt := range u.queue {
				u.process(pkt, p, dec, obs, next)
			}
		}()
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		workers.Wait()
	}()
	return u, nil
}

func (u *udpServer) read() {
	for {
		bp := u.buffers.Get().(*[]byte)
		n, err := u.conn.Read(*bp)
		if err != nil {
			u.buffers.Put(bp)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			u.logger.Debug("reading a Jaeger agent packet", zap.Error(err))
			continue
		}
		pkt := (*bp)[:n]
		select {
		case u.queue <- pkt:
		default:
			u.buffers.Put(bp)
			u.logger.Debug("Jaeger agent queue full: packet dropped (raise queue_size or workers)")
		}
	}
}

func (u *udpServer) process(pkt []byte, p jaeger.Protocol, dec decoders, obs *receiverhelper.ObsReport, next consumer.Traces) {
	defer func() {
		full := pkt[:cap(pkt)]
		u.buffers.Put(&full)
	}()
	td, spans, err := dec.agent(pkt, p)
	if err != nil {
		u.logger.Debug("undecodable Jaeger agent packet", zap.Error(err))
		return
	}
	ctx := obs.StartTracesOp(context.Background())
	err = next.ConsumeTraces(ctx, td)
	obs.EndTracesOp(ctx, formatThrift, spans, err)
}

// stop closes the socket, lets the workers finish the queued packets and
// waits for them.
func (u *udpServer) stop() {
	_ = u.conn.Close()
	u.wg.Wait()
}
