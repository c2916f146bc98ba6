// Package semconv maps telemetry written with legacy naming conventions (OpenTracing's
// standard tags, Jaeger client process tags, Zipkin/Brave tags, and OpenTelemetry semantic
// conventions from before the stable HTTP, database and messaging conventions, as emitted by
// contrib's Jaeger and Zipkin translators) to the current OpenTelemetry semantic conventions.
//
// The mapping is a table of Rules (Rules returns it, MarkdownTable renders it for the
// documentation) applied in place to pdata by a Normalizer. It has no collector plumbing, so
// the legacy_normalize processor, the `otelcol-bridge parity` command and the benchmarks run
// exactly the same code.
package semconv // import "github.com/otelcol-bridge/otelcol-bridge/components/semconv"
