package logredactionprocessor

import (
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/processor"

	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor"
)

// Type is the deprecated type name.
var Type = component.MustNewType("log_redaction")

// NewFactory returns the pii_redaction processor under its old type name.
func NewFactory() processor.Factory {
	return piiredactionprocessor.NewDeprecatedFactory(Type)
}
