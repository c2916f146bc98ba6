package configschema

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/redactionprocessor"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"sigs.k8s.io/yaml"

	"github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension"
	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logredactionprocessor"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor"
	"github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"
)

// The components of this module (the distro's own) plus one of contrib's; the e2e test runs
// the same checks on the built binary's full schema.
func kinds() Kinds {
	m := func(fs ...component.Factory) map[component.Type]component.Factory {
		out := map[component.Type]component.Factory{}
		for _, f := range fs {
			out[f.Type()] = f
		}
		return out
	}
	return Kinds{
		Receivers:  m(datadogreceiver.NewFactory()),
		Processors: m(logredactionprocessor.NewFactory(), logsamplingprocessor.NewFactory(), legacynormalizeprocessor.NewFactory(), redactionprocessor.NewFactory()),
		Extensions: m(profilingextension.NewFactory()),
	}
}

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := json.Marshal(Generate(kinds(), "test"))
	require.NoError(t, err)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("schema.json", doc))
	s, err := c.Compile("schema.json")
	require.NoError(t, err)
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, config string) error {
	t.Helper()
	js, err := yaml.YAMLToJSON([]byte(config))
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(js)))
	require.NoError(t, err)
	return s.Validate(inst)
}

const good = `
receivers:
  datadog:
  datadog/contrib_compatible:
    endpoint: 0.0.0.0:8126
    read_timeout: 30s
    trace_id_cache_size: 500
processors:
  log_redaction/full:
    presets: [pii, secrets]
    action: mask
    actions:
      credit_card: partial
    keep_last: 4
    custom_rules:
      - name: employee_id
        pattern: 'EMP-[0-9]{6}'
    skip:
      - resource_attribute: service.name
        equals: audit-exporter
  redaction:
    allow_all_keys: true
  legacy_normalize:
extensions:
  profiling:
service:
  extensions: [profiling]
  pipelines:
    traces:
      receivers: [datadog]
      processors: [log_redaction/full]
      exporters: [debug]
`

func TestShippedShapesValidate(t *testing.T) {
	require.NoError(t, validate(t, compile(t), good))
}

func TestTyposAndWrongTypesAreFlagged(t *testing.T) {
	s := compile(t)
	for name, tc := range map[string]struct{ from, to, want string }{
		"key typo":          {"trace_id_cache_size: 500", "trace_id_cach_size: 500", "trace_id_cach_size"},
		"wrong type":        {"trace_id_cache_size: 500", "trace_id_cache_size: lots", "trace_id_cache_size"},
		"bad duration":      {"read_timeout: 30s", "read_timeout: thirty", "read_timeout"},
		"unknown component": {"  legacy_normalize:", "  legacy_normalise:", "legacy_normalise"},
		"nested typo":       {"equals: audit-exporter", "equal: audit-exporter", "equal"},
		"pipeline typo":     {"      processors: [log_redaction/full]", "      procesors: [log_redaction/full]", "procesors"},
	} {
		bad := strings.Replace(good, tc.from, tc.to, 1)
		require.NotEqual(t, good, bad, name)
		err := validate(t, s, bad)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
	// ${env:...} stands for any scalar until it is resolved.
	require.NoError(t, validate(t, s, strings.Replace(good, "trace_id_cache_size: 500", "trace_id_cache_size: ${env:CACHE}", 1)))
}

func TestDefaultsFromFactories(t *testing.T) {
	g := Generate(kinds(), "test")
	raw, err := json.Marshal(g["$defs"].(Schema)["receiver.datadog"])
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"default":"localhost:8126"`)
	assert.Contains(t, string(raw), `"default":"resource"`)
}

// acksConfig rewrites a value before decoding it, as configkafka's ProducerConfig turns
// required_acks: all into -1.
type acksConfig struct {
	RequiredAcks int    `mapstructure:"required_acks"`
	Topic        string `mapstructure:"topic"`
}

func (c *acksConfig) Unmarshal(conf *confmap.Conf) error {
	if conf.Get("required_acks") == "all" {
		if err := conf.Merge(confmap.NewFromStringMap(map[string]any{"required_acks": -1})); err != nil {
			return err
		}
	}
	return conf.Unmarshal(c)
}

// A struct with its own Unmarshal may take a string where its field is a number; a plain
// struct may not.
func TestCustomUnmarshalAcceptsRewrittenScalars(t *testing.T) {
	type plainConfig struct {
		RequiredAcks int `mapstructure:"required_acks"`
	}
	check := func(cfg any, value string) error {
		raw, err := json.Marshal(objectSchema(cfg))
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
		require.NoError(t, err)
		c := jsonschema.NewCompiler()
		require.NoError(t, c.AddResource("s.json", doc))
		s, err := c.Compile("s.json")
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"required_acks":` + value + `}`))
		require.NoError(t, err)
		return s.Validate(inst)
	}
	require.NoError(t, check(&acksConfig{}, `"all"`))
	require.NoError(t, check(&acksConfig{}, `1`))
	require.Error(t, check(&acksConfig{}, `{}`), "still not an object")
	require.Error(t, check(&plainConfig{}, `"all"`))
}
