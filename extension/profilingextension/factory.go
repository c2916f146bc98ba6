package profilingextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/confignet"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/extension"

	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension/internal/metadata"
)

const (
	defaultEndpoint    = "localhost:1777"
	defaultInterval    = 60 * time.Second
	defaultCPUDuration = 10 * time.Second
	defaultTimeout     = 10 * time.Second
	defaultMaxFiles    = 100
	defaultMaxSizeMiB  = 256
)

// NewFactory creates the profiling extension's factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	return &Config{
		TCPAddrConfig: confignet.TCPAddrConfig{Endpoint: defaultEndpoint},
		Interval:      defaultInterval,
		CPUDuration:   defaultCPUDuration,
		Profiles:      []string{"cpu", "heap", "allocs", "goroutine"},
		Timeout:       defaultTimeout,
		OTLPGRPC:      configoptional.Default(configgrpc.NewDefaultClientConfig()),
		OTLPHTTP:      configoptional.Default(confighttp.NewDefaultClientConfig()),
		Pyroscope:     configoptional.Default(PyroscopeConfig{ClientConfig: confighttp.NewDefaultClientConfig()}),
		Files:         configoptional.Default(FilesConfig{MaxFiles: defaultMaxFiles, MaxTotalSizeMiB: defaultMaxSizeMiB}),
	}
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newExtension(cfg.(*Config), set)
}
