package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAnalyzeCommand(t *testing.T) {
	jaeger := filepath.Join(capturesDir, "jaeger-client-go-http.jaeger-thrift-binary")
	otlp := filepath.Join(capturesDir, "otel-go-json-nocomp.otlp-json")
	out, stderr, code := runCommand(newAnalyzeCommand, "", jaeger, otlp)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "checkout-jaeger-go")
	assert.Contains(t, out, "SLOWEST TRACES")

	out, _, code = runCommand(newAnalyzeCommand, "", "--format", "json", "--fail-on", "deprecated-attribute", jaeger)
	assert.Equal(t, 1, code, "jaeger-client-go's process tags are legacy names")
	var rep struct {
		Spans    int `json:"spans"`
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 5, rep.Spans)

	_, _, code = runCommand(newAnalyzeCommand, "", "--fail-on", "orphan-span,clock-skew,duplicate-span-id", otlp)
	assert.Equal(t, 0, code)

	bin := filepath.Join(t.TempDir(), "capture.bin")
	raw, err := os.ReadFile(jaeger)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, raw, 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{bin}, "capture.bin: cannot tell the format"},
		{[]string{"--in", "otlp-jsonl", jaeger}, jaeger + ": record 0 at byte 0"},
		{[]string{"--fail-on", "typo", otlp}, `unknown rule "typo"`},
		{[]string{"--format", "xml", otlp}, "--format"},
		{[]string{}, "give files or --from"},
		{[]string{"--from", "tempo=http://127.0.0.1:1"}, "want jaeger=URL or zipkin=URL"},
	} {
		_, stderr, code := runCommand(newAnalyzeCommand, "", tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	_, stderr, code = runCommand(newAnalyzeCommand, "", "--in", "jaeger-thrift-binary", bin)
	assert.Equal(t, 0, code, stderr)
}
