//go:build chaos

package chaos

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// spansPerTrace: every trace gets one span in each of this many consecutive requests, so a
// trace is spread over several requests (and, in the two-tier scenario, several batches the
// gateway routes independently).
const spansPerTrace = 8

// Sender sends unique spans over one protocol and records which span ids the collector
// acknowledged (HTTP 2xx, gRPC OK) and how the rest were refused.
type Sender struct {
	Proto       loadgen.Protocol
	Endpoint    string // host:port
	Workers     int
	SpansPerReq int
	// AttrBytes pads every span with an attribute of this many bytes (bigger requests).
	AttrBytes int
	// Interval between two requests of one worker; 0 sends as fast as answers come.
	Interval time.Duration
	// ID keeps span ids of several senders in one test apart.
	ID uint8

	mu       sync.Mutex
	acked    map[pcommon.SpanID]struct{}
	ackedAt  []time.Time // acknowledgement time of each request, for rate figures
	refused  map[string]int
	sent     int
	attempts int
}

func (s *Sender) init() {
	if s.acked == nil {
		s.acked = map[pcommon.SpanID]struct{}{}
		s.refused = map[string]int{}
	}
	if s.Workers == 0 {
		s.Workers = 4
	}
	if s.SpansPerReq == 0 {
		s.SpansPerReq = 100
	}
}

// Run sends until ctx is done and returns when every worker has its last answer.
func (s *Sender) Run(ctx context.Context) {
	s.mu.Lock()
	s.init()
	s.mu.Unlock()
	var wg sync.WaitGroup
	for w := 0; w < s.Workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s.worker(ctx, w)
		}(w)
	}
	wg.Wait()
}

// Start runs the sender in the background; the returned stop cancels it and waits.
func (s *Sender) Start() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}
}

// build makes request number n of worker w.
func (s *Sender) build(w int, n uint64) (ptrace.Traces, []pcommon.SpanID) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "chaos")
	ss := rs.ScopeSpans().AppendEmpty()
	ids := make([]pcommon.SpanID, 0, s.SpansPerReq)
	now := time.Now()
	pad := strings.Repeat("x", s.AttrBytes)
	group := n / spansPerTrace
	for i := 0; i < s.SpansPerReq; i++ {
		sp := ss.Spans().AppendEmpty()
		var sid pcommon.SpanID
		// sender id | worker | request | index: unique across senders, workers and requests,
		// never zero.
		binary.BigEndian.PutUint64(sid[:], uint64(s.ID)<<56|uint64(w)<<48|(n*uint64(s.SpansPerReq)+uint64(i)+1))
		var tid pcommon.TraceID
		binary.BigEndian.PutUint64(tid[:8], uint64(s.ID)<<56|uint64(w)<<48|1)
		binary.BigEndian.PutUint64(tid[8:], group*uint64(s.SpansPerReq)+uint64(i)+1)
		sp.SetSpanID(sid)
		sp.SetTraceID(tid)
		sp.SetName("chaos-op")
		sp.SetKind(ptrace.SpanKindServer)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(now.Add(-time.Millisecond)))
		sp.SetEndTimestamp(pcommon.NewTimestampFromTime(now))
		if pad != "" {
			sp.Attributes().PutStr("chaos.pad", pad)
		}
		ids = append(ids, sid)
	}
	return td, ids
}

func (s *Sender) worker(ctx context.Context, w int) {
	var (
		grpcClient ptraceotlp.GRPCClient
		httpClient = &http.Client{Timeout: 10 * time.Second}
	)
	if s.Proto == loadgen.OTLPGRPC {
		conn, err := grpc.NewClient(s.Endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			s.refuse("dial_error")
			return
		}
		defer conn.Close()
		grpcClient = ptraceotlp.NewGRPCClient(conn)
	}
	for n := uint64(0); ctx.Err() == nil; n++ {
		td, ids := s.build(w, n)
		var code string
		if s.Proto == loadgen.OTLPGRPC {
			rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := grpcClient.Export(rctx, ptraceotlp.NewExportRequestFromTraces(td))
			cancel()
			if err != nil {
				code = "grpc_" + status.Code(err).String()
			}
		} else {
			code = s.post(httpClient, td)
		}
		s.mu.Lock()
		s.attempts++
		s.sent += len(ids)
		if code == "" {
			for _, id := range ids {
				s.acked[id] = struct{}{}
			}
			s.ackedAt = append(s.ackedAt, time.Now())
		} else {
			s.refused[code] += len(ids)
		}
		s.mu.Unlock()
		if code != "" {
			// A refused client backs off a little, as SDK exporters do; not a retry (the
			// next request carries new span ids, so every id is counted once).
			sleep(ctx, 20*time.Millisecond)
		} else if s.Interval > 0 {
			sleep(ctx, s.Interval)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// httpPath is where each HTTP protocol posts.
var httpPath = map[loadgen.Protocol]string{
	loadgen.OTLPHTTP:         "/v1/traces",
	loadgen.JaegerThriftHTTP: "/api/traces",
	loadgen.ZipkinJSON:       "/api/v2/spans",
	loadgen.DatadogV04:       "/v0.4/traces",
}

var contentType = map[loadgen.Protocol]string{
	loadgen.OTLPHTTP:         "application/x-protobuf",
	loadgen.JaegerThriftHTTP: "application/x-thrift",
	loadgen.ZipkinJSON:       "application/json",
	loadgen.DatadogV04:       "application/msgpack",
}

// post sends one request; it returns "" when acknowledged, else the refusal (the HTTP status,
// or conn_error when no answer came).
func (s *Sender) post(c *http.Client, td ptrace.Traces) string {
	body, err := loadgen.Encode(s.Proto, td)
	if err != nil {
		return "encode_error"
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+s.Endpoint+httpPath[s.Proto], bytes.NewReader(body))
	if err != nil {
		return "request_error"
	}
	req.Header.Set("Content-Type", contentType[s.Proto])
	if s.Proto == loadgen.DatadogV04 {
		// What dd-trace-go sends; the receiver reads the trace count from it.
		req.Header.Set("X-Datadog-Trace-Count", strconv.Itoa(traceCount(td)))
		req.Header.Set("Datadog-Meta-Lang", "go")
		req.Header.Set("Datadog-Meta-Tracer-Version", "v2.0.0")
	}
	resp, err := c.Do(req)
	if err != nil {
		return "conn_error"
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		return ""
	}
	return "http_" + strconv.Itoa(resp.StatusCode)
}

func (s *Sender) refuse(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[code]++
}

// Acked returns a copy of the acknowledged span ids.
func (s *Sender) Acked() map[pcommon.SpanID]struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[pcommon.SpanID]struct{}, len(s.acked))
	for k := range s.acked {
		out[k] = struct{}{}
	}
	return out
}

// Refused returns a copy of refusals: spans per code.
func (s *Sender) Refused() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.refused {
		out[k] = v
	}
	return out
}

// ackedBetween counts the spans acknowledged in [from, to].
func (s *Sender) ackedBetween(from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, at := range s.ackedAt {
		if !at.Before(from) && !at.After(to) {
			n += s.SpansPerReq
		}
	}
	return n
}

// Sent is the number of spans sent (acknowledged or not).
func (s *Sender) Sent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent
}

// Result compares what the sender had acknowledged with what the sinks received.
type Result struct {
	Scenario     string
	Sent         int
	Acknowledged int
	Delivered    int // distinct acknowledged-or-not span ids that reached a sink
	Lost         int // acknowledged, never delivered
	Duplicates   int // deliveries beyond the first of a span id
	Refused      map[string]int
	Extra        []string // scenario-specific key=value figures
	LostIDs      []pcommon.SpanID
}

func compare(scenario string, s *Sender, sinks ...*Sink) Result {
	acked := s.Acked()
	got := map[pcommon.SpanID]int{}
	for _, sk := range sinks {
		rec, _ := sk.Received()
		for id, n := range rec {
			got[id] += n
		}
	}
	r := Result{Scenario: scenario, Sent: s.Sent(), Acknowledged: len(acked), Refused: s.Refused()}
	for id, n := range got {
		// Only ids this sender made count (several senders may share a sink).
		if id[0] != byte(s.ID) {
			continue
		}
		r.Delivered++
		r.Duplicates += n - 1
	}
	for id := range acked {
		if got[id] == 0 {
			r.Lost++
			r.LostIDs = append(r.LostIDs, id)
		}
	}
	return r
}

// Line is the scenario's one-line summary, the format the reliability docs quote.
func (r Result) Line() string {
	codes := make([]string, 0, len(r.Refused))
	for k, v := range r.Refused {
		codes = append(codes, fmt.Sprintf("%s:%d", k, v))
	}
	sort.Strings(codes)
	line := fmt.Sprintf("scenario=%s sent=%d acknowledged=%d delivered=%d lost=%d duplicates=%d refused_by_code={%s}",
		r.Scenario, r.Sent, r.Acknowledged, r.Delivered, r.Lost, r.Duplicates, strings.Join(codes, ","))
	if len(r.Extra) > 0 {
		line += " " + strings.Join(r.Extra, " ")
	}
	return line
}

// retryable reports whether a refusal code tells the client to retry: gRPC Unavailable or
// ResourceExhausted, HTTP 429 or 503. conn_error is a request that got no answer at all
// (the process was killed or stopped mid-request): the client saw a failure, not a 2xx.
func retryable(code string) bool {
	switch code {
	case "grpc_Unavailable", "grpc_ResourceExhausted", "http_429", "http_503", "conn_error":
		return true
	}
	return false
}

// traceOf is the trace id build gave the span id sid.
func (s *Sender) traceOf(sid pcommon.SpanID) pcommon.TraceID {
	v := binary.BigEndian.Uint64(sid[:])
	w := (v >> 48) & 0xff
	seq := v&(1<<48-1) - 1
	n, i := seq/uint64(s.SpansPerReq), seq%uint64(s.SpansPerReq)
	var tid pcommon.TraceID
	binary.BigEndian.PutUint64(tid[:8], uint64(s.ID)<<56|w<<48|1)
	binary.BigEndian.PutUint64(tid[8:], (n/spansPerTrace)*uint64(s.SpansPerReq)+i+1)
	return tid
}

func traceCount(td ptrace.Traces) int {
	seen := map[pcommon.TraceID]struct{}{}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		sss := rss.At(i).ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				seen[spans.At(k).TraceID()] = struct{}{}
			}
		}
	}
	return len(seen)
}
