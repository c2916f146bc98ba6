package translatorgates

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/featuregate"
)

// Any gate of the prefix away from its default counts; gates of other prefixes do not.
func TestAtDefault(t *testing.T) {
	reg := featuregate.NewRegistry()
	reg.MustRegister(Zipkin+"Beta", featuregate.StageBeta)
	reg.MustRegister(Zipkin+"Alpha", featuregate.StageAlpha)
	reg.MustRegister(Jaeger+"Alpha", featuregate.StageAlpha)
	assert.True(t, AtDefault(reg, Zipkin))

	require.NoError(t, reg.Set(Jaeger+"Alpha", true))
	assert.True(t, AtDefault(reg, Zipkin), "another translator's gate")
	assert.False(t, AtDefault(reg, Jaeger))

	require.NoError(t, reg.Set(Zipkin+"Alpha", true))
	assert.False(t, AtDefault(reg, Zipkin), "an alpha gate on")
	require.NoError(t, reg.Set(Zipkin+"Alpha", false))
	require.NoError(t, reg.Set(Zipkin+"Beta", false))
	assert.False(t, AtDefault(reg, Zipkin), "a beta gate off")
}
