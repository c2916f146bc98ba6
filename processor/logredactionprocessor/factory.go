package logredactionprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logredactionprocessor/internal/metadata"
)

// NewFactory returns the factory of the log_redaction processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability),
		processor.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Presets:  []string{pii.PresetSecrets},
		Action:   pii.ActionMask.String(),
		Mask:     pii.DefaultMask,
		KeepLast: 4,
	}
}

var capabilities = processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true})

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	r, err := newRedactor(set, cfg.(*Config))
	if err != nil {
		return nil, fmt.Errorf("log_redaction: %w", err)
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, r.processLogs, capabilities, processorhelper.WithShutdown(r.shutdown))
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	r, err := newRedactor(set, cfg.(*Config))
	if err != nil {
		return nil, fmt.Errorf("log_redaction: %w", err)
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, r.processTraces, capabilities, processorhelper.WithShutdown(r.shutdown))
}
