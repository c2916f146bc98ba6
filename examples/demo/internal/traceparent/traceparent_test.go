package traceparent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	c, err := Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	require.NoError(t, err)
	assert.Equal(t, Context{TraceIDHigh: 0x4bf92f3577b34da6, TraceIDLow: 0xa3ce929d0e0e4736, SpanID: 0x00f067aa0ba902b7, Sampled: true}, c)

	c, err = Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
	require.NoError(t, err)
	assert.False(t, c.Sampled)
}

func TestParseRejects(t *testing.T) {
	for _, h := range []string{
		"",
		"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // unknown version
		"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",  // short trace id
		"00-zzf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // not hex
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
	} {
		_, err := Parse(h)
		assert.Error(t, err, "Parse(%q)", h)
	}
}
