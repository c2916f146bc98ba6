//go:build bench

package main

import (
	"strings"
	"time"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

type group string

const (
	groupSaturation group = "saturation"
	groupFixed      group = "fixed-rate"
	groupGateway    group = "gateway"
	groupProfiling  group = "profiling"
	// groupReplay saturates with a real client's captured request body (loadgen
	// --replay-raw) instead of synthetic spans; reported with the saturation group.
	groupReplay group = "replay"
)

// captureDir holds the captured request bodies the replay scenarios send.
const captureDir = "components/loadgen/testdata/captures"

// variant is one side of a comparison: a binary and a pipeline.
type variant struct {
	label  string
	binary string
	config string // file under test/load/configs
	ours   bool
}

// scenario is one comparison: the same load against side a and side b.
type scenario struct {
	id, title       string
	group           group
	protocol        loadgen.Protocol
	spansPerRequest int
	workers         int
	rate            float64 // 0 saturates
	duration        time.Duration
	a, b            variant
	// replayRaw is a captured body (relative to the repository root) whose spans are sent,
	// repeated to spansPerRequest, instead of synthetic ones.
	replayRaw string
}

func allScenarios(o *options) []scenario {
	ours := variant{label: "otelcol-bridge", binary: o.ours, config: "receivers-batch-nop.yaml", ours: true}
	ref := variant{label: "reference (contrib v0.158.0)", binary: o.ref, config: "receivers-batch-nop.yaml"}
	gateway := variant{label: "otelcol-bridge gateway", binary: o.ours, config: "gateway-default.yaml", ours: true}
	profiling := variant{label: "otelcol-bridge + profiling", binary: o.ours, config: "profiling.yaml", ours: true}
	sat := func(id, title string, p loadgen.Protocol, spans, workers int) scenario {
		return scenario{id: id, title: title, group: groupSaturation, protocol: p, spansPerRequest: spans, workers: workers, duration: o.duration, a: ours, b: ref}
	}
	replay := func(id, title string, p loadgen.Protocol, capture string) scenario {
		sc := sat(id, title, p, 1000, 4)
		sc.group, sc.replayRaw = groupReplay, captureDir+"/"+capture
		return sc
	}
	fixed := func(id string, rate float64) scenario {
		return scenario{id: id, title: "OTLP gRPC, 100 spans/request, " + strings.TrimSuffix(id, "") + " spans/s", group: groupFixed,
			protocol: loadgen.OTLPGRPC, spansPerRequest: 100, workers: 8, rate: rate, duration: o.duration, a: ours, b: ref}
	}
	f10k := fixed("fixed-10k", 10_000)
	f10k.title = "OTLP gRPC at 10,000 spans/s (100 spans/request)"
	f100k := fixed("fixed-100k", 100_000)
	f100k.title = "OTLP gRPC at 100,000 spans/s (100 spans/request)"
	return []scenario{
		sat("otlp-grpc-1000", "OTLP gRPC, 1,000 spans/request", loadgen.OTLPGRPC, 1000, 4),
		sat("otlp-grpc-100", "OTLP gRPC, 100 spans/request", loadgen.OTLPGRPC, 100, 8),
		sat("jaeger-thrift-1000", "Jaeger Thrift HTTP, 1,000 spans/request", loadgen.JaegerThriftHTTP, 1000, 4),
		// UDP has no back-pressure: saturating it measures the kernel's drops, so the agent
		// port gets a fixed rate well under both builds' capacity (spans per CPU-second is
		// what compares them).
		{id: "jaeger-udp-compact", title: "Jaeger agent UDP, Thrift compact, 50 spans/packet, 30,000 spans/s", group: groupSaturation,
			protocol: loadgen.JaegerUDPCompact, spansPerRequest: 50, workers: 2, rate: 30_000, duration: o.duration, a: ours, b: ref},
		sat("zipkin-json-1000", "Zipkin v2 JSON, 1,000 spans/request", loadgen.ZipkinJSON, 1000, 4),
		sat("zipkin-json-100", "Zipkin v2 JSON, 100 spans/request", loadgen.ZipkinJSON, 100, 8),
		sat("zipkin-proto-1000", "Zipkin v2 proto3, 1,000 spans/request", loadgen.ZipkinProto, 1000, 4),
		sat("datadog-v04-1000", "Datadog v0.4 msgpack, 1,000 spans/request", loadgen.DatadogV04, 1000, 4),
		sat("datadog-v1-1000", "Datadog v1.0 msgpack, 1,000 spans/request", loadgen.DatadogV1, 1000, 4),
		replay("replay-zipkin-go-json-1000", "Replayed zipkin-go capture, Zipkin v2 JSON, 1,000 spans/request", loadgen.ZipkinJSON, "zipkin-go.v2.json"),
		replay("replay-zipkin-go-proto-1000", "Replayed zipkin-go capture, Zipkin v2 proto3, 1,000 spans/request", loadgen.ZipkinProto, "zipkin-go.v2.proto"),
		replay("replay-jaeger-client-go-1000", "Replayed jaeger-client-go capture, Jaeger Thrift HTTP, 1,000 spans/request", loadgen.JaegerThriftHTTP, "jaeger-client-go.thrift"),
		f10k,
		f100k,
		{id: "gateway-100k", title: "Default gateway processors vs batch only, OTLP gRPC at 100,000 spans/s", group: groupGateway,
			protocol: loadgen.OTLPGRPC, spansPerRequest: 100, workers: 8, rate: 100_000, duration: o.duration, a: gateway, b: ours},
		{id: "gateway-saturation", title: "Default gateway processors vs batch only, OTLP gRPC saturated (1,000 spans/request)", group: groupGateway,
			protocol: loadgen.OTLPGRPC, spansPerRequest: 1000, workers: 4, duration: o.duration, a: gateway, b: ours},
		{id: "profiling-overhead", title: "Profiling extension at its default schedule vs none, OTLP gRPC at 50,000 spans/s", group: groupProfiling,
			protocol: loadgen.OTLPGRPC, spansPerRequest: 100, workers: 4, rate: 50_000, duration: o.profileDur, a: profiling, b: ours},
	}
}

func selectScenarios(all []scenario, only string) []scenario {
	if only == "" {
		return all
	}
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		want[strings.TrimSpace(s)] = true
	}
	var out []scenario
	for _, sc := range all {
		if want[sc.id] || want[string(sc.group)] {
			out = append(out, sc)
		}
	}
	return out
}
