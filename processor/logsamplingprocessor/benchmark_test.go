package logsamplingprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/probabilisticsamplerprocessor"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
)

const benchBatch = 1000

// benchmarkProcessor pushes batches of benchBatch INFO records with random trace ids
// through a processor; ns/op divided by benchBatch is ns/record.
func benchmarkProcessor(b *testing.B, f processor.Factory, cfg any) {
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, consumertest.NewNop())
	require.NoError(b, err)
	src, _ := randomLogs(42, benchBatch, false)
	batch := plog.NewLogs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		batch = plog.NewLogs()
		src.CopyTo(batch)
		b.StartTimer()
		if err := p.ConsumeLogs(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	require.NoError(b, p.Shutdown(context.Background()))
}

// The same job for both: keep 10% of logs by trace id (proportional, precision 4).
func BenchmarkLogsRatio10Percent(b *testing.B) {
	b.Run("log_sampling", func(b *testing.B) {
		cfg := ourSampler(10, 4)
		cfg.AdjustedCount = false
		benchmarkProcessor(b, NewFactory(), cfg)
	})
	b.Run("log_sampling_adjusted_count", func(b *testing.B) {
		benchmarkProcessor(b, NewFactory(), ourSampler(10, 4))
	})
	b.Run("probabilistic_sampler", func(b *testing.B) {
		benchmarkProcessor(b, probabilisticsamplerprocessor.NewFactory(), contribSampler(b, 10, 4))
	})
}

// A realistic rule set: a body regex, a severity-ranged ratio, a fingerprinting rate
// limit and an attribute-matched ratio, all evaluated for every INFO record.
func BenchmarkLogsRuleSet(b *testing.B) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []RuleConfig{
		{Name: "health", Action: sampling.ActionDrop, Match: MatchConfig{Body: "^GET /healthz"}},
		{Name: "debug", Action: sampling.ActionKeepRatio, Ratio: 0.01, Match: MatchConfig{Severity: SeverityRangeConfig{Max: "DEBUG"}}},
		{Name: "errors", Action: sampling.ActionRateLimit, DropProtected: true,
			Match: MatchConfig{Severity: SeverityRangeConfig{Min: "ERROR"}},
			RateLimit: RateLimitConfig{RecordsPerSecond: 10, Key: RateLimitKeyConfig{
				Attributes: []string{"service.name"}, Severity: true, BodyFingerprint: true}}},
		{Name: "cart", Action: sampling.ActionKeepRatio, Ratio: 0.1,
			Match: MatchConfig{ResourceAttributes: map[string]string{"service.name": "cart"}}},
	}
	require.NoError(b, cfg.Validate())
	benchmarkProcessor(b, NewFactory(), cfg)
}
