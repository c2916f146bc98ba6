package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

var capturesDir = filepath.Join("..", "..", "components", "convert", "testdata", "captures")

func runCommand(newCmd func() *cobra.Command, stdin string, args ...string) (stdout, stderr string, code int) {
	cmd := newCmd()
	var out, errOut bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), ExitCode(err)
}

func TestConvertCommand(t *testing.T) {
	in := filepath.Join(capturesDir, "jaeger-client-go-http.jaeger-thrift-binary")
	out, stderr, code := runCommand(newConvertCommand, "", "--from", "jaeger-thrift-binary", "--to", "otlp-json", in)
	require.Equal(t, 0, code, stderr)
	td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces([]byte(out))
	require.NoError(t, err)
	assert.Equal(t, 5, td.SpanCount())

	// stdin to a file, and back.
	dst := filepath.Join(t.TempDir(), "out.zipkin.json")
	_, stderr, code = runCommand(newConvertCommand, out, "--from", "otlp-json", "--to", "zipkin-json", "-", dst)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(dst)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"localEndpoint":{"serviceName":"checkout-jaeger-go"`)

	// Without --from, the format comes from the name (captures are named <source>.<format>).
	out, stderr, code = runCommand(newConvertCommand, "", "--to", "otlp-jsonl", filepath.Join(capturesDir, "dd-trace-go-v1.datadog-v1"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `"checkout-dd-go"`)

	out, _, code = runCommand(newConvertCommand, "", "--list")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "zipkin-v1-thrift")
}

func TestConvertCommandErrors(t *testing.T) {
	in := filepath.Join(capturesDir, "zipkin-go-json.zipkin-json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "zipkin-json", in}, "--to is required"},
		{[]string{"--to", "otlp-json", filepath.Join(capturesDir, "..", "..", "..", "..", "go.mod")}, "--from: cannot tell the format"},
		{[]string{"--from", "zipkin-json", "--to", "zipkin-v1-json", in}, "cannot write \"zipkin-v1-json\"; writable formats: datadog-v04"},
		{[]string{"--from", "tempo", "--to", "otlp-json", in}, "readable formats:"},
		{[]string{"--from", "zipkin-json", "--to", "otlp-json", filepath.Join(t.TempDir(), "missing")}, "no such file"},
		{[]string{"--from", "otlp-jsonl", "--to", "otlp-json", in}, in + ": record 0 at byte 0: otlp-jsonl:"},
		{[]string{"--from", "zipkin-json", "--to", "otlp-json", "--bogus"}, "unknown flag"},
		{[]string{"--from", "zipkin-json", "--to", "otlp-json", in, filepath.Join(t.TempDir(), "no", "dir")}, "no such file"},
	} {
		out, stderr, code := runCommand(newConvertCommand, "", tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
	}
}
