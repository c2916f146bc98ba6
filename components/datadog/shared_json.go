package datadog

import (
	"unsafe"

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
	if len(js) < minSharedJSON {
		from := dst.Len()
		if !appendMetaEvents(js, dst) {
			return false
		}
		cost := 0
		for i := from; i < dst.Len(); i++ {
			cost += 1 + dst.At(i).Attributes().Len()
		}
		tr.bud.attr(cost)
		return true
	}
	if sj, _, ok := tr.sharedEntry(js, true); ok {
		if !sj.ok || !tr.bud.attr(sj.cost) {
			return sj.ok
		}
		dst.EnsureCapacity(dst.Len() + sj.events.Len() - sj.from)
		for i := sj.from; i < sj.events.Len(); i++ {
			sj.events.At(i).CopyTo(dst.AppendEmpty())
		}
		return true
	}
	_, key, _ := tr.sharedEntry(js, true)
	sj := &sharedJSON{events: dst, from: dst.Len()}
	sj.ok = appendMetaEvents(js, dst)
	if sj.ok {
		for i := sj.from; i < dst.Len(); i++ {
			sj.cost += 1 + dst.At(i).Attributes().Len()
		}
		tr.bud.attr(sj.cost)
	}
	tr.remember(key, sj)
	return sj.ok
}

// metaLinks is metaEvents for "_dd.span_links".
func (tr *translation) metaLinks(js string, dst ptrace.SpanLinkSlice) bool {
	if len(js) < minSharedJSON {
		from := dst.Len()
		if !appendMetaLinks(js, dst) {
			return false
		}
		cost := 0
		for i := from; i < dst.Len(); i++ {
			cost += 1 + dst.At(i).Attributes().Len()
		}
		tr.bud.attr(cost)
		return true
	}
	if sj, _, ok := tr.sharedEntry(js, false); ok {
		if !sj.ok || !tr.bud.attr(sj.cost) {
			return sj.ok
		}
		dst.EnsureCapacity(dst.Len() + sj.links.Len() - sj.from)
		for i := sj.from; i < sj.links.Len(); i++ {
			sj.links.At(i).CopyTo(dst.AppendEmpty())
		}
		return true
	}
	_, key, _ := tr.sharedEntry(js, false)
	sj := &sharedJSON{links: dst, from: dst.Len()}
	sj.ok = appendMetaLinks(js, dst)
	if sj.ok {
		for i := sj.from; i < dst.Len(); i++ {
			sj.cost += 1 + dst.At(i).Attributes().Len()
		}
		tr.bud.attr(sj.cost)
	}
	tr.remember(key, sj)
	return sj.ok
}
