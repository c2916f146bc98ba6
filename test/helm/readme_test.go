package helm_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// podSettings are documented once in the README for every tier that has them.
var podSettings = map[string]bool{
	"resources": true, "nodeSelector": true, "tolerations": true, "affinity": true,
	"priorityClassName": true, "podAnnotations": true, "podLabels": true,
	"terminationGracePeriodSeconds": true, "extraArgs": true, "extraEnv": true,
	"extraVolumes": true, "extraVolumeMounts": true,
}

// opaque values are documented as a whole, not key by key.
var opaque = map[string]bool{
	"podSecurityContext": true, "securityContext": true,
	"presets.migration.remoteSampling.strategies": true, "presets.tailSampling.policies": true,
	"presets.logSampling.rules": true,
}

// TestReadmeDocumentsEveryValue: every key of values.yaml has a row in the chart README.
func TestReadmeDocumentsEveryValue(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(chartDir(t), "values.yaml"))
	require.NoError(t, err)
	var values map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &values))
	readme, err := os.ReadFile(filepath.Join(chartDir(t), "README.md"))
	require.NoError(t, err)

	var keys []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			path := strings.TrimPrefix(prefix+"."+k, ".")
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 && !opaque[path] && !podSettings[k] {
				walk(path, sub)
				continue
			}
			keys = append(keys, path)
		}
	}
	walk("", values)
	sort.Strings(keys)
	for _, key := range keys {
		last := key[strings.LastIndex(key, ".")+1:]
		documented := strings.Contains(string(readme), "`"+key+"`") ||
			(podSettings[last] && strings.Contains(string(readme), "`"+last+"`"))
		assert.True(t, documented, "values.yaml key %s is not in helm/otelcol-bridge/README.md", key)
	}
}
