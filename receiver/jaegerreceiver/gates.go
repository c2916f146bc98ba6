package jaegerreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/jaegerreceiver"

import (
	"strings"

	"go.opentelemetry.io/collector/featuregate"
)

// translatorGatePrefix names contrib's Jaeger translator feature gates
// (registered because this package links pkg/translator/jaeger).
const translatorGatePrefix = "pkg.translator.jaeger."

// gatesAtDefault reports whether every Jaeger translator gate is at its
// default (beta and stable gates on, alpha gates off). components/jaeger
// writes what contrib writes with the default gates; with any other
// setting the receiver uses contrib's translator, so --feature-gates keeps
// meaning what it means for contrib's receiver.
func gatesAtDefault(reg *featuregate.Registry) bool {
	atDefault := true
	reg.VisitAll(func(g *featuregate.Gate) {
		if !strings.HasPrefix(g.ID(), translatorGatePrefix) {
			return
		}
		def := g.Stage() == featuregate.StageBeta || g.Stage() == featuregate.StageStable
		if g.IsEnabled() != def {
			atDefault = false
		}
	})
	return atDefault
}
