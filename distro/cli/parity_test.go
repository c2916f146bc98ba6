package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var parityTestdata = filepath.Join("..", "..", "components", "parity", "testdata", "traces.jsonl")

func runParity(args ...string) (stdout, stderr string, code int) {
	cmd := newParityCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), ExitCode(err)
}

func TestParityCommandExitCodes(t *testing.T) {
	file := "otlp-file=" + parityTestdata
	out, _, code := runParity("--left", file, "--right", file, "--sample", "10")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "PARITY: 3 traces compared, 3 identical, 0 different")

	out, _, code = runParity("--left", file, "--right", "otlp-file="+filepath.Join(t.TempDir(), "missing.jsonl"),
		"--trace-id", "3ea17da5fd0f97cd3fcddfbfa2e341de")
	assert.Equal(t, 2, code, "an unreadable side is an I/O error")
	assert.Empty(t, out)

	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	require.NoError(t, writeFile(empty, ""))
	out, _, code = runParity("--left", file, "--right", "otlp-file="+empty, "--format", "json", "--max-mismatch-ratio", "0.5")
	assert.Equal(t, 1, code)
	var rep struct {
		TracesMismatched int  `json:"traces_mismatched"`
		OK               bool `json:"ok"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 3, rep.TracesMismatched)

	for _, args := range [][]string{
		{"--left", file},
		{"--left", file, "--right", file, "--format", "xml"},
		{"--left", file, "--right", file, "--max-mismatch-ratio", "2"},
		{"--left", file, "--right", file, "--trace-id", "xyz"},
		{"--left", file, "--right", file, "--trace-id", "01", "--sample", "3"},
		{"--left", "jaeger=localhost", "--right", file},
		{"--left", file, "--right", file, "--bogus"},
	} {
		_, _, code := runParity(args...)
		assert.Equal(t, 2, code, "%v", args)
	}
	_, stderr, _ := runParity("--left", "tempo=http://x", "--right", file)
	assert.Contains(t, stderr, `--left: usage: "tempo=http://x": unknown source kind "tempo"`)
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
