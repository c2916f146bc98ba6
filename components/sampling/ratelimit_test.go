package sampling

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a manually advanced clock.
type fakeClock struct{ now int64 }

func (c *fakeClock) clock() Clock            { return func() int64 { return c.now } }
func (c *fakeClock) advance(d time.Duration) { c.now += int64(d) }
func newLimiter(t *testing.T, rate float64, burst, maxKeys int, c *fakeClock) *RateLimiter {
	t.Helper()
	l, err := NewRateLimiter(rate, burst, maxKeys, c.clock())
	require.NoError(t, err)
	return l
}

// TestRateLimiterAccuracy offers far more than the rate, at regular and at random
// intervals, and checks that what passes is the rate (plus the initial burst) within 5%.
func TestRateLimiterAccuracy(t *testing.T) {
	cases := []struct {
		name      string
		rate      float64
		burst     int
		offeredPS float64 // records per second offered
		jitter    bool
	}{
		{"100/s offered 1000/s", 100, 10, 1000, false},
		{"100/s offered 1000/s jittered", 100, 10, 1000, true},
		{"2.5/s offered 50/s", 2.5, 1, 50, true},
		{"5000/s offered 20000/s", 5000, 500, 20000, true},
		{"10/s offered 30/s jittered", 10, 5, 30, true},
		{"10/s offered 8/s passes all", 10, 5, 8, false},
	}
	const seconds = 120
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{}
			l := newLimiter(t, tc.rate, tc.burst, 10, c)
			rng := rand.New(rand.NewPCG(1, 2))
			gap := float64(time.Second) / tc.offeredPS
			allowed, offered := 0, 0
			for elapsed := int64(0); elapsed < seconds*int64(time.Second); {
				offered++
				if l.Allow(7) == RateLimitAllowed {
					allowed++
				}
				step := gap
				if tc.jitter {
					step = rng.ExpFloat64() * gap // Poisson arrivals
				}
				c.advance(time.Duration(step))
				elapsed += int64(step)
			}
			want := min(float64(offered), tc.rate*seconds+float64(tc.burst))
			assert.InEpsilon(t, want, float64(allowed), 0.05, "allowed %d, want about %.0f", allowed, want)
		})
	}
}

func TestRateLimiterBurst(t *testing.T) {
	c := &fakeClock{}
	l := newLimiter(t, 10, 5, 10, c)
	for i := 0; i < 5; i++ {
		require.Equal(t, RateLimitAllowed, l.Allow(1), "burst record %d", i)
	}
	assert.Equal(t, RateLimitLimited, l.Allow(1), "the burst is spent")
	assert.Equal(t, RateLimitAllowed, l.Allow(2), "another key has its own bucket")

	c.advance(100 * time.Millisecond) // one token at 10/s
	assert.Equal(t, RateLimitAllowed, l.Allow(1))
	assert.Equal(t, RateLimitLimited, l.Allow(1))

	c.advance(time.Hour) // an idle key refills to the burst, not beyond
	n := 0
	for l.Allow(1) == RateLimitAllowed {
		n++
	}
	assert.Equal(t, 5, n)
}

func TestRateLimiterBoundedKeys(t *testing.T) {
	c := &fakeClock{}
	l := newLimiter(t, 1, 2, 3, c)
	for k := uint64(0); k < 3; k++ {
		require.Equal(t, RateLimitAllowed, l.Allow(k))
	}
	// Keys 0..2 are not full again yet, so new keys share the overflow bucket (burst 2).
	assert.Equal(t, RateLimitAllowed, l.Allow(100))
	assert.Equal(t, RateLimitAllowed, l.Allow(101))
	assert.Equal(t, RateLimitOverflow, l.Allow(102))
	assert.Equal(t, 3, l.Keys())

	// Once the tracked buckets have refilled they are forgotten and new keys get their own.
	c.advance(3 * time.Second)
	assert.Equal(t, RateLimitAllowed, l.Allow(103))
	assert.Equal(t, 1, l.Keys())
}

func TestNewRateLimiterRejects(t *testing.T) {
	_, err := NewRateLimiter(0, 1, 1, nil)
	assert.Error(t, err)
	_, err = NewRateLimiter(1, 0, 1, nil)
	assert.Error(t, err)
	_, err = NewRateLimiter(1, 1, 0, nil)
	assert.Error(t, err)
}

func TestRateLimiterAllowDoesNotAllocate(t *testing.T) {
	l, err := NewRateLimiter(1e9, 1000, 100, nil)
	require.NoError(t, err)
	l.Allow(1)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { l.Allow(1) }))
}
