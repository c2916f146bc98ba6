//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// docMetricName finds the collector's own metric names in the docs. A name followed by "."
// is an attribute (otelcol_bridge.normalized_from), not a metric; one followed by "*" is a
// family (otelcol_processor_log_redaction_*).
var docMetricName = regexp.MustCompile(`otelcol_[a-z0-9_]+[.*]?`)

// declaredOnly are names the docs rightly mention that no client can make the binary serve,
// each with the metadata.yaml that declares it (checked instead). Keep it short.
var declaredOnly = map[string]string{
	// Counted when redacting a value panicked and the value was masked whole (fail closed).
	"otelcol_processor_log_redaction_failures": "processor/piiredactionprocessor/metadata.yaml",
}

// docMetricNames returns, per metric name (or family prefix ending in "_"), the doc pages of
// docs/en and docs/zh that mention it.
func docMetricNames(t *testing.T) map[string][]string {
	t.Helper()
	top := repoRoot(t)
	pages, err := filepath.Glob(filepath.Join(top, "docs", "*", "*.md"))
	require.NoError(t, err)
	names := map[string][]string{}
	for _, page := range pages {
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		rel, _ := filepath.Rel(top, page)
		seen := map[string]bool{}
		for _, m := range docMetricName.FindAllString(string(raw), -1) {
			if strings.HasSuffix(m, ".") {
				continue
			}
			name := strings.TrimSuffix(m, "*")
			if !seen[name] {
				seen[name] = true
				names[name] = append(names[name], rel)
			}
		}
	}
	return names
}

func exposes(names map[string]bool, docName string) bool {
	if strings.HasSuffix(docName, "_") { // a family: otelcol_processor_log_redaction_*
		for n := range names {
			if strings.HasPrefix(n, docName) {
				return true
			}
		}
		return false
	}
	return names[docName]
}

// TestDocsMetricNamesExposed: every otelcol_* metric name in docs/en and docs/zh is one the
// built binary serves on its own telemetry endpoint, so a query copied from the docs finds
// data. (With the collector's default Prometheus reader, counters carry no _total suffix
// and no unit suffix.)
func TestDocsMetricNamesExposed(t *testing.T) {
	docNames := docMetricNames(t)
	require.NotEmpty(t, docNames, "no otelcol_* names found in docs/")

	root := repoRoot(t)
	for name, meta := range declaredOnly {
		declared, err := os.ReadFile(filepath.Join(root, meta))
		require.NoError(t, err)
		require.Contains(t, string(declared), "\n    "+strings.TrimPrefix(name, "otelcol_")+":",
			"the docs name %s, which %s does not declare", name, meta)
	}

	c := startSelfTelemetryCollector(t)
	c.sendAll(t, 3)
	missing := func(names map[string]bool) []string {
		var out []string
		for name := range docNames {
			if _, ok := declaredOnly[name]; !ok && !exposes(names, name) {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out
	}
	names, _ := c.waitForServedNames(t, missing)
	for _, name := range missing(names) {
		var near []string
		for n := range names {
			if strings.HasPrefix(n, strings.TrimSuffix(name, "_total")) {
				near = append(near, n)
			}
		}
		sort.Strings(near)
		assert.Fail(t, "metric name in docs not exposed by the binary",
			"%s mention %s, which the binary does not expose on its telemetry endpoint (exposed with that prefix: %v)",
			strings.Join(docNames[name], ", "), name, near)
	}
}
