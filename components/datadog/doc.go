// Package datadog decodes what Datadog tracing libraries (dd-trace-*) and
// Datadog Agents send to an Agent or to Datadog's intake, and translates it
// to OTLP (pdata): traces, tracer stats, DogStatsD lines, Agent metrics
// (series v1/v2/v3, sketches, distribution points, check runs), logs and
// profiling uploads.
//
// It holds no collector plumbing, so the receiver, `otelcol-bridge convert`
// (components/convert) and the benchmarks share exactly the same code. Every decoder reads straight from the
// request body: strings in the returned pdata alias the body, so the caller must
// not modify or reuse the body while the traces are in use.
//
// Trace payloads: /v0.3 and /v0.4 traces (msgpack and JSON), /v0.5 (string
// table), /v0.7 (TracerPayload, or the v0.4 shape), and /v1.0 (field-id maps with
// a streaming string table, as sent by dd-trace-go v2).
package datadog
