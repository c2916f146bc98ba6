//go:generate mdatagen metadata.yaml

// Package jaegerreceiver implements the jaeger receiver: contrib's jaeger
// receiver configuration (every key, validated by contrib's own code), with
// the Thrift paths (HTTP /api/traces, agent UDP compact and binary) served
// here and decoded by components/jaeger straight into pdata, and the gRPC
// path (api_v2 PostSpans) served by contrib's receiver itself. See README.md
// for what differs from contrib's receiver.
package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"
