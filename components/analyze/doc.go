// Package analyze summarises trace data and checks its quality, for `otelcol-bridge analyze`:
// per service and operation span counts, error rates and latency percentiles; the shape of
// traces (depth, fan-out, spans per trace); the critical path of the slowest traces; and lint
// rules that find what breaks or degrades a migration (orphan spans, clock skew, duplicate or
// 64-bit ids, missing service.name, deprecated attribute names from components/semconv's
// table, error spans without an error status, ids in span names).
//
// An Analyzer accumulates spans (Add) from any number of files already decoded to OTLP by
// components/convert, then builds a Report. It keeps a few words per span, not the pdata.
package analyze
