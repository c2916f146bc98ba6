package logsamplingprocessor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/probabilisticsamplerprocessor"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
)

// The property this file proves: for records that carry a trace id, a keep_ratio rule
// keeps exactly the records that contrib's probabilistic_sampler (same release, mode:
// proportional) keeps at the same ratio and precision, and exactly the logs of the traces
// that the same sampler keeps on the traces pipeline. With adjusted_count both write the
// same sampling.threshold, so the outputs are identical.

var consistencyRatios = []float32{100, 50, 33.3, 25, 10, 1, 0.1} // sampling_percentage

func contribSampler(t testing.TB, pct float32, precision int) *probabilisticsamplerprocessor.Config {
	t.Helper()
	f := probabilisticsamplerprocessor.NewFactory()
	cfg := f.CreateDefaultConfig().(*probabilisticsamplerprocessor.Config)
	cfg.SamplingPercentage = pct
	cfg.Mode = probabilisticsamplerprocessor.Proportional
	cfg.SamplingPrecision = precision
	require.NoError(t, cfg.Validate())
	return cfg
}

func ourSampler(pct float32, precision int) *Config {
	return &Config{
		ProtectedSeverity: "WARN",
		SamplingPrecision: precision,
		AdjustedCount:     true,
		// contrib converts its float32 percentage to a float64 ratio this way.
		Rules: []RuleConfig{{Name: "all", Action: sampling.ActionKeepRatio, Ratio: float64(pct) / 100}},
	}
}

// randomLogs builds n INFO records with random trace ids; withThresholds gives a third of
// them a consistent arriving sampling.threshold (as if sampled upstream).
func randomLogs(seed uint64, n int, withThresholds bool) (plog.Logs, []pcommon.TraceID) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "cart")
	sl := rl.ScopeLogs().AppendEmpty()
	ids := make([]pcommon.TraceID, n)
	for i := range n {
		var id pcommon.TraceID
		for j := range id {
			id[j] = byte(rng.Uint32())
		}
		ids[i] = id
		lr := sl.LogRecords().AppendEmpty()
		lr.SetTraceID(id)
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.Body().SetStr(fmt.Sprintf("record %d", i))
		if withThresholds && i%3 == 0 {
			// The largest threshold among a few that this record's randomness passes.
			st, _ := sampling.ReadSamplingState(lr)
			for _, tv := range []string{"c", "8", "4", "0"} {
				th, _ := otelsampling.TValueToThreshold(tv)
				if th.ShouldSample(st.Randomness) {
					lr.Attributes().PutStr(sampling.AttributeThreshold, tv)
					break
				}
			}
		}
	}
	return ld, ids
}

func runLogs(t testing.TB, f processor.Factory, cfg any, ld plog.Logs) plog.Logs {
	t.Helper()
	sink := new(consumertest.LogsSink)
	p, err := f.CreateLogs(context.Background(), processortest.NewNopSettings(f.Type()), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	require.NoError(t, p.Shutdown(context.Background()))
	out := plog.NewLogs()
	for _, l := range sink.AllLogs() {
		l.ResourceLogs().MoveAndAppendTo(out.ResourceLogs())
	}
	return out
}

func keptTraceIDs(ld plog.Logs) map[pcommon.TraceID]bool {
	out := map[pcommon.TraceID]bool{}
	for i := 0; i < ld.ResourceLogs().Len(); i++ {
		sls := ld.ResourceLogs().At(i).ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				out[lrs.At(k).TraceID()] = true
			}
		}
	}
	return out
}

func TestSameDecisionsAsProbabilisticSamplerOnLogs(t *testing.T) {
	const n = 5000
	for _, precision := range []int{4, 2, 14} {
		for _, pct := range consistencyRatios {
			for _, withThresholds := range []bool{false, true} {
				name := fmt.Sprintf("precision=%d/pct=%v/arriving_thresholds=%v", precision, pct, withThresholds)
				t.Run(name, func(t *testing.T) {
					seed := uint64(precision)*1000 + uint64(pct*10)
					in1, _ := randomLogs(seed, n, withThresholds)
					in2, _ := randomLogs(seed, n, withThresholds)
					contribOut := runLogs(t, probabilisticsamplerprocessor.NewFactory(), contribSampler(t, pct, precision), in1)
					ourOut := runLogs(t, NewFactory(), ourSampler(pct, precision), in2)

					kept := keptTraceIDs(ourOut)
					assert.Equal(t, keptTraceIDs(contribOut), kept)
					// Identical records, sampling.threshold attributes included.
					require.NoError(t, plogtest.CompareLogs(contribOut, ourOut))
					if pct >= 10 {
						assert.NotEmpty(t, kept)
					}
					t.Logf("kept %d of %d", len(kept), n)
				})
			}
		}
	}
}

func TestKeepsTheLogsOfTheTracesProbabilisticSamplerKeeps(t *testing.T) {
	const n = 5000
	for _, pct := range consistencyRatios {
		t.Run(fmt.Sprintf("pct=%v", pct), func(t *testing.T) {
			ld, ids := randomLogs(uint64(pct*100), n, false)

			// The same trace ids as spans through contrib's sampler on a traces pipeline.
			td := ptrace.NewTraces()
			ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
			for i, id := range ids {
				s := ss.Spans().AppendEmpty()
				s.SetTraceID(id)
				s.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, byte(i)})
				s.SetName("op")
			}
			f := probabilisticsamplerprocessor.NewFactory()
			sink := new(consumertest.TracesSink)
			tp, err := f.CreateTraces(context.Background(), processortest.NewNopSettings(f.Type()), contribSampler(t, pct, 4), sink)
			require.NoError(t, err)
			require.NoError(t, tp.ConsumeTraces(context.Background(), td))
			require.NoError(t, tp.Shutdown(context.Background()))
			keptTraces := map[pcommon.TraceID]bool{}
			for _, out := range sink.AllTraces() {
				for i := 0; i < out.ResourceSpans().Len(); i++ {
					sss := out.ResourceSpans().At(i).ScopeSpans()
					for j := 0; j < sss.Len(); j++ {
						for k := 0; k < sss.At(j).Spans().Len(); k++ {
							keptTraces[sss.At(j).Spans().At(k).TraceID()] = true
						}
					}
				}
			}

			keptLogs := keptTraceIDs(runLogs(t, NewFactory(), ourSampler(pct, 4), ld))
			assert.Equal(t, keptTraces, keptLogs)
		})
	}
}
