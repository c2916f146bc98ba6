package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/jaegerreceiver"
)

// Config is contrib's jaeger receiver configuration, not a copy of it:
// protocols.grpc, protocols.thrift_http (all of confighttp),
// protocols.thrift_compact and protocols.thrift_binary (endpoint,
// queue_size, max_packet_size, workers, socket_buffer_size), and
// remote_sampling (refused by Validate, as contrib refuses it). A contrib
// configuration therefore loads, defaults and validates exactly as it does
// with contrib's receiver, including Validate's messages.
type Config = contrib.Config
