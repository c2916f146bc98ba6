package semconv

import (
	"slices"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/internal/enumtext"
)

// Mode says what happens to a legacy attribute once its current form is written.
type Mode int

const (
	// ModeReplace removes the legacy attribute.
	ModeReplace Mode = iota
	// ModeAdd keeps it next to the current one, for dashboards and alerts that still
	// query the old name during a migration.
	ModeAdd

	numModes
)

var modeNames = [numModes]string{"replace", "add"}

func (m Mode) String() string {
	if m < 0 || m >= numModes {
		return "unknown"
	}
	return modeNames[m]
}

// UnmarshalText lets a configuration hold a Mode: replace or add.
func (m *Mode) UnmarshalText(text []byte) (err error) {
	*m, err = enumtext.Parse[Mode]("mode", modeNames[:], text)
	return err
}

// MarshalText writes the name UnmarshalText reads.
func (m Mode) MarshalText() ([]byte, error) {
	return enumtext.Marshal("mode", modeNames[:], m)
}

// DefaultProvenanceKey is the attribute that lists, on each resource, span and log record,
// the legacy keys that were converted there. It is a string array; a value already present
// (from an earlier pass) is extended, not replaced.
const DefaultProvenanceKey = "otelcol_bridge.normalized_from"

// Options configure a Normalizer.
type Options struct {
	Mode Mode
	// ProvenanceKey is where converted legacy keys are recorded; "" records nothing.
	ProvenanceKey string
	// Sources limits the rules to these conventions; empty means all.
	Sources []Source
}

// Stats counts what a pass did, per Source.
type Stats struct {
	// Converted counts legacy attributes written in their current form.
	Converted [numSources]int64
	// Conflicts counts legacy attributes left alone because the current key already held
	// a different value; the current value wins and the legacy one is kept, never lost.
	Conflicts [numSources]int64
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	for i := range s.Converted {
		s.Converted[i] += o.Converted[i]
		s.Conflicts[i] += o.Conflicts[i]
	}
}

// Total returns the conversions and conflicts over all sources.
func (s *Stats) Total() (converted, conflicts int64) {
	for i := range s.Converted {
		converted += s.Converted[i]
		conflicts += s.Conflicts[i]
	}
	return converted, conflicts
}

// Normalizer applies the mapping table. It keeps no state between calls and is safe for
// concurrent use.
type Normalizer struct {
	mode          Mode
	provenanceKey string
	// Each set maps a legacy key to its rule's index in rules, so a map whose keys match
	// nothing costs one lookup per attribute and no allocation.
	resourceSet, spanSet, itemSet, eventSet map[string]int
	componentToScope                        bool
}

// New builds a Normalizer.
func New(opts Options) *Normalizer {
	n := &Normalizer{
		mode:          opts.Mode,
		provenanceKey: opts.ProvenanceKey,
		resourceSet:   map[string]int{},
		spanSet:       map[string]int{},
		itemSet:       map[string]int{},
		eventSet:      map[string]int{},
	}
	for i := range rules {
		r := &rules[i]
		if len(opts.Sources) > 0 && !slices.Contains(opts.Sources, r.Source) {
			continue
		}
		switch r.Where {
		case OnResource:
			n.resourceSet[r.From] = i
		case OnItem:
			n.itemSet[r.From] = i
			n.spanSet[r.From] = i
		case OnSpanField:
			n.spanSet[r.From] = i
			if r.From == "component" {
				n.componentToScope = true
			}
		case OnErrorEvent:
			n.eventSet[r.From] = i
		}
	}
	return n
}

// Traces normalizes resources, spans and OpenTracing error events in place.
func (n *Normalizer) Traces(td ptrace.Traces) Stats {
	var st Stats
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		n.apply(rs.Resource().Attributes(), n.resourceSet, target{}, &st, true)
		sss := rs.ScopeSpans()
		if n.componentToScope {
			for j, count := 0, sss.Len(); j < count; j++ {
				if ss := sss.At(j); ss.Scope().Name() == "" {
					groupByComponent(sss, ss)
				}
			}
		}
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			scopeName := ss.Scope().Name()
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				n.span(spans.At(k), scopeName, &st)
			}
		}
	}
	return st
}

func (n *Normalizer) span(span ptrace.Span, scopeName string, st *Stats) {
	t := target{kind: span.Kind(), span: span, isSpan: true, scopeName: scopeName}
	n.apply(span.Attributes(), n.spanSet, t, st, true)
	if len(n.eventSet) == 0 {
		return
	}
	events := span.Events()
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		if ev.Name() != "error" {
			continue
		}
		if n.apply(ev.Attributes(), n.eventSet, t, st, false) > 0 && n.mode == ModeReplace {
			ev.SetName("exception")
		}
	}
}

// groupByComponent gives spans of an unnamed scope the scope named by their OpenTracing
// `component` tag: the whole scope when every span has the same one, else a new scope per
// component (spans without one stay).
func groupByComponent(sss ptrace.ScopeSpansSlice, ss ptrace.ScopeSpans) {
	spans := ss.Spans()
	var components []string
	all := true
	for k := 0; k < spans.Len(); k++ {
		c := componentOf(spans.At(k))
		if c == "" {
			all = false
			continue
		}
		if !slices.Contains(components, c) {
			components = append(components, c)
		}
	}
	switch {
	case len(components) == 0:
		return
	case len(components) == 1 && all:
		ss.Scope().SetName(components[0])
		return
	}
	for _, c := range components {
		dst := sss.AppendEmpty()
		ss.Scope().CopyTo(dst.Scope())
		dst.Scope().SetName(c)
		dst.SetSchemaUrl(ss.SchemaUrl())
		ss.Spans().RemoveIf(func(s ptrace.Span) bool {
			if componentOf(s) != c {
				return false
			}
			s.MoveTo(dst.Spans().AppendEmpty())
			return true
		})
	}
}

func componentOf(s ptrace.Span) string {
	if v, ok := s.Attributes().Get("component"); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}

// Logs normalizes resource and log record attributes in place.
func (n *Normalizer) Logs(ld plog.Logs) Stats {
	var st Stats
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		n.apply(rl.Resource().Attributes(), n.resourceSet, target{}, &st, true)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			lrs := sls.At(j).LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				n.apply(lrs.At(k).Attributes(), n.itemSet, target{}, &st, true)
			}
		}
	}
	return st
}

// Metrics normalizes resource and data point attributes in place. Data points get no
// provenance attribute: it would change their series identity. A metric named
// `*.server.*` is treated as a server span for peer attributes, `*.client.*` as a client.
func (n *Normalizer) Metrics(md pmetric.Metrics) Stats {
	var st Stats
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		n.apply(rm.Resource().Attributes(), n.resourceSet, target{}, &st, true)
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				n.metric(ms.At(k), &st)
			}
		}
	}
	return st
}

func (n *Normalizer) metric(m pmetric.Metric, st *Stats) {
	t := target{kind: ptrace.SpanKindUnspecified}
	switch name := m.Name(); {
	case strings.Contains(name, ".server."):
		t.kind = ptrace.SpanKindServer
	case strings.Contains(name, ".client."):
		t.kind = ptrace.SpanKindClient
	}
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			n.apply(dps.At(i).Attributes(), n.itemSet, t, st, false)
		}
	case pmetric.MetricTypeSum:
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			n.apply(dps.At(i).Attributes(), n.itemSet, t, st, false)
		}
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			n.apply(dps.At(i).Attributes(), n.itemSet, t, st, false)
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			n.apply(dps.At(i).Attributes(), n.itemSet, t, st, false)
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			n.apply(dps.At(i).Attributes(), n.itemSet, t, st, false)
		}
	}
}

// Attributes normalizes one attribute map as span attributes of the given kind would be
// (no span fields are set). It returns the number of legacy attributes converted.
func (n *Normalizer) Attributes(m pcommon.Map, kind ptrace.SpanKind) (int, Stats) {
	var st Stats
	c := n.apply(m, n.itemSet, target{kind: kind}, &st, false)
	return c, st
}

// apply runs the rules of set over m and returns how many legacy attributes it converted.
//
// t is passed by value and copied only once something matched: rules are called through
// function values, so a target they see escapes to the heap.
func (n *Normalizer) apply(m pcommon.Map, set map[string]int, tv target, st *Stats, provenance bool) int {
	var buf [16]int
	hits := buf[:0]
	for k := range m.All() {
		if i, ok := set[k]; ok {
			hits = append(hits, i)
		}
	}
	if len(hits) == 0 {
		return 0
	}
	slices.Sort(hits)
	t := new(target)
	*t = tv
	var converted []string
	for _, i := range hits {
		r := &rules[i]
		v, ok := m.Get(r.From)
		if !ok {
			continue
		}
		outs, ok := r.convert(v, t)
		if !ok {
			continue
		}
		conflict := false
		for _, o := range outs {
			if cur, exists := m.Get(o.key); exists {
				if !sameValue(cur, o.val) {
					conflict = true
				}
				continue
			}
			o.val.CopyTo(m.PutEmpty(o.key))
		}
		if conflict {
			st.Conflicts[r.Source]++
			continue
		}
		st.Converted[r.Source]++
		if n.mode == ModeReplace {
			m.Remove(r.From)
		}
		converted = append(converted, r.From)
	}
	if provenance && n.provenanceKey != "" && len(converted) > 0 {
		recordProvenance(m, n.provenanceKey, converted)
	}
	return len(converted)
}

func recordProvenance(m pcommon.Map, key string, converted []string) {
	var s pcommon.Slice
	if v, ok := m.Get(key); ok && v.Type() == pcommon.ValueTypeSlice {
		s = v.Slice()
	} else {
		s = m.PutEmptySlice(key)
	}
	for _, from := range converted {
		present := false
		for i := 0; i < s.Len(); i++ {
			if s.At(i).Str() == from {
				present = true
				break
			}
		}
		if !present {
			s.AppendEmpty().SetStr(from)
		}
	}
}

// sameValue compares by text: Zipkin's "200" and OTLP's 200 are the same status code.
func sameValue(a, b pcommon.Value) bool {
	if a.Type() == b.Type() {
		return a.Equal(b)
	}
	return a.AsString() == b.AsString()
}
