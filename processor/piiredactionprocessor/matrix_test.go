package piiredactionprocessor

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelcol-bridge/otelcol-bridge/components/pii"
	"github.com/otelcol-bridge/otelcol-bridge/components/pii/piitest"
	"github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor/internal/metadata"
)

// matrixConfigs: the default configuration and each preset (ipv4/ipv6 are in no preset,
// so "all" also runs with them switched on by name).
var matrixConfigs = []struct {
	name    string
	presets []string
	include []string
}{
	{name: "default", presets: []string{pii.PresetSecrets}},
	{name: "pci", presets: []string{pii.PresetPCI}},
	{name: "pii", presets: []string{pii.PresetPII}},
	{name: "all+ip", presets: []string{pii.PresetAll}, include: []string{pii.DetectorIPv4, pii.DetectorIPv6}},
}

func enabled(presets, include []string, detector string) bool {
	for _, d := range include {
		if d == detector {
			return true
		}
	}
	return piitest.Enabled(presets, detector)
}

type matrixPipes struct {
	traces  *consumertest.TracesSink
	logs    *consumertest.LogsSink
	metrics *consumertest.MetricsSink
	tp      func(ptrace.Traces)
	lp      func(plog.Logs)
	mp      func(pmetric.Metrics)
}

func newMatrixPipes(t *testing.T, cfg *Config) *matrixPipes {
	ctx := context.Background()
	set := processortest.NewNopSettings(metadata.Type)
	p := &matrixPipes{traces: new(consumertest.TracesSink), logs: new(consumertest.LogsSink), metrics: new(consumertest.MetricsSink)}
	tp, err := NewFactory().CreateTraces(ctx, set, cfg, p.traces)
	require.NoError(t, err)
	lp, err := NewFactory().CreateLogs(ctx, set, cfg, p.logs)
	require.NoError(t, err)
	mp, err := NewFactory().CreateMetrics(ctx, set, cfg, p.metrics)
	require.NoError(t, err)
	p.tp = func(td ptrace.Traces) { require.NoError(t, tp.ConsumeTraces(ctx, td)) }
	p.lp = func(ld plog.Logs) { require.NoError(t, lp.ConsumeLogs(ctx, ld)) }
	p.mp = func(md pmetric.Metrics) { require.NoError(t, mp.ConsumeMetrics(ctx, md)) }
	return p
}

// out returns the text of the last batch that went through, for the signal.
func (p *matrixPipes) out(signal string) string {
	switch signal {
	case "traces":
		all := p.traces.AllTraces()
		return piitest.Text(all[len(all)-1].ResourceSpans().At(0))
	case "logs":
		all := p.logs.AllLogs()
		return piitest.Text(all[len(all)-1].ResourceLogs().At(0))
	}
	all := p.metrics.AllMetrics()
	return piitest.Text(all[len(all)-1].ResourceMetrics().At(0))
}

// placementResult is what one placement did with every sample of a configuration.
type placementResult struct {
	name, signal string
	numeric      bool
	tested       map[string]bool // detectors whose positives were placed here
	leaked       map[string]int  // detector -> samples that came out with the needle
}

// measureMatrix sends every applicable sample through the processor in every placement
// and records what leaked. The matrix test asserts on it, and the docs' "what is masked
// where" table is generated from it, so the table says what the code does.
func measureMatrix(t *testing.T, presets, include []string) []placementResult {
	cfg := createDefaultConfig().(*Config)
	cfg.Presets, cfg.Detectors = presets, include
	p := newMatrixPipes(t, cfg)
	var results []placementResult
	for _, pl := range piitest.TextPlacements() {
		res := placementResult{name: pl.Name, signal: pl.Signal, tested: map[string]bool{}, leaked: map[string]int{}}
		for _, s := range piitest.Samples() {
			if !enabled(presets, include, s.Detector) {
				continue
			}
			res.tested[s.Detector] = true
			switch pl.Signal {
			case "traces":
				td := ptrace.NewTraces()
				pl.Traces(td.ResourceSpans().AppendEmpty(), s.Text)
				p.tp(td)
			case "logs":
				ld := plog.NewLogs()
				pl.Logs(ld.ResourceLogs().AppendEmpty(), s.Text)
				p.lp(ld)
			case "metrics":
				md := pmetric.NewMetrics()
				pl.Metric(md.ResourceMetrics().AppendEmpty(), s.Text)
				p.mp(md)
			}
			if out := p.out(pl.Signal); strings.Contains(out, s.Needle) {
				res.leaked[s.Detector]++
				t.Logf("%s leaked %s/%s: %q", pl.Name, s.Detector, s.Form, out)
			}
		}
		results = append(results, res)
	}
	for _, pl := range piitest.NumberPlacements() {
		res := placementResult{name: pl.Name, signal: pl.Signal, numeric: true, tested: map[string]bool{}, leaked: map[string]int{}}
		for _, n := range piitest.Numbers() {
			if !enabled(presets, include, n.Detector) {
				continue
			}
			res.tested[n.Detector] = true
			switch pl.Signal {
			case "traces":
				td := ptrace.NewTraces()
				pl.Traces(td.ResourceSpans().AppendEmpty(), n.Key, n.Value)
				p.tp(td)
			case "logs":
				ld := plog.NewLogs()
				pl.Logs(ld.ResourceLogs().AppendEmpty(), n.Key, n.Value)
				p.lp(ld)
			case "metrics":
				md := pmetric.NewMetrics()
				pl.Metric(md.ResourceMetrics().AppendEmpty(), n.Key, n.Value)
				p.mp(md)
			}
			if out := p.out(pl.Signal); strings.Contains(out, strconv.FormatInt(n.Value, 10)) {
				res.leaked[n.Detector]++
				t.Logf("%s leaked %s %s=%d: %q", pl.Name, n.Detector, n.Key, n.Value, out)
			}
		}
		results = append(results, res)
	}
	return results
}

// TestMatrixPlacementsAndForms: every detector's positives, in every form, in every field
// a backend stores, through the processor on the default configuration and each preset:
// nothing leaks. Leaks are reported per placement so a regression names the field.
func TestMatrixPlacementsAndForms(t *testing.T) {
	for _, mc := range matrixConfigs {
		t.Run(mc.name, func(t *testing.T) {
			leaks := map[string]int{}
			cases := 0
			for _, res := range measureMatrix(t, mc.presets, mc.include) {
				cases += len(res.tested)
				for _, n := range res.leaked {
					leaks[res.name] += n
				}
			}
			t.Logf("%s: %d placement x detector cells, leaks per placement: %v", mc.name, cases, leaks)
			assert.Empty(t, leaks)
		})
	}
}
