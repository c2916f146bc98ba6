package logsamplingprocessor

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"sort"
	"sync"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/otelcol-bridge/otelcol-bridge/components/sampling"
	"github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor/internal/metadata"
)

// noRule is the `rule` attribute of records that no rule matched.
const noRule = "no_rule"

type logSampler struct {
	engine        *sampling.Engine
	adjustedCount bool
	// baseTValues[i] is rule i's threshold for records that arrive without one, formatted
	// once: most kept records carry exactly this string.
	baseTValues []string

	telemetry *metadata.TelemetryBuilder
	// addOptions[rule+1][reason] carries the precomputed attribute set of each counter
	// series, so counting never builds attributes on the hot path.
	addOptions [][sampling.NumReasons]metric.AddOption
	counts     sync.Pool // *[]int64 of len(addOptions)*NumReasons, one per batch
}

// newLogSampler compiles cfg. clock may be nil for the real clock.
func newLogSampler(set processor.Settings, cfg *Config, clock sampling.Clock) (*logSampler, error) {
	engine, err := compile(cfg, clock)
	if err != nil {
		return nil, err
	}
	tb, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	p := &logSampler{
		engine:        engine,
		adjustedCount: cfg.AdjustedCount,
		baseTValues:   make([]string, len(engine.Rules)),
		telemetry:     tb,
		addOptions:    make([][sampling.NumReasons]metric.AddOption, len(engine.Rules)+1),
	}
	for i, r := range engine.Rules {
		if r.Ratio != nil {
			p.baseTValues[i] = r.Ratio.Threshold(sampling.SamplingState{}).TValue()
		}
	}
	for i := range p.addOptions {
		name := noRule
		if i > 0 {
			name = engine.Rules[i-1].Name
		}
		for reason := range sampling.NumReasons {
			p.addOptions[i][reason] = metric.WithAttributeSet(attribute.NewSet(
				attribute.String("rule", name), attribute.String("reason", sampling.Reason(reason).String())))
		}
	}
	n := len(p.addOptions) * sampling.NumReasons
	p.counts.New = func() any {
		c := make([]int64, n)
		return &c
	}
	return p, nil
}

// compile turns a validated config into the engine.
func compile(cfg *Config, clock sampling.Clock) (*sampling.Engine, error) {
	protected, _, err := sampling.ParseSeverity(cfg.ProtectedSeverity)
	if err != nil {
		return nil, fmt.Errorf("protected_severity: %w", err)
	}
	if clock == nil {
		clock = sampling.MonotonicClock()
	}
	e := &sampling.Engine{ProtectedSeverity: protected, Rules: make([]sampling.Rule, len(cfg.Rules))}
	for i, rc := range cfg.Rules {
		r := &e.Rules[i]
		r.Name = rc.Name
		if r.Name == "" {
			r.Name = fmt.Sprintf("rule_%d", i)
		}
		r.DropProtected = rc.DropProtected
		r.Action = rc.Action
		if r.Match, err = compileMatch(rc.Match); err != nil {
			return nil, fmt.Errorf("rules::%d::match: %w", i, err)
		}
		switch rc.Action {
		case sampling.ActionKeepRatio:
			if r.Ratio, err = sampling.NewRatioSampler(rc.Ratio, cfg.SamplingPrecision); err != nil {
				return nil, fmt.Errorf("rules::%d::ratio: %w", i, err)
			}
		case sampling.ActionRateLimit:
			if r.Limiter, err = newRateLimiter(rc.RateLimit, clock); err != nil {
				return nil, fmt.Errorf("rules::%d::rate_limit: %w", i, err)
			}
			r.Key = sampling.RateLimitKey{
				Attributes:      rc.RateLimit.Key.Attributes,
				Severity:        rc.RateLimit.Key.Severity,
				BodyFingerprint: rc.RateLimit.Key.BodyFingerprint,
			}
		}
	}
	return e, nil
}

// newRateLimiter applies the defaults that depend on other fields: burst follows the rate.
func newRateLimiter(rl RateLimitConfig, clock sampling.Clock) (*sampling.RateLimiter, error) {
	burst := rl.Burst
	if burst == 0 {
		burst = max(1, int(math.Ceil(rl.RecordsPerSecond)))
	}
	maxKeys := rl.MaxKeys
	if maxKeys == 0 {
		maxKeys = defaultMaxKeys
	}
	return sampling.NewRateLimiter(rl.RecordsPerSecond, burst, maxKeys, clock)
}

func compileMatch(mc MatchConfig) (sampling.Match, error) {
	var m sampling.Match
	var err error
	if m.MinSeverity, m.MaxSeverity, err = mc.Severity.bounds(); err != nil {
		return m, fmt.Errorf("severity: %w", err)
	}
	m.ResourceAttributes = attributeMatches(mc.ResourceAttributes)
	m.ScopeAttributes = attributeMatches(mc.ScopeAttributes)
	m.Attributes = attributeMatches(mc.Attributes)
	if mc.Body != "" {
		if m.Body, err = regexp.Compile(mc.Body); err != nil {
			return m, fmt.Errorf("body: %w", err)
		}
	}
	m.HasTraceID = tristate(mc.HasTraceID)
	m.TraceSampled = tristate(mc.TraceSampled)
	return m, nil
}

// attributeMatches sorts by key so that the evaluation order does not depend on map order.
func attributeMatches(in map[string]string) []sampling.AttributeMatch {
	out := make([]sampling.AttributeMatch, 0, len(in))
	for k, v := range in {
		out = append(out, sampling.NewAttributeMatch(k, v))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func tristate(b *bool) sampling.Tristate {
	switch {
	case b == nil:
		return sampling.Any
	case *b:
		return sampling.Yes
	default:
		return sampling.No
	}
}

func (p *logSampler) processLogs(ctx context.Context, ld plog.Logs) (plog.Logs, error) {
	countsPtr := p.counts.Get().(*[]int64)
	counts := *countsPtr
	ld.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
		res := rl.Resource()
		rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool {
			scope := sl.Scope()
			sl.LogRecords().RemoveIf(func(lr plog.LogRecord) bool {
				d := p.engine.Decide(res, scope, lr)
				counts[(d.Rule+1)*sampling.NumReasons+int(d.Reason)]++
				if d.Sampled && p.adjustedCount {
					p.recordThreshold(lr, d)
				}
				return !d.Keep
			})
			return sl.LogRecords().Len() == 0
		})
		return rl.ScopeLogs().Len() == 0
	})
	p.flushCounts(ctx, counts)
	p.counts.Put(countsPtr)
	if ld.ResourceLogs().Len() == 0 {
		return ld, processorhelper.ErrSkipProcessingData
	}
	return ld, nil
}

// recordThreshold writes the OTEP 235 attributes of a record a keep_ratio rule kept.
func (p *logSampler) recordThreshold(lr plog.LogRecord, d sampling.Decision) {
	tvalue := p.baseTValues[d.Rule]
	if d.Threshold != p.engine.Rules[d.Rule].Ratio.Threshold(sampling.SamplingState{}) {
		tvalue = d.Threshold.TValue()
	}
	attrs := lr.Attributes()
	attrs.PutStr(sampling.AttributeThreshold, tvalue)
	if d.SynthesizedRandomness {
		attrs.PutStr(sampling.AttributeRandomness, d.Randomness.RValue())
	}
}

func (p *logSampler) flushCounts(ctx context.Context, counts []int64) {
	for i, n := range counts {
		if n == 0 {
			continue
		}
		rule, reason := i/sampling.NumReasons, sampling.Reason(i%sampling.NumReasons)
		if reason.Kept() {
			p.telemetry.ProcessorLogSamplingRecordsKept.Add(ctx, n, p.addOptions[rule][reason])
		} else {
			p.telemetry.ProcessorLogSamplingRecordsDropped.Add(ctx, n, p.addOptions[rule][reason])
		}
		counts[i] = 0
	}
}

func (p *logSampler) shutdown(context.Context) error {
	p.telemetry.Shutdown()
	return nil
}
