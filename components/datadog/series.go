package datadog

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// One Datadog series, as /api/v1/series (JSON), /api/v2/series (protobuf
// MetricPayload) and /api/intake/metrics/v3/series carry it.
type series struct {
	name      string
	typ       seriesType
	interval  int64 // seconds
	host      string
	device    string
	unit      string
	tags      []string
	resources [][2]string // (type, name) pairs
	points    []seriesPoint
}

type seriesPoint struct {
	ts    int64 // seconds
	value float64
}

type seriesType uint8

// The MetricPayload.MetricType values.
const (
	seriesUnspecified seriesType = 0
	seriesCount       seriesType = 1
	seriesRate        seriesType = 2
	seriesGauge       seriesType = 3
)

func parseSeriesType(s string) seriesType {
	switch strings.ToLower(s) {
	case "count":
		return seriesCount
	case "rate":
		return seriesRate
	case "gauge":
		return seriesGauge
	}
	return seriesUnspecified
}

// AgentScope is the instrumentation scope of what a Datadog Agent sends
// (series, sketches, check runs, logs).
const AgentScope = "datadog-agent"

// seriesTranslator turns series into metrics; see the README for the mapping.
type seriesTranslator struct {
	b     *metricsBuilder
	stats MetricsStats
}

func newSeriesTranslator(agentVersion string, lim Limits) *seriesTranslator {
	b := newMetricsBuilder(AgentScope, agentVersion)
	b.bud = newBudget(lim)
	return &seriesTranslator{b: b}
}

func (t *seriesTranslator) add(s *series) {
	t.stats.Series++
	if s.name == "" {
		t.stats.skip("no_name")
		return
	}
	res := metricResource{host: s.host}
	for _, r := range s.resources {
		if r[0] == tagHost && res.host == "" {
			res.host = r[1]
		}
	}
	attrs := splitTags(s.tags, &res)
	if s.device != "" {
		attrs = append(attrs, [2]string{tagDevice, s.device})
	}
	for _, r := range s.resources {
		if r[0] != tagHost && r[0] != "" {
			attrs = append(attrs, r)
		}
	}
	unit := ddUnit(s.unit)
	kind := kindGauge
	switch {
	case s.typ == seriesCount, s.typ == seriesRate && s.interval > 0:
		kind = countKind(s)
	}
	for _, p := range s.points {
		if t.b.bud.failed() != nil {
			return
		}
		if math.IsNaN(p.value) || math.IsInf(p.value, 0) {
			t.stats.skip("not_finite")
			continue
		}
		dp := t.b.number(res, s.name, kind, unit)
		dp.SetTimestamp(secondsToTimestamp(p.ts))
		value := p.value
		if kind != kindGauge && s.interval > 0 {
			dp.SetStartTimestamp(secondsToTimestamp(p.ts - s.interval))
		}
		if s.typ == seriesRate && kind != kindGauge {
			// A Datadog rate is count/interval: the delta sum carries the
			// count over the interval, so backends recompute the rate.
			// Without an interval it stays a gauge of the per-second value.
			value *= float64(s.interval)
		}
		dp.SetDoubleValue(value)
		t.b.putAttrs(dp.Attributes(), attrs)
	}
}

// countKind: Datadog counts may be negative, so a count series is a
// monotonic sum only when every one of its points in the payload is >= 0.
func countKind(s *series) metricKind {
	for _, p := range s.points {
		if p.value < 0 {
			return kindSum
		}
	}
	return kindMonotonicSum
}

func (t *seriesTranslator) result() (pmetric.Metrics, MetricsStats) {
	if t.b.bud.failed() != nil {
		return pmetric.NewMetrics(), t.stats
	}
	pruneEmpty(t.b.md)
	t.stats.Points = t.b.md.DataPointCount()
	return t.b.md, t.stats
}

// done is result with the error to return: the budget's *LimitError when
// the payload went over a limit, else err.
func (t *seriesTranslator) done(err error) (pmetric.Metrics, MetricsStats, error) {
	md, st := t.result()
	if lerr := t.b.bud.failed(); lerr != nil {
		return md, st, lerr
	}
	return md, st, err
}

// pruneEmpty removes metrics left without points (their points moved to
// another resource) and resources left without metrics.
func pruneEmpty(md pmetric.Metrics) {
	md.ResourceMetrics().RemoveIf(func(rm pmetric.ResourceMetrics) bool {
		rm.ScopeMetrics().RemoveIf(func(sm pmetric.ScopeMetrics) bool {
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool { return dataPoints(m) == 0 })
			return sm.Metrics().Len() == 0
		})
		return rm.ScopeMetrics().Len() == 0
	})
}

func dataPoints(m pmetric.Metric) int {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return m.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return m.Sum().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return m.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return m.Histogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return m.Summary().DataPoints().Len()
	}
	return 0
}

// ddUnit maps the Datadog unit names the Agent uses most to UCUM, as OTLP
// expects; any other unit is kept as Datadog names it.
func ddUnit(u string) string {
	switch u {
	case "":
		return ""
	case "byte":
		return "By"
	case "kibibyte":
		return "KiBy"
	case "mebibyte":
		return "MiBy"
	case "gibibyte":
		return "GiBy"
	case "bit":
		return "bit"
	case "second":
		return "s"
	case "millisecond":
		return "ms"
	case "microsecond":
		return "us"
	case "nanosecond":
		return "ns"
	case "minute":
		return "min"
	case "hour":
		return "h"
	case "day":
		return "d"
	case "percent":
		return "%"
	case "hertz":
		return "Hz"
	}
	return u
}

// seriesV1JSON is one element of /api/v1/series' "series" array.
type seriesV1JSON struct {
	Metric         string            `json:"metric"`
	Points         []json.RawMessage `json:"points"`
	Type           string            `json:"type"`
	Interval       json.Number       `json:"interval"`
	Host           string            `json:"host"`
	Device         string            `json:"device"`
	Tags           []string          `json:"tags"`
	Unit           string            `json:"unit"`
	SourceTypeName string            `json:"source_type_name"`
}

// TranslateSeriesV1 translates an /api/v1/series JSON body:
// {"series":[{"metric","points":[[ts,value],...],"type","interval","host","device","tags"}]}.
// A series that is not such an object, or a point that is not [ts, value],
// is skipped and counted as malformed; the rest is kept.
func TranslateSeriesV1(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	var payload struct {
		Series []json.RawMessage `json:"series"`
	}
	t := newSeriesTranslator(agentVersion, lim)
	if err := json.Unmarshal(body, &payload); err != nil {
		md, st := t.result()
		return md, st, fmt.Errorf("series v1: %w", err)
	}
	for _, raw := range payload.Series {
		var js seriesV1JSON
		if err := json.Unmarshal(raw, &js); err != nil {
			t.stats.Series++
			t.stats.skip("malformed")
			continue
		}
		interval, _ := js.Interval.Int64()
		s := series{name: js.Metric, typ: parseSeriesType(js.Type), interval: interval,
			host: js.Host, device: js.Device, tags: js.Tags, unit: js.Unit}
		for _, raw := range js.Points {
			// Each point on its own: one bad point does not lose the series.
			var p []json.Number
			if json.Unmarshal(raw, &p) != nil || len(p) != 2 {
				t.stats.skip("malformed")
				continue
			}
			ts, err1 := p[0].Float64()
			v, err2 := p[1].Float64()
			if err1 != nil || err2 != nil {
				t.stats.skip("malformed")
				continue
			}
			s.points = append(s.points, seriesPoint{ts: int64(ts), value: v})
		}
		t.add(&s)
		if t.b.bud.failed() != nil {
			break
		}
	}
	return t.done(nil)
}

// seriesV2JSON is one MetricPayload series in its JSON form, as the Datadog
// API clients (datadog-api-client-go and friends) send /api/v2/series with
// Content-Type: application/json: the type is the MetricType enum number.
type seriesV2JSON struct {
	Metric    string          `json:"metric"`
	Type      json.Number     `json:"type"`
	Interval  json.Number     `json:"interval"`
	Unit      string          `json:"unit"`
	Tags      []string        `json:"tags"`
	Resources []seriesV2Res   `json:"resources"`
	Points    []seriesV2Point `json:"points"`
}

type seriesV2Res struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type seriesV2Point struct {
	Timestamp json.Number `json:"timestamp"`
	Value     json.Number `json:"value"`
}

// TranslateSeriesV2JSON translates an /api/v2/series JSON body:
// {"series":[{"metric","type":0-3,"points":[{"timestamp","value"}],"resources":[{"name","type"}],"tags","unit","interval"}]}.
// Malformed series and points are skipped and counted; the rest is kept.
func TranslateSeriesV2JSON(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	var payload struct {
		Series []json.RawMessage `json:"series"`
	}
	t := newSeriesTranslator(agentVersion, lim)
	if err := json.Unmarshal(body, &payload); err != nil {
		md, st := t.result()
		return md, st, fmt.Errorf("series v2 (JSON): %w", err)
	}
	for _, raw := range payload.Series {
		var js seriesV2JSON
		if err := json.Unmarshal(raw, &js); err != nil {
			t.stats.Series++
			t.stats.skip("malformed")
			continue
		}
		typ, _ := js.Type.Int64()
		interval, _ := js.Interval.Int64()
		s := series{name: js.Metric, typ: seriesType(typ), interval: interval, tags: js.Tags, unit: js.Unit}
		for _, r := range js.Resources {
			s.resources = append(s.resources, [2]string{r.Type, r.Name})
		}
		for _, p := range js.Points {
			ts, err1 := p.Timestamp.Int64()
			v, err2 := p.Value.Float64()
			if err1 != nil || err2 != nil {
				t.stats.skip("malformed")
				continue
			}
			s.points = append(s.points, seriesPoint{ts: ts, value: v})
		}
		t.add(&s)
		if t.b.bud.failed() != nil {
			break
		}
	}
	return t.done(nil)
}

// TranslateSeriesV2 translates an /api/v2/series protobuf MetricPayload.
func TranslateSeriesV2(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	t := newSeriesTranslator(agentVersion, lim)
	for b := body; len(b) > 0; {
		f, rest, err := nextField(b)
		if err != nil {
			md, st := t.result()
			return md, st, fmt.Errorf("series v2: %w", err)
		}
		b = rest
		if f.num != 1 || f.typ != 2 {
			continue
		}
		s, err := decodeMetricSeries(f.bytes)
		if err != nil {
			// The payload's framing held: skip this series, keep the others.
			t.stats.Series++
			t.stats.skip("malformed")
			continue
		}
		t.add(&s)
		if t.b.bud.failed() != nil {
			break
		}
	}
	return t.done(nil)
}

// decodeMetricSeries reads MetricPayload.MetricSeries.
func decodeMetricSeries(b []byte) (series, error) {
	var s series
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return s, err
		}
		b = rest
		switch f.num {
		case 1: // Resource{type=1, name=2}
			var r [2]string
			for rb := f.bytes; len(rb) > 0; {
				rf, rrest, err := nextField(rb)
				if err != nil {
					return s, err
				}
				rb = rrest
				if rf.num == 1 || rf.num == 2 {
					r[rf.num-1] = rf.str()
				}
			}
			s.resources = append(s.resources, r)
		case 2:
			s.name = f.str()
		case 3:
			s.tags = append(s.tags, f.str())
		case 4: // MetricPoint{value=1 double, timestamp=2 int64}
			var p seriesPoint
			for pb := f.bytes; len(pb) > 0; {
				pf, prest, err := nextField(pb)
				if err != nil {
					return s, err
				}
				pb = prest
				switch pf.num {
				case 1:
					p.value = pf.double()
				case 2:
					p.ts = int64(pf.u)
				}
			}
			s.points = append(s.points, p)
		case 5:
			s.typ = seriesType(f.u)
		case 6:
			s.unit = f.str()
		case 8:
			s.interval = int64(f.u)
		}
	}
	return s, nil
}
