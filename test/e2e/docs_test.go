//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// docConfigs returns every collector configuration shown in docs/ (a ```yaml block with a
// service section) and every examples/**/*.yaml file, by a name that says where it is.
func docConfigs(t *testing.T) map[string]string {
	t.Helper()
	top := repoRoot(t)
	out := map[string]string{}
	pages, err := filepath.Glob(filepath.Join(top, "docs", "*", "*.md"))
	require.NoError(t, err)
	for _, page := range pages {
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		for i, m := range yamlBlock.FindAllStringSubmatch(string(raw), -1) {
			if strings.Contains(m[1], "service:") {
				rel, _ := filepath.Rel(top, page)
				out[rel+"#yaml-"+string(rune('1'+i))] = m[1]
			}
		}
	}
	require.NoError(t, filepath.WalkDir(filepath.Join(top, "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		raw, err := os.ReadFile(path)
		// Configurations of other programs shipped beside ours (Jaeger's, with its
		// jaeger_storage extension) are run by the tests that use them, not validated here.
		if err == nil && strings.Contains(string(raw), "service:") && !strings.Contains(string(raw), "jaeger_storage:") {
			rel, _ := filepath.Rel(top, path)
			out[rel] = string(raw)
		}
		return err
	}))
	return out
}

// requiredConfigEnv sets the variables that shipped configs reference without a default
// (examples/gateway/config.yaml and examples/migration/from-datadog-dual-write.yaml refuse to
// start without their destinations' addresses).
var requiredConfigEnv = []string{
	"BACKEND_OTLP_ENDPOINT=otel-backend.example.internal:4317",
	"DD_AGENT_OTLP_ENDPOINT=localhost:4317",
}

// TestDocsAndExamplesValidate: every configuration we show users loads in this build.
func TestDocsAndExamplesValidate(t *testing.T) {
	configs := docConfigs(t)
	assert.GreaterOrEqual(t, len(configs), 3, "configs found in docs/ and examples/")
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
			// The profiles signal is behind a feature gate at our release; the flag changes
			// nothing for configs without a profiles pipeline.
			cmd := exec.Command(binaryPath(t), "validate", "--config", path, "--feature-gates=service.profilesSupport")
			// Backend addresses that configs require from the environment, with no default.
			cmd.Env = append(os.Environ(), requiredConfigEnv...)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s does not validate:\n%s", name, out)
		})
	}
}
