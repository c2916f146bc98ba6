package convert

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/ptracetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output (review the diff!)")

// capture is one file of testdata/captures, named <source>.<format>.
type capture struct {
	path, name string
	format     *Format
}

func captures(t *testing.T) []capture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "captures", "*.*"))
	require.NoError(t, err)
	var out []capture
	for _, p := range paths {
		base := filepath.Base(p)
		i := strings.LastIndexByte(base, '.')
		f, err := Lookup(base[i+1:], true)
		require.NoError(t, err, base)
		out = append(out, capture{path: p, name: base[:i], format: f})
	}
	require.GreaterOrEqual(t, len(out), 15)
	return out
}

func readCapture(t *testing.T, c capture) ptrace.Traces {
	t.Helper()
	data, err := os.ReadFile(c.path)
	require.NoError(t, err)
	td, err := DecodeAll(data, c.path, c.format)
	require.NoError(t, err)
	require.Positive(t, td.SpanCount(), c.path)
	return td
}

var compareOpts = []ptracetest.CompareTracesOption{
	ptracetest.IgnoreResourceSpansOrder(), ptracetest.IgnoreScopeSpansOrder(), ptracetest.IgnoreSpansOrder(),
}

// TestDecodeLikeTheReceivers decodes the captures of real clients and compares the result
// with what the bridge's receivers made of the same bytes in the e2e fixture replay
// (test/e2e/testdata/golden): convert must read every format exactly as the pipeline does.
func TestDecodeLikeTheReceivers(t *testing.T) {
	receiverGolden := map[string]string{
		"jaeger-client-go-http":      "jaeger-client-go-http.jaeger-thrift-http",
		"jaeger-client-go-udp":       "jaeger-client-go-udp.jaeger-agent-compact-udp",
		"jaeger-agent-relay-from-go": "jaeger-agent-relay-from-go.jaeger-grpc",
		"jaeger-idl-HANDBUILT":       "jaeger-idl-HANDBUILT.jaeger-grpc",
		"zipkin-go-json":             "zipkin-go-json.zipkin-http",
		"zipkin-go-proto3":           "zipkin-go-proto3.zipkin-http",
		"otel-go-zipkin":             "otel-go-zipkin.zipkin-http",
		"otel-go-json-nocomp":        "otel-go-json-nocomp.otlp-http",
		"otel-go-json-gzip":          "otel-go-json-gzip.otlp-http",
		"otel-go-nocomp":             "otel-go-nocomp-cumulative.otlp-http",
	}
	compared := 0
	for _, c := range captures(t) {
		dir, ok := receiverGolden[c.name]
		if !ok {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			want, err := golden.ReadTraces(filepath.Join("..", "..", "test", "e2e", "testdata", "golden", dir, "001.yaml"))
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(want, readCapture(t, c), compareOpts...))
		})
		compared++
	}
	assert.Len(t, receiverGolden, compared)
}

// TestRoundTrip converts every capture into every writable format and reads it back. The
// result is compared with a reviewed golden per pair (testdata/golden/<capture>/<format>.yaml),
// and trace ids, span ids, parents and names must survive every format.
func TestRoundTrip(t *testing.T) {
	for _, c := range captures(t) {
		src := readCapture(t, c)
		for _, to := range Formats() {
			if !to.CanWrite() {
				continue
			}
			t.Run(c.name+"/"+to.Name, func(t *testing.T) {
				var buf bytes.Buffer
				data, err := os.ReadFile(c.path)
				require.NoError(t, err)
				st, err := Convert(data, c.path, c.format, to, &buf)
				require.NoError(t, err)
				assert.Equal(t, src.SpanCount(), st.Spans)
				back, err := DecodeAll(buf.Bytes(), "out", to)
				require.NoError(t, err)
				assert.Equal(t, spanIdentities(src), spanIdentities(back), "ids, parents and names survive %s", to.Name)

				path := filepath.Join("testdata", "golden", c.name, to.Name+".yaml")
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
					require.NoError(t, golden.WriteTracesToFile(path, back))
				}
				want, err := golden.ReadTraces(path)
				require.NoError(t, err)
				require.NoError(t, ptracetest.CompareTraces(want, back, compareOpts...))
			})
		}
	}
}

// spanIdentities lists "trace/span/parent" of every span, sorted. Span names are left
// out: Datadog's resource-named spans fall back on the operation name.
func spanIdentities(td ptrace.Traces) []string {
	var out []string
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				s := spans.At(k)
				out = append(out, s.TraceID().String()+"/"+s.SpanID().String()+"/"+s.ParentSpanID().String())
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestLosslessFormats(t *testing.T) {
	for _, c := range captures(t) {
		src := readCapture(t, c)
		for _, name := range []string{"otlp-proto", "otlp-json", "otlp-jsonl", "otlp-yaml"} {
			to, err := Lookup(name, false)
			require.NoError(t, err)
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, to, src))
			back, err := DecodeAll(buf.Bytes(), "out", to)
			require.NoError(t, err)
			require.NoError(t, ptracetest.CompareTraces(src, back), "%s via %s", c.name, name)
		}
	}
}

func TestBadInputNamesFileRecordAndOffset(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "captures", "file-exporter.otlp-jsonl"))
	require.NoError(t, err)
	lines := bytes.SplitAfter(good, []byte("\n"))
	require.GreaterOrEqual(t, len(lines), 2)
	bad := append(append([]byte{}, lines[0]...), []byte("{\"resourceSpans\": [oops]}\n")...)
	jsonl, _ := Lookup("otlp-jsonl", true)
	_, err = DecodeAll(bad, "traces.jsonl", jsonl)
	var ie *InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "traces.jsonl", ie.File)
	assert.Equal(t, 1, ie.Record)
	assert.Equal(t, int64(len(lines[0])), ie.Offset)
	assert.Contains(t, err.Error(), "traces.jsonl: record 1 at byte ")

	// Two Thrift batches, then a truncated third: the error points at the third.
	thriftBatch, err := os.ReadFile(filepath.Join("testdata", "captures", "jaeger-client-go-http.jaeger-thrift-binary"))
	require.NoError(t, err)
	stream := append(append(append([]byte{}, thriftBatch...), thriftBatch...), thriftBatch[:100]...)
	bin, _ := Lookup("jaeger-thrift-binary", true)
	n := 0
	err = Decode(stream, "batches.thrift", bin, func(ptrace.Traces) error { n++; return nil })
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, 2, n)
	assert.Equal(t, 2, ie.Record)
	assert.Equal(t, int64(2*len(thriftBatch)), ie.Offset)

	for _, name := range []string{"otlp-proto", "jaeger-proto", "zipkin-json", "zipkin-proto", "datadog-v04", "datadog-v1", "jaeger-json", "zipkin-v1-thrift"} {
		f, _ := Lookup(name, true)
		_, err := DecodeAll([]byte("\x0a\xff\xff\xff garbage"), "x.bin", f)
		require.ErrorAs(t, err, &ie, name)
		assert.Equal(t, "x.bin", ie.File)
	}
}

func TestUnsupportedDirectionsSaySo(t *testing.T) {
	_, err := Lookup("zipkin-v1-json", false)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "writable formats: datadog-v04, datadog-v05, datadog-v1, jaeger-json")
	_, err = Lookup("tempo", true)
	require.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), "zipkin-v1-thrift")
}

// A 64-bit trace id (Zipkin, Datadog before _dd.p.tid) stays 64-bit: zero upper half.
func TestNoIDsInvented(t *testing.T) {
	f, _ := Lookup("zipkin-json", true)
	td, err := DecodeAll([]byte(`[{"traceId":"00000000000000000000000000000001","id":"0000000000000002","name":"x","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"s"}}]`), "s.json", f)
	require.NoError(t, err)
	var want pcommon.TraceID
	want[15] = 1
	assert.Equal(t, want, td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).TraceID())
}

// Formats written record by record (JSON lines, Thrift, protobuf lists, framed JSON) give the
// same data as encoding the whole input at once.
func TestRecordByRecordEqualsWhole(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "captures", "file-exporter.otlp-jsonl"))
	require.NoError(t, err)
	data = append(append(append([]byte{}, data...), []byte("{\"resourceSpans\":[]}\n")...), data...) // 5 records, one empty
	from, _ := Lookup("otlp-jsonl", true)
	whole, err := DecodeAll(data, "in.jsonl", from)
	require.NoError(t, err)
	for _, f := range Formats() {
		if !f.CanWrite() || (!f.stream && f.frame == nil) {
			continue
		}
		var buf bytes.Buffer
		st, err := Convert(data, "in.jsonl", from, f, &buf)
		require.NoError(t, err, f.Name)
		assert.Equal(t, 5, st.Records)
		got, err := DecodeAll(buf.Bytes(), "out", f)
		require.NoError(t, err, f.Name)
		var once bytes.Buffer
		require.NoError(t, Encode(&once, f, whole))
		want, err := DecodeAll(once.Bytes(), "once", f)
		require.NoError(t, err, f.Name)
		assert.Equal(t, want.SpanCount(), got.SpanCount(), f.Name)
		require.NoError(t, ptracetest.CompareTraces(want, got, compareOpts...), f.Name)
	}
	// Nothing at all still makes a valid document.
	for _, name := range []string{"otlp-json", "zipkin-json"} {
		f, _ := Lookup(name, false)
		var buf bytes.Buffer
		_, err := Convert([]byte("\n"), "empty.jsonl", from, f, &buf)
		require.NoError(t, err)
		_, err = DecodeAll(buf.Bytes(), "out", f)
		require.NoError(t, err, "%s: %q", name, buf.String())
	}
}
