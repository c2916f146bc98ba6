//go:build chaos

package chaos

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

// TestHelmDurabilityExamples renders every example values file of the chart and puts each
// collector config that queues on disk (a file_storage extension) through the kill -9 check:
// those ConfigMaps are what users deploy. A new durable example is picked up by itself.
//
// The gateway tier is killed mid-stream. The sampler tier of tail sampling holds spans in
// memory until decision_wait has passed, by design, so it is killed after the stream stopped
// and the decisions were made: what it had decided must survive. Its decision_wait is cut to
// 2 s and its policy set to always_sample so the check is short and every span is expected.
func TestHelmDurabilityExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(t), "helm", "otelcol-bridge", "examples", "*.yaml"))
	require.NoError(t, err)
	checked := 0
	for _, f := range files {
		example := strings.TrimSuffix(filepath.Base(f), ".yaml")
		tiers := renderShipped(t, example)
		names := make([]string, 0, len(tiers))
		for tier := range tiers {
			names = append(names, tier)
		}
		sort.Strings(names)
		for _, tier := range names {
			shipped := tiers[tier]
			if shipped.Get("extensions::file_storage") == nil {
				continue
			}
			checked++
			t.Run(example+"/"+tier, func(t *testing.T) {
				sink := newSink(t)
				cfg := loopback(t, shipped, t.TempDir())
				pointAllAt(t, cfg, sink)
				name := fmt.Sprintf("kill9_helm_%s_%s", example, tier)
				if cfg.Get("processors::tail_sampling") != nil {
					cfg.Set("processors::tail_sampling::decision_wait", "2s")
					cfg.Set("processors::tail_sampling::policies", []any{map[string]any{"name": "all", "type": "always_sample"}})
					// Paced (4 × 100 spans every 50 ms, 8,000 spans/s): tail_sampling hands
					// each decided trace to the queue as its own request, one storage write
					// each, and at an unpaced rate the decided traces wait in memory for
					// their write longer than any fixed settle time (docs/en/reliability.md).
					kill9Check(t, name, cfg, sink, loadgen.OTLPGRPC, 4317, 2*time.Second, 6*time.Second, 50*time.Millisecond)
					return
				}
				kill9Check(t, name, cfg, sink, loadgen.OTLPHTTP, 4318, 2500*time.Millisecond, 0, 0)
			})
		}
	}
	require.GreaterOrEqual(t, checked, 3, "durable configs found in the chart's examples (persistent-queue, tail-sampling-persistent ×2)")
}
