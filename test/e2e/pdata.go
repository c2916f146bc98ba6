//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// foundSpan is a span with the resource and scope it was exported under.
type foundSpan struct {
	Span     ptrace.Span
	Resource pcommon.Resource
	Scope    pcommon.InstrumentationScope
}

// spansOfTrace returns every span of traceID (hex, any case).
func spansOfTrace(td ptrace.Traces, traceID string) []foundSpan {
	want := strings.ToLower(traceID)
	var out []foundSpan
	for i := 0; i < td.ResourceSpans().Len(); i++ {
		rs := td.ResourceSpans().At(i)
		for j := 0; j < rs.ScopeSpans().Len(); j++ {
			ss := rs.ScopeSpans().At(j)
			for k := 0; k < ss.Spans().Len(); k++ {
				s := ss.Spans().At(k)
				if s.TraceID().String() == want {
					out = append(out, foundSpan{Span: s, Resource: rs.Resource(), Scope: ss.Scope()})
				}
			}
		}
	}
	return out
}

// spansByName indexes spans by name and fails on duplicates, which the test traces never have.
func spansByName(t testing.TB, spans []foundSpan) map[string]foundSpan {
	t.Helper()
	out := make(map[string]foundSpan, len(spans))
	for _, s := range spans {
		name := s.Span.Name()
		_, dup := out[name]
		require.False(t, dup, "span %q exported twice", name)
		out[name] = s
	}
	return out
}

func attr(t testing.TB, m pcommon.Map, key string) pcommon.Value {
	t.Helper()
	v, ok := m.Get(key)
	require.True(t, ok, "attribute %q missing; have %v", key, m.AsRaw())
	return v
}

func assertStr(t testing.TB, m pcommon.Map, key, want string) {
	t.Helper()
	v := attr(t, m, key)
	assert.Equal(t, pcommon.ValueTypeStr, v.Type(), "attribute %q type", key)
	assert.Equal(t, want, v.Str(), "attribute %q", key)
}

func assertInt(t testing.TB, m pcommon.Map, key string, want int64) {
	t.Helper()
	v := attr(t, m, key)
	assert.Equal(t, pcommon.ValueTypeInt, v.Type(), "attribute %q type", key)
	assert.Equal(t, want, v.Int(), "attribute %q", key)
}

func assertDouble(t testing.TB, m pcommon.Map, key string, want float64) {
	t.Helper()
	v := attr(t, m, key)
	assert.Equal(t, pcommon.ValueTypeDouble, v.Type(), "attribute %q type", key)
	assert.InDelta(t, want, v.Double(), 1e-9, "attribute %q", key)
}

func assertBool(t testing.TB, m pcommon.Map, key string, want bool) {
	t.Helper()
	v := attr(t, m, key)
	assert.Equal(t, pcommon.ValueTypeBool, v.Type(), "attribute %q type", key)
	assert.Equal(t, want, v.Bool(), "attribute %q", key)
}

func assertSlice(t testing.TB, m pcommon.Map, key string, want []any) {
	t.Helper()
	v := attr(t, m, key)
	require.Equal(t, pcommon.ValueTypeSlice, v.Type(), "attribute %q type", key)
	assert.Equal(t, want, v.Slice().AsRaw(), "attribute %q", key)
}

func findEvent(t testing.TB, s ptrace.Span, name string) ptrace.SpanEvent {
	t.Helper()
	for i := 0; i < s.Events().Len(); i++ {
		if s.Events().At(i).Name() == name {
			return s.Events().At(i)
		}
	}
	t.Fatalf("span %q has no event %q", s.Name(), name)
	return ptrace.SpanEvent{}
}
