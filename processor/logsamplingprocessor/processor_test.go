package logsamplingprocessor

import (
	"context"
	"flag"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor/internal/metadata"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor/internal/metadatatest"
)

var update = flag.Bool("update", false, "rewrite testdata/<case>/output.yaml from the processor's output")

// stoppedClock never advances: rate-limit goldens then depend on the input only.
func stoppedClock() int64 { return 0 }

func loadCaseConfig(t *testing.T, dir string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, cm.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	return cfg
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"rules", "error_storm"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			cfg := loadCaseConfig(t, dir)
			p, err := newLogSampler(processortest.NewNopSettings(metadata.Type), cfg, stoppedClock)
			require.NoError(t, err)
			in, err := golden.ReadLogs(filepath.Join(dir, "input.yaml"))
			require.NoError(t, err)

			out, err := p.processLogs(context.Background(), in)
			if err != nil {
				out = plog.NewLogs()
			}
			outPath := filepath.Join(dir, "output.yaml")
			if *update {
				require.NoError(t, golden.WriteLogs(t, outPath, out))
			}
			want, err := golden.ReadLogs(outPath)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(want, out))
		})
	}
}

func TestEverythingDroppedSkipsTheNextConsumer(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Rules = []RuleConfig{{Action: sampling.ActionDrop}}
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("x")
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	assert.Zero(t, sink.LogRecordCount())
	require.NoError(t, p.Shutdown(context.Background()))
	require.NoError(t, p.Shutdown(context.Background()), "shutdown is idempotent")
}

func TestSynthesizedRandomnessIsRecorded(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.AdjustedCount = true
	cfg.Rules = []RuleConfig{{Action: sampling.ActionKeepRatio, Ratio: 1}}
	p, err := newLogSampler(processortest.NewNopSettings(metadata.Type), cfg, nil)
	require.NoError(t, err)
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("no trace id")
	out, err := p.processLogs(context.Background(), ld)
	require.NoError(t, err)
	attrs := out.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
	th, ok := attrs.Get(sampling.AttributeThreshold)
	require.True(t, ok)
	assert.Equal(t, "0", th.Str(), "ratio 1 is threshold 0")
	rv, ok := attrs.Get(sampling.AttributeRandomness)
	require.True(t, ok)
	assert.Len(t, rv.Str(), 14)
}

func TestTelemetry(t *testing.T) {
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })

	cfg := loadCaseConfig(t, filepath.Join("testdata", "rules"))
	p, err := newLogSampler(metadatatest.NewSettings(tt), cfg, stoppedClock)
	require.NoError(t, err)
	in, err := golden.ReadLogs(filepath.Join("testdata", "rules", "input.yaml"))
	require.NoError(t, err)
	_, err = p.processLogs(context.Background(), in)
	require.NoError(t, err)

	point := func(rule, reason string, n int64) metricdata.DataPoint[int64] {
		return metricdata.DataPoint[int64]{
			Attributes: attribute.NewSet(attribute.String("rule", rule), attribute.String("reason", reason)),
			Value:      n,
		}
	}
	metadatatest.AssertEqualProcessorLogSamplingRecordsKept(t, tt, []metricdata.DataPoint[int64]{
		point("health", "protected_severity", 2),
		point("payments", "keep", 1),
		point("sampled-traces", "keep", 1),
		point("traced", "sampled", 2),
		point(noRule, "no_rule_matched", 1),
	}, metricdatatest.IgnoreTimestamp())
	metadatatest.AssertEqualProcessorLogSamplingRecordsDropped(t, tt, []metricdata.DataPoint[int64]{
		point("health", "drop", 1),
		point("debug", "drop", 1),
		point("traced", "not_sampled", 1),
	}, metricdatatest.IgnoreTimestamp())
	require.NoError(t, p.shutdown(context.Background()))
}

// TestConcurrentBatches: batches may arrive on several goroutines at once (the race
// detector watches the shared rate limiters and counters).
func TestConcurrentBatches(t *testing.T) {
	cfg := loadCaseConfig(t, filepath.Join("testdata", "error_storm"))
	cfg.Rules = append(cfg.Rules, RuleConfig{Name: "ratio", Action: sampling.ActionKeepRatio, Ratio: 0.5})
	p, err := newLogSampler(processortest.NewNopSettings(metadata.Type), cfg, stoppedClock)
	require.NoError(t, err)
	in, err := golden.ReadLogs(filepath.Join("testdata", "error_storm", "input.yaml"))
	require.NoError(t, err)

	var wg sync.WaitGroup
	kept := make([]int, 8)
	for g := range kept {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				batch := plog.NewLogs()
				in.CopyTo(batch)
				out, err := p.processLogs(context.Background(), batch)
				if err == nil {
					kept[g] += out.LogRecordCount()
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, k := range kept {
		total += k
	}
	// The clock is stopped: only the bursts (2 per key, 3 keys) pass among the errors,
	// plus the one INFO record of each batch (no rule for it but the ratio, so about half).
	assert.GreaterOrEqual(t, total, 6)
	assert.LessOrEqual(t, total, 6+8*50)
}
