package contributing

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileLine is a `path/to/file.go:123` reference in backticks.
var fileLine = regexp.MustCompile("`([A-Za-z0-9_./-]+\\.[a-z]+):([0-9]+)`")

// TestContributingExamplesExist: every file:line example of CONTRIBUTING.md names a file
// that exists and a line of it that is not blank, so a moved or shortened file shows here
// and the guide is updated with it.
func TestContributingExamplesExist(t *testing.T) {
	root := filepath.Join("..", "..")
	raw, err := os.ReadFile(filepath.Join(root, "CONTRIBUTING.md"))
	require.NoError(t, err)
	refs := fileLine.FindAllStringSubmatch(string(raw), -1)
	require.GreaterOrEqual(t, len(refs), 10, "the style rules cite their examples as path:line")
	for _, ref := range refs {
		path, line := ref[1], ref[2]
		n, _ := strconv.Atoi(line)
		text, ok := lineOf(t, filepath.Join(root, path), n)
		if assert.True(t, ok, "%s:%s: no such file or line", path, line) {
			assert.NotEmpty(t, strings.TrimSpace(text), "%s:%s is a blank line", path, line)
		}
	}
}

func lineOf(t *testing.T, path string, n int) (string, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 1; sc.Scan(); i++ {
		if i == n {
			return sc.Text(), true
		}
	}
	require.NoError(t, sc.Err())
	return "", false
}
