package analyze

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
)

func load(t *testing.T, name, format string) ptrace.Traces {
	t.Helper()
	path := filepath.Join("..", "convert", "testdata", "captures", name+"."+format)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	f, err := convert.Lookup(format, true)
	require.NoError(t, err)
	td, err := convert.DecodeAll(data, path, f)
	require.NoError(t, err)
	return td
}

func findingsByRule(r *Report) map[string]Finding {
	out := map[string]Finding{}
	for _, f := range r.Findings {
		out[f.Rule] = f
	}
	return out
}

// The OTel Go SDK capture is a clean, 128-bit, well-formed trace: no structural findings.
func TestCleanCapture(t *testing.T) {
	a := New(Options{})
	a.Add(load(t, "otel-go-json-nocomp", "otlp-json"))
	r := a.Report()
	assert.Equal(t, 2, r.Traces, "an HTTP request and a message publish")
	assert.Equal(t, 5, r.Spans)
	f := findingsByRule(r)
	for _, rule := range []string{RuleOrphanSpan, RuleClockSkew, RuleDuplicateSpanID, RuleTraceID64, RuleMissingService} {
		assert.NotContains(t, f, rule)
	}
	require.Len(t, r.Slowest, 2)
	path := r.Slowest[0].CriticalPath
	require.Len(t, path, 2)
	assert.Equal(t, 4, r.Slowest[0].Spans)
	assert.Equal(t, "GET /api/orders/{id}", path[0].Name)
	assert.GreaterOrEqual(t, r.Slowest[0].DurationMs, r.Slowest[1].DurationMs)
	var self float64
	for _, s := range path {
		self += s.SelfMs
	}
	assert.InDelta(t, path[0].DurationMs, self, 1e-6, "self times along the critical path add up to the root's duration")
	for _, o := range r.Operations {
		assert.LessOrEqual(t, o.P50, o.P95)
		assert.LessOrEqual(t, o.P95, o.P99)
	}
}

// Legacy clients: Jaeger's process tags and OpenTracing tags are deprecated names, Zipkin
// B3 and Jaeger clients send 64-bit trace ids.
func TestLegacyCaptures(t *testing.T) {
	a := New(Options{})
	a.Add(load(t, "jaeger-client-go-http", "jaeger-thrift-binary"))
	a.Add(load(t, "dd-trace-go-v04", "datadog-v04"))
	f := findingsByRule(a.Report())
	require.Contains(t, f, RuleDeprecatedAttr)
	assert.Contains(t, f[RuleDeprecatedAttr].Examples[0], "→")
	assert.NotContains(t, f, RuleTraceID64, "these clients send 128-bit ids")

	// The same zipkin-go capture with B3's 64-bit trace ids (X-B3-TraceId of 16 hex digits).
	raw, err := os.ReadFile(filepath.Join("..", "convert", "testdata", "captures", "zipkin-go-json.zipkin-json"))
	require.NoError(t, err)
	raw = bytes.ReplaceAll(raw, []byte(`"traceId":"7d7761e535a809d3`), []byte(`"traceId":"`))
	zf, _ := convert.Lookup("zipkin-json", true)
	td, err := convert.DecodeAll(raw, "b3-64.json", zf)
	require.NoError(t, err)
	b := New(Options{})
	b.Add(td)
	f = findingsByRule(b.Report())
	require.Contains(t, f, RuleTraceID64)
	assert.Equal(t, 1, f[RuleTraceID64].Count)
}

// Breaking a real trace breaks the rules: the root removed leaves orphans, a child moved
// before its parent is clock skew, a copied span is a duplicate id, an exception event on an
// OK span is an unflagged error, an id in the name is high cardinality, and no service.name.
func TestRulesOnBrokenCapture(t *testing.T) {
	td := load(t, "otel-go-json-nocomp", "otlp-json")
	rs := td.ResourceSpans().At(0)
	spans := rs.ScopeSpans().At(0).Spans()
	var root, child ptrace.Span
	for i := range spans.Len() {
		if spans.At(i).ParentSpanID().IsEmpty() {
			root = spans.At(i)
		}
	}
	for i := range spans.Len() {
		if spans.At(i).ParentSpanID() == root.SpanID() {
			child = spans.At(i)
		}
	}
	child.SetStartTimestamp(root.StartTimestamp() - pcommon.Timestamp(5e6))
	child.Events().AppendEmpty().SetName("exception")
	child.Status().SetCode(ptrace.StatusCodeUnset)
	child.SetName("GET /users/123456/orders")
	child.CopyTo(rs.ScopeSpans().At(0).Spans().AppendEmpty())
	rs.Resource().Attributes().Remove("service.name")

	broken := ptrace.NewTraces()
	td.CopyTo(broken)
	bspans := broken.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	bspans.RemoveIf(func(s ptrace.Span) bool { return s.ParentSpanID().IsEmpty() })

	a := New(Options{})
	a.Add(td)
	f := findingsByRule(a.Report())
	assert.Contains(t, f[RuleClockSkew].Examples[0], "5.000ms outside its parent")
	assert.Equal(t, 1, f[RuleDuplicateSpanID].Count)
	assert.Equal(t, 2, f[RuleErrorWithoutStatus].Count, "the child and its copy")
	assert.Equal(t, 1, f[RuleHighCardinality].Count, "one distinct name")
	assert.Equal(t, 1, f[RuleMissingService].Count)
	assert.NotContains(t, f, RuleOrphanSpan)

	b := New(Options{})
	b.Add(broken)
	fb := findingsByRule(b.Report())
	assert.Positive(t, fb[RuleOrphanSpan].Count)
	assert.Contains(t, fb[RuleOrphanSpan].Examples[0], "absent")

	assert.Len(t, a.Report().Failed([]string{RuleClockSkew}), 1)
	assert.Empty(t, a.Report().Failed([]string{RuleOrphanSpan}))
}

func TestNamesWithoutIDs(t *testing.T) {
	for _, name := range []string{"GET /users/{id}", "HTTP GET", "SELECT shop.orders", "/api/v2/spans", "grpc.health.v1.Health/Check", "GET /users/:id"} {
		assert.False(t, idInName.MatchString(name), name)
	}
	for _, name := range []string{"GET /users/12345", "GET /orders/3fa85f64-5717-4562-b3fc-2c963f66afa6", "cache.get user:98765", "fetch 5f2b1c9e8d7a6b5c4d3e"} {
		assert.True(t, idInName.MatchString(name), name)
	}
}

func TestWriters(t *testing.T) {
	a := New(Options{})
	a.Add(load(t, "jaeger-client-go-http", "jaeger-thrift-binary"))
	r := a.Report()
	var table, md, js bytes.Buffer
	require.NoError(t, r.WriteTable(&table))
	require.NoError(t, r.WriteMarkdown(&md))
	require.NoError(t, r.WriteJSON(&js))
	assert.Contains(t, table.String(), "checkout-jaeger-go")
	assert.Contains(t, md.String(), "| Service | Operation |")
	assert.Contains(t, js.String(), `"critical_path"`)
}
