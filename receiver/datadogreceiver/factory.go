package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/xconsumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/xreceiver"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadata"
)

// NewFactory returns the datadog receiver factory. Traces, metrics, logs and
// profiles receivers of one configuration share one HTTP server.
func NewFactory() receiver.Factory {
	return xreceiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		xreceiver.WithTraces(createTraces, metadata.TracesStability),
		xreceiver.WithMetrics(createMetrics, metadata.MetricsStability),
		xreceiver.WithLogs(createLogs, metadata.LogsStability),
		xreceiver.WithProfiles(createProfiles, metadata.ProfilesStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	server.ReadTimeout = defaultReadTimeout
	server.MaxRequestBodySize = defaultMaxRequestBodySize
	return &Config{
		ServerConfig:            server,
		TraceIDCacheSize:        defaultTraceIDCacheSize,
		SpanName:                SpanNameResource,
		MaxItemsPerRequest:      defaultMaxItemsPerRequest,
		MaxAttributesPerRequest: defaultMaxAttributesPerRequest,
		DecodeWaitTimeout:       defaultDecodeWaitTimeout,
		DogStatsD: configoptional.Default(DogStatsDConfig{
			Endpoint:   defaultDogStatsDEndpoint,
			QueueSize:  defaultDogStatsDQueueSize,
			BufferSize: defaultDogStatsDBufferSize,
		}),
	}
}

func createTraces(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
	return sharedReceiver(set, cfg.(*Config), func(r *datadogReceiver) { r.nextTraces = next })
}

func createMetrics(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Metrics) (receiver.Metrics, error) {
	return sharedReceiver(set, cfg.(*Config), func(r *datadogReceiver) { r.nextMetrics = next })
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return sharedReceiver(set, cfg.(*Config), func(r *datadogReceiver) { r.nextLogs = next })
}

func createProfiles(_ context.Context, set receiver.Settings, cfg component.Config, next xconsumer.Profiles) (xreceiver.Profiles, error) {
	return sharedReceiver(set, cfg.(*Config), func(r *datadogReceiver) { r.nextProfiles = next })
}
