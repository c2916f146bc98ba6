//go:build chaos

package chaos

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// report prints a scenario's summary line (the reliability docs quote these) and returns it.
func report(t testing.TB, r Result) Result {
	t.Helper()
	fmt.Println("CHAOS " + r.Line())
	return r
}

// drain waits until every span the sender had acknowledged reached the sinks.
func drain(t testing.TB, s *Sender, sinks ...*Sink) bool {
	t.Helper()
	return drainWithin(t, drainTimeout, s, sinks...)
}

func drainWithin(t testing.TB, timeout time.Duration, s *Sender, sinks ...*Sink) bool {
	t.Helper()
	acked := s.Acked()
	return waitFor(timeout, func() bool {
		for id := range acked {
			found := false
			for _, sk := range sinks {
				if sk.HasAll(map[pcommon.SpanID]struct{}{id: {}}) {
					found = true
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	})
}

// gatewayConfig is the shipped persistent-queue gateway (helm examples/persistent-queue.yaml)
// on loopback, exporting to sink.
func gatewayConfig(t testing.TB, sink *Sink, dir string, sets ...string) *Config {
	t.Helper()
	gw := loopback(t, renderShipped(t, "persistent-queue", sets...)["gateway"], dir)
	pointAt(t, gw, traceExporter(t, gw), sink)
	return gw
}

// kill9Check is the kill -9 check every durability config goes through: the backend is down,
// the sender streams unique spans, the collector is killed with SIGKILL mid-stream (or, with
// settle > 0, that long after the stream stopped), then restarted on the same directory with
// the backend up. Every acknowledged span must arrive.
//
// interval paces each of the 4 senders (0: as fast as the collector answers).
func kill9Check(t *testing.T, name string, cfg *Config, sink *Sink, proto loadgen.Protocol, port int, killAfter, settle, interval time.Duration) {
	c := startCollector(t, name, cfg, "")
	s := &Sender{Proto: proto, Endpoint: cfg.Endpoint(t, port), Workers: 4, SpansPerReq: 100, Interval: interval, ID: 1}
	stop := s.Start()
	time.Sleep(killAfter)
	if settle > 0 {
		stop()
		time.Sleep(settle)
		c.Kill()
	} else {
		c.Kill()
		stop()
	}
	sink.Up()
	startCollector(t, name+"-restarted", cfg, "")
	drained := drain(t, s, sink)
	r := report(t, compare(name, s, sink))
	require.Positive(t, r.Acknowledged, "nothing was acknowledged before the kill: the scenario tested nothing")
	assert.True(t, drained, "acknowledged spans still missing after %s", drainTimeout)
	assert.Zero(t, r.Lost, "acknowledged spans lost across kill -9")
}

// TestKill9PersistentQueue: the Helm chart's persistent-queue gateway, killed with SIGKILL
// mid-stream with its backend down, three times at different moments. Each run sends over
// OTLP/HTTP, as the issue that found the batch processor's loss did.
func TestKill9PersistentQueue(t *testing.T) {
	for i, after := range []time.Duration{1500 * time.Millisecond, 2500 * time.Millisecond, 3500 * time.Millisecond} {
		t.Run(fmt.Sprintf("run%d", i+1), func(t *testing.T) {
			sink := newSink(t)
			cfg := gatewayConfig(t, sink, t.TempDir())
			kill9Check(t, fmt.Sprintf("kill9_persistent_queue_run%d", i+1), cfg, sink, loadgen.OTLPHTTP, 4318, after, 0, 0)
		})
	}
}

// TestKill9GatewayExample: examples/gateway/config.yaml (persistent queue, exporter-side
// batching) through the same kill -9 check, sending over OTLP/gRPC.
func TestKill9GatewayExample(t *testing.T) {
	sink := newSink(t)
	cfg := loopback(t, loadExample(t, "examples/gateway/config.yaml"), t.TempDir())
	pointAt(t, cfg, traceExporter(t, cfg), sink)
	kill9Check(t, "kill9_examples_gateway", cfg, sink, loadgen.OTLPGRPC, 4317, 2500*time.Millisecond, 0, 0)
}

// TestBackendOutage: 30 s without a backend under steady load, then recovery. Everything
// acknowledged arrives, and the exporter's queue (otelcol_exporter_queue_size, scraped from
// the collector's own /metrics) rises during the outage and drains after it.
func TestBackendOutage(t *testing.T) {
	sink := newSink(t)
	sink.Up()
	cfg := gatewayConfig(t, sink, t.TempDir())
	c := startCollector(t, "outage", cfg, "")
	// 2 workers × 100 spans every 50 ms: about 4,000 spans/s.
	s := &Sender{Proto: loadgen.OTLPGRPC, Endpoint: cfg.Endpoint(t, 4317), Workers: 2, SpansPerReq: 100, Interval: 50 * time.Millisecond, ID: 1}
	stop := s.Start()
	time.Sleep(3 * time.Second)
	sink.Down()
	downAt := time.Now()
	var peak float64
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		if v, err := c.Metric("otelcol_exporter_queue_size"); err == nil && v > peak {
			peak = v
		}
	}
	// Spans acknowledged while the backend was down, for the queue's bytes per span (the
	// figure the sizing section of the docs uses).
	during := s.ackedBetween(downAt, time.Now())
	sink.Up()
	time.Sleep(3 * time.Second)
	stop()
	drained := drain(t, s, sink)
	var final float64 = -1
	emptied := waitFor(drainTimeout, func() bool {
		v, err := c.Metric("otelcol_exporter_queue_size")
		final = v
		return err == nil && v == 0
	})
	r := compare("backend_outage_30s", s, sink)
	perSpan := 0.0
	if during > 0 {
		perSpan = peak / float64(during)
	}
	r.Extra = append(r.Extra, fmt.Sprintf("outage_s=30 rate_spans_per_s=%.0f queue_size_peak_bytes=%.0f queue_bytes_per_span=%.0f queue_size_after=%.0f",
		float64(during)/30, peak, perSpan, final))
	report(t, r)
	require.Positive(t, r.Acknowledged)
	assert.True(t, drained, "acknowledged spans missing after the backend came back")
	assert.Zero(t, r.Lost)
	assert.Empty(t, r.Refused, "a 30 s outage at this rate must fit the shipped queue")
	assert.Positive(t, peak, "otelcol_exporter_queue_size never rose during the outage")
	assert.True(t, emptied, "otelcol_exporter_queue_size did not drain back to 0 (last %.0f)", final)
}

// TestQueueFull: a tiny queue (256 KiB instead of the shipped 1 GiB) with the backend down.
// Once it is full, clients must get retryable errors (gRPC Unavailable/ResourceExhausted,
// HTTP 429/503), never a 2xx for data that is then dropped: after recovery every
// acknowledged span arrives.
func TestQueueFull(t *testing.T) {
	sink := newSink(t)
	cfg := gatewayConfig(t, sink, t.TempDir())
	exp := traceExporter(t, cfg)
	cfg.Set("exporters::"+exp+"::sending_queue::queue_size", 256<<10)
	startCollector(t, "queue-full", cfg, "")
	h := &Sender{Proto: loadgen.OTLPHTTP, Endpoint: cfg.Endpoint(t, 4318), Workers: 2, SpansPerReq: 100, ID: 1}
	g := &Sender{Proto: loadgen.OTLPGRPC, Endpoint: cfg.Endpoint(t, 4317), Workers: 2, SpansPerReq: 100, ID: 2}
	stopH, stopG := h.Start(), g.Start()
	time.Sleep(5 * time.Second)
	stopH()
	stopG()
	sink.Up()
	for _, s := range []*Sender{h, g} {
		drained := drain(t, s, sink)
		r := report(t, compare("queue_full_"+string(s.Proto), s, sink))
		require.Positive(t, r.Acknowledged)
		assert.True(t, drained)
		assert.Zero(t, r.Lost, "spans acknowledged and then dropped")
		assert.NotEmpty(t, r.Refused, "the queue never filled: the scenario tested nothing")
		for code := range r.Refused {
			assert.True(t, retryable(code), "refusal %s is not a retryable error", code)
		}
	}
}

// TestSIGTERMUnderLoad: SIGTERM (what Kubernetes sends) while clients keep sending, once with
// the backend up (the queue drains or stays on disk) and once with it down (the queue stays
// on disk); after a restart every acknowledged span arrives.
func TestSIGTERMUnderLoad(t *testing.T) {
	for _, backendUp := range []bool{true, false} {
		name := map[bool]string{true: "sigterm_under_load_backend_up", false: "sigterm_under_load_backend_down"}[backendUp]
		t.Run(name, func(t *testing.T) {
			sink := newSink(t)
			if backendUp {
				sink.Up()
			}
			cfg := gatewayConfig(t, sink, t.TempDir())
			c := startCollector(t, name, cfg, "")
			s := &Sender{Proto: loadgen.OTLPHTTP, Endpoint: cfg.Endpoint(t, 4318), Workers: 4, SpansPerReq: 100, ID: 1}
			stop := s.Start()
			time.Sleep(3 * time.Second)
			c.Terminate()
			stop()
			sink.Up()
			startCollector(t, name+"-restarted", cfg, "")
			drained := drain(t, s, sink)
			r := report(t, compare(name, s, sink))
			require.Positive(t, r.Acknowledged)
			assert.True(t, drained)
			assert.Zero(t, r.Lost)
		})
	}
}

// TestTwoTiersKilledSampler: the shipped tail-sampling-persistent example — a load_balancing
// gateway (static resolver here, k8s in the chart) in front of three sampler instances — with
// one sampler killed with SIGKILL mid-stream and restarted. Every trace's spans land on one
// sampler; the spans lost are the ones the killed sampler held in tail_sampling's memory
// (decision_wait), bounded by what it accepted in the last 2 × decision_wait + 2 s before the kill.
//
// Two changes to the shipped values, both for the test's length and counting: decision_wait
// 2 s (shipped: 30 s; the loss window scales with it) and an always_sample policy (shipped: 5 %
// probabilistic plus rules), so every span that survives is expected downstream.
func TestTwoTiersKilledSampler(t *testing.T) {
	const decisionWait = 2 * time.Second
	rendered := renderShipped(t, "tail-sampling-persistent")
	samplers := make([]*Config, 3)
	sinks := make([]*Sink, 3)
	procs := make([]*Collector, 3)
	var hostnames []any
	for i := range samplers {
		sinks[i] = newSink(t)
		sinks[i].Up()
		cfg := loopback(t, rendered["sampler"], t.TempDir())
		pointAt(t, cfg, traceExporter(t, cfg), sinks[i])
		cfg.Set("processors::tail_sampling::decision_wait", decisionWait.String())
		cfg.Set("processors::tail_sampling::policies", []any{map[string]any{"name": "all", "type": "always_sample"}})
		samplers[i] = cfg
		procs[i] = startCollector(t, fmt.Sprintf("sampler%d", i), cfg, "")
		hostnames = append(hostnames, cfg.Endpoint(t, 4317))
	}
	gwSink := newSink(t)
	gwSink.Up()
	gw := loopback(t, rendered["gateway"], t.TempDir())
	lb := traceExporter(t, gw)
	require.True(t, strings.HasPrefix(lb, "load_balancing"), "the gateway's traces go to %s", lb)
	gw.Set("exporters::"+lb+"::resolver", map[string]any{"static": map[string]any{"hostnames": hostnames}})
	pointAt(t, gw, "otlp_grpc", gwSink) // metrics and logs pipelines; unused here
	startCollector(t, "gateway", gw, "")

	s := &Sender{Proto: loadgen.OTLPGRPC, Endpoint: gw.Endpoint(t, 4317), Workers: 2, SpansPerReq: 100, Interval: 50 * time.Millisecond, ID: 1}
	stop := s.Start()

	// Accepted spans of the sampler to kill, sampled every 250 ms, for the loss bound.
	type sample struct {
		at time.Time
		v  float64
	}
	var samples []sample
	victim := 1
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if v, err := procs[victim].Metric("otelcol_receiver_accepted_spans"); err == nil {
			samples = append(samples, sample{time.Now(), v})
		}
	}
	last, err := procs[victim].Metric("otelcol_receiver_accepted_spans")
	require.NoError(t, err)
	killedAt := time.Now()
	procs[victim].Kill()
	// What the victim may have held: everything it accepted within two decision windows and
	// two seconds before the kill. One window is decision_wait itself; the second, and the
	// slack, cover decided traces still waiting for their storage write (tail_sampling hands
	// over one trace per request; docs/en/reliability.md, "Findings").
	window := 2*decisionWait + 2*time.Second
	base := 0.0
	for _, sm := range samples {
		if sm.at.Before(killedAt.Add(-window)) {
			base = sm.v
		}
	}
	bound := int(last - base)

	time.Sleep(3 * time.Second)
	procs[victim] = startCollector(t, "sampler1-restarted", samplers[victim], "")
	time.Sleep(3 * time.Second)
	stop()
	// Let decisions and queues settle: until the sinks stop changing (bounded).
	prev := -1
	waitFor(drainTimeout, func() bool {
		time.Sleep(2 * decisionWait)
		n := 0
		for _, sk := range sinks {
			_, total := sk.Received()
			n += total
		}
		stable := n == prev
		prev = n
		return stable
	})

	r := compare("two_tiers_killed_sampler", s, sinks...)
	// Every trace on exactly one sampler.
	owners := map[pcommon.TraceID]int{}
	for _, sk := range sinks {
		for tid := range sk.Traces() {
			owners[tid]++
		}
	}
	split := 0
	for _, n := range owners {
		if n > 1 {
			split++
		}
	}
	// Lost spans must belong to traces the victim owned: a trace another sampler delivered
	// was routed elsewhere, so its lost spans would be a routing or gateway loss.
	foreign := 0
	for _, id := range r.LostIDs {
		tid := s.traceOf(id)
		for i, sk := range sinks {
			if _, ok := sk.Traces()[tid]; ok && i != victim {
				foreign++
				break
			}
		}
	}
	r.Extra = append(r.Extra, fmt.Sprintf("traces=%d traces_on_more_than_one_sampler=%d lost_outside_killed_sampler=%d loss_bound=%d",
		len(owners), split, foreign, bound))
	report(t, r)
	require.Positive(t, r.Acknowledged)
	assert.Zero(t, split, "traces split over samplers")
	assert.Zero(t, foreign, "spans lost from traces the killed sampler did not own")
	assert.LessOrEqual(t, r.Lost, bound, "more spans lost than the killed sampler held")
}

// TestDiskFull: the shipped 1 GiB queue on an 8 MiB tmpfs, so the disk fills long before the
// queue does; backend down. The collector must stay up and refuse with retryable errors.
//
// Loss is reported, not failed: when the disk is full, exporterhelper's persistent queue
// (v0.158.0, persistent_queue.go) cannot record which items it dispatched and deletes them
// instead ("Failed updating currently dispatched items, trying to delete the item first"), so a
// few acknowledged requests can be dropped (0 in some runs, 200-300 spans of ~14,000 in others).
// That is an upstream limitation; the shipped configs avoid it by bounding the queue in bytes
// well below the volume (docs/en/reliability.md, "Sizing the queue"). Needs root for tmpfs.
func TestDiskFull(t *testing.T) {
	sink := newSink(t)
	dir := t.TempDir()
	cfg := gatewayConfig(t, sink, dir)
	queueDir := filepath.Join(dir, "queue")
	needsRoot(t, "the disk-full scenario (a tmpfs mount)")
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", queueDir).CombinedOutput(); err != nil {
		t.Fatalf("mount a tmpfs for the queue (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", queueDir).Run() })
	c := startCollector(t, "disk-full", cfg, "")
	h := &Sender{Proto: loadgen.OTLPHTTP, Endpoint: cfg.Endpoint(t, 4318), Workers: 2, SpansPerReq: 100, AttrBytes: 200, ID: 1}
	g := &Sender{Proto: loadgen.OTLPGRPC, Endpoint: cfg.Endpoint(t, 4317), Workers: 2, SpansPerReq: 100, AttrBytes: 200, ID: 2}
	stopH, stopG := h.Start(), g.Start()
	time.Sleep(6 * time.Second)
	stopH()
	stopG()
	alive := c.Alive()
	sink.Up()
	for _, s := range []*Sender{h, g} {
		// The backend was down 6 s: the retry backoff brings everything within ~15 s; what
		// is missing after 45 s was dropped.
		drained := drainWithin(t, 45*time.Second, s, sink)
		r := compare("disk_full_tmpfs_8MiB_"+string(s.Proto), s, sink)
		r.Extra = append(r.Extra, fmt.Sprintf("alive=%t", alive))
		if r.Lost > 0 || !drained {
			r.Extra = append(r.Extra, "report_only_loss=upstream_persistent_queue_drops_dispatched_items_on_full_disk")
			t.Logf("REPORT-ONLY: %d acknowledged spans lost on a full disk (upstream persistent queue; see the test's comment)", r.Lost)
		}
		report(t, r)
		assert.True(t, alive, "the collector died when its disk filled")
		require.Positive(t, r.Acknowledged)
		assert.NotEmpty(t, r.Refused, "the disk never filled: the scenario tested nothing")
		for code := range r.Refused {
			assert.True(t, retryable(code), "refusal %s is not a retryable error", code)
		}
	}
}
