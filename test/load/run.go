//go:build bench

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"time"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// runResult is one run: one fresh collector process, one load.
type runResult struct {
	Scenario string `json:"scenario"`
	Group    string `json:"group"`
	Side     string `json:"side"` // "a" or "b"
	Label    string `json:"label"`
	Rep      int    `json:"rep"`

	// From the generator.
	Sent         int64   `json:"sent"`
	GenAccepted  int64   `json:"generator_accepted"`
	GenRefused   int64   `json:"generator_refused"`
	GenFailed    int64   `json:"generator_failed"`
	Seconds      float64 `json:"seconds"`
	LatencyP50   float64 `json:"latency_p50_ms"`
	LatencyP99   float64 `json:"latency_p99_ms"`
	BytesPerSpan float64 `json:"wire_bytes_per_span"`
	LateRequests int64   `json:"late_requests"`
	GenCores     float64 `json:"generator_cores"`

	// From the collector: /proc and its own telemetry.
	ColAccepted    float64 `json:"collector_accepted"`
	ColRefused     float64 `json:"collector_refused"`
	BatchOut       float64 `json:"batch_out"`
	CPUSeconds     float64 `json:"collector_cpu_seconds"`
	Cores          float64 `json:"collector_cores"`
	AcceptedPerSec float64 `json:"accepted_per_second"`
	SpansPerCPUSec float64 `json:"spans_per_cpu_second"`
	PeakRSSMiB     float64 `json:"peak_rss_mib"`
	// AllocBytesPerSpan is heap allocated during the load (the Go runtime's cumulative
	// allocation counter, from the collector's own telemetry) per span passed on.
	AllocBytesPerSpan float64 `json:"alloc_bytes_per_span,omitempty"`
	IdleRSSMiB        float64 `json:"idle_rss_mib,omitempty"` // after start-up, before the load
	Profiles          int     `json:"profile_files,omitempty"`

	// Everything else the machine did meanwhile (other processes), in cores.
	OtherCores float64 `json:"other_cores"`

	// KernelDroppedSpans: UDP datagrams the kernel dropped (receive buffer full) times the
	// spans per datagram; not counted as the receiver's loss, shown in the report.
	KernelDroppedSpans int64 `json:"kernel_dropped_spans,omitempty"`

	Lossless bool   `json:"lossless"`
	Loss     string `json:"loss,omitempty"`
	// CountMismatch: every span reached the end of the pipeline, but the receiver's own
	// accepted counter says otherwise (a telemetry defect, not lost data).
	CountMismatch string `json:"count_mismatch,omitempty"`
	Error         string `json:"error,omitempty"`
}

func (r *runResult) summary() string {
	if r.Error != "" {
		return "ERROR " + r.Error
	}
	s := fmt.Sprintf("accepted %.0f/s, %.2f cores, %.0f spans/CPU-s, peak RSS %.0f MiB, p99 %.1f ms, gen %.2f cores, others %.2f cores",
		r.AcceptedPerSec, r.Cores, r.SpansPerCPUSec, r.PeakRSSMiB, r.LatencyP99, r.GenCores, r.OtherCores)
	if !r.Lossless {
		s += " LOSS: " + r.Loss
	}
	if r.CountMismatch != "" {
		s += " COUNT: " + r.CountMismatch
	}
	return s
}

func selfCPUSeconds() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func endpointFor(c *collector, p loadgen.Protocol) string {
	port := map[loadgen.Protocol]string{
		loadgen.OTLPGRPC: "OTLP_GRPC_PORT", loadgen.OTLPHTTP: "OTLP_HTTP_PORT", loadgen.OTLPHTTPJSON: "OTLP_HTTP_PORT",
		loadgen.JaegerThriftHTTP: "JAEGER_HTTP_PORT", loadgen.JaegerGRPC: "JAEGER_GRPC_PORT", loadgen.JaegerUDPCompact: "JAEGER_COMPACT_PORT",
		loadgen.ZipkinJSON: "ZIPKIN_PORT", loadgen.ZipkinProto: "ZIPKIN_PORT",
		loadgen.DatadogV04: "DATADOG_PORT", loadgen.DatadogV05: "DATADOG_PORT", loadgen.DatadogV1: "DATADOG_PORT",
	}[p]
	return fmt.Sprintf("127.0.0.1:%d", c.ports[port])
}

const (
	metricAccepted = "otelcol_receiver_accepted_spans"
	metricRefused  = "otelcol_receiver_refused_spans"
	metricBatchOut = "otelcol_processor_batch_batch_send_size_sum"
	metricAlloc    = "otelcol_process_runtime_total_alloc_bytes"
)

func runOnce(ctx context.Context, o *options, sc scenario, side string, v *variant, rep int) runResult {
	r := runResult{Scenario: sc.id, Group: string(sc.group), Label: v.label, Rep: rep, Side: side}
	c, err := startCollector(o, v)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer func() {
		if err := c.stop(); err != nil && r.Error == "" {
			r.Error = err.Error()
		}
	}()
	time.Sleep(time.Second) // let start-up work (config, first GC) settle before measuring
	_, r.IdleRSSMiB = c.memoryMiB()

	alloc0, _ := c.telemetry(metricAlloc)
	cpu0, _ := c.cpuSeconds()
	udpPort := 0
	if sc.protocol == loadgen.JaegerUDPCompact {
		udpPort = c.ports["JAEGER_COMPACT_PORT"]
	}
	drops0 := udpDrops(udpPort)
	sys0, self0, t0 := systemBusySeconds(), selfCPUSeconds(), time.Now()
	cfg := loadgen.Config{
		Protocol: sc.protocol, Endpoint: endpointFor(c, sc.protocol), Rate: sc.rate, Duration: sc.duration,
		ItemsPerRequest: sc.spansPerRequest, Workers: sc.workers,
	}
	if sc.replayRaw != "" {
		cfg.ReplayRaw = filepath.Join(o.root, sc.replayRaw)
	}
	gen, err := loadgen.Run(ctx, cfg)
	cpu1, _ := c.cpuSeconds()
	sys1, self1, wall := systemBusySeconds(), selfCPUSeconds(), time.Since(t0).Seconds()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Sent, r.GenAccepted, r.GenRefused, r.GenFailed = gen.Sent, gen.Accepted, gen.Refused, gen.Failed
	r.Seconds, r.LatencyP50, r.LatencyP99 = gen.DurationSeconds, gen.LatencyP50, gen.LatencyP99
	r.BytesPerSpan, r.LateRequests, r.GenCores = gen.WireBytesPerItem, gen.LateRequests, gen.GeneratorCores
	r.CPUSeconds = cpu1 - cpu0
	r.Cores = r.CPUSeconds / gen.DurationSeconds
	if wall > 0 {
		r.OtherCores = max(0, (sys1-sys0)-(cpu1-cpu0)-(self1-self0)) / wall
	}

	// Received: what the batch processor passed on once its 1 s timeout flushed the last
	// batch, and the receiver's own accepted counter.
	// UDP has no answer: what was written counts as delivered, less the datagrams the
	// kernel dropped because the socket's receive buffer was full (no receiver saw them).
	delivered := gen.Accepted + gen.Unacknowledged
	if udpPort != 0 {
		if d0, d1 := drops0, udpDrops(udpPort); d0 >= 0 && d1 > d0 {
			r.KernelDroppedSpans = (d1 - d0) * int64(sc.spansPerRequest)
			delivered -= r.KernelDroppedSpans
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	var tel map[string]float64
	for {
		tel, err = c.telemetry(metricAccepted, metricRefused, metricBatchOut, metricAlloc)
		if err == nil && tel[metricBatchOut] >= float64(delivered) {
			break
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		r.Error = "telemetry: " + err.Error()
		return r
	}
	r.ColAccepted, r.ColRefused, r.BatchOut = tel[metricAccepted], tel[metricRefused], tel[metricBatchOut]
	// Throughput counts what the pipeline delivered, so a receiver whose counter is off
	// neither gains nor loses.
	r.AcceptedPerSec = r.BatchOut / gen.DurationSeconds
	if r.CPUSeconds > 0 {
		r.SpansPerCPUSec = r.BatchOut / r.CPUSeconds
	}
	if a0, a1 := alloc0[metricAlloc], tel[metricAlloc]; a1 > a0 && r.BatchOut > 0 {
		r.AllocBytesPerSpan = (a1 - a0) / r.BatchOut
	}
	r.PeakRSSMiB, _ = c.memoryMiB()
	if files, _ := filepath.Glob(filepath.Join(c.dir, "profiles", "*")); len(files) > 0 {
		r.Profiles = len(files)
	}

	switch {
	case gen.Sent != gen.Accepted+gen.Unacknowledged:
		r.Loss = fmt.Sprintf("generator: %d of %d spans not accepted (%d refused, %d failed)", gen.Sent-gen.Accepted-gen.Unacknowledged, gen.Sent, gen.Refused, gen.Failed)
	case gen.Unacknowledged > 0 && r.BatchOut != float64(delivered):
		r.Loss = fmt.Sprintf("wrote %d spans over UDP (%d more dropped by the kernel), the pipeline passed on %.0f (the receiver counted %.0f)", delivered, r.KernelDroppedSpans, r.BatchOut, r.ColAccepted)
	case r.BatchOut != float64(delivered):
		r.Loss = fmt.Sprintf("answered 2xx/OK for %d spans, the pipeline passed on %.0f (the receiver counted %.0f)", gen.Accepted, r.BatchOut, r.ColAccepted)
	default:
		r.Lossless = true
	}
	if r.Lossless && r.ColAccepted != r.BatchOut {
		r.CountMismatch = fmt.Sprintf("all %.0f spans passed the pipeline, but otelcol_receiver_accepted_spans says %.0f", r.BatchOut, r.ColAccepted)
	}
	return r
}
