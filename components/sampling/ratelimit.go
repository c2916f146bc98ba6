package sampling

import (
	"errors"
	"sync"
	"time"
)

// Clock returns a monotonic time in nanoseconds. Tests inject a fake one.
type Clock func() int64

// MonotonicClock is the real clock: nanoseconds since it was created, from Go's
// monotonic reading, so wall-clock jumps never refill or drain a bucket.
func MonotonicClock() Clock {
	start := time.Now()
	return func() int64 { return int64(time.Since(start)) }
}

// RateLimitResult says how the limiter treated one record.
type RateLimitResult uint8

const (
	RateLimitAllowed  RateLimitResult = iota // a token was available
	RateLimitLimited                         // the key's bucket is empty
	RateLimitOverflow                        // max_keys reached: the shared overflow bucket is empty
)

// RateLimiter is a set of token buckets, one per key: each key may pass `rate` records
// per second on average and `burst` at once. The number of keys is bounded; past the
// bound, new keys share one overflow bucket with the same rate and burst, so a flood of
// unique keys is still limited and memory stays bounded. Safe for concurrent use.
type RateLimiter struct {
	ratePerNs float64
	burst     float64
	maxKeys   int
	now       Clock

	mu        sync.Mutex
	buckets   map[uint64]bucket
	overflow  bucket
	lastSweep int64
	swept     bool
}

type bucket struct {
	tokens float64
	last   int64 // clock reading of the last refill
}

// NewRateLimiter returns a limiter of rate records/s per key with the given burst (at
// least 1) and at most maxKeys tracked keys. clock may be nil for the real clock.
func NewRateLimiter(rate float64, burst, maxKeys int, clock Clock) (*RateLimiter, error) {
	if !(rate > 0) {
		return nil, errors.New("rate must be positive")
	}
	if burst < 1 {
		return nil, errors.New("burst must be at least 1")
	}
	if maxKeys < 1 {
		return nil, errors.New("max keys must be at least 1")
	}
	if clock == nil {
		clock = MonotonicClock()
	}
	l := &RateLimiter{
		ratePerNs: rate / float64(time.Second),
		burst:     float64(burst),
		maxKeys:   maxKeys,
		now:       clock,
		buckets:   make(map[uint64]bucket, min(maxKeys, 1024)),
	}
	l.overflow = bucket{tokens: l.burst, last: clock()}
	return l, nil
}

// Allow takes a token from key's bucket if one is available.
func (l *RateLimiter) Allow(key uint64) RateLimitResult {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()

	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys && !l.sweep(now) {
			if l.take(&l.overflow, now) {
				return RateLimitAllowed
			}
			return RateLimitOverflow
		}
		b = bucket{tokens: l.burst, last: now}
	}
	allowed := l.take(&b, now)
	l.buckets[key] = b
	if allowed {
		return RateLimitAllowed
	}
	return RateLimitLimited
}

// take refills b for the time since its last refill and takes one token if it can.
func (l *RateLimiter) take(b *bucket, now int64) bool {
	if elapsed := now - b.last; elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+float64(elapsed)*l.ratePerNs)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// sweep forgets the buckets that have refilled completely: a full bucket is the same as
// no bucket. It scans at most once per second of clock time (a scan is O(keys)) and
// reports whether there is room for a new key afterwards.
func (l *RateLimiter) sweep(now int64) bool {
	if l.swept && now-l.lastSweep < int64(time.Second) {
		return len(l.buckets) < l.maxKeys
	}
	l.lastSweep, l.swept = now, true
	for k, b := range l.buckets {
		if b.tokens+float64(now-b.last)*l.ratePerNs >= l.burst {
			delete(l.buckets, k)
		}
	}
	return len(l.buckets) < l.maxKeys
}

// Keys is the number of keys tracked now.
func (l *RateLimiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
