package legacynormalizeprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor/internal/metadata"
)

func TestEmptyConfigIsTheDefault(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, &Config{Mode: ModeReplace, ProvenanceAttribute: "otelcol_bridge.normalized_from"}, cfg)
	assert.NoError(t, confmap.Validate(cfg))
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	cases := []struct {
		id           component.ID
		want         *Config
		wantValidate string
		wantLoad     string
	}{
		{id: component.NewID(metadata.Type), want: createDefaultConfig().(*Config)},
		{id: component.NewIDWithName(metadata.Type, "full"), want: &Config{
			Mode: ModeAdd, Sources: []string{"jaeger", "opentracing"}, ProvenanceAttribute: "",
		}},
		{id: component.NewIDWithName(metadata.Type, "bad_mode"), wantValidate: `mode: must be "replace" or "add", got "rename"`},
		{id: component.NewIDWithName(metadata.Type, "bad_source"), wantValidate: `sources[1]: unknown source "datadog"`},
		{id: component.NewIDWithName(metadata.Type, "duplicate_source"), wantValidate: `sources[1]: "zipkin" is listed twice`},
		{id: component.NewIDWithName(metadata.Type, "typo"), wantLoad: "has invalid keys: mdoe"},
	}
	for _, tc := range cases {
		t.Run(tc.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tc.id.String())
			require.NoError(t, err)
			err = sub.Unmarshal(cfg)
			if tc.wantLoad != "" {
				require.ErrorContains(t, err, tc.wantLoad)
				return
			}
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			if tc.wantValidate != "" {
				require.ErrorContains(t, err, tc.wantValidate)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
}
