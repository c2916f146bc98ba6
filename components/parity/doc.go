// Package parity checks that two tracing backends hold the same traces: it fetches traces by
// id from each side (Jaeger's query API, Zipkin's API v2, or OTLP JSON files such as the file
// exporter writes), normalizes both with components/semconv, and reports traces and spans
// missing on one side and differences in span names, kinds, parents, statuses and
// attributes. `otelcol-bridge parity` is its command line.
package parity // import "github.com/otelcol-bridge/otelcol-bridge/components/parity"
