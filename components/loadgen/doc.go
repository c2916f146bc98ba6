// Package loadgen generates trace load for a collector: it synthesizes (or replays) spans,
// pre-encodes them once per protocol (OTLP gRPC/HTTP, Jaeger Thrift/gRPC/UDP, Zipkin v2,
// Datadog msgpack), sends them on a global, rate-exact schedule or as fast as the receiver
// accepts them, and accounts for every span: sent = accepted + refused + failed (+ unacknowledged
// for UDP, which has no answer).
//
// It holds no collector plumbing: `otelcol-bridge loadgen` (distro/cli) and the side-by-side
// benchmarks (test/load) drive the same Run. Payloads are encoded before the clock starts and
// only picked per request, so the generator spends its CPU on the wire, not on encoding: the
// collector, not the generator, is what saturates.
package loadgen
