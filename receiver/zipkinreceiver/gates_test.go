package zipkinreceiver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/featuregate"
)

// Any Zipkin translator gate away from its default sends v2 bodies to
// contrib's translator; other gates do not matter.
func TestGatesAtDefault(t *testing.T) {
	reg := featuregate.NewRegistry()
	reg.MustRegister("pkg.translator.zipkin.Beta", featuregate.StageBeta)
	reg.MustRegister("pkg.translator.zipkin.Alpha", featuregate.StageAlpha)
	reg.MustRegister("other.Alpha", featuregate.StageAlpha)
	assert.True(t, gatesAtDefault(reg))

	require.NoError(t, reg.Set("other.Alpha", true))
	assert.True(t, gatesAtDefault(reg))

	require.NoError(t, reg.Set("pkg.translator.zipkin.Alpha", true))
	assert.False(t, gatesAtDefault(reg))
	require.NoError(t, reg.Set("pkg.translator.zipkin.Alpha", false))
	require.NoError(t, reg.Set("pkg.translator.zipkin.Beta", false))
	assert.False(t, gatesAtDefault(reg))

	assert.True(t, gatesAtDefault(featuregate.GlobalRegistry()), "the collector's defaults")
}
