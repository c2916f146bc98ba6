//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCLIBackfillJaeger is the backfill the issue asks for, on two real Jaeger v2: captures of
// real clients are imported into the old Jaeger, exported from its query API, imported into
// the new one, and parity finds the same traces on both sides. A second export skips what
// the first one wrote.
func TestCLIBackfillJaeger(t *testing.T) {
	old, fresh := startJaegerV2(t), startJaegerV2(t)
	dir := t.TempDir()
	capture := filepath.Join(repoRoot(t), "components", "convert", "testdata", "captures", "jaeger-client-go-http.jaeger-thrift-binary")

	_, stderr, code := runCLI(t, dir, "import", "--to", fmt.Sprintf("otlp-grpc=127.0.0.1:%d", old.OTLPGRPC), "--rate", "0",
		"--checkpoint", filepath.Join(dir, "seed.cp"), capture)
	require.Equal(t, 0, code, stderr)
	// The capture holds traces 3ea17da5... (4 spans) and 623ac652... (1 span) of checkout-jaeger-go.
	waitFor(t, "seeded traces in the old Jaeger", func() bool {
		return old.spanCount(t, "3ea17da5fd0f97cd3fcddfbfa2e341de") == 4 && old.spanCount(t, "623ac652291ce07606d0e13ad4f4b1cf") == 1
	})

	out, stderr, code := runCLI(t, dir, "export", "--from", "jaeger="+old.QueryURL, "--service", "checkout-jaeger-go",
		"--since", "3650d", "--out", filepath.Join(dir, "backfill"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "exported 2 traces (5 spans)")
	out, _, code = runCLI(t, dir, "export", "--from", "jaeger="+old.QueryURL, "--service", "checkout-jaeger-go",
		"--since", "3650d", "--out", filepath.Join(dir, "backfill"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "exported 0 traces (0 spans), 2 already exported")

	_, stderr, code = runCLI(t, dir, "import", "--to", fmt.Sprintf("otlp-grpc=127.0.0.1:%d", fresh.OTLPGRPC),
		"--checkpoint", filepath.Join(dir, "backfill.cp"), filepath.Join(dir, "backfill", "traces.jsonl"))
	require.Equal(t, 0, code, stderr)
	waitFor(t, "backfilled traces in the new Jaeger", func() bool {
		return fresh.spanCount(t, "3ea17da5fd0f97cd3fcddfbfa2e341de") == 4 && fresh.spanCount(t, "623ac652291ce07606d0e13ad4f4b1cf") == 1
	})

	out, stderr, code = runCLI(t, dir, "parity", "--left", "jaeger="+old.QueryURL, "--right", "jaeger="+fresh.QueryURL,
		"--trace-id", "3ea17da5fd0f97cd3fcddfbfa2e341de", "--trace-id", "623ac652291ce07606d0e13ad4f4b1cf")
	require.Equal(t, 0, code, "%s%s", out, stderr)
	assert.Contains(t, out, "2 identical")
}
