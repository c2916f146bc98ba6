package backfill

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// Target sends one request.
type Target interface {
	// Send returns nil when the backend accepted everything, a *RetryableError when it asks
	// to be retried, or another error when it refused for good.
	Send(ctx context.Context, td ptrace.Traces) error
	Close() error
	String() string
}

// RetryableError is a refusal the backend wants retried (after After, when it said).
type RetryableError struct {
	Err   error
	After time.Duration
}

func (e *RetryableError) Error() string { return e.Err.Error() }
func (e *RetryableError) Unwrap() error { return e.Err }

// ParseTarget reads otlp-grpc=HOST:PORT or otlp-http=URL (the /v1/traces path is added
// when missing).
func ParseTarget(spec string, timeout time.Duration) (Target, error) {
	kind, loc, ok := strings.Cut(spec, "=")
	if !ok || loc == "" {
		return nil, fmt.Errorf("%q: want otlp-grpc=HOST:PORT or otlp-http=URL", spec)
	}
	switch kind {
	case "otlp-grpc":
		conn, err := grpc.NewClient(loc, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, err
		}
		return &grpcTarget{addr: loc, conn: conn, client: ptraceotlp.NewGRPCClient(conn), timeout: timeout}, nil
	case "otlp-http":
		u := strings.TrimSuffix(loc, "/")
		if !strings.HasSuffix(u, "/v1/traces") {
			u += "/v1/traces"
		}
		return &httpTarget{url: u, client: &http.Client{Timeout: timeout}}, nil
	}
	return nil, fmt.Errorf("%q: unknown target kind %q (otlp-grpc or otlp-http)", spec, kind)
}

type grpcTarget struct {
	addr    string
	conn    *grpc.ClientConn
	client  ptraceotlp.GRPCClient
	timeout time.Duration
}

func (g *grpcTarget) String() string { return "otlp-grpc " + g.addr }
func (g *grpcTarget) Close() error   { return g.conn.Close() }

func (g *grpcTarget) Send(ctx context.Context, td ptrace.Traces) error {
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	defer cancel()
	resp, err := g.client.Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
	if err != nil {
		switch status.Code(err) {
		case codes.Unavailable, codes.ResourceExhausted, codes.DeadlineExceeded, codes.Aborted:
			return &RetryableError{Err: err}
		}
		return err
	}
	if n := resp.PartialSuccess().RejectedSpans(); n > 0 {
		return fmt.Errorf("the backend rejected %d spans: %s", n, resp.PartialSuccess().ErrorMessage())
	}
	return nil
}

type httpTarget struct {
	url    string
	client *http.Client
}

func (h *httpTarget) String() string { return "otlp-http " + h.url }
func (h *httpTarget) Close() error   { return nil }

func (h *httpTarget) Send(ctx context.Context, td ptrace.Traces) error {
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := h.client.Do(req)
	if err != nil {
		return &RetryableError{Err: err}
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusBadGateway ||
		resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusGatewayTimeout:
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return &RetryableError{Err: fmt.Errorf("POST %s: HTTP %d", h.url, resp.StatusCode), After: time.Duration(secs) * time.Second}
	}
	return fmt.Errorf("POST %s: HTTP %d: %s", h.url, resp.StatusCode, strings.TrimSpace(string(msg)))
}
