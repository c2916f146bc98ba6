// Package translatorgates tells our legacy-format receivers whether contrib's translator
// feature gates are at their defaults. Our decoders (components/zipkin, components/jaeger)
// write what contrib's translators write with the default gates; with any other setting a
// receiver hands bodies to contrib's translator instead, so --feature-gates keeps meaning what
// it means for contrib's receivers.
package translatorgates // import "github.com/otelcol-bridge/otelcol-bridge/components/translatorgates"

import (
	"strings"

	"go.opentelemetry.io/collector/featuregate"
)

// Zipkin and Jaeger are the ID prefixes of contrib's translator gates, registered by linking
// pkg/translator/zipkin and pkg/translator/jaeger.
const (
	Zipkin = "pkg.translator.zipkin."
	Jaeger = "pkg.translator.jaeger."
)

// AtDefault reports whether every gate of reg whose ID starts with prefix is at its default:
// beta and stable gates on, alpha gates off.
func AtDefault(reg *featuregate.Registry, prefix string) bool {
	atDefault := true
	reg.VisitAll(func(g *featuregate.Gate) {
		if !strings.HasPrefix(g.ID(), prefix) {
			return
		}
		def := g.Stage() == featuregate.StageBeta || g.Stage() == featuregate.StageStable
		if g.IsEnabled() != def {
			atDefault = false
		}
	})
	return atDefault
}
