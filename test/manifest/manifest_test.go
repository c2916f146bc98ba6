// Package manifest checks the release-line rule of docs/en/versions.md without building
// anything: every collector core and contrib module in the manifest and in both go.mod
// files sits on the one pinned release.
package manifest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
	"gopkg.in/yaml.v3"
)

const (
	contribRelease = "v0.158.0"
	coreRelease    = "v0.158.0" // core modules still below 1.0
	coreStable     = "v1.64.0"  // core modules that are 1.x (pdata, confmap, component, ...)
)

var (
	coreModule    = regexp.MustCompile(`^go\.opentelemetry\.io/collector(/|$)`)
	contribModule = regexp.MustCompile(`^github\.com/open-telemetry/opentelemetry-collector-contrib/`)
)

func root(t *testing.T) string {
	t.Helper()
	return filepath.Join("..", "..")
}

func checkVersion(t *testing.T, where, path, version string) {
	t.Helper()
	switch {
	case contribModule.MatchString(path):
		assert.Equal(t, contribRelease, version, "%s: %s is off the release line", where, path)
	case coreModule.MatchString(path):
		if strings.HasPrefix(version, "v1.") {
			assert.Equal(t, coreStable, version, "%s: %s is off the release line", where, path)
		} else {
			assert.Equal(t, coreRelease, version, "%s: %s is off the release line", where, path)
		}
	}
}

func TestGoModulesOnOneReleaseLine(t *testing.T) {
	for _, rel := range []string{"go.mod", filepath.Join("distro", "otelcol-bridge", "go.mod")} {
		path := filepath.Join(root(t), rel)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		mf, err := modfile.Parse(path, data, nil)
		require.NoError(t, err)
		n := 0
		for _, r := range mf.Require {
			if coreModule.MatchString(r.Mod.Path) || contribModule.MatchString(r.Mod.Path) {
				checkVersion(t, rel, r.Mod.Path, r.Mod.Version)
				n++
			}
		}
		assert.Positive(t, n, "%s requires no collector module?", rel)
	}
}

func TestManifestOnOneReleaseLine(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root(t), "builder-config.yaml"))
	require.NoError(t, err)
	var manifest map[string]any
	require.NoError(t, yaml.Unmarshal(data, &manifest))
	n := 0
	for _, kind := range []string{"receivers", "processors", "exporters", "extensions", "connectors", "providers"} {
		list, _ := manifest[kind].([]any)
		require.NotEmpty(t, list, "builder-config.yaml has no %s", kind)
		for _, item := range list {
			gomod, _ := item.(map[string]any)["gomod"].(string)
			path, version, ok := strings.Cut(gomod, " ")
			require.True(t, ok, "%s entry %q has no version", kind, gomod)
			checkVersion(t, "builder-config.yaml", path, version)
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 30)
}

// TestSameComponentsManifestInStep: the size/RSS comparison of `make bench`
// (test/load/samecomponents-builder-config.yaml) links every collector core and contrib
// component of builder-config.yaml, ours left out, plus contrib's datadog, zipkin and jaeger
// receivers in place of ours, all on the release line.
func TestSameComponentsManifestInStep(t *testing.T) {
	load := func(rel string) map[string][]string {
		data, err := os.ReadFile(filepath.Join(root(t), rel))
		require.NoError(t, err)
		var manifest map[string]any
		require.NoError(t, yaml.Unmarshal(data, &manifest))
		out := map[string][]string{}
		for _, kind := range []string{"receivers", "processors", "exporters", "extensions", "connectors", "providers"} {
			list, _ := manifest[kind].([]any)
			for _, item := range list {
				gomod, _ := item.(map[string]any)["gomod"].(string)
				path, version, _ := strings.Cut(gomod, " ")
				if coreModule.MatchString(path) || contribModule.MatchString(path) {
					checkVersion(t, rel, path, version)
					out[kind] = append(out[kind], gomod)
				}
			}
		}
		return out
	}
	ours := load("builder-config.yaml")
	same := load(filepath.Join("test", "load", "samecomponents-builder-config.yaml"))
	contrib := "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/"
	ours["receivers"] = append(ours["receivers"], contrib+"datadogreceiver "+contribRelease, contrib+"zipkinreceiver "+contribRelease,
		contrib+"jaegerreceiver "+contribRelease)
	for kind := range ours {
		assert.ElementsMatch(t, ours[kind], same[kind], "samecomponents-builder-config.yaml %s drifted from builder-config.yaml", kind)
	}
	assert.Len(t, same, len(ours))
}
