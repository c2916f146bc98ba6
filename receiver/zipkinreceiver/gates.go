package zipkinreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/zipkinreceiver"

import (
	"strings"

	"go.opentelemetry.io/collector/featuregate"
)

// translatorGatePrefix names contrib's Zipkin translator feature gates
// (registered because this package links contrib's zipkinv1 translator).
const translatorGatePrefix = "pkg.translator.zipkin."

// gatesAtDefault reports whether every Zipkin translator gate is at its
// default (beta and stable gates on, alpha gates off). components/zipkin
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
