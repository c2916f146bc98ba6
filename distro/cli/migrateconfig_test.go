package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var migrateTestdata = filepath.Join("..", "..", "components", "migrate", "testdata")

func TestMigrateConfigCommand(t *testing.T) {
	out, stderr, code := runCommand(newMigrateConfigCommand, "", "--from", "zipkin-server", filepath.Join(migrateTestdata, "zipkin-server", "zipkin.env"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "probabilistic_sampler:")
	assert.Contains(t, stderr, "migrate-config from zipkin-server: 1 mapped, 1 approximated, 7 unmapped")

	out, stderr, code = runCommand(newMigrateConfigCommand, "", "--from", "zipkin-server", "--helm", "--strict", "--report-format", "json",
		filepath.Join(migrateTestdata, "zipkin-server", "zipkin.env"))
	assert.Equal(t, 1, code, "--strict with unmapped keys")
	assert.Contains(t, out, "config:\n  exporters:")
	var rep struct {
		Items []struct{ Status string } `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(stderr), &rep))
	assert.Len(t, rep.Items, 9)

	for _, args := range [][]string{
		{"x.yaml"},
		{"--from", "nagios", "x.yaml"},
		{"--from", "datadog-agent"},
		{"--from", "datadog-agent", filepath.Join(t.TempDir(), "missing.yaml")},
		{"--from", "datadog-agent", "--report-format", "xml", "x.yaml"},
	} {
		_, _, code := runCommand(newMigrateConfigCommand, "", args...)
		assert.Equal(t, 2, code, "%v", args)
	}
}
