package convert

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSniff(t *testing.T) {
	for _, c := range captures(t) {
		data, err := os.ReadFile(c.path)
		require.NoError(t, err)
		f, err := Sniff(c.path, data)
		require.NoError(t, err)
		assert.Equal(t, c.format.Name, f.Name, "by name")
		f, err = Sniff("noext", data)
		switch c.format.Name {
		case "otlp-json", "otlp-jsonl", "jaeger-json", "zipkin-json", "datadog-v04-json":
			if c.format.Name == "datadog-v04-json" {
				continue // a Datadog JSON body has no marker of its own
			}
			require.NoError(t, err, c.path)
			assert.Equal(t, c.format.Name, f.Name, "by content: %s", c.path)
		default:
			if err == nil {
				t.Logf("%s sniffed as %s", c.path, f.Name)
			}
		}
	}
	_, err := Sniff(filepath.Join("x", "batch.bin"), []byte{0x0c, 0x00, 0x01})
	assert.ErrorContains(t, err, "name it")
}
