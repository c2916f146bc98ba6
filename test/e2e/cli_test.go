//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// runCLI runs the built binary with args (stdin empty) and returns its output and exit code.
func runCLI(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binaryPath(t), args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

func convertCaptures(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "components", "convert", "testdata", "captures", "*.*"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(paths), 15)
	return paths
}

// TestCLIConvert converts every capture of a real client to OTLP JSON lines with the built
// binary, and from there to Zipkin and back; bad input and unsupported directions exit 2
// with a message naming the file and the position.
func TestCLIConvert(t *testing.T) {
	dir := t.TempDir()
	for _, in := range convertCaptures(t) {
		from := in[strings.LastIndexByte(in, '.')+1:]
		out := filepath.Join(dir, filepath.Base(in)+".jsonl")
		_, stderr, code := runCLI(t, dir, "convert", "--from", from, "--to", "otlp-jsonl", in, out)
		require.Equal(t, 0, code, "%s: %s", in, stderr)
		raw, err := os.ReadFile(out)
		require.NoError(t, err)
		var spans int
		for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
			td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
			require.NoError(t, err, in)
			spans += td.SpanCount()
		}
		assert.Positive(t, spans, in)

		zipkin := out + ".zipkin.json"
		_, stderr, code = runCLI(t, dir, "convert", "--from", "otlp-jsonl", "--to", "zipkin-json", out, zipkin)
		require.Equal(t, 0, code, stderr)
		back, stderr, code := runCLI(t, dir, "convert", "--from", "zipkin-json", "--to", "otlp-json", zipkin)
		require.Equal(t, 0, code, stderr)
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(back))
		require.NoError(t, err)
		assert.Equal(t, spans, td.SpanCount(), "%s via zipkin-json", in)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"resourceSpans\":[]}\n{not json\n"), 0o600))
	_, stderr, code := runCLI(t, dir, "convert", "--from", "otlp-jsonl", "--to", "otlp-json", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, bad+": record 1 at byte 21: otlp-jsonl:")

	_, stderr, code = runCLI(t, dir, "convert", "--from", "otlp-json", "--to", "zipkin-v1-thrift", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "writable formats:")
}

// TestCLIMigrateConfig: every sample legacy configuration becomes a config that the built
// binary's own validate accepts (the collector's config machinery and each component's Validate).
func TestCLIMigrateConfig(t *testing.T) {
	dir := t.TempDir()
	for _, source := range []string{"jaeger-agent", "jaeger-collector", "zipkin-server", "datadog-agent", "otelcol"} {
		t.Run(source, func(t *testing.T) {
			inputs, err := filepath.Glob(filepath.Join(repoRoot(t), "components", "migrate", "testdata", source, "*"))
			require.NoError(t, err)
			var files []string
			for _, f := range inputs {
				if filepath.Base(f) != "expected.yaml" {
					files = append(files, f)
				}
			}
			out := filepath.Join(dir, source+".yaml")
			_, report, code := runCLI(t, dir, append([]string{"migrate-config", "--from", source, "--out", out}, files...)...)
			require.Equal(t, 0, code, report)
			assert.Contains(t, report, "migrate-config from "+source)
			stdout, stderr, code := runCLI(t, dir, "validate", "--config", out)
			require.Equal(t, 0, code, "%s does not validate:\n%s%s", out, stdout, stderr)

			helm, stderr, code := runCLI(t, dir, append([]string{"migrate-config", "--from", source, "--helm"}, files...)...)
			require.Equal(t, 0, code, stderr)
			assert.True(t, strings.Contains(helm, "\nconfig:\n"), helm)
		})
	}
}

// TestCLIAnalyze runs analyze on captures of real clients with every report format; the
// Jaeger client's legacy process tags fail --fail-on deprecated-attribute (exit 1).
func TestCLIAnalyze(t *testing.T) {
	dir := t.TempDir()
	captures := filepath.Join(repoRoot(t), "components", "convert", "testdata", "captures")
	jaeger := filepath.Join(captures, "jaeger-client-go-http.jaeger-thrift-binary")
	otlp := filepath.Join(captures, "file-exporter.otlp-jsonl")
	for _, format := range []string{"table", "json", "markdown"} {
		out, stderr, code := runCLI(t, dir, "analyze", "--format", format, jaeger, otlp)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, out, "checkout-jaeger-go")
	}
	_, stderr, code := runCLI(t, dir, "analyze", "--fail-on", "deprecated-attribute", jaeger)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "lint findings: deprecated-attribute")
	_, _, code = runCLI(t, dir, "analyze", "--fail-on", "orphan-span,duplicate-span-id", otlp)
	assert.Equal(t, 0, code)
	_, stderr, code = runCLI(t, dir, "analyze", "--fail-on", "nope", otlp)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `unknown rule "nope"`)
}

// TestCLIImport backfills captures of real clients into the built bridge over OTLP gRPC: the
// file exporter receives every span once; a re-run sends nothing (the checkpoint), and
// --restart sends everything again.
func TestCLIImport(t *testing.T) {
	b := startBridge(t)
	dir := t.TempDir()
	captures := filepath.Join(repoRoot(t), "components", "convert", "testdata", "captures")
	files := []string{
		filepath.Join(captures, "file-exporter.otlp-jsonl"),
		filepath.Join(captures, "jaeger-client-go-http.jaeger-thrift-binary"),
		filepath.Join(captures, "dd-trace-go-v1.datadog-v1"),
	}
	want := 0
	for _, f := range files {
		out, stderr, code := runCLI(t, dir, "convert", "--to", "otlp-json", f)
		require.Equal(t, 0, code, stderr)
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(out))
		require.NoError(t, err)
		want += td.SpanCount()
	}
	to := fmt.Sprintf("otlp-grpc=127.0.0.1:%d", b.Ports.OTLPGRPC)
	args := append([]string{"import", "--to", to, "--rate", "0", "--checkpoint", filepath.Join(dir, "cp")}, files...)
	out, stderr, code := runCLI(t, dir, args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, fmt.Sprintf("(%d spans)", want))
	waitFor(t, "imported spans in the file exporter", func() bool { return spansIn(t, b.TracesFile()) >= want })

	out, _, code = runCLI(t, dir, args...)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "sent 0 records (0 spans)")

	out, _, code = runCLI(t, dir, append(args, "--restart")...)
	require.Equal(t, 0, code)
	assert.Contains(t, out, fmt.Sprintf("(%d spans)", want))
	waitFor(t, "re-imported spans", func() bool { return spansIn(t, b.TracesFile()) >= 2*want })
}

func spansIn(t *testing.T, path string) int {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return 0
	}
	return parseTraces(t, readJSONLines(t, path)).SpanCount()
}
