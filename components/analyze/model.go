package analyze

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// span is what the analysis keeps of one span.
type span struct {
	id, parent pcommon.SpanID
	service    string
	name       string
	kind       ptrace.SpanKind
	start, end uint64 // unix nanoseconds
	isError    bool
}

func (s *span) duration() uint64 {
	if s.end < s.start {
		return 0
	}
	return s.end - s.start
}

// trace is the spans of one trace id, in input order.
type trace struct {
	id    pcommon.TraceID
	spans []span
}

// opKey names an operation.
type opKey struct{ service, name string }
