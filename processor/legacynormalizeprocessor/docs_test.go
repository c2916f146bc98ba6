package legacynormalizeprocessor

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"gopkg.in/yaml.v3"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestDocsConfigsValidate: every legacy_normalize configuration shown in the migration guides
// (both languages), the README and examples/migration loads and validates; the e2e suite
// validates the whole configurations with the built distro.
func TestDocsConfigsValidate(t *testing.T) {
	var docs []string
	for _, page := range []string{
		filepath.Join("..", "..", "docs", "en", "migrate-from-jaeger.md"),
		filepath.Join("..", "..", "docs", "zh", "migrate-from-jaeger.md"),
		filepath.Join("..", "..", "docs", "en", "migrate-from-zipkin.md"),
		filepath.Join("..", "..", "docs", "zh", "migrate-from-zipkin.md"),
		"README.md",
	} {
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		for _, m := range yamlBlock.FindAllStringSubmatch(string(raw), -1) {
			docs = append(docs, m[1])
		}
	}
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "migration", "*.yaml"))
	require.NoError(t, err)
	for _, path := range examples {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		docs = append(docs, string(raw))
	}
	checked := 0
	for _, doc := range docs {
		var cfg struct {
			Processors map[string]map[string]any `yaml:"processors"`
		}
		require.NoError(t, yaml.Unmarshal([]byte(doc), &cfg))
		for id, raw := range cfg.Processors {
			if id != "legacy_normalize" && !strings.HasPrefix(id, "legacy_normalize/") {
				continue
			}
			c := createDefaultConfig().(*Config)
			require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(c), id)
			require.NoError(t, c.Validate(), id)
			checked++
		}
	}
	assert.GreaterOrEqual(t, checked, 9)
}
