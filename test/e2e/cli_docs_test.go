//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

// docCommands returns the otelcol-bridge command lines of a page's ```sh blocks, with the exit
// code a trailing "# exit N" promises (0 without one).
func docCommands(t *testing.T, page string) (cmds [][]string, codes []int) {
	t.Helper()
	raw, err := os.ReadFile(page)
	require.NoError(t, err)
	for _, m := range shBlock.FindAllStringSubmatch(string(raw), -1) {
		for _, line := range strings.Split(m[1], "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "otelcol-bridge ") {
				continue
			}
			code := 0
			if i := strings.Index(line, "# exit "); i >= 0 {
				code, err = strconv.Atoi(strings.TrimSpace(line[i+len("# exit "):]))
				require.NoError(t, err, line)
				line = strings.TrimSpace(line[:i])
			}
			cmds = append(cmds, strings.Fields(line)[1:])
			codes = append(codes, code)
		}
	}
	return cmds, codes
}

// TestCLIDocsExamples runs every example of the CLI pages (English and Chinese, which must
// show the same commands) from the top of the repository and checks the promised exit code.
func TestCLIDocsExamples(t *testing.T) {
	root := repoRoot(t)
	en, enCodes := docCommands(t, filepath.Join(root, "docs", "en", "cli.md"))
	zh, zhCodes := docCommands(t, filepath.Join(root, "docs", "zh", "cli.md"))
	require.GreaterOrEqual(t, len(en), 12)
	assert.Equal(t, en, zh, "docs/zh/cli.md shows the same commands as docs/en/cli.md")
	assert.Equal(t, enCodes, zhCodes)
	for i, args := range en {
		_, stderr, code := runCLI(t, root, args...)
		assert.Equal(t, enCodes[i], code, "otelcol-bridge %s\n%s", strings.Join(args, " "), stderr)
	}
}
