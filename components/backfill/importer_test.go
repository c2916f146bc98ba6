package backfill

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
)

// backend is an OTLP gRPC trace service (pdata's own server side) that records what it
// accepts and refuses the requests its script says to refuse.
type backend struct {
	ptraceotlp.UnimplementedGRPCServer
	mu       sync.Mutex
	calls    int
	refuse   map[int]codes.Code // call number (1-based) → status
	received []ptrace.Traces
}

func (b *backend) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	if c, ok := b.refuse[b.calls]; ok {
		return ptraceotlp.NewExportResponse(), status.Error(c, "scripted refusal")
	}
	td := ptrace.NewTraces()
	req.Traces().CopyTo(td)
	b.received = append(b.received, td)
	return ptraceotlp.NewExportResponse(), nil
}

func (b *backend) spans() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, td := range b.received {
		n += td.SpanCount()
	}
	return n
}

func startBackend(t *testing.T, b *backend) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	ptraceotlp.RegisterGRPCServer(srv, b)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func inputs(t *testing.T) ([]Input, int) {
	t.Helper()
	caps := filepath.Join("..", "convert", "testdata", "captures")
	jsonl, _ := convert.Lookup("otlp-jsonl", true)
	thrift, _ := convert.Lookup("jaeger-thrift-binary", true)
	batch, err := os.ReadFile(filepath.Join(caps, "jaeger-client-go-http.jaeger-thrift-binary"))
	require.NoError(t, err)
	stream := filepath.Join(t.TempDir(), "three.thrift")
	require.NoError(t, os.WriteFile(stream, append(append(append([]byte{}, batch...), batch...), batch...), 0o600))
	in := []Input{{filepath.Join(caps, "file-exporter.otlp-jsonl"), jsonl}, {stream, thrift}}
	total := 0
	for _, i := range in {
		data, err := os.ReadFile(i.Path)
		require.NoError(t, err)
		td, err := convert.DecodeAll(data, i.Path, i.Format)
		require.NoError(t, err)
		total += td.SpanCount()
	}
	return in, total
}

// A refusal for good stops the import; the re-run resumes after the last acknowledged record,
// so the backend ends with every span exactly once. A retryable refusal is retried.
func TestImportResumesWithoutDuplicates(t *testing.T) {
	b := &backend{refuse: map[int]codes.Code{2: codes.Unavailable, 4: codes.InvalidArgument}}
	addr := startBackend(t, b)
	target, err := ParseTarget("otlp-grpc="+addr, 5*time.Second)
	require.NoError(t, err)
	defer target.Close()
	in, total := inputs(t)
	cpPath := filepath.Join(t.TempDir(), "import.checkpoint")

	cp, err := LoadCheckpoint(cpPath)
	require.NoError(t, err)
	st, err := Import(context.Background(), in, Options{Target: target, Checkpoint: cp, MaxElapsed: time.Minute})
	require.Error(t, err, "call 4 is refused for good")
	assert.Contains(t, err.Error(), "three.thrift: record 0", "both JSON lines went through")
	assert.Equal(t, 1, st.Retries)
	assert.Equal(t, 2, st.Records)

	cp, err = LoadCheckpoint(cpPath)
	require.NoError(t, err)
	st, err = Import(context.Background(), in, Options{Target: target, Checkpoint: cp, MaxElapsed: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, 2, st.Skipped)
	assert.Equal(t, 3, st.Records, "the three Thrift batches")
	assert.Equal(t, total, b.spans(), "every span once")

	// Everything acknowledged: a third run sends nothing.
	cp, err = LoadCheckpoint(cpPath)
	require.NoError(t, err)
	st, err = Import(context.Background(), in, Options{Target: target, Checkpoint: cp, MaxElapsed: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, 0, st.Records)
	assert.Equal(t, total, b.spans())
}

func TestParseTarget(t *testing.T) {
	for _, bad := range []string{"otlp-grpc", "jaeger=localhost:14250", "otlp-http="} {
		_, err := ParseTarget(bad, time.Second)
		assert.Error(t, err, bad)
	}
	tg, err := ParseTarget("otlp-http=http://127.0.0.1:4318", time.Second)
	require.NoError(t, err)
	assert.Equal(t, "otlp-http http://127.0.0.1:4318/v1/traces", tg.String())
}
