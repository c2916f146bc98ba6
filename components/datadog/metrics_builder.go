package datadog

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Datadog tags ("key:value") that describe where a metric or log comes from
// become resource attributes, as for spans; every other tag becomes a data
// point (or log record) attribute.
const (
	tagHost    = "host"
	tagService = "service"
	tagDevice  = "device"
)

// metricResource identifies one ResourceMetrics: the tags promoted to the resource.
type metricResource struct {
	host, service, env, version, containerID string
}

func (k metricResource) put(m pcommon.Map) {
	if k.service != "" {
		m.PutStr("service.name", k.service)
	}
	if k.env != "" {
		m.PutStr("deployment.environment.name", k.env)
	}
	if k.version != "" {
		m.PutStr("service.version", k.version)
	}
	if k.host != "" {
		m.PutStr("host.name", k.host)
	}
	if k.containerID != "" {
		m.PutStr("container.id", k.containerID)
	}
}

// splitTag splits a Datadog tag at its first colon. A tag without a colon is a
// key with an empty value, as Datadog treats it.
func splitTag(tag string) (string, string) {
	if i := strings.IndexByte(tag, ':'); i >= 0 {
		return tag[:i], tag[i+1:]
	}
	return tag, ""
}

// promoteTag moves a resource-level tag into key and reports whether it did.
// The first value of each wins, as in the Agent.
func promoteTag(key *metricResource, k, v string) bool {
	var dst *string
	switch k {
	case tagHost:
		dst = &key.host
	case tagService:
		dst = &key.service
	case tagEnv:
		dst = &key.env
	case tagVersion:
		dst = &key.version
	default:
		return false
	}
	if *dst == "" {
		*dst = v
	}
	return true
}

func putMultiStr(m pcommon.Map, k, v string) {
	prev, ok := m.Get(k)
	if !ok {
		m.PutStr(k, v)
		return
	}
	if prev.Type() == pcommon.ValueTypeSlice {
		prev.Slice().AppendEmpty().SetStr(v)
		return
	}
	first := prev.AsString()
	sl := prev.SetEmptySlice()
	sl.AppendEmpty().SetStr(first)
	sl.AppendEmpty().SetStr(v)
}

// metricKind is the OTLP shape a Datadog metric type translates to.
type metricKind uint8

const (
	kindGauge metricKind = iota
	kindSum
	kindMonotonicSum
	kindExpHistogram
)

type metricKey struct {
	res  metricResource
	name string
	kind metricKind
	unit string
}

// metricsBuilder collects data points into one ResourceMetrics per resource
// and one Metric per name, kind and unit, in arrival order.
type metricsBuilder struct {
	md                      pmetric.Metrics
	scopeName, scopeVersion string
	resAttrs                func(metricResource, pcommon.Map)
	scopes                  map[metricResource]pmetric.ScopeMetrics
	metrics                 map[metricKey]pmetric.Metric
	points                  int
	// bud bounds the points and attributes built (nil: no limit).
	bud *budget
}

func newMetricsBuilder(scopeName, scopeVersion string) *metricsBuilder {
	return &metricsBuilder{
		md:           pmetric.NewMetrics(),
		scopeName:    scopeName,
		scopeVersion: scopeVersion,
		scopes:       map[metricResource]pmetric.ScopeMetrics{},
		metrics:      map[metricKey]pmetric.Metric{},
	}
}

func (b *metricsBuilder) scope(res metricResource) pmetric.ScopeMetrics {
	if sm, ok := b.scopes[res]; ok {
		return sm
	}
	rm := b.md.ResourceMetrics().AppendEmpty()
	res.put(rm.Resource().Attributes())
	if b.resAttrs != nil {
		b.resAttrs(res, rm.Resource().Attributes())
	}
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(b.scopeName)
	sm.Scope().SetVersion(b.scopeVersion)
	b.scopes[res] = sm
	return sm
}

func (b *metricsBuilder) metric(res metricResource, name string, kind metricKind, unit string) pmetric.Metric {
	key := metricKey{res: res, name: name, kind: kind, unit: unit}
	if m, ok := b.metrics[key]; ok {
		return m
	}
	m := b.scope(res).Metrics().AppendEmpty()
	m.SetName(name)
	m.SetUnit(unit)
	switch kind {
	case kindGauge:
		m.SetEmptyGauge()
	case kindSum, kindMonotonicSum:
		s := m.SetEmptySum()
		s.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		s.SetIsMonotonic(kind == kindMonotonicSum)
	case kindExpHistogram:
		m.SetEmptyExponentialHistogram().SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	}
	b.metrics[key] = m
	return m
}

// number appends a gauge or sum point.
func (b *metricsBuilder) number(res metricResource, name string, kind metricKind, unit string) pmetric.NumberDataPoint {
	m := b.metric(res, name, kind, unit)
	b.points++
	b.bud.item(1)
	if kind == kindGauge {
		return m.Gauge().DataPoints().AppendEmpty()
	}
	return m.Sum().DataPoints().AppendEmpty()
}

func (b *metricsBuilder) histogram(res metricResource, name, unit string) pmetric.ExponentialHistogramDataPoint {
	b.points++
	b.bud.item(1)
	return b.metric(res, name, kindExpHistogram, unit).ExponentialHistogram().DataPoints().AppendEmpty()
}

// MetricsStats describes one translated metrics payload.
type MetricsStats struct {
	Series  int // series, sketches, check runs, DogStatsD lines or stats groups read
	Points  int // data points in the returned metrics
	Skipped int // items read but not translated (see Skipped* below)
	// SkipReasons counts skipped items per reason.
	SkipReasons map[string]int
}

func (s *MetricsStats) skip(reason string) {
	s.Skipped++
	if s.SkipReasons == nil {
		s.SkipReasons = map[string]int{}
	}
	s.SkipReasons[reason]++
}

func secondsToTimestamp(sec int64) pcommon.Timestamp {
	if sec <= 0 {
		return 0
	}
	return pcommon.Timestamp(uint64(sec) * 1e9)
}

// splitTags promotes the resource-level tags into res and returns the others
// as key/value pairs, in order.
func splitTags(tags []string, res *metricResource) [][2]string {
	out := make([][2]string, 0, len(tags))
	for _, tag := range tags {
		if tag == "" {
			continue
		}
		k, v := splitTag(tag)
		if res != nil && promoteTag(res, k, v) {
			continue
		}
		out = append(out, [2]string{k, v})
	}
	return out
}

// putKVs adds tags to m; a repeated key gets the list of its values. Many
// tags are merged in a Go map and written in one pass (see bulkAttrs).
func putKVs(m pcommon.Map, kvs [][2]string) {
	if len(kvs)+m.Len() > bulkAttrs {
		raw := m.AsRaw()
		for _, kv := range kvs {
			multiStrRaw(raw, kv[0], kv[1])
		}
		fromRawMap(m, raw)
		return
	}
	m.EnsureCapacity(len(kvs))
	for _, kv := range kvs {
		putMultiStr(m, kv[0], kv[1])
	}
}

// putAttrs adds a point's tags within the budget: a series' tags are copied
// into each of its points, so tags × points is what the budget counts.
func (b *metricsBuilder) putAttrs(m pcommon.Map, kvs [][2]string) {
	if b.bud.attr(len(kvs)) {
		putKVs(m, kvs)
	}
}

// limited returns md, or, when the budget was exceeded, empty metrics and
// the *LimitError: nothing of an over-limit payload is forwarded.
func (b *metricsBuilder) limited(err error) (pmetric.Metrics, error) {
	if lerr := b.bud.failed(); lerr != nil {
		return pmetric.NewMetrics(), lerr
	}
	return b.md, err
}
