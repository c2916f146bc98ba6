package zipkin

import (
	"cmp"
	"slices"
	"time"
)

// span is one decoded Zipkin span. The decoders reuse one span for every span
// of a request: its slices keep their capacity, nothing is allocated per span.
// Strings alias the request body where the body holds them verbatim.
type span struct {
	traceHi, traceLo uint64
	id               uint64
	parent           uint64
	hasParent        bool
	idSet            bool // the format's span id was present (proto: non-empty)
	name             string
	kind             string
	start, end       uint64 // Unix nanoseconds, computed as contrib's translator does
	startAbsent      bool   // no timestamp: contrib marks the span with otel.zipkin.absentField.startTime
	local, remote    endpoint
	annotations      []annotation
	tags             []tag
	dedupIdx         []int32 // scratch of dedupTags
}

type endpoint struct {
	serviceName string
	ipv4, ipv6  string // formatted like net.IP.String(); "" when absent
	hasV4       bool
	hasV6       bool
	port        uint16
}

type annotation struct {
	ts    uint64 // Unix nanoseconds
	value string
}

type tag struct {
	key, value string
	class      keyClass
	link       int8 // N of an otlp.link.N key, else -1
	drop       bool // a later tag has the same key (last wins, as in a Go map)
}

func (s *span) reset() {
	s.traceHi, s.traceLo, s.id, s.parent = 0, 0, 0, 0
	s.hasParent, s.idSet, s.startAbsent = false, false, false
	s.name, s.kind = "", ""
	s.start, s.end = 0, 0
	s.local, s.remote = endpoint{}, endpoint{}
	clear(s.annotations)
	s.annotations = s.annotations[:0]
	clear(s.tags)
	s.tags = s.tags[:0]
}

// setTimes computes the span's start and end the way contrib's translator does
// from zipkin-go's model: time.Unix(0, µs*1e3) and Add(duration), so even
// overflowing values give the same nanoseconds.
func (s *span) setTimes(startNs int64, absent bool, dur time.Duration) {
	if absent {
		s.startAbsent = true
		s.start = 0
		s.end = uint64(time.Unix(0, 0).Add(dur).UnixNano())
		return
	}
	t := time.Unix(0, startNs)
	s.start = uint64(t.UnixNano())
	s.end = uint64(t.Add(dur).UnixNano())
}

// maxPairwiseDedup is the tag count up to which duplicates are found by
// comparing pairs (at most 496 mostly length-mismatched comparisons: cheaper
// than sorting; OTel exporters send 20-odd tags per span).
const maxPairwiseDedup = 32

// dedupTags marks every tag that a later tag of the same key replaces, as the
// Go map of zipkin-go's model does. Small tag sets (the usual case) compare
// pairwise; large ones sort, so a hostile span costs n log n, not n².
func (s *span) dedupTags() {
	n := len(s.tags)
	if n < 2 {
		return
	}
	if n <= maxPairwiseDedup {
		for i := 0; i < n-1; i++ {
			for j := i + 1; j < n; j++ {
				if s.tags[i].key == s.tags[j].key {
					s.tags[i].drop = true
					break
				}
			}
		}
		return
	}
	idx := s.dedupIdx[:0]
	for i := 0; i < n; i++ {
		idx = append(idx, int32(i))
	}
	s.dedupIdx = idx
	slices.SortStableFunc(idx, func(a, b int32) int { return cmp.Compare(s.tags[a].key, s.tags[b].key) })
	for i := 0; i < n-1; i++ {
		if s.tags[idx[i]].key == s.tags[idx[i+1]].key {
			s.tags[idx[i]].drop = true
		}
	}
}

// liveTags counts the tags that survive deduplication.
func (s *span) liveTags() int {
	n := 0
	for i := range s.tags {
		if !s.tags[i].drop {
			n++
		}
	}
	return n
}
