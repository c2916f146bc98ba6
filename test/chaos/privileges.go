//go:build chaos

package chaos

import (
	"os"
	"testing"
)

// needsRoot stops a scenario that needs root (a tmpfs mount, a memory cgroup). CI runs as root,
// so there a missing privilege is a failure: the scenario must run, never be skipped. On a
// developer's machine without root the scenario is skipped with the reason, so `make test`
// still works there; `sudo make chaos` runs it.
func needsRoot(t *testing.T, what string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s needs root, and CI must run it", what)
	}
	t.Skipf("%s needs root: run `sudo make chaos` to include it", what)
}
