package zipkinreceiver

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver/internal/metadata"
)

func TestEmptyConfigGivesDefaults(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, "localhost:9411", cfg.NetAddr.Endpoint)
	assert.Equal(t, int64(20<<20), cfg.MaxRequestBodySize)
	assert.False(t, cfg.ParseStringTags)
	assert.False(t, cfg.KeepAlivesEnabled, "contrib's default")
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
			assert.Equal(t, "0.0.0.0:9411", cfg.NetAddr.Endpoint)
			assert.True(t, cfg.ParseStringTags)
		}},
		{id: "all", check: func(t *testing.T, cfg *Config) {
			assert.Equal(t, "localhost:19411", cfg.NetAddr.Endpoint)
			assert.Equal(t, int64(1<<20), cfg.MaxRequestBodySize)
			assert.True(t, cfg.ParseStringTags)
			assert.True(t, cfg.KeepAlivesEnabled)
		}},
		{id: "empty_endpoint", validateErr: ErrMissingEndpoint, validateMsg: "endpoint: must not be empty"},
		{id: "bad_body_size", validateErr: ErrMaxBodySize, validateMsg: "max_request_body_size: must not be negative, got -1"},
		{id: "typo", unmarshal: "decoding failed due to the following error(s):\n\n'zipkinreceiver.Config' has invalid keys: parse_strings_tags"},
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
