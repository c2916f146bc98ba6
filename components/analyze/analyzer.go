package analyze

import (
	"fmt"
	"sort"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Options tune the report.
type Options struct {
	// Slowest is how many of the slowest traces get their critical path (default 3).
	Slowest int
}

// Analyzer accumulates spans. Not safe for concurrent use.
type Analyzer struct {
	opts     Options
	traces   map[pcommon.TraceID]*trace
	order    []pcommon.TraceID
	found    findings
	badNames map[opKey]bool
	spans    int
}

// New returns an empty Analyzer.
func New(opts Options) *Analyzer {
	if opts.Slowest <= 0 {
		opts.Slowest = 3
	}
	return &Analyzer{opts: opts, traces: map[pcommon.TraceID]*trace{}, found: findings{}, badNames: map[opKey]bool{}}
}

// Add records every span of td and runs the rules that look at one span or resource.
func (a *Analyzer) Add(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		service := ""
		if v, ok := rs.Resource().Attributes().Get("service.name"); ok {
			service = v.AsString()
		}
		if service == "" || len(service) >= 15 && service[:15] == "unknown_service" {
			a.found.add(RuleMissingService, fmt.Sprintf("resource %d with %d attributes, service.name %q", i, rs.Resource().Attributes().Len(), service))
			if service == "" {
				service = "(none)"
			}
		}
		rs.Resource().Attributes().Range(func(k string, _ pcommon.Value) bool {
			if r, ok := deprecatedResource[k]; ok {
				a.found.add(RuleDeprecatedAttr, deprecatedExample("resource", k, r, "service "+service))
			}
			return true
		})
		sss := rs.ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				a.addSpan(service, spans.At(k))
			}
		}
	}
}

func (a *Analyzer) addSpan(service string, s ptrace.Span) {
	a.spans++
	where := fmt.Sprintf("trace %s span %s (%s %q)", s.TraceID(), s.SpanID(), service, s.Name())
	s.Attributes().Range(func(k string, _ pcommon.Value) bool {
		if r, ok := deprecatedSpan[k]; ok {
			a.found.add(RuleDeprecatedAttr, deprecatedExample("span", k, r, where))
		}
		return true
	})
	isErr := s.Status().Code() == ptrace.StatusCodeError
	if !isErr {
		if ok, why := errorRecorded(s); ok {
			a.found.add(RuleErrorWithoutStatus, where+": "+why+", status "+s.Status().Code().String())
		}
	}
	key := opKey{service, s.Name()}
	if !a.badNames[key] && idInName.MatchString(s.Name()) {
		a.badNames[key] = true
		a.found.add(RuleHighCardinality, fmt.Sprintf("%s: %q", service, s.Name()))
	}

	t, ok := a.traces[s.TraceID()]
	if !ok {
		t = &trace{id: s.TraceID()}
		a.traces[s.TraceID()] = t
		a.order = append(a.order, s.TraceID())
	}
	t.spans = append(t.spans, span{
		id: s.SpanID(), parent: s.ParentSpanID(), service: service, name: s.Name(), kind: s.Kind(),
		start: uint64(s.StartTimestamp()), end: uint64(s.EndTimestamp()), isError: isErr,
	})
}

// Report builds the report over everything added so far.
func (a *Analyzer) Report() *Report {
	r := &Report{Spans: a.spans, Traces: len(a.traces)}
	ops := map[opKey]*opAcc{}
	var depths, fanouts, sizes []float64
	type slow struct {
		t   *trace
		dur uint64
	}
	var slowest []slow
	for _, id := range a.order {
		t := a.traces[id]
		for i := range t.spans {
			s := &t.spans[i]
			o := ops[opKey{s.service, s.name}]
			if o == nil {
				o = &opAcc{}
				ops[opKey{s.service, s.name}] = o
			}
			o.durations = append(o.durations, float64(s.duration())/1e6)
			if s.isError {
				o.errors++
			}
		}
		g := a.lintTrace(t)
		depths = append(depths, float64(g.depth))
		fanouts = append(fanouts, float64(g.fanout))
		sizes = append(sizes, float64(len(t.spans)))
		slowest = append(slowest, slow{t, g.extent})
	}
	for k, o := range ops {
		sort.Float64s(o.durations)
		r.Operations = append(r.Operations, Operation{
			Service: k.service, Name: k.name, Spans: len(o.durations), Errors: o.errors,
			ErrorRate: float64(o.errors) / float64(len(o.durations)),
			P50:       percentile(o.durations, 50), P95: percentile(o.durations, 95), P99: percentile(o.durations, 99),
		})
	}
	sort.Slice(r.Operations, func(i, j int) bool {
		a, b := r.Operations[i], r.Operations[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Name < b.Name
	})
	r.Shape = Shape{Depth: summarize(depths), FanOut: summarize(fanouts), SpansPerTrace: summarize(sizes)}

	sort.SliceStable(slowest, func(i, j int) bool { return slowest[i].dur > slowest[j].dur })
	for i := 0; i < len(slowest) && i < a.opts.Slowest; i++ {
		r.Slowest = append(r.Slowest, criticalPath(slowest[i].t, slowest[i].dur))
	}
	r.Findings = a.found.sorted()
	return r
}

type opAcc struct {
	durations []float64
	errors    int
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

func summarize(v []float64) Summary {
	sort.Float64s(v)
	if len(v) == 0 {
		return Summary{}
	}
	return Summary{P50: percentile(v, 50), P95: percentile(v, 95), Max: v[len(v)-1]}
}
