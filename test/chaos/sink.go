//go:build chaos

package chaos

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
)

// Sink is the backend: an OTLP trace server (gRPC and HTTP on their own fixed loopback
// ports) that records every span id it receives. Down/Up close and reopen its listeners on
// the same ports, which is what a backend outage looks like to the exporter.
type Sink struct {
	t        testing.TB
	GRPCPort int
	HTTPPort int

	mu        sync.Mutex
	received  map[pcommon.SpanID]int
	traces    map[pcommon.TraceID]struct{}
	total     int
	grpcSrv   *grpc.Server
	httpSrv   *http.Server
	listening bool
}

func newSink(t testing.TB) *Sink {
	s := &Sink{
		t:        t,
		GRPCPort: freePort(t),
		HTTPPort: freePort(t),
		received: map[pcommon.SpanID]int{},
		traces:   map[pcommon.TraceID]struct{}{},
	}
	t.Cleanup(s.Down)
	return s
}

type sinkGRPC struct {
	ptraceotlp.UnimplementedGRPCServer
	s *Sink
}

func (g *sinkGRPC) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	g.s.record(req.Traces())
	return ptraceotlp.NewExportResponse(), nil
}

func (s *Sink) record(td ptrace.Traces) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				sp := spans.At(k)
				s.received[sp.SpanID()]++
				s.traces[sp.TraceID()] = struct{}{}
				s.total++
			}
		}
	}
}

// Up starts listening (again) on the sink's ports.
func (s *Sink) Up() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listening {
		return
	}
	gl, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(s.GRPCPort))
	require.NoError(s.t, err)
	hl, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(s.HTTPPort))
	require.NoError(s.t, err)
	s.grpcSrv = grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	ptraceotlp.RegisterGRPCServer(s.grpcSrv, &sinkGRPC{s: s})
	go func() { _ = s.grpcSrv.Serve(gl) }()
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			// otlp_http compresses with gzip by default.
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			rd = zr
		} else if ce := r.Header.Get("Content-Encoding"); ce != "" && ce != "identity" {
			http.Error(w, "unsupported Content-Encoding "+ce, http.StatusUnsupportedMediaType)
			return
		}
		body, err := io.ReadAll(rd)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req := ptraceotlp.NewExportRequest()
		if r.Header.Get("Content-Type") == "application/json" {
			err = req.UnmarshalJSON(body)
		} else {
			err = req.UnmarshalProto(body)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.record(req.Traces())
		out, _ := ptraceotlp.NewExportResponse().MarshalProto()
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	})
	s.httpSrv = &http.Server{Handler: mux}
	go func() {
		if err := s.httpSrv.Serve(hl); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.t.Logf("sink http: %v", err)
		}
	}()
	s.listening = true
}

// Down closes the listeners and every open connection: the backend is gone.
func (s *Sink) Down() {
	s.mu.Lock()
	g, h, was := s.grpcSrv, s.httpSrv, s.listening
	s.listening = false
	s.mu.Unlock()
	if !was {
		return
	}
	g.Stop()
	_ = h.Close()
}

// Received returns a copy of the span id → deliveries map and the total of deliveries.
func (s *Sink) Received() (map[pcommon.SpanID]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[pcommon.SpanID]int, len(s.received))
	for k, v := range s.received {
		out[k] = v
	}
	return out, s.total
}

// Traces returns the trace ids the sink has seen.
func (s *Sink) Traces() map[pcommon.TraceID]struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[pcommon.TraceID]struct{}, len(s.traces))
	for k := range s.traces {
		out[k] = struct{}{}
	}
	return out
}

// Has reports whether every span id in ids has arrived.
func (s *Sink) HasAll(ids map[pcommon.SpanID]struct{}) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range ids {
		if s.received[id] == 0 {
			return false
		}
	}
	return true
}
