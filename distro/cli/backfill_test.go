package cli

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBackfillCommandsUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "jaeger=http://127.0.0.1:1"}, "--from and --out are required"},
		{[]string{"--from", "tempo=http://x", "--out", t.TempDir()}, "want jaeger=URL or zipkin=URL"},
		{[]string{"--from", "jaeger=http://x", "--out", t.TempDir(), "--since", "week"}, "--since"},
	} {
		_, stderr, code := runCommand(newExportCommand, "", tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want)
	}
	in := filepath.Join(capturesDir, "file-exporter.otlp-jsonl")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{in}, "--to and at least one file"},
		{[]string{"--to", "kafka=x", in}, "unknown target kind"},
		{[]string{"--to", "otlp-grpc=127.0.0.1:1", "--from", "bogus", in}, "cannot read"},
	} {
		_, stderr, code := runCommand(newImportCommand, "", tc.args...)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want)
	}
	d, err := parseSince("7d")
	assert.NoError(t, err)
	assert.Equal(t, 7*24*time.Hour, d)
}
