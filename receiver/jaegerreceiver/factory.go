package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"context"

	contrib "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/jaegerreceiver"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver/internal/metadata"
)

// contribFactory serves the gRPC protocol and supplies the default
// configuration (contrib's defaults: localhost:14250, :14268, :6831,
// :6832; queue_size 1000, max_packet_size 65000, workers 10).
var contribFactory = contrib.NewFactory()

// NewFactory returns the jaeger receiver factory.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		contribFactory.CreateDefaultConfig,
		receiver.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createTraces(ctx context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	c := cfg.(*Config)
	r, err := newReceiver(set, c, next)
	if err != nil {
		return nil, err
	}
	if c.Protocols.GRPC.HasValue() {
		// contrib's receiver with only its gRPC protocol: same server
		// settings, same PostSpans translation, same telemetry.
		grpcOnly := *c
		grpcOnly.Protocols.ThriftHTTP = configoptional.None[confighttp.ServerConfig]()
		grpcOnly.Protocols.ThriftBinaryUDP = configoptional.None[contrib.ProtocolUDP]()
		grpcOnly.Protocols.ThriftCompactUDP = configoptional.None[contrib.ProtocolUDP]()
		if r.grpc, err = contribFactory.CreateTraces(ctx, set, &grpcOnly, next); err != nil {
			return nil, err
		}
	}
	return r, nil
}
