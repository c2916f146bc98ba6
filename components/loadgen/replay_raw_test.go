package loadgen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	jaegertranslator "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// The captures in testdata/captures are request bodies recorded from the client libraries
// (zipkin-go v0.4.3 JSON and proto3, jaeger-client-go v2.30.0 Thrift over HTTP).
var rawCaptures = []struct {
	file     string
	protocol Protocol
	spans    int
}{
	{"zipkin-go.v2.json", ZipkinJSON, 4},
	{"zipkin-go.v2.proto", ZipkinProto, 4},
	{"jaeger-client-go.thrift", JaegerThriftHTTP, 5},
}

// decodeAsReceiver translates a body as the receivers' translators do.
func decodeAsReceiver(t *testing.T, p Protocol, body []byte) ptrace.Traces {
	t.Helper()
	var td ptrace.Traces
	var err error
	switch p {
	case ZipkinJSON:
		td, err = zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(body)
	case ZipkinProto:
		td, err = zipkinv2.NewProtobufTracesUnmarshaler(false, false).UnmarshalTraces(body)
	default:
		td, err = jaegertranslator.ThriftToTraces(decodeThriftBinaryBatch(t, body))
	}
	require.NoError(t, err)
	return td
}

// spanCounts counts the spans by id and name.
func spanCounts(td ptrace.Traces) map[string]int {
	out := map[string]int{}
	for _, rs := range td.ResourceSpans().All() {
		for _, ss := range rs.ScopeSpans().All() {
			for _, s := range ss.Spans().All() {
				out[s.SpanID().String()+" "+s.Name()]++
			}
		}
	}
	return out
}

func TestReplayRawKeepsTheCapturedSpans(t *testing.T) {
	for _, c := range rawCaptures {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", "captures", c.file)
			captured, err := os.ReadFile(path)
			require.NoError(t, err)
			want := decodeAsReceiver(t, c.protocol, captured)
			require.Equal(t, c.spans, want.SpanCount())

			// As captured: the very bytes (0), or the same spans written back (their count).
			p, err := loadRawReplay(path, c.protocol, 0)
			require.NoError(t, err)
			assert.Equal(t, captured, p.Body)
			assert.Equal(t, c.spans, p.Items)
			p, err = loadRawReplay(path, c.protocol, c.spans)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, decodeAsReceiver(t, c.protocol, p.Body),
				ptracetest.IgnoreResourceSpansOrder(), ptracetest.IgnoreScopeSpansOrder(), ptracetest.IgnoreSpansOrder()))

			// Repeated: every captured span, three times over, then the first one once more.
			n := 3*c.spans + 1
			p, err = loadRawReplay(path, c.protocol, n)
			require.NoError(t, err)
			assert.Equal(t, n, p.Items)
			got := decodeAsReceiver(t, c.protocol, p.Body)
			require.Equal(t, n, got.SpanCount())
			wantCounts := spanCounts(want)
			for k := range wantCounts {
				wantCounts[k] *= 3
			}
			gotCounts := spanCounts(got)
			extra := 0
			for k, v := range gotCounts {
				assert.GreaterOrEqual(t, v, wantCounts[k], k)
				extra += v - wantCounts[k]
			}
			assert.Equal(t, 1, extra, "one span beyond three rounds")
		})
	}
}

func TestReplayRawErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	for _, c := range []struct {
		path     string
		protocol Protocol
		want     string
	}{
		{filepath.Join(dir, "missing"), ZipkinJSON, "--replay-raw: open"},
		{write("empty.json", "[]"), ZipkinJSON, "holds no spans"},
		{write("object.json", "{}"), ZipkinJSON, "object.json is not a zipkin-json request body"},
		{write("proto", "\x12\x00"), ZipkinProto, "a ListOfSpans holds only spans"},
		{write("cut.proto", "\x0a\x05ab"), ZipkinProto, "cut.proto is not a zipkin-proto request body"},
		{write("thrift", "\x0c"), JaegerThriftHTTP, "thrift is not a jaeger-thrift-http request body"},
		{write("x", "[]"), OTLPGRPC, "--protocol otlp-grpc is not one of"},
	} {
		_, err := loadRawReplay(c.path, c.protocol, 0)
		require.Error(t, err, c.path)
		assert.ErrorIs(t, err, ErrInvalidConfig)
		assert.Contains(t, err.Error(), c.want)
	}
}
