package piiredactionprocessor

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.uber.org/zap"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

// NewFactory returns the factory of the pii_redaction processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		metadata.Type,
		createDefaultConfig,
		processor.WithLogs(createLogs, metadata.LogsStability),
		processor.WithTraces(createTraces, metadata.TracesStability),
		processor.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

// NewDeprecatedFactory returns the same processor under an old type name (log_redaction):
// configs written before the rename keep loading, with the stability "deprecated" and a
// warning at start that names the new type.
func NewDeprecatedFactory(alias component.Type) processor.Factory {
	warn := func(set processor.Settings) {
		set.Logger.Warn("processor type is deprecated: rename it in the configuration",
			zap.String("deprecated_type", alias.String()), zap.String("type", metadata.Type.String()))
	}
	return processor.NewFactory(
		alias,
		createDefaultConfig,
		processor.WithLogs(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
			warn(set)
			return createLogs(ctx, set, cfg, next)
		}, component.StabilityLevelDeprecated),
		processor.WithTraces(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
			warn(set)
			return createTraces(ctx, set, cfg, next)
		}, component.StabilityLevelDeprecated),
		processor.WithMetrics(func(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
			warn(set)
			return createMetrics(ctx, set, cfg, next)
		}, component.StabilityLevelDeprecated),
	)
}

func createDefaultConfig() component.Config {
	return &Config{
		Presets:  []string{pii.PresetSecrets},
		Action:   pii.ActionMask,
		Mask:     pii.DefaultMask,
		KeepLast: 4,
		// Resource and scope attributes are stored and indexed by every backend: scanned
		// unless turned off explicitly.
		ResourceAttributes: true,
		ScopeAttributes:    true,
	}
}

var capabilities = processorhelper.WithCapabilities(consumer.Capabilities{MutatesData: true})

func createLogs(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	r, err := newRedactor(set, cfg.(*Config))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", set.ID, err)
	}
	return processorhelper.NewLogs(ctx, set, cfg, next, r.processLogs, capabilities, processorhelper.WithShutdown(r.shutdown))
}

func createTraces(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	r, err := newRedactor(set, cfg.(*Config))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", set.ID, err)
	}
	return processorhelper.NewTraces(ctx, set, cfg, next, r.processTraces, capabilities, processorhelper.WithShutdown(r.shutdown))
}

func createMetrics(ctx context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	r, err := newRedactor(set, cfg.(*Config))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", set.ID, err)
	}
	return processorhelper.NewMetrics(ctx, set, cfg, next, r.processMetrics, capabilities, processorhelper.WithShutdown(r.shutdown))
}
