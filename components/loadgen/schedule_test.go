package loadgen

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simClock is a discrete-event clock for a known number of workers: time moves only when
// every worker sleeps, straight to the earliest wake-up. Request latencies are sleeps, so
// concurrent requests overlap in simulated time exactly as they would in real time, and a
// test of a 10 s run takes milliseconds, with no timing flakiness.
type simClock struct {
	mu       sync.Mutex
	now      time.Time
	parties  int
	sleeping []*sleeper
}

type sleeper struct {
	at   time.Time
	wake chan struct{}
}

func newSimClock(workers int) *simClock {
	return &simClock{now: time.Unix(1_800_000_000, 0), parties: workers}
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) SleepUntil(_ context.Context, t time.Time) error {
	c.mu.Lock()
	if !t.After(c.now) {
		c.mu.Unlock()
		return nil
	}
	s := &sleeper{at: t, wake: make(chan struct{})}
	c.sleeping = append(c.sleeping, s)
	c.advanceLocked()
	c.mu.Unlock()
	<-s.wake
	return nil
}

func (c *simClock) WorkerDone() {
	c.mu.Lock()
	c.parties--
	c.advanceLocked()
	c.mu.Unlock()
}

func (c *simClock) advanceLocked() {
	if len(c.sleeping) == 0 || len(c.sleeping) < c.parties {
		return
	}
	sort.Slice(c.sleeping, func(i, j int) bool { return c.sleeping[i].at.Before(c.sleeping[j].at) })
	c.now = c.sleeping[0].at
	n := 0
	for n < len(c.sleeping) && !c.sleeping[n].at.After(c.now) {
		close(c.sleeping[n].wake)
		n++
	}
	c.sleeping = c.sleeping[n:]
}

// simSender answers after a fixed simulated latency and records when each request left.
type simSender struct {
	clock   *simClock
	latency time.Duration
	result  func(i int) outcome
	mu      *sync.Mutex
	sentAt  *[]time.Time
	n       int
}

func (s *simSender) send(ctx context.Context, _ *Payload) outcome {
	t0 := s.clock.Now()
	s.mu.Lock()
	*s.sentAt = append(*s.sentAt, t0)
	s.mu.Unlock()
	_ = s.clock.SleepUntil(ctx, t0.Add(s.latency))
	s.n++
	if s.result != nil {
		return s.result(s.n)
	}
	return outcome{kind: outcomeAccepted}
}

func (s *simSender) close() {}

type simRun struct {
	report *Report
	sentAt []time.Time
	start  time.Time
}

func runSim(t *testing.T, cfg Config, latency time.Duration, result func(int) outcome) simRun {
	t.Helper()
	clock := newSimClock(cfg.Workers)
	start := clock.Now()
	var mu sync.Mutex
	var sentAt []time.Time
	senders := make([]sender, cfg.Workers)
	for i := range senders {
		senders[i] = &simSender{clock: clock, latency: latency, result: result, mu: &mu, sentAt: &sentAt}
	}
	pool := []Payload{{Body: make([]byte, 1000), Items: cfg.ItemsPerRequest}}
	rep := runSchedule(context.Background(), &cfg, clock, pool, senders)
	sort.Slice(sentAt, func(i, j int) bool { return sentAt[i].Before(sentAt[j]) })
	return simRun{report: rep, sentAt: sentAt, start: start}
}

// perSecond counts the items that left in each whole second of the run.
func (r simRun) perSecond(itemsPerRequest int, seconds int) []int {
	counts := make([]int, seconds)
	for _, at := range r.sentAt {
		if s := int(at.Sub(r.start) / time.Second); s < seconds {
			counts[s] += itemsPerRequest
		}
	}
	return counts
}

func TestRateIsGlobalAndExact(t *testing.T) {
	for _, tc := range []struct {
		name            string
		rate            float64
		itemsPerRequest int
		workers         int
		latency         time.Duration
	}{
		{"one worker, fast receiver", 10_000, 100, 1, 2 * time.Millisecond},
		{"four workers share one schedule", 10_000, 100, 4, 35 * time.Millisecond},
		{"high rate, big requests", 100_000, 1000, 8, 40 * time.Millisecond},
		{"rate not a multiple of the request size", 7_777, 64, 3, 9 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const seconds = 10
			cfg := Config{Protocol: OTLPGRPC, Rate: tc.rate, Duration: seconds * time.Second, ItemsPerRequest: tc.itemsPerRequest, Workers: tc.workers}
			r := runSim(t, cfg, tc.latency, nil)
			rep := r.report
			// The requested rate, over the whole run and in every second of it: ±2%.
			assert.InEpsilon(t, tc.rate*seconds, float64(rep.Sent), 0.02, "items sent over the run")
			assert.InEpsilon(t, tc.rate, rep.SentRate, 0.02, "achieved rate")
			for s, n := range r.perSecond(tc.itemsPerRequest, seconds) {
				assert.InEpsilonf(t, tc.rate, float64(n), 0.02, "second %d", s)
			}
			assert.Zero(t, rep.LateRequests)
			assert.Equal(t, rep.Sent, rep.Accepted)
			assert.Equal(t, "rate", rep.Mode)
			assert.InDelta(t, ms(tc.latency), rep.LatencyP50, ms(tc.latency)*0.03+0.001)
		})
	}
}

// A receiver too slow for the requested rate shows as late requests and a lower achieved
// rate, never as silently skipped requests.
func TestRateFallsBehindVisibly(t *testing.T) {
	cfg := Config{Protocol: OTLPGRPC, Rate: 10_000, Duration: 10 * time.Second, ItemsPerRequest: 100, Workers: 2}
	r := runSim(t, cfg, 35*time.Millisecond, nil) // 2 workers / 35 ms = 57 requests/s < 100
	rep := r.report
	assert.Equal(t, int64(100_000), rep.Sent, "every scheduled request is still sent")
	assert.Positive(t, rep.LateRequests)
	assert.Greater(t, rep.MaxLagMillis, 1000.0)
	assert.InEpsilon(t, 2/0.035*100, rep.SentRate, 0.02, "the rate the receiver allowed")
}

func TestSaturateKeepsEveryWorkerBusy(t *testing.T) {
	cfg := Config{Protocol: OTLPGRPC, Duration: time.Second, ItemsPerRequest: 100, Workers: 3}
	r := runSim(t, cfg, 5*time.Millisecond, nil)
	assert.Equal(t, "saturate", r.report.Mode)
	assert.Equal(t, int64(3*200), r.report.Requests)
	assert.Equal(t, int64(3*200*100), r.report.Accepted)
}

func TestAccountingAddsUp(t *testing.T) {
	outcomes := []outcome{
		{kind: outcomeAccepted},
		{kind: outcomeAccepted, rejected: 7},
		{kind: outcomeRefused, reason: "HTTP 503"},
		{kind: outcomeFailed, reason: "dial: connection refused"},
		{kind: outcomeUnacked},
		{kind: outcomeAccepted, rejected: 500}, // more than the request held: capped
	}
	cfg := Config{Protocol: OTLPGRPC, Rate: 600, Duration: 10 * time.Second, ItemsPerRequest: 10, Workers: 1}
	r := runSim(t, cfg, time.Millisecond, func(i int) outcome { return outcomes[(i-1)%len(outcomes)] })
	rep := r.report
	require.Equal(t, int64(600), rep.Requests)
	per := int64(600 / len(outcomes) * 10) // items per outcome kind over the run
	assert.Equal(t, per+(per-7*per/10)+0, rep.Accepted)
	assert.Equal(t, per+7*per/10+per, rep.Refused)
	assert.Equal(t, per, rep.Failed)
	assert.Equal(t, per, rep.Unacknowledged)
	assert.Equal(t, rep.Sent, rep.Accepted+rep.Refused+rep.Failed+rep.Unacknowledged)
	assert.False(t, rep.Lossless())
	reasons := map[string]int64{}
	for _, rs := range rep.Reasons {
		reasons[rs.Reason] = rs.Requests
	}
	assert.Equal(t, map[string]int64{"HTTP 503": 100, "dial: connection refused": 100, "partial success: rejected items": 200}, reasons)
}

func TestLatencyQuantiles(t *testing.T) {
	h := newLatencyHist()
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Millisecond)
	}
	assert.InEpsilon(t, 500, ms(h.quantile(0.5)), 0.03)
	assert.InEpsilon(t, 950, ms(h.quantile(0.95)), 0.03)
	assert.InEpsilon(t, 990, ms(h.quantile(0.99)), 0.03)
	assert.Equal(t, time.Second, h.quantile(1))
	for _, us := range []uint64{0, 1, 31, 32, 33, 63, 64, 1000, 123456, 1 << 40} {
		i := bucketOf(us)
		assert.InEpsilon(t, float64(us)+1, bucketMid(i)+1, 0.035, "%d µs", us)
	}
}
