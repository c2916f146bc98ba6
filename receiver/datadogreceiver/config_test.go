package datadogreceiver

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver/internal/metadata"
)

func TestEmptyConfigGivesDefaults(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, "localhost:8126", cfg.NetAddr.Endpoint)
	assert.Equal(t, 60*time.Second, cfg.ReadTimeout)
	assert.Equal(t, int64(25<<20), cfg.MaxRequestBodySize)
	assert.Equal(t, 100, cfg.TraceIDCacheSize)
	assert.Equal(t, SpanNameResource, cfg.SpanName)
	assert.False(t, cfg.DropRejectedTraces)
	assert.Equal(t, 100_000, cfg.MaxItemsPerRequest)
	assert.Equal(t, 1_000_000, cfg.MaxAttributesPerRequest)
	assert.Zero(t, cfg.MaxConcurrentDecodes, "0: one per CPU")
	assert.Equal(t, time.Second, cfg.DecodeWaitTimeout)
	assert.False(t, cfg.DogStatsD.HasValue(), "DogStatsD over UDP is off unless configured")
	require.NoError(t, confmap.Validate(cfg))
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		id          string
		check       func(t *testing.T, cfg *Config)
		validateErr error  // a sentinel the error wraps
		validateMsg string // the whole message, as the collector prints it
		unmarshal   string
	}{
		{id: "", check: func(t *testing.T, cfg *Config) {
			assert.Equal(t, NewFactory().CreateDefaultConfig(), cfg)
		}},
		{id: "contrib_compatible", check: func(t *testing.T, cfg *Config) {
			assert.Equal(t, "0.0.0.0:8126", cfg.NetAddr.Endpoint)
			assert.Equal(t, 30*time.Second, cfg.ReadTimeout)
			assert.Equal(t, 500, cfg.TraceIDCacheSize)
		}},
		{id: "all", check: func(t *testing.T, cfg *Config) {
			assert.Equal(t, "localhost:9126", cfg.NetAddr.Endpoint)
			assert.Equal(t, SpanNameOperation, cfg.SpanName)
			assert.True(t, cfg.DropRejectedTraces)
			assert.Zero(t, cfg.TraceIDCacheSize)
			assert.Equal(t, int64(1<<20), cfg.MaxRequestBodySize)
			assert.Equal(t, 5000, cfg.MaxItemsPerRequest)
			assert.Equal(t, 200000, cfg.MaxAttributesPerRequest)
			assert.Equal(t, 3, cfg.MaxConcurrentDecodes)
			assert.Equal(t, 250*time.Millisecond, cfg.DecodeWaitTimeout)
			require.True(t, cfg.DogStatsD.HasValue())
			assert.Equal(t, DogStatsDConfig{Endpoint: "localhost:9125", QueueSize: 100, BufferSize: 8192}, *cfg.DogStatsD.Get())
		}},
		{id: "dogstatsd_defaults", check: func(t *testing.T, cfg *Config) {
			require.True(t, cfg.DogStatsD.HasValue(), "the key alone turns the listener on")
			assert.Equal(t, DogStatsDConfig{Endpoint: "localhost:8125", QueueSize: 4096, BufferSize: 8192}, *cfg.DogStatsD.Get())
		}},
		{id: "bad_dogstatsd", validateErr: ErrDogStatsDQueueSize, validateMsg: "dogstatsd: queue_size: must be positive, got 0"},
		{id: "bad_items", validateErr: ErrMaxItems, validateMsg: "max_items_per_request: must not be negative, got -1"},
		{id: "bad_attributes", validateErr: ErrMaxAttributes, validateMsg: "max_attributes_per_request: must not be negative, got -1"},
		{id: "bad_decodes", validateErr: ErrMaxDecodes, validateMsg: "max_concurrent_decodes: must not be negative, got -2"},
		{id: "bad_decode_wait", validateErr: ErrDecodeWait, validateMsg: "decode_wait_timeout: must not be negative, got -1s"},
		{id: "bad_span_name", validateErr: ErrSpanName, validateMsg: `span_name: must be "resource" or "operation", got "title"`},
		{id: "bad_cache", validateErr: ErrCacheSize, validateMsg: "trace_id_cache_size: must not be negative, got -1"},
		{id: "empty_endpoint", validateErr: ErrMissingEndpoint, validateMsg: "endpoint: must not be empty"},
		// Every error at once, in the same order each time: the receiver's own checks,
		// then dogstatsd's (the collector prefixes the first line of them).
		{id: "many_errors", validateErr: ErrDogStatsDBufferSize, validateMsg: strings.Join([]string{
			"endpoint: must not be empty",
			"trace_id_cache_size: must not be negative, got -1",
			`span_name: must be "resource" or "operation", got "trace"`,
			"dogstatsd: endpoint: must not be empty",
			"queue_size: must be positive, got -1",
			"buffer_size: must be positive, got 0",
		}, "\n")},
		{id: "typo", unmarshal: "decoding failed due to the following error(s):\n\n'datadogreceiver.Config' has invalid keys: trace_id_cach_size"},
	}
	for _, tt := range tests {
		t.Run("id="+tt.id, func(t *testing.T) {
			id := component.NewID(metadata.Type)
			if tt.id != "" {
				id = component.NewIDWithName(metadata.Type, tt.id)
			}
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			cfg := NewFactory().CreateDefaultConfig().(*Config)
			err = sub.Unmarshal(cfg)
			if tt.unmarshal != "" {
				require.EqualError(t, err, tt.unmarshal)
				return
			}
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			if tt.validateErr != nil {
				require.ErrorIs(t, err, tt.validateErr)
				require.EqualError(t, err, tt.validateMsg)
				return
			}
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}
