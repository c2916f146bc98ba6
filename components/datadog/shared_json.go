package datadog

import (
	"unsafe"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// sharedKey identifies one meta string by its bytes' address and length. A
// v0.5 payload's string table holds each distinct string once and every span
// refers to the same bytes, so one "events" or "_dd.span_links" JSON of 500
// KB can be the meta of thousands of spans. Keying by address makes the
// lookup O(1) instead of hashing the whole string once per span; strings
// with equal contents at different addresses are simply decoded separately.
type sharedKey struct {
	p      *byte
	n      int
	events bool
}

// sharedJSON is the first decoding of a meta JSON string: the span whose
// slice holds it, from index from on, and its cost in attributes.
type sharedJSON struct {
	ok     bool
	events ptrace.SpanEventSlice
	links  ptrace.SpanLinkSlice
	from   int
	cost   int
}

// minSharedJSON is the size from which a meta JSON string is remembered:
// decoding a shorter one again costs less than remembering it, and even a
// shared one costs at most this much per span (spans are bounded by
// max_items_per_request).
const minSharedJSON = 256

func (tr *translation) sharedEntry(js string, events bool) (*sharedJSON, sharedKey, bool) {
	key := sharedKey{p: unsafe.StringData(js), n: len(js), events: events}
	sj, ok := tr.shared[key]
	return sj, key, ok
}

func (tr *translation) remember(key sharedKey, sj *sharedJSON) {
	if tr.shared == nil {
		tr.shared = make(map[sharedKey]*sharedJSON)
	}
	tr.shared[key] = sj
}

// metaEvents appends the events of a meta "events" JSON to dst; false if it
// is not valid. A string seen before is copied, not decoded again; every copy
// counts against the budget.
func (tr *translation) metaEvents(js string, dst ptrace.SpanEventSlice) bool {
	return metaShared(tr, js, dst, true, appendMetaEvents,
		func(sj *sharedJSON) *ptrace.SpanEventSlice { return &sj.events })
}

// metaLinks is metaEvents for "_dd.span_links".
func (tr *translation) metaLinks(js string, dst ptrace.SpanLinkSlice) bool {
	return metaShared(tr, js, dst, false, appendMetaLinks,
		func(sj *sharedJSON) *ptrace.SpanLinkSlice { return &sj.links })
}

// metaSlice and metaItem are what metaShared needs of ptrace.SpanEventSlice /
// ptrace.SpanLinkSlice and their elements, so that events and links share one
// decode-once-then-copy path instead of two copies of it.
type metaSlice[E metaItem[E]] interface {
	Len() int
	At(int) E
	EnsureCapacity(int)
	AppendEmpty() E
}

type metaItem[E any] interface {
	CopyTo(E)
	Attributes() pcommon.Map
}

// metaShared decodes js into dst with decode, or copies the items of its
// first decoding when the same string was seen before (slot says where a
// sharedJSON keeps the slice of that kind). Short strings are decoded again:
// remembering them costs more than decoding them.
func metaShared[S metaSlice[E], E metaItem[E]](tr *translation, js string, dst S, events bool,
	decode func(string, S) bool, slot func(*sharedJSON) *S) bool {
	if len(js) < minSharedJSON {
		from := dst.Len()
		if !decode(js, dst) {
			return false
		}
		tr.bud.attr(metaCost[S, E](dst, from))
		return true
	}
	sj, key, seen := tr.sharedEntry(js, events)
	if seen {
		if !sj.ok || !tr.bud.attr(sj.cost) {
			return sj.ok
		}
		src := *slot(sj)
		dst.EnsureCapacity(dst.Len() + src.Len() - sj.from)
		for i := sj.from; i < src.Len(); i++ {
			src.At(i).CopyTo(dst.AppendEmpty())
		}
		return true
	}
	sj = &sharedJSON{from: dst.Len()}
	*slot(sj) = dst
	sj.ok = decode(js, dst)
	if sj.ok {
		sj.cost = metaCost[S, E](dst, sj.from)
		tr.bud.attr(sj.cost)
	}
	tr.remember(key, sj)
	return sj.ok
}

// metaCost is what the items of s from index from on cost in the attribute
// budget: one for the item and one per attribute.
func metaCost[S metaSlice[E], E metaItem[E]](s S, from int) int {
	cost := 0
	for i := from; i < s.Len(); i++ {
		cost += 1 + s.At(i).Attributes().Len()
	}
	return cost
}
