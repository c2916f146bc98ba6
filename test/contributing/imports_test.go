// Package contributing checks what CONTRIBUTING.md states about the code, so the guide
// cannot drift from it. This file: the import rules (the distro wires components,
// components are thin collector plumbing over components/*, the shared logic under
// components/ knows nothing of the collector's component packages, and test helpers, the
// *test packages, never reach the binary). It reads import lists only; nothing is built.
package contributing

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/otelcol-bridge/otelcol-bridge/"

// Our component packages: what the ocb manifest lists from this module.
var componentRoots = []string{"receiver/", "processor/", "exporter/", "extension/"}

// importsOf maps every package directory of our module (relative to the root) to the
// module-local packages its non-test files import. Test files are left out on purpose:
// a test may reach anywhere (configschema's tests load real factories, for one).
func importsOf(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// Other modules (the generated distro, tools) and non-Go trees are not ours to check.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) {
				out[dir] = append(out[dir], strings.TrimPrefix(p, module))
			}
		}
		if _, ok := out[dir]; !ok {
			out[dir] = nil
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// isTestHelper: a package whose name ends in "test" (piitest, profilestest, metadatatest)
// exists for tests only.
func isTestHelper(pkg string) bool { return strings.HasSuffix(filepath.Base(pkg), "test") }

func TestImportRules(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	pkgs := importsOf(t, root)
	require.Contains(t, pkgs, "components/pii", "walked the module")
	require.Contains(t, pkgs, "receiver/zipkinreceiver", "walked the module")

	dirs := make([]string, 0, len(pkgs))
	for d := range pkgs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, dir := range dirs {
		for _, imp := range pkgs[dir] {
			switch {
			case strings.HasPrefix(dir, "components/"):
				assert.False(t, hasAnyPrefix(imp, append(componentRoots, "distro/", "bindings/", "test/")...),
					"%s imports %s: shared logic must not depend on collector components, the CLI or tests", dir, imp)
			case hasAnyPrefix(dir, componentRoots...):
				own := strings.Join(strings.SplitN(dir, "/", 3)[:2], "/") + "/"
				other := hasAnyPrefix(imp, componentRoots...) && !strings.HasPrefix(imp, own)
				// The one exception: the deprecated log_redaction alias is the pii_redaction factory.
				alias := dir == "processor/logredactionprocessor" && imp == "processor/piiredactionprocessor"
				assert.False(t, other && !alias, "%s imports %s: a component builds on components/*, not on another component", dir, imp)
				assert.False(t, hasAnyPrefix(imp, "distro/", "bindings/", "test/"), "%s imports %s", dir, imp)
			case strings.HasPrefix(dir, "distro/cli"), strings.HasPrefix(dir, "bindings/"):
				assert.False(t, hasAnyPrefix(imp, append(componentRoots, "test/")...),
					"%s imports %s: the CLI and the bindings use components/* only", dir, imp)
			}
			if isTestHelper(imp) && !isTestHelper(dir) && !strings.HasPrefix(dir, "test/") {
				assert.Fail(t, "test helper in non-test code", "%s imports %s, which is for tests only", dir, imp)
			}
		}
	}
}
