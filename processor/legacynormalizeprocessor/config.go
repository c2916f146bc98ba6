package legacynormalizeprocessor

import (
	"errors"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
)

// Modes.
const (
	ModeReplace = "replace"
	ModeAdd     = "add"
)

// Config of the legacy_normalize processor.
type Config struct {
	// Mode is replace (the legacy attribute is removed once its current form is written)
	// or add (both are kept, so dashboards and alerts on the old names keep working until
	// they are moved). Default replace.
	Mode string `mapstructure:"mode"`

	// Sources limits the mapping to these conventions: otel_semconv, opentracing, jaeger,
	// zipkin. Default all of them.
	Sources []string `mapstructure:"sources"`

	// ProvenanceAttribute names the string-array attribute that lists, on each resource,
	// span and log record, the legacy keys converted there. An empty value records
	// nothing. Default otelcol_bridge.normalized_from.
	ProvenanceAttribute string `mapstructure:"provenance_attribute"`
}

var _ component.Config = (*Config)(nil)

// Validate checks the configuration; errors name the offending field.
func (cfg *Config) Validate() error {
	var errs error
	if cfg.Mode != ModeReplace && cfg.Mode != ModeAdd {
		errs = errors.Join(errs, fmt.Errorf("mode: must be %q or %q, got %q", ModeReplace, ModeAdd, cfg.Mode))
	}
	if _, err := parseSources(cfg.Sources); err != nil {
		errs = errors.Join(errs, err)
	}
	return errs
}

func parseSources(names []string) ([]semconv.Source, error) {
	var out []semconv.Source
	var errs error
	for i, name := range names {
		found := false
		for _, s := range semconv.Sources() {
			if s.String() == name {
				found = true
				if slices.Contains(out, s) {
					errs = errors.Join(errs, fmt.Errorf("sources[%d]: %q is listed twice", i, name))
				}
				out = append(out, s)
			}
		}
		if !found {
			errs = errors.Join(errs, fmt.Errorf("sources[%d]: unknown source %q (otel_semconv, opentracing, jaeger or zipkin)", i, name))
		}
	}
	return out, errs
}

func (cfg *Config) options() semconv.Options {
	mode := semconv.ModeReplace
	if cfg.Mode == ModeAdd {
		mode = semconv.ModeAdd
	}
	sources, _ := parseSources(cfg.Sources)
	return semconv.Options{Mode: mode, ProvenanceKey: cfg.ProvenanceAttribute, Sources: sources}
}
