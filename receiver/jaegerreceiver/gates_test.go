package jaegerreceiver

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/featuregate"

	"github.com/otelcol-bridge/otelcol-bridge/components/translatorgates"
)

// The collector's defaults let our decoder serve: linking contrib's translator registers its
// gates at their defaults.
func TestTranslatorGatesAtDefaultInTheCollector(t *testing.T) {
	assert.True(t, translatorgates.AtDefault(featuregate.GlobalRegistry(), translatorgates.Jaeger))
}
