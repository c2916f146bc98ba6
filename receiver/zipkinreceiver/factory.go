package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/confignet"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver/internal/metadata"
)

const (
	defaultEndpoint = "localhost:9411"
	// confighttp's own default, made explicit so the README's number and
	// the 413 message agree with what is enforced.
	defaultMaxRequestBodySize = 20 * 1024 * 1024
)

// NewFactory returns the zipkin receiver factory.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
	)
}

// createDefaultConfig is contrib's zipkin receiver default (the same server
// timeouts and keep-alive setting), with the body limit spelled out.
func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	netAddr := confignet.NewDefaultAddrConfig()
	netAddr.Transport = confignet.TransportTypeTCP
	netAddr.Endpoint = defaultEndpoint
	server.NetAddr = netAddr
	server.WriteTimeout = 0
	server.ReadHeaderTimeout = 0
	server.IdleTimeout = 0
	server.KeepAlivesEnabled = false
	server.MaxRequestBodySize = defaultMaxRequestBodySize
	return &Config{ServerConfig: server}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return newReceiver(set, cfg.(*Config), next)
}
