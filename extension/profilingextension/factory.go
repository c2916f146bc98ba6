package profilingextension

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
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

	// The pprof server's timeouts. Requests have no body worth reading, so headers and
	// body get short bounds and a slow client cannot hold a connection open. The write
	// timeout need not cover a CPU profile or trace: net/http/pprof extends the write
	// deadline by the `seconds` it was asked for.
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 30 * time.Second
	defaultWriteTimeout      = 30 * time.Second
	defaultIdleTimeout       = 60 * time.Second
)

// NewFactory creates the profiling extension's factory.
func NewFactory() extension.Factory {
	return extension.NewFactory(metadata.Type, createDefaultConfig, create, metadata.ExtensionStability)
}

func createDefaultConfig() component.Config {
	return &Config{
		ServerConfig: defaultServerConfig(),
		Interval:     defaultInterval,
		CPUDuration:  defaultCPUDuration,
		Profiles:     []string{"cpu", "heap", "allocs", "goroutine"},
		Timeout:      defaultTimeout,
		OTLPGRPC:     configoptional.Default(configgrpc.NewDefaultClientConfig()),
		OTLPHTTP:     configoptional.Default(confighttp.NewDefaultClientConfig()),
		Pyroscope:    configoptional.Default(PyroscopeConfig{ClientConfig: confighttp.NewDefaultClientConfig()}),
		Files:        configoptional.Default(FilesConfig{MaxFiles: defaultMaxFiles, MaxTotalSizeMiB: defaultMaxSizeMiB}),
	}
}

// defaultServerConfig is confighttp's default server on localhost:1777 with the
// timeouts above; without TLS or auth, which is why the default binds to localhost.
func defaultServerConfig() confighttp.ServerConfig {
	sc := confighttp.NewDefaultServerConfig()
	sc.NetAddr.Endpoint = defaultEndpoint
	sc.ReadHeaderTimeout = defaultReadHeaderTimeout
	sc.ReadTimeout = defaultReadTimeout
	sc.WriteTimeout = defaultWriteTimeout
	sc.IdleTimeout = defaultIdleTimeout
	return sc
}

func create(_ context.Context, set extension.Settings, cfg component.Config) (extension.Extension, error) {
	return newConfiguredExtension(cfg.(*Config), set)
}

// newConfiguredExtension is the extension with the destinations its config names.
func newConfiguredExtension(cfg *Config, set extension.Settings) (*profilingExtension, error) {
	resource := resourceAttributes(set, cfg.Labels)
	return newExtension(cfg, set, resource, newDestinations(cfg, set, resource))
}
