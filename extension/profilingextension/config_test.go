package profilingextension

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension/internal/metadata"
)

func TestEmptyConfigGivesDefaults(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, createDefaultConfig(), cfg)
	assert.Equal(t, "localhost:1777", cfg.NetAddr.Endpoint)
	assert.Equal(t, 10*time.Second, cfg.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, cfg.ReadTimeout)
	assert.Equal(t, 30*time.Second, cfg.WriteTimeout)
	assert.Equal(t, 60*time.Second, cfg.IdleTimeout)
	assert.False(t, cfg.TLS.HasValue(), "no TLS by default: the default endpoint is localhost")
	assert.False(t, cfg.Auth.HasValue())
	assert.Equal(t, 60*time.Second, cfg.Interval)
	assert.Equal(t, 10*time.Second, cfg.CPUDuration)
	assert.Equal(t, []string{"cpu", "heap", "allocs", "goroutine"}, cfg.Profiles)
	assert.False(t, cfg.hasDestination(), "defaults serve the pull endpoints only")
	require.NoError(t, confmap.Validate(cfg))
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name        string
		check       func(*testing.T, *Config)
		validateErr string
		unmarshal   string
	}{
		{name: "", check: func(t *testing.T, c *Config) { assert.Equal(t, createDefaultConfig(), c) }},
		{name: "full", check: func(t *testing.T, c *Config) {
			assert.Equal(t, "127.0.0.1:6060", c.NetAddr.Endpoint)
			assert.Equal(t, 10000, c.BlockProfileFraction)
			assert.Equal(t, 5, c.MutexProfileFraction)
			assert.Equal(t, 30*time.Second, c.Interval)
			assert.Equal(t, 5*time.Second, c.CPUDuration)
			assert.Len(t, c.Profiles, 6)
			assert.Equal(t, map[string]string{"deployment.environment.name": "prod"}, c.Labels)
			require.NotNil(t, c.OTLPGRPC.Get())
			assert.Equal(t, "collector:4317", c.OTLPGRPC.Get().Endpoint)
			assert.True(t, c.OTLPGRPC.Get().TLS.Insecure)
			require.NotNil(t, c.OTLPHTTP.Get())
			require.NotNil(t, c.Pyroscope.Get())
			assert.Equal(t, "gateway", c.Pyroscope.Get().ApplicationName)
			v, ok := c.Pyroscope.Get().Headers.Get("X-Scope-OrgID")
			assert.True(t, ok)
			assert.Equal(t, configopaque.String("team-a"), v)
			require.NotNil(t, c.Files.Get())
			assert.Equal(t, FilesConfig{Directory: "./profiles", MaxFiles: defaultMaxFiles, MaxTotalSizeMiB: defaultMaxSizeMiB}, *c.Files.Get())
			assert.True(t, c.hasDestination())
		}},
		{name: "pull_only", check: func(t *testing.T, c *Config) { assert.Empty(t, c.NetAddr.Endpoint) }},
		{name: "secured", check: func(t *testing.T, c *Config) {
			assert.Equal(t, "0.0.0.0:1777", c.NetAddr.Endpoint)
			require.True(t, c.TLS.HasValue())
			assert.Equal(t, "/certs/tls.crt", c.TLS.Get().CertFile)
			assert.Equal(t, "/certs/ca.crt", c.TLS.Get().ClientCAFile)
			require.True(t, c.Auth.HasValue())
			assert.Equal(t, component.MustNewIDWithName("bearertokenauth", "pprof"), c.Auth.Get().AuthenticatorID)
			assert.Equal(t, 5*time.Second, c.ReadTimeout)
			assert.Equal(t, 2*time.Minute, c.WriteTimeout)
			assert.Equal(t, 10*time.Second, c.ReadHeaderTimeout, "unset timeouts keep their defaults")
		}},
		{name: "no_write_timeout", check: func(t *testing.T, c *Config) { assert.Zero(t, c.WriteTimeout) }},
		{name: "negative_read_timeout", validateErr: "read_timeout must not be negative, got -1s"},
		{name: "duty_cycle", validateErr: "cpu_duration 10s is more than 25% of interval 20s: the CPU profiler would be busy too long"},
		{name: "mutex_without_fraction", validateErr: "profiles include mutex but mutex_profile_fraction is 0 (mutex profiling off)"},
		{name: "unknown_kind", validateErr: `profiles: unknown profile kind "threadcreate" (want one of cpu, heap, allocs, goroutine, mutex, block)`},
		{name: "twice", validateErr: `profiles: "heap" listed twice`},
		{name: "short_interval", validateErr: "interval must be at least 1s, got 500ms"},
		{name: "bad_pyroscope", validateErr: `pyroscope: endpoint must be a URL like http://pyroscope:4040, got "pyroscope:4040"`},
		{name: "files_without_directory", validateErr: "files: directory must be set"},
		{name: "typo", unmarshal: "decoding failed due to the following error(s):\n\n'profilingextension.Config' has invalid keys: intervall"},
		// Every error at once, in the same order each time: the extension's own checks, then
		// pyroscope's and files' (the collector prefixes the first line of each).
		{name: "many_errors", validateErr: strings.Join([]string{
			"block_profile_fraction must not be negative",
			"timeout must be positive",
			"otlp_grpc::endpoint must be set",
			`pyroscope: endpoint must be a URL like http://pyroscope:4040, got "/ingest"`,
			"files: directory must be set",
			"max_files must not be negative, got -1",
			"max_total_size_mib must not be negative, got -2",
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run("profiling/"+tt.name, func(t *testing.T) {
			id := component.NewID(metadata.Type)
			if tt.name != "" {
				id = component.NewIDWithName(metadata.Type, tt.name)
			}
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			cfg := createDefaultConfig().(*Config)
			err = sub.Unmarshal(cfg)
			if tt.unmarshal != "" {
				require.EqualError(t, err, tt.unmarshal)
				return
			}
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			if tt.validateErr != "" {
				require.EqualError(t, err, tt.validateErr)
				return
			}
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}
