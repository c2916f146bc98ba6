package legacynormalizeprocessor

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-bridge/otelcol-bridge/components/semconv"
	"github.com/otelcol-bridge/otelcol-bridge/processor/legacynormalizeprocessor/internal/metadata"
)

const (
	signalTraces = iota
	signalMetrics
	signalLogs
	numSignals
)

var signalNames = [numSignals]string{"traces", "metrics", "logs"}

type normalizer struct {
	n         *semconv.Normalizer
	telemetry *metadata.TelemetryBuilder
	// addOptions[signal][source] carries each counter series' attribute set, built once.
	addOptions   [numSignals][]metric.AddOption
	shutdownOnce sync.Once
}

func newNormalizer(set processor.Settings, cfg *Config) (*normalizer, error) {
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &normalizer{n: semconv.New(cfg.options()), telemetry: tb}
	for sig := range p.addOptions {
		for _, src := range semconv.Sources() {
			p.addOptions[sig] = append(p.addOptions[sig], metric.WithAttributeSet(attribute.NewSet(
				attribute.String("signal", signalNames[sig]), attribute.String("source", src.String()))))
		}
	}
	return p, nil
}

func (p *normalizer) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	p.record(ctx, signalTraces, p.n.Traces(td))
	return td, nil
}

func (p *normalizer) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	p.record(ctx, signalMetrics, p.n.Metrics(md))
	return md, nil
}

func (p *normalizer) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	p.record(ctx, signalLogs, p.n.Logs(ld))
	return ld, nil
}

func (p *normalizer) record(ctx context.Context, signal int, st semconv.Stats) {
	for src := range st.Converted {
		if c := st.Converted[src]; c > 0 {
			p.telemetry.ProcessorLegacyNormalizeAttributesConverted.Add(ctx, c, p.addOptions[signal][src])
		}
		if c := st.Conflicts[src]; c > 0 {
			p.telemetry.ProcessorLegacyNormalizeAttributesConflicting.Add(ctx, c, p.addOptions[signal][src])
		}
	}
}

func (p *normalizer) shutdown(context.Context) error {
	p.shutdownOnce.Do(p.telemetry.Shutdown)
	return nil
}
