// Package convert turns trace files from one wire format into another, for the
// `otelcol-bridge convert` command and its tests.
//
// Decoding uses exactly the translators the bridge's receivers use (contrib's
// pkg/translator/jaeger and pkg/translator/zipkin, components/datadog), so a file converted
// to OTLP shows what the bridge would have made of the same bytes on the wire. Encoding to a
// legacy format uses contrib's translators where they exist (jaeger.ProtoFromTraces, zipkinv2's
// marshalers) and components/loadgen's encoders otherwise (Thrift and Datadog), the same bytes
// the load generator sends to the receivers.
//
// A file holds one or more records. Formats whose messages delimit themselves (OTLP JSON
// lines, YAML documents, concatenated Thrift batches) are read and written record by record,
// so memory stays bounded by the largest record; the others hold one message per file.
package convert
