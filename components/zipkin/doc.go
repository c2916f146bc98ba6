// Package zipkin decodes the Zipkin span formats (v2 JSON and proto3, v1 JSON
// and Thrift) that Zipkin tracers post to /api/v2/spans and /api/v1/spans, and
// translates them to OTLP (pdata). v1 Thrift is read by contrib's Thrift
// deserializer, then translated here.
//
// The JSON and proto3 decoders stream the body straight into pdata: no zipkin-go model, no
// per-span maps, and strings alias the body wherever it holds them verbatim
// (so the caller must not modify or reuse the body while the traces are in
// use). Their output equals contrib's pkg/translator/zipkin translators with the
// collector's default feature gates, except for the differences listed in
// receiver/zipkinreceiver/README.md (spans kept when other spans of the same
// request are invalid; resource tags when spans of one service disagree).
//
// It holds no collector plumbing, so the receiver, the CLI and the benchmarks
// share exactly the same code.
package zipkin
