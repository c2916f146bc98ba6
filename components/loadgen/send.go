package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	_ "google.golang.org/grpc/encoding/gzip" // the "gzip" compressor for --compression gzip
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
)

// sender sends one pre-encoded payload and says what became of it. One per worker.
type sender interface {
	send(ctx context.Context, p *Payload) outcome
	close()
}

// newSenderFactory returns a constructor of per-worker senders; shared resources (the HTTP
// connection pool) are created once.
func newSenderFactory(cfg *Config, target string) (func() (sender, error), func(), error) {
	info := protocols[cfg.Protocol]
	switch info.transport {
	case transportHTTP:
		tr := &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        cfg.Workers * 2,
			MaxIdleConnsPerHost: cfg.Workers * 2,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		}
		client := &http.Client{Transport: tr, Timeout: cfg.Timeout}
		contentType := info.contentType
		var otlpResp func([]byte) int64
		if cfg.Protocol == OTLPHTTP || cfg.Protocol == OTLPHTTPJSON {
			otlpResp = otlpRejected(cfg.Signal, cfg.Protocol == OTLPHTTPJSON)
		}
		newSender := func() (sender, error) {
			return &httpSender{client: client, url: target, contentType: contentType, gzip: cfg.Compression == "gzip", rejected: otlpResp}, nil
		}
		return newSender, tr.CloseIdleConnections, nil
	case transportGRPC:
		method := info.path
		var rejected func([]byte) int64
		if cfg.Protocol == OTLPGRPC {
			_, method = otlpPath(cfg.Signal)
			rejected = otlpRejected(cfg.Signal, false)
		}
		newSender := func() (sender, error) {
			opts := []grpc.DialOption{
				grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodec{}), grpc.MaxCallSendMsgSize(256<<20)),
			}
			conn, err := grpc.NewClient(target, opts...)
			if err != nil {
				return nil, err
			}
			var callOpts []grpc.CallOption
			if cfg.Compression == "gzip" {
				callOpts = append(callOpts, grpc.UseCompressor("gzip"))
			}
			return &grpcSender{conn: conn, method: method, timeout: cfg.Timeout, rejected: rejected, callOpts: callOpts}, nil
		}
		return newSender, func() {}, nil
	case transportUDP:
		newSender := func() (sender, error) {
			conn, err := net.Dial("udp", target)
			if err != nil {
				return nil, err
			}
			return &udpSender{conn: conn}, nil
		}
		return newSender, func() {}, nil
	}
	return nil, nil, fmt.Errorf("no transport for %s", cfg.Protocol)
}

// otlpRejected reads the rejected count of an OTLP partial success response.
func otlpRejected(sig Signal, json bool) func([]byte) int64 {
	return func(b []byte) int64 {
		if len(b) == 0 {
			return 0
		}
		switch sig {
		case Logs:
			r := plogotlp.NewExportResponse()
			if (json && r.UnmarshalJSON(b) == nil) || (!json && r.UnmarshalProto(b) == nil) {
				return r.PartialSuccess().RejectedLogRecords()
			}
		case Metrics:
			r := pmetricotlp.NewExportResponse()
			if (json && r.UnmarshalJSON(b) == nil) || (!json && r.UnmarshalProto(b) == nil) {
				return r.PartialSuccess().RejectedDataPoints()
			}
		default:
			r := ptraceotlp.NewExportResponse()
			if (json && r.UnmarshalJSON(b) == nil) || (!json && r.UnmarshalProto(b) == nil) {
				return r.PartialSuccess().RejectedSpans()
			}
		}
		return 0
	}
}

type httpSender struct {
	client      *http.Client
	url         string
	contentType string
	gzip        bool
	rejected    func([]byte) int64
	buf         bytes.Buffer
}

func (s *httpSender) send(ctx context.Context, p *Payload) outcome {
	// bytes.Reader gives the request a Content-Length: contrib's Datadog receiver answers
	// a request without one as a "ping" (400).
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(p.Body))
	if err != nil {
		return outcome{kind: outcomeFailed, reason: err.Error()}
	}
	req.Header.Set("Content-Type", s.contentType)
	if s.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for k, v := range p.Header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return outcome{kind: outcomeFailed, reason: shortError(err)}
	}
	s.buf.Reset()
	_, _ = io.Copy(&s.buf, io.LimitReader(resp.Body, 1<<20))
	_, _ = io.Copy(io.Discard, resp.Body) // drain, so the connection is reused
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return outcome{kind: outcomeRefused, reason: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	}
	var rej int64
	if s.rejected != nil {
		rej = s.rejected(s.buf.Bytes())
	}
	return outcome{kind: outcomeAccepted, rejected: rej}
}

func (s *httpSender) close() {}

type grpcSender struct {
	conn     *grpc.ClientConn
	method   string
	timeout  time.Duration
	rejected func([]byte) int64
	callOpts []grpc.CallOption
}

func (s *grpcSender) send(ctx context.Context, p *Payload) outcome {
	if s.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	var resp rawMessage
	err := s.conn.Invoke(ctx, s.method, rawMessage(p.Body), &resp, s.callOpts...)
	if err == nil {
		var rej int64
		if s.rejected != nil {
			rej = s.rejected(resp)
		}
		return outcome{kind: outcomeAccepted, rejected: rej}
	}
	st, _ := status.FromError(err)
	reason := "gRPC " + st.Code().String()
	switch st.Code() {
	case codes.DeadlineExceeded, codes.Canceled:
		return outcome{kind: outcomeFailed, reason: reason}
	case codes.Unavailable:
		// The client reports its own connection failures as Unavailable too; those are
		// failures, while an Unavailable the server sent (memory_limiter) is a refusal.
		if msg := st.Message(); strings.Contains(msg, "connection") || strings.Contains(msg, "transport") {
			return outcome{kind: outcomeFailed, reason: reason + ": " + shortText(msg)}
		}
	}
	return outcome{kind: outcomeRefused, reason: reason}
}

func (s *grpcSender) close() { _ = s.conn.Close() }

type udpSender struct{ conn net.Conn }

func (s *udpSender) send(_ context.Context, p *Payload) outcome {
	if _, err := s.conn.Write(p.Body); err != nil {
		return outcome{kind: outcomeFailed, reason: shortError(err)}
	}
	return outcome{kind: outcomeUnacked}
}

func (s *udpSender) close() { _ = s.conn.Close() }

// rawMessage is an already encoded protobuf message: the payload goes out as encoded before
// the run, and the response is kept as bytes.
type rawMessage []byte

// rawCodec passes rawMessage through. It is named "proto" so the content-subtype stays
// application/grpc+proto; it is set per client, never registered globally.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(rawMessage)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
	}
	return mem.BufferSlice{mem.SliceBuffer(m)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(*rawMessage)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	*m = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }

var _ encoding.CodecV2 = rawCodec{}

func shortError(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + ": " + shortText(op.Err.Error())
	}
	return shortText(err.Error())
}

func shortText(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
