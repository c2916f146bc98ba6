package jaegerapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSummarize(t *testing.T) {
	child := func(id, parent, proc string) Span {
		s := Span{TraceID: "t1", SpanID: id, ProcessID: proc, StartTime: 100, Duration: 10}
		if parent != "" {
			s.References = []Reference{{RefType: "CHILD_OF", TraceID: "t1", SpanID: parent}}
		}
		return s
	}
	tr := Trace{
		TraceID: "t1",
		Spans: []Span{
			child("a", "", "p1"),
			child("b", "a", "p2"),
			child("c", "b", "p3"),
			child("d", "missing", "p3"), // its parent never arrived
		},
		Processes: map[string]Process{
			"p1": {ServiceName: "shop-api", Tags: []Tag{{Key: ProtocolTag, Value: "otlp"}}},
			"p2": {ServiceName: "order-worker", Tags: []Tag{{Key: ProtocolTag, Value: "zipkin"}}},
			"p3": {ServiceName: "shipping", Tags: []Tag{{Key: ProtocolTag, Value: "jaeger"}}},
		},
	}
	tr.Spans[2].Tags = []Tag{{Key: "error", Value: true}}
	tr.Spans[3].StartTime, tr.Spans[3].Duration = 150, 20
	s := tr.Summarize()
	assert.Equal(t, 4, s.Spans)
	assert.Equal(t, 1, s.Roots)
	assert.Equal(t, 1, s.ErrorSpans)
	assert.Equal(t, int64(70), s.DurationMicros)
	assert.Equal(t, []string{"d"}, s.OrphanSpans)
	assert.Equal(t, map[string]bool{"shop-api": true, "order-worker": true, "shipping": true}, s.Services)
	assert.Equal(t, map[string]bool{"otlp": true, "zipkin": true, "jaeger": true}, s.Protocols)
}

// A FOLLOWS_FROM link, or a CHILD_OF into another trace, is not a parent in this trace.
func TestParentIgnoresOtherReferences(t *testing.T) {
	s := Span{TraceID: "t1", References: []Reference{
		{RefType: "FOLLOWS_FROM", TraceID: "t1", SpanID: "x"},
		{RefType: "CHILD_OF", TraceID: "t2", SpanID: "y"},
	}}
	assert.Empty(t, s.Parent())
}
