package legacynormalizeprocessor

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor/internal/metadata"
)

func TestEmptyConfigIsTheDefault(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig()
	require.NoError(t, confmap.New().Unmarshal(cfg))
	assert.Equal(t, &Config{Mode: semconv.ModeReplace, ProvenanceAttribute: "otelcol_bridge.normalized_from"}, cfg)
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
			Mode: semconv.ModeAdd, Sources: []semconv.Source{semconv.SourceJaeger, semconv.SourceOpenTracing}, ProvenanceAttribute: "",
		}},
		{id: component.NewIDWithName(metadata.Type, "bad_mode"), wantLoad: "decoding failed due to the following error(s):\n\n'mode' unknown mode \"rename\" (want replace or add)"},
		{id: component.NewIDWithName(metadata.Type, "bad_source"), wantLoad: "decoding failed due to the following error(s):\n\n'sources[1]' unknown source \"datadog\" (want otel_semconv, opentracing, jaeger or zipkin)"},
		{id: component.NewIDWithName(metadata.Type, "duplicate_source"), wantValidate: `sources::1: "zipkin" is listed twice`},
		{id: component.NewIDWithName(metadata.Type, "typo"), wantLoad: "decoding failed due to the following error(s):\n\n'legacynormalizeprocessor.Config' has invalid keys: mdoe"},
	}
	for _, tc := range cases {
		t.Run(tc.id.String(), func(t *testing.T) {
			cfg := NewFactory().CreateDefaultConfig()
			sub, err := cm.Sub(tc.id.String())
			require.NoError(t, err)
			err = sub.Unmarshal(cfg)
			if tc.wantLoad != "" {
				require.EqualError(t, err, tc.wantLoad)
				return
			}
			require.NoError(t, err)
			err = confmap.Validate(cfg)
			if tc.wantValidate != "" {
				require.EqualError(t, err, tc.wantValidate)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
}

// Values set in code skip the names' parsing: Validate still refuses what is not a member,
// every error at once, in field order.
func TestValidateMembership(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Mode = semconv.Mode(7)
	cfg.Sources = []semconv.Source{semconv.SourceZipkin, semconv.Source(9), semconv.SourceZipkin}
	require.EqualError(t, confmap.Validate(cfg), "mode: 7 is not a mode (want replace or add)\n"+
		"sources::1: 9 is not a source (want otel_semconv, opentracing, jaeger or zipkin)\n"+
		`sources::2: "zipkin" is listed twice`)
}

// What print-config writes reads back as the same configuration.
func TestConfigRoundTrip(t *testing.T) {
	want := &Config{Mode: semconv.ModeAdd, Sources: []semconv.Source{semconv.SourceZipkin, semconv.SourceOTelSemconv}}
	conf := confmap.New()
	require.NoError(t, conf.Marshal(want))
	assert.Equal(t, map[string]any{"mode": "add", "sources": []any{"zipkin", "otel_semconv"}, "provenance_attribute": ""}, conf.ToStringMap())
	got := createDefaultConfig().(*Config)
	require.NoError(t, conf.Unmarshal(got))
	assert.Equal(t, want, got)
}
