//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestCLISchema: the schema of the built binary accepts every configuration we ship (docs,
// examples, the default config) and flags a typo in a key and a wrong type.
func TestCLISchema(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := runCLI(t, dir, "schema")
	require.Equal(t, 0, code, stderr)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("otelcol-bridge.schema.json", doc))
	schema, err := c.Compile("otelcol-bridge.schema.json")
	require.NoError(t, err)

	check := func(config string) error {
		js, err := yaml.YAMLToJSON([]byte(config))
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(js)))
		require.NoError(t, err)
		return schema.Validate(inst)
	}
	configs := docConfigs(t)
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "distro", "config.yaml"))
	require.NoError(t, err)
	configs["distro/config.yaml"] = string(raw)
	for name, cfg := range configs {
		assert.NoError(t, check(cfg), name)
	}

	def := string(raw)
	for _, tc := range []struct{ from, to, want string }{
		{"send_batch_size: 8192", "send_batch_sise: 8192", "send_batch_sise"},
		{"send_batch_size: 8192", "send_batch_size: lots", "send_batch_size"},
		{"verbosity: basic", "verbosity: basic\n    colour: true", "colour"},
	} {
		bad := strings.Replace(def, tc.from, tc.to, 1)
		require.NotEqual(t, def, bad)
		err := check(bad)
		require.Error(t, err, tc.to)
		assert.Contains(t, err.Error(), tc.want)
	}

	_, stderr, code = runCLI(t, dir, "schema", "--out", filepath.Join(dir, "missing", "s.json"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "writing the schema")
}
