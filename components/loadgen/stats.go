package loadgen

import (
	"math/bits"
	"sort"
	"time"
)

// latencyHist is a log-linear histogram of microseconds: 32 sub-buckets per power of two,
// so a quantile is off by at most ~3%. One per worker, merged at the end: no contention.
type latencyHist struct {
	counts []uint64
	total  uint64
	max    time.Duration
}

const subBits = 5

func newLatencyHist() *latencyHist {
	return &latencyHist{counts: make([]uint64, (64-subBits)<<subBits)}
}

func bucketOf(us uint64) int {
	if us < 1<<subBits {
		return int(us)
	}
	e := bits.Len64(us) - subBits - 1
	return (e+1)<<subBits + int((us>>uint(e))&(1<<subBits-1))
}

// bucketMid is the middle of a bucket, in microseconds.
func bucketMid(i int) float64 {
	if i < 1<<subBits {
		return float64(i)
	}
	e := i>>subBits - 1
	m := uint64(i & (1<<subBits - 1))
	lower := (1<<subBits + m) << uint(e)
	return float64(lower) + float64(uint64(1)<<uint(e))/2
}

func (h *latencyHist) record(d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	h.counts[bucketOf(uint64(us))]++
	h.total++
	if d > h.max {
		h.max = d
	}
}

func (h *latencyHist) merge(o *latencyHist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the latency below which a fraction q of the requests fall.
func (h *latencyHist) quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(q*float64(h.total) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			d := time.Duration(bucketMid(i) * float64(time.Microsecond))
			if d > h.max {
				d = h.max
			}
			return d
		}
	}
	return h.max
}

// tally is one worker's accounting. Every item sent ends in exactly one of accepted,
// refused, failed or unacked, so sent == accepted + refused + failed + unacked always.
type tally struct {
	requests, sent                    int64
	accepted, refused, failed, unackd int64
	wireBytes                         int64
	late                              int64
	maxLag                            time.Duration
	hist                              *latencyHist
	reasons                           map[string]int64
}

func newTally() *tally {
	return &tally{hist: newLatencyHist(), reasons: map[string]int64{}}
}

// outcomeKind says what became of a request.
type outcomeKind uint8

const (
	outcomeAccepted outcomeKind = iota // 2xx, gRPC OK
	outcomeRefused                     // the receiver answered with an error status
	outcomeFailed                      // no answer: connection error, timeout
	outcomeUnacked                     // UDP: written, no answer exists
)

// outcome is the result of one request. rejected counts items an OTLP partial success
// refused within an accepted request.
type outcome struct {
	kind     outcomeKind
	rejected int64
	reason   string // status or error, for the report
}

const maxReasons = 20

func (t *tally) record(items, wire int64, o outcome, latency time.Duration) {
	t.requests++
	t.sent += items
	t.wireBytes += wire
	t.hist.record(latency)
	switch o.kind {
	case outcomeAccepted:
		rej := min(max(o.rejected, 0), items)
		t.accepted += items - rej
		t.refused += rej
		if rej > 0 {
			t.reason("partial success: rejected items")
		}
	case outcomeRefused:
		t.refused += items
		t.reason(o.reason)
	case outcomeFailed:
		t.failed += items
		t.reason(o.reason)
	case outcomeUnacked:
		t.unackd += items
	}
}

func (t *tally) reason(r string) {
	if _, ok := t.reasons[r]; ok || len(t.reasons) < maxReasons {
		t.reasons[r]++
	} else {
		t.reasons["(other)"]++
	}
}

func (t *tally) merge(o *tally) {
	t.requests += o.requests
	t.sent += o.sent
	t.accepted += o.accepted
	t.refused += o.refused
	t.failed += o.failed
	t.unackd += o.unackd
	t.wireBytes += o.wireBytes
	t.late += o.late
	t.maxLag = max(t.maxLag, o.maxLag)
	t.hist.merge(o.hist)
	for k, v := range o.reasons {
		t.reasons[k] += v
	}
}

// Reason is one kind of refusal or failure and how many requests ended that way.
type Reason struct {
	Reason   string `json:"reason"`
	Requests int64  `json:"requests"`
}

func sortedReasons(m map[string]int64) []Reason {
	out := make([]Reason, 0, len(m))
	for k, v := range m {
		out = append(out, Reason{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Requests != out[j].Requests {
			return out[i].Requests > out[j].Requests
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}
