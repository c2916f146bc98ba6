//go:generate mdatagen metadata.yaml

// Package zipkinreceiver implements the zipkin receiver: it serves Zipkin's
// span intake (/api/v2/spans in JSON and proto3, /api/v1/spans in JSON and
// Thrift) with the configuration keys of contrib's zipkin receiver, and
// translates v2 bodies with the streaming decoders of components/zipkin, whose
// output equals contrib's translator (see README.md for the deliberate
// differences). v1 bodies are translated by contrib's zipkinv1 package.
package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"
