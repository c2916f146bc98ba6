package datadog

import "sync"

// TraceIDCache remembers the upper 64 bits of recent 128-bit trace ids by
// their lower 64 bits. It is only a fallback: a chunk normally carries its
// upper bits ("_dd.p.tid" on one of its spans, or the v1.0 chunk id), and only
// chunks without them (for example later partial flushes of a long trace from
// tracers that tag the first chunk only) look here. It is bounded and evicts
// the oldest entry first; it is safe for concurrent use.
type TraceIDCache struct {
	mu    sync.Mutex
	high  map[uint64]uint64
	order []uint64 // ring of keys in insertion order
	next  int
}

// NewTraceIDCache returns a cache holding up to size ids, or nil when size
// is not positive (no fallback).
func NewTraceIDCache(size int) *TraceIDCache {
	if size <= 0 {
		return nil
	}
	return &TraceIDCache{high: make(map[uint64]uint64, size), order: make([]uint64, 0, size)}
}

// Put records the upper bits of a trace id.
func (c *TraceIDCache) Put(low, high uint64) {
	if c == nil || high == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.high[low]; ok {
		c.high[low] = high
		return
	}
	if len(c.order) < cap(c.order) {
		c.order = append(c.order, low)
	} else {
		delete(c.high, c.order[c.next])
		c.order[c.next] = low
		c.next = (c.next + 1) % len(c.order)
	}
	c.high[low] = high
}

// Get returns the upper bits recorded for low.
func (c *TraceIDCache) Get(low uint64) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.high[low]
	return h, ok
}

// Len is the number of ids held.
func (c *TraceIDCache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.high)
}
