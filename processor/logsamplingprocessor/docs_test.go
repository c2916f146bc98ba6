package logsamplingprocessor

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"gopkg.in/yaml.v3"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// TestDocsConfigsValidate: every log_sampling config shown in the guide (both languages)
// and the README loads and validates; the e2e suite validates the whole configs with the
// built distro.
func TestDocsConfigsValidate(t *testing.T) {
	pages := []string{
		filepath.Join("..", "..", "docs", "en", "log-sampling.md"),
		filepath.Join("..", "..", "docs", "zh", "log-sampling.md"),
		"README.md",
	}
	var blocksPerPage [][]string
	for _, page := range pages {
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		var blocks []string
		for _, m := range yamlBlock.FindAllStringSubmatch(string(raw), -1) {
			var doc struct {
				Processors map[string]map[string]any `yaml:"processors"`
			}
			require.NoError(t, yaml.Unmarshal([]byte(m[1]), &doc), "%s", page)
			raw, ok := doc.Processors["log_sampling"]
			require.True(t, ok, "%s: a yaml block without processors.log_sampling", page)
			cfg := createDefaultConfig().(*Config)
			require.NoError(t, confmap.NewFromStringMap(raw).Unmarshal(cfg), "%s", page)
			require.NoError(t, cfg.Validate(), "%s", page)
			blocks = append(blocks, m[1])
		}
		blocksPerPage = append(blocksPerPage, blocks)
	}
	assert.Len(t, blocksPerPage[0], 3)
	assert.Equal(t, blocksPerPage[0], blocksPerPage[1], "the Chinese guide shows the same configs")
}
