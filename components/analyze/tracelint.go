package analyze

import (
	"encoding/binary"
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// geometry is what the per-trace pass measures.
type geometry struct {
	depth, fanout int
	extent        uint64 // first start to last end, nanoseconds
}

// lintTrace runs the rules that need the whole trace and measures its shape.
func (a *Analyzer) lintTrace(t *trace) geometry {
	if binary.BigEndian.Uint64(t.id[:8]) == 0 {
		a.found.add(RuleTraceID64, fmt.Sprintf("trace %s (%d spans, service %s)", t.id, len(t.spans), t.spans[0].service))
	}
	byID := make(map[pcommon.SpanID]int, len(t.spans))
	for i := range t.spans {
		s := &t.spans[i]
		if j, dup := byID[s.id]; dup {
			a.found.add(RuleDuplicateSpanID, fmt.Sprintf("trace %s span %s: %s %q and %s %q",
				t.id, s.id, t.spans[j].service, t.spans[j].name, s.service, s.name))
			continue
		}
		byID[s.id] = i
	}
	children := make(map[int]int, len(t.spans))
	var g geometry
	first, last := t.spans[0].start, t.spans[0].end
	for i := range t.spans {
		s := &t.spans[i]
		first, last = min(first, s.start), max(last, s.end)
		if s.parent.IsEmpty() {
			continue
		}
		pi, ok := byID[s.parent]
		if !ok {
			a.found.add(RuleOrphanSpan, fmt.Sprintf("trace %s span %s (%s %q): parent %s absent", t.id, s.id, s.service, s.name, s.parent))
			continue
		}
		children[pi]++
		p := &t.spans[pi]
		// Messaging children legitimately outlive their producer.
		async := s.kind == ptrace.SpanKindConsumer || p.kind == ptrace.SpanKindProducer
		if !async && (s.start < p.start || s.end > p.end) {
			a.found.add(RuleClockSkew, fmt.Sprintf("trace %s span %s (%s %q) runs %s outside its parent %s (%s %q)",
				t.id, s.id, s.service, s.name, outside(s, p), p.id, p.service, p.name))
		}
	}
	for _, n := range children {
		g.fanout = max(g.fanout, n)
	}
	g.extent = last - first
	for i := range t.spans {
		g.depth = max(g.depth, depthOf(t, byID, i))
	}
	return g
}

func outside(s, p *span) string {
	var before, after uint64
	if s.start < p.start {
		before = p.start - s.start
	}
	if s.end > p.end {
		after = s.end - p.end
	}
	return fmt.Sprintf("%.3fms", float64(max(before, after))/1e6)
}

// depthOf counts the ancestors present in the trace (a root is depth 1); a cycle of parent
// ids (hostile or broken data) stops at the trace's size.
func depthOf(t *trace, byID map[pcommon.SpanID]int, i int) int {
	d := 1
	for n := 0; n < len(t.spans); n++ {
		s := &t.spans[i]
		if s.parent.IsEmpty() {
			break
		}
		pi, ok := byID[s.parent]
		if !ok || pi == i {
			break
		}
		i = pi
		d++
	}
	return d
}
