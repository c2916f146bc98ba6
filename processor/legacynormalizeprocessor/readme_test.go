package legacynormalizeprocessor

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

const (
	tableStart = "<!-- mapping table: generated from components/semconv by `go test -run TestReadmeMappingTable -update`; do not edit -->\n"
	tableEnd   = "<!-- end of mapping table -->"
)

// TestReadmeMappingTable keeps the README's mapping table equal to the code's; -update
// rewrites it.
func TestReadmeMappingTable(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(raw)
	start := strings.Index(readme, tableStart)
	end := strings.Index(readme, tableEnd)
	require.True(t, start >= 0 && end > start, "README.md lacks the mapping table markers")
	want := readme[:start+len(tableStart)] + "\n" + semconv.MarkdownTable() + "\n" + readme[end:]
	if *update {
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
		return
	}
	require.Equal(t, want, readme, "the README's mapping table is stale: run go test -run TestReadmeMappingTable -update")
}
