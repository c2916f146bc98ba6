//go:generate mdatagen metadata.yaml

// Package legacynormalizeprocessor implements the legacy_normalize processor: it rewrites
// attributes that legacy clients and contrib's Jaeger and Zipkin translators leave on old
// naming conventions (OpenTracing tags, Jaeger process tags, Zipkin tags, OpenTelemetry
// semantic conventions before the stable HTTP, database and messaging ones) to the current
// semantic conventions, replacing them or adding the new names next to the old. The mapping
// table lives in components/semconv.
package legacynormalizeprocessor // import "github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor"
