package legacynormalizeprocessor

import (
	"errors"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

// Config of the legacy_normalize processor.
type Config struct {
	// Mode is replace (the legacy attribute is removed once its current form is written)
	// or add (both are kept, so dashboards and alerts on the old names keep working until
	// they are moved). Default replace.
	Mode semconv.Mode `mapstructure:"mode"`

	// Sources limits the mapping to these conventions: otel_semconv, opentracing, jaeger,
	// zipkin. Default all of them.
	Sources []semconv.Source `mapstructure:"sources"`

	// ProvenanceAttribute names the string-array attribute that lists, on each resource,
	// span and log record, the legacy keys converted there. An empty value records
	// nothing. Default otelcol_bridge.normalized_from.
	ProvenanceAttribute string `mapstructure:"provenance_attribute"`
}

var _ component.Config = (*Config)(nil)

// supportedModes are the modes this processor implements.
var supportedModes = []semconv.Mode{semconv.ModeReplace, semconv.ModeAdd}

// Validate checks the configuration; errors name the offending field. Mode and Sources
// refuse unknown names while they are read, so membership fails here only for values set
// in code.
func (cfg *Config) Validate() error {
	var errs []error
	if !slices.Contains(supportedModes, cfg.Mode) {
		errs = append(errs, fmt.Errorf("mode: %d is not a mode (want replace or add)", int(cfg.Mode)))
	}
	for i, s := range cfg.Sources {
		switch {
		case !slices.Contains(semconv.Sources(), s):
			errs = append(errs, fmt.Errorf("sources::%d: %d is not a source (want %s)", i, int(s), semconv.SourceChoices))
		case slices.Contains(cfg.Sources[:i], s):
			errs = append(errs, fmt.Errorf("sources::%d: %q is listed twice", i, s))
		}
	}
	return errors.Join(errs...)
}

// options is the normalizer's configuration: the config already holds its types.
func (cfg *Config) options() semconv.Options {
	return semconv.Options{Mode: cfg.Mode, ProvenanceKey: cfg.ProvenanceAttribute, Sources: cfg.Sources}
}
