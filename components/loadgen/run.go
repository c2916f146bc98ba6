package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Config is one load run.
type Config struct {
	Protocol Protocol
	Signal   Signal
	// Endpoint is host:port, or for HTTP protocols also a URL; empty is the protocol's
	// default port on 127.0.0.1.
	Endpoint string
	// Rate is the global target in items (spans, log records, data points) per second,
	// over all workers together; 0 sends as fast as the receiver answers (saturation).
	Rate            float64
	Duration        time.Duration
	ItemsPerRequest int
	// Workers is the number of concurrent requests (connections for gRPC and UDP).
	Workers int
	// Replay is a file whose traces (or logs, metrics) are sent instead of synthesized ones:
	// OTLP JSON (one document or JSON lines, as the file exporter writes), OTLP protobuf, or
	// Zipkin v2 JSON; gzip-compressed files too.
	Replay string
	// ReplayRaw is a request body captured from a client for Protocol (zipkin-json,
	// zipkin-proto, jaeger-thrift-http), sent with its spans as captured: repeated, in
	// turn, to ItemsPerRequest spans per request, or the body as captured when
	// ItemsPerRequest is 0. gzip-compressed files too.
	ReplayRaw string
	// Compression is "" or "gzip" (Content-Encoding for HTTP, the gRPC compressor for gRPC).
	Compression string
	// Timeout bounds each request.
	Timeout time.Duration
	// Variants is how many distinct payloads (different trace and span ids) are encoded and
	// sent in turn; 0 picks 8, fewer for very large payloads.
	Variants int
}

// Defaults used by the CLI.
const (
	DefaultRate            = 10000
	DefaultDuration        = 10 * time.Second
	DefaultItemsPerRequest = 100
	DefaultTimeout         = 10 * time.Second
)

// ErrInvalidConfig wraps every configuration error.
var ErrInvalidConfig = errors.New("invalid load configuration")

// Validate checks the configuration; errors name the flag.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	if _, ok := protocols[c.Protocol]; !ok {
		return bad("--protocol %q is not one of %v", c.Protocol, Protocols())
	}
	if c.Signal == "" {
		c.Signal = Traces
	}
	if !c.Protocol.supports(c.Signal) {
		return bad("--signal %s: %s carries traces only", c.Signal, c.Protocol)
	}
	if math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0) || c.Rate < 0 {
		return bad("--rate must be >= 0 (0 saturates), got %v", c.Rate)
	}
	if c.Duration <= 0 {
		return bad("--duration must be positive, got %s", c.Duration)
	}
	if c.Replay != "" && c.ReplayRaw != "" {
		return bad("--replay and --replay-raw are exclusive")
	}
	if c.ReplayRaw != "" {
		if _, ok := rawReplayProtocols[c.Protocol]; !ok {
			return bad("--replay-raw: --protocol %s is not one of zipkin-json, zipkin-proto, jaeger-thrift-http", c.Protocol)
		}
		if c.ItemsPerRequest < 0 {
			return bad("--spans-per-request must be positive (or 0 with --replay-raw: as captured), got %d", c.ItemsPerRequest)
		}
	} else if c.Replay == "" && c.ItemsPerRequest <= 0 {
		return bad("--spans-per-request must be positive, got %d", c.ItemsPerRequest)
	}
	if c.Workers <= 0 {
		return bad("--workers must be positive, got %d", c.Workers)
	}
	if c.Compression != "" && c.Compression != "none" && c.Compression != "gzip" {
		return bad("--compression must be none or gzip, got %q", c.Compression)
	}
	if c.Compression == "none" {
		c.Compression = ""
	}
	if c.Compression != "" && protocols[c.Protocol].transport == transportUDP {
		return bad("--compression: %s has no compression", c.Protocol)
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Variants < 0 {
		return bad("variants must be >= 0, got %d", c.Variants)
	}
	if _, err := resolveEndpoint(c.Protocol, c.Signal, c.Endpoint); err != nil {
		return bad("--endpoint: %v", err)
	}
	return nil
}

// Report is the outcome of a run. Items are spans for traces.
type Report struct {
	Protocol        string  `json:"protocol"`
	Signal          string  `json:"signal"`
	Target          string  `json:"target"`
	Mode            string  `json:"mode"` // "rate" or "saturate"
	RequestedRate   float64 `json:"requested_rate"`
	DurationSeconds float64 `json:"duration_seconds"` // from the first request to the last answer
	Workers         int     `json:"workers"`
	ItemsPerRequest float64 `json:"items_per_request"`
	Requests        int64   `json:"requests"`
	Sent            int64   `json:"sent"`
	Accepted        int64   `json:"accepted"`
	Refused         int64   `json:"refused"`
	Failed          int64   `json:"failed"`
	// Unacknowledged items were written to UDP, which has no answer.
	Unacknowledged int64   `json:"unacknowledged"`
	SentRate       float64 `json:"sent_per_second"`
	AcceptedRate   float64 `json:"accepted_per_second"`
	// LateRequests left later than their scheduled time by more than 10 ms or one interval
	// (the generator or the receiver could not keep up); MaxLagMillis is the worst lag.
	LateRequests int64   `json:"late_requests"`
	MaxLagMillis float64 `json:"max_lag_ms"`
	LatencyP50   float64 `json:"latency_p50_ms"`
	LatencyP95   float64 `json:"latency_p95_ms"`
	LatencyP99   float64 `json:"latency_p99_ms"`
	LatencyMax   float64 `json:"latency_max_ms"`
	// WireBytesPerItem is request body bytes (after compression, gRPC's too) per item;
	// framing and headers are not counted.
	WireBytesPerItem float64 `json:"wire_bytes_per_item"`
	WireBytes        int64   `json:"wire_bytes"`
	// GeneratorCPUSeconds is this process's CPU time during the run (not the encoding before
	// it); GeneratorCores is that over the run's duration.
	GeneratorCPUSeconds float64  `json:"generator_cpu_seconds"`
	GeneratorCores      float64  `json:"generator_cores"`
	EncodeSeconds       float64  `json:"encode_seconds"`
	Variants            int      `json:"payload_variants"`
	Reasons             []Reason `json:"reasons,omitempty"`
}

// Lossless reports whether every item sent was accepted (UDP: written).
func (r *Report) Lossless() bool {
	return r.Refused == 0 && r.Failed == 0 && r.Accepted+r.Unacknowledged == r.Sent
}

// Run encodes the payloads, then sends them as configured and reports.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	target, _ := resolveEndpoint(cfg.Protocol, cfg.Signal, cfg.Endpoint)
	encStart := time.Now()
	pool, err := BuildPayloads(cfg)
	if err != nil {
		return nil, err
	}
	encodeTime := time.Since(encStart)
	newSender, closeAll, err := newSenderFactory(&cfg, target)
	if err != nil {
		return nil, err
	}
	defer closeAll()
	senders := make([]sender, cfg.Workers)
	for i := range senders {
		if senders[i], err = newSender(); err != nil {
			for _, s := range senders[:i] {
				s.close()
			}
			return nil, fmt.Errorf("connecting to %s: %w", target, err)
		}
	}
	defer func() {
		for _, s := range senders {
			s.close()
		}
	}()
	rep := runSchedule(ctx, &cfg, realClock{}, pool, senders)
	rep.Target = target
	rep.EncodeSeconds = encodeTime.Seconds()
	return rep, nil
}

// runSchedule sends pool payloads in turn from len(senders) workers (see sendAll) and
// reports on the run (see newReport).
func runSchedule(ctx context.Context, cfg *Config, clock Clock, pool []Payload, senders []sender) *Report {
	return newReport(cfg, pool, len(senders), sendAll(ctx, cfg, clock, pool, senders))
}

// runResult is what the scheduling loop measured, before it becomes a Report.
type runResult struct {
	total    *tally        // every worker's tally merged
	elapsed  time.Duration // from the first request to the last answer
	cpu      time.Duration // this process's CPU time during the loop
	interval float64       // nanoseconds between requests; 0 saturates
}

// sendAll is the scheduling loop. With a rate, request k is due at start + k × (items per
// request / rate): one global schedule that the workers share, so the rate does not depend
// on the number of workers, and a worker that falls behind sends at once (counted late)
// instead of skipping. The run covers the requests due within the duration, so a run sends
// exactly rate × duration items, rounded to whole requests.
func sendAll(ctx context.Context, cfg *Config, clock Clock, pool []Payload, senders []sender) runResult {
	var interval float64 // nanoseconds between requests
	if cfg.Rate > 0 {
		interval = float64(pool[0].Items) / cfg.Rate * 1e9
	}
	lateAfter := time.Duration(max(interval, float64(10*time.Millisecond)))
	var next atomic.Int64
	start := clock.Now()
	end := start.Add(cfg.Duration)
	var nReq int64 = math.MaxInt64
	if interval > 0 {
		nReq = int64(math.Ceil(float64(cfg.Duration) / interval))
	}
	tallies := make([]*tally, len(senders))
	cpuStart := processCPU()
	var wg sync.WaitGroup
	var lastDone atomic.Int64 // unix nanos of the last answer
	for w := range senders {
		t := newTally()
		tallies[w] = t
		wg.Go(func() {
			if wc, ok := clock.(workerClock); ok {
				defer wc.WorkerDone()
			}
			s := senders[w]
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= nReq {
					return
				}
				var due time.Time
				if interval > 0 {
					due = start.Add(time.Duration(float64(k) * interval))
					if clock.SleepUntil(ctx, due) != nil {
						return
					}
				} else if !clock.Now().Before(end) {
					return
				}
				p := &pool[k%int64(len(pool))]
				t0 := clock.Now()
				if interval > 0 {
					if lag := t0.Sub(due); lag > lateAfter {
						t.late++
						t.maxLag = max(t.maxLag, lag)
					}
				}
				o := s.send(ctx, p)
				t1 := clock.Now()
				wire := p.WireSize
				if wire == 0 {
					wire = len(p.Body)
				}
				t.record(int64(p.Items), int64(wire), o, t1.Sub(t0))
				for {
					prev := lastDone.Load()
					if t1.UnixNano() <= prev || lastDone.CompareAndSwap(prev, t1.UnixNano()) {
						break
					}
				}
			}
		})
	}
	wg.Wait()
	cpu := processCPU() - cpuStart
	total := newTally()
	for _, t := range tallies {
		total.merge(t)
	}
	elapsed := time.Duration(lastDone.Load() - start.UnixNano())
	if elapsed <= 0 {
		elapsed = clock.Now().Sub(start)
	}
	return runResult{total: total, elapsed: elapsed, cpu: cpu, interval: interval}
}

// newReport turns what the loop measured into the run's report: counts, rates over the
// elapsed time, latency quantiles, bytes per item.
func newReport(cfg *Config, pool []Payload, workers int, o runResult) *Report {
	total := o.total
	rep := &Report{
		Protocol:            string(cfg.Protocol),
		Signal:              string(cfg.Signal),
		Mode:                "saturate",
		RequestedRate:       cfg.Rate,
		DurationSeconds:     o.elapsed.Seconds(),
		Workers:             workers,
		ItemsPerRequest:     float64(pool[0].Items),
		Requests:            total.requests,
		Sent:                total.sent,
		Accepted:            total.accepted,
		Refused:             total.refused,
		Failed:              total.failed,
		Unacknowledged:      total.unackd,
		LateRequests:        total.late,
		MaxLagMillis:        ms(total.maxLag),
		LatencyP50:          ms(total.hist.quantile(0.50)),
		LatencyP95:          ms(total.hist.quantile(0.95)),
		LatencyP99:          ms(total.hist.quantile(0.99)),
		LatencyMax:          ms(total.hist.max),
		WireBytes:           total.wireBytes,
		Variants:            len(pool),
		Reasons:             sortedReasons(total.reasons),
		GeneratorCPUSeconds: o.cpu.Seconds(),
	}
	if o.interval > 0 {
		rep.Mode = "rate"
	}
	if s := o.elapsed.Seconds(); s > 0 {
		rep.SentRate = float64(total.sent) / s
		rep.AcceptedRate = float64(total.accepted) / s
		rep.GeneratorCores = o.cpu.Seconds() / s
	}
	if total.sent > 0 {
		rep.WireBytesPerItem = float64(total.wireBytes) / float64(total.sent)
	}
	return rep
}

// workerClock is implemented by simulated clocks, which advance time only when every worker
// waits on them and so must know when a worker stops.
type workerClock interface {
	WorkerDone()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BuildPayloads encodes the payload variants of a run.
func BuildPayloads(cfg Config) ([]Payload, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ReplayRaw != "" {
		return buildRawPayload(cfg)
	}
	var replay any
	if cfg.Replay != "" {
		var err error
		if replay, err = loadReplay(cfg.Replay, cfg.Signal); err != nil {
			return nil, err
		}
	}
	now := time.Now()
	variants := cfg.Variants
	if variants == 0 {
		variants = 8
	}
	var pool []Payload
	var poolBytes int
	for v := range variants {
		var data any
		if replay != nil {
			data = withVariantIDs(replay, v)
		} else {
			switch cfg.Signal {
			case Logs:
				data = SynthLogs(cfg.ItemsPerRequest, v, now)
			case Metrics:
				data = SynthMetrics(cfg.ItemsPerRequest, v, now)
			default:
				data = SynthTraces(cfg.ItemsPerRequest, v, now)
			}
		}
		p, err := encodePayload(cfg.Protocol, data)
		if err != nil {
			return nil, err
		}
		if p.Items == 0 {
			return nil, fmt.Errorf("%w: the payload has no %s", ErrInvalidConfig, cfg.Signal)
		}
		if protocols[cfg.Protocol].transport == transportUDP && len(p.Body) > udpMaxPacket {
			fit := int(float64(p.Items) * udpMaxPacket / float64(len(p.Body)) * 0.95)
			return nil, fmt.Errorf("%w: a %s request of %d spans is %d bytes, over the %d-byte UDP packet limit; use --spans-per-request %d or less",
				ErrInvalidConfig, cfg.Protocol, p.Items, len(p.Body), udpMaxPacket, max(fit, 1))
		}
		if cfg.Compression == "gzip" {
			switch protocols[cfg.Protocol].transport {
			case transportHTTP:
				p.Body = gzipBytes(p.Body)
			case transportGRPC: // grpc compresses while sending; count what goes out
				p.WireSize = len(gzipBytes(p.Body))
			}
		}
		pool = append(pool, p)
		poolBytes += len(p.Body)
		// Enough variants to vary ids; bounded memory for huge requests.
		if cfg.Variants == 0 && poolBytes > 256<<20 && len(pool) >= 2 {
			break
		}
	}
	runtime.GC()
	return pool, nil
}

// buildRawPayload is the one payload of a --replay-raw run: the captured spans keep their
// ids, so there is one variant (receivers do not deduplicate).
func buildRawPayload(cfg Config) ([]Payload, error) {
	p, err := loadRawReplay(cfg.ReplayRaw, cfg.Protocol, cfg.ItemsPerRequest)
	if err != nil {
		return nil, err
	}
	if cfg.Compression == "gzip" {
		p.Body = gzipBytes(p.Body)
	}
	return []Payload{p}, nil
}

func encodePayload(p Protocol, data any) (Payload, error) {
	var items int
	var body []byte
	var err error
	var hdr map[string]string
	switch d := data.(type) {
	case ptrace.Traces:
		items = d.SpanCount()
		body, err = Encode(p, d)
		hdr = headersFor(p, d)
	default:
		items = itemCount(data)
		body, err = encodeOTLP(p, data)
	}
	if err != nil {
		return Payload{}, fmt.Errorf("encoding %s: %w", p, err)
	}
	return Payload{Body: body, Items: items, Header: hdr}, nil
}
