package zipkin

import (
	"sort"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Contrib's translator sorts the spans of a request with sort.Sort by
// (local service name, scope name), using a comparator that also answers
// "less" for equal keys, and then groups consecutive spans. Its output order
// (resources, scopes, spans) is therefore sort.Sort's permutation, which is
// deterministic: finish reproduces it by running the same sort over the
// spans' keys, so even order-sensitive consumers and goldens see contrib's
// output. While spans are appended, their DroppedAttributesCount (which
// Zipkin spans never carry; it is reset to 0) holds their request index, and
// the resources' and scopes' hold their group index, so pdata's own Sort can
// reorder them without a side table per element.

// spanKey is a span's sort key and its request index.
type spanKey struct {
	service, scope string
}

// byContrib sorts request indexes as contrib's byOTLPTypes sorts spans.
type byContrib struct {
	idx  []int32
	keys []spanKey
}

func (s byContrib) Len() int      { return len(s.idx) }
func (s byContrib) Swap(i, j int) { s.idx[i], s.idx[j] = s.idx[j], s.idx[i] }
func (s byContrib) Less(i, j int) bool {
	a, b := &s.keys[s.idx[i]], &s.keys[s.idx[j]]
	if d := strings.Compare(a.service, b.service); d != 0 {
		return d <= 0
	}
	return strings.Compare(a.scope, b.scope) <= 0
}

// reorder puts resources, scopes and spans in contrib's order.
func (b *builder) reorder() {
	n := len(b.keys)
	if n == 0 {
		return
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	sort.Sort(byContrib{idx: idx, keys: b.keys})
	rank := make([]uint32, n)
	for r, i := range idx {
		rank[i] = uint32(r)
	}
	rss := b.td.ResourceSpans()
	for i := range b.groups {
		g := &b.groups[i]
		sss := g.rs.ScopeSpans()
		for j := range g.scopes {
			spans := g.scopes[j].spans
			if spans.Len() > 1 {
				spans.Sort(func(x, y ptrace.Span) bool {
					return rank[x.DroppedAttributesCount()] < rank[y.DroppedAttributesCount()]
				})
			}
			for k := 0; k < spans.Len(); k++ {
				spans.At(k).SetDroppedAttributesCount(0)
			}
		}
		if sss.Len() > 1 {
			sss.Sort(func(x, y ptrace.ScopeSpans) bool {
				return g.scopes[x.Scope().DroppedAttributesCount()].name < g.scopes[y.Scope().DroppedAttributesCount()].name
			})
		}
		for j := 0; j < sss.Len(); j++ {
			sss.At(j).Scope().SetDroppedAttributesCount(0)
		}
	}
	if rss.Len() > 1 {
		rss.Sort(func(x, y ptrace.ResourceSpans) bool {
			return b.groups[x.Resource().DroppedAttributesCount()].service < b.groups[y.Resource().DroppedAttributesCount()].service
		})
	}
	for i := 0; i < rss.Len(); i++ {
		rss.At(i).Resource().SetDroppedAttributesCount(0)
	}
}
