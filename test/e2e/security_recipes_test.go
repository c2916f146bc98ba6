//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The TLS, mTLS and bearer-token recipes of docs/en/security.md are what the TLS/auth
// tests run: a recipe that stops working fails here, not in a user's cluster.
const (
	recipeTLS = iota
	recipeMTLS
	recipeBearer
	recipeCount
)

// recipeEndpoint is how the recipes bind: the pod IP and the protocol's usual port.
var recipeEndpoint = regexp.MustCompile(`\$\{env:MY_POD_IP\}:(\d+)`)

// recipeCertDir and recipeTokenDir are where the recipes read the certificate and token
// Secrets from; the test's PKI directory stands in for both.
const (
	recipeCertDir  = "/etc/otelcol-bridge-tls/"
	recipeTokenDir = "/etc/otelcol-bridge-auth/"
)

// securityRecipes returns the collector configurations of docs/en/security.md in page
// order, after checking that docs/zh/security.md shows the very same ones.
func securityRecipes(t *testing.T) []string {
	t.Helper()
	read := func(lang string) []string {
		raw, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", lang, "security.md"))
		require.NoError(t, err)
		var out []string
		for _, m := range yamlBlock.FindAllStringSubmatch(string(raw), -1) {
			if strings.Contains(m[1], "service:") {
				out = append(out, m[1])
			}
		}
		return out
	}
	en := read("en")
	require.Len(t, en, recipeCount, "docs/en/security.md: TLS, mTLS and bearer-token recipes")
	require.Equal(t, en, read("zh"), "docs/zh/security.md shows the same configurations as docs/en")
	return en
}

// recipeBridge is a collector running a security recipe on loopback.
type recipeBridge struct {
	*Collector
	ports map[int]int // the recipe's port -> the free port it runs on
}

// Addr is 127.0.0.1 with the port the recipe's docPort runs on.
func (b *recipeBridge) Addr(docPort int) string {
	p, ok := b.ports[docPort]
	if !ok {
		b.t.Fatalf("the recipe has no listener on %d", docPort)
	}
	return fmt.Sprintf("127.0.0.1:%d", p)
}

func (b *recipeBridge) TracesFile() string { return b.Path("traces.jsonl") }

// startRecipe runs a recipe as written, with three substitutions: listeners move from
// ${env:MY_POD_IP}:<port> to free loopback ports, the certificate and token directories are
// the test PKI's (tokens: writeToken), and a second config file (merged over the recipe, as --config files are) adds
// health_check, the test's file exporter in place of the recipe's exporters, and turns
// off the collector's own metrics port.
func startRecipe(t *testing.T, pki *testPKI, recipe string) *recipeBridge {
	t.Helper()
	var doc struct {
		Service struct {
			Extensions []string                  `yaml:"extensions"`
			Pipelines  map[string]map[string]any `yaml:"pipelines"`
		} `yaml:"service"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(recipe), &doc))

	docPorts := map[int]bool{}
	for _, m := range recipeEndpoint.FindAllStringSubmatch(recipe, -1) {
		p, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		docPorts[p] = true
	}
	free := freePorts(t, len(docPorts)+1)
	b := &recipeBridge{ports: map[int]int{}}
	i := 0
	for p := range docPorts {
		b.ports[p] = free[i]
		i++
	}
	health := free[i]

	cfg := recipeEndpoint.ReplaceAllStringFunc(recipe, func(s string) string {
		p, _ := strconv.Atoi(recipeEndpoint.FindStringSubmatch(s)[1])
		return fmt.Sprintf("127.0.0.1:%d", b.ports[p])
	})
	cfg = strings.ReplaceAll(cfg, recipeCertDir, pki.Dir+string(filepath.Separator))
	cfg = strings.ReplaceAll(cfg, recipeTokenDir, pki.Dir+string(filepath.Separator))

	var overlay strings.Builder
	fmt.Fprintf(&overlay, "extensions:\n  health_check:\n    endpoint: 127.0.0.1:%d\n", health)
	overlay.WriteString("exporters:\n  file:\n    path: ./traces.jsonl\n    flush_interval: 50ms\n")
	fmt.Fprintf(&overlay, "service:\n  extensions: [%s]\n  pipelines:\n", strings.Join(append([]string{"health_check"}, doc.Service.Extensions...), ", "))
	for name := range doc.Service.Pipelines {
		fmt.Fprintf(&overlay, "    %s:\n      exporters: [file]\n", name)
	}
	overlay.WriteString("  telemetry:\n    metrics:\n      level: none\n")

	dir := t.TempDir()
	overlayPath := filepath.Join(dir, "test-overlay.yaml")
	require.NoError(t, os.WriteFile(overlayPath, []byte(overlay.String()), 0o600))
	b.Collector = startCollector(t, collectorOptions{Config: cfg, HealthPort: health, Dir: dir, Args: []string{"--config", overlayPath}})
	return b
}

// writeToken puts a bearer token where the recipes' token Secret would be mounted.
func writeToken(t *testing.T, pki *testPKI, name, token string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(pki.Dir, name), []byte(token+"\n"), 0o600))
}
