package analyze

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// criticalPath follows, from the trace's longest root, the child that ends last: the chain
// of spans the trace's end waited on. Self time is a segment's duration minus its critical
// child's, so the segments' self times add up to where the latency went.
func criticalPath(t *trace, extent uint64) SlowTrace {
	out := SlowTrace{TraceID: t.id.String(), DurationMs: float64(extent) / 1e6, Spans: len(t.spans)}
	kids := map[pcommon.SpanID][]int{}
	present := map[pcommon.SpanID]bool{}
	for i := range t.spans {
		present[t.spans[i].id] = true
	}
	root := -1
	for i := range t.spans {
		s := &t.spans[i]
		if !s.parent.IsEmpty() && present[s.parent] && s.parent != s.id {
			kids[s.parent] = append(kids[s.parent], i)
			continue
		}
		if root < 0 || s.duration() > t.spans[root].duration() {
			root = i
		}
	}
	if root < 0 {
		return out
	}
	seen := map[int]bool{}
	for cur := root; cur >= 0 && !seen[cur]; {
		seen[cur] = true
		s := &t.spans[cur]
		next := -1
		for _, k := range kids[s.id] {
			if next < 0 || t.spans[k].end > t.spans[next].end {
				next = k
			}
		}
		self := s.duration()
		if next >= 0 {
			self -= min(self, t.spans[next].duration())
		}
		out.CriticalPath = append(out.CriticalPath, Segment{
			Service: s.service, Name: s.name, DurationMs: float64(s.duration()) / 1e6, SelfMs: float64(self) / 1e6,
		})
		cur = next
	}
	return out
}
