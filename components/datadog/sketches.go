package datadog

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// The Agent's DDSketch (pkg/quantile): key k > 0 stands for the values whose
// log base γ rounds to k - bias, so its representative value is γ^(k-bias);
// negative keys mirror positive ones, key 0 holds |v| below the minimum, and
// keys at or beyond ±maxKey are ±infinity. γ = 1 + 2ε with ε = 1/128, the
// minimum is 1e-9; bias = 1 - floor(log_γ(min)).
var agentSketch = func() (c struct {
	gamma, lnGamma, min float64
	bias                int
}) {
	c.gamma = 1 + 2.0/128
	c.lnGamma = math.Log1p(2.0 / 128)
	emin := int(math.Floor(math.Log(1e-9) / c.lnGamma))
	c.bias = 1 - emin
	c.min = math.Pow(c.gamma, float64(1-c.bias))
	return c
}()

const agentSketchInfKey = 1<<15 - 1

// agentKeyValue is the representative value of an Agent sketch key.
func agentKeyValue(k int32) (float64, bool) {
	switch {
	case k == 0:
		return 0, true
	case k >= agentSketchInfKey || k <= -agentSketchInfKey:
		return 0, false
	case k < 0:
		v, ok := agentKeyValue(-k)
		return -v, ok
	}
	return math.Pow(agentSketch.gamma, float64(int(k)-agentSketch.bias)), true
}

type dogsketch struct {
	ts, cnt            int64
	min, max, avg, sum float64
	keys               []int64
	counts             []uint64
}

// TranslateSketches translates an /api/beta/sketches or /api/v1/sketches
// protobuf SketchPayload. Every Dogsketch becomes one exponential histogram
// point (see exphistogram.go for the bucket mapping); count, sum, min and max
// are the sketch's own. The deprecated GK "distributions" of old Agents are
// skipped and counted.
func TranslateSketches(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	b := newMetricsBuilder(AgentScope, agentVersion)
	b.bud = newBudget(lim)
	var stats MetricsStats
	var errs []error
	for rest := body; len(rest) > 0; {
		f, r, err := nextField(rest)
		if err != nil {
			errs = append(errs, fmt.Errorf("sketches: %w", err))
			break
		}
		rest = r
		if f.num != 1 || f.typ != 2 {
			continue
		}
		stats.Series++
		// The outer framing held, so a sketch that is malformed inside is
		// skipped and counted, and the sketches around it are kept.
		if err := addSketch(b, &stats, f.bytes); err != nil {
			stats.skip("malformed")
		}
		if b.bud.failed() != nil {
			break
		}
	}
	pruneEmpty(b.md)
	stats.Points = b.md.DataPointCount()
	md, err := b.limited(errors.Join(errs...))
	return md, stats, err
}

func addSketch(b *metricsBuilder, stats *MetricsStats, msg []byte) error {
	var name, host string
	var tags []string
	var sketches []dogsketch
	for len(msg) > 0 {
		f, rest, err := nextField(msg)
		if err != nil {
			return err
		}
		msg = rest
		switch f.num {
		case 1:
			name = f.str()
		case 2:
			host = f.str()
		case 3:
			stats.skip("gk_distribution")
		case 4:
			tags = append(tags, f.str())
		case 7:
			d, err := decodeDogsketch(f.bytes)
			if err != nil {
				return err
			}
			sketches = append(sketches, d)
		}
	}
	if name == "" {
		stats.skip("no_name")
		return nil
	}
	res := metricResource{host: host}
	attrs := splitTags(tags, &res)
	for i := range sketches {
		d := &sketches[i]
		e := newExpBuilder()
		e.zeroThresh = agentSketch.min
		for j, k := range d.keys {
			if j >= len(d.counts) {
				break
			}
			v, ok := agentKeyValue(int32(k))
			if !ok {
				// An infinite key has no bucket; its count stays in the total.
				continue
			}
			e.add(v, d.counts[j])
		}
		dp := b.histogram(res, name, "")
		e.write(dp)
		dp.SetTimestamp(secondsToTimestamp(d.ts))
		if d.cnt >= 0 {
			dp.SetCount(uint64(d.cnt))
		}
		dp.SetSum(d.sum)
		if d.cnt > 0 {
			dp.SetMin(d.min)
			dp.SetMax(d.max)
		}
		b.putAttrs(dp.Attributes(), attrs)
	}
	return nil
}

func decodeDogsketch(b []byte) (dogsketch, error) {
	var d dogsketch
	var ns []uint64
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return d, err
		}
		b = rest
		switch f.num {
		case 1:
			d.ts = int64(f.u)
		case 2:
			d.cnt = int64(f.u)
		case 3:
			d.min = f.double()
		case 4:
			d.max = f.double()
		case 5:
			d.avg = f.double()
		case 6:
			d.sum = f.double()
		case 7:
			if d.keys, err = appendSint64s(d.keys, f); err != nil {
				return d, err
			}
		case 8:
			if ns, err = appendVarints(ns, f); err != nil {
				return d, err
			}
		}
	}
	d.counts = ns
	if len(d.keys) != len(d.counts) {
		return d, fmt.Errorf("dogsketch: %d keys but %d counts", len(d.keys), len(d.counts))
	}
	return d, nil
}

// TranslateDistributionPoints translates an /api/v1/distribution_points JSON
// body: {"series":[{"metric","points":[[ts,[v1,v2,...]],...],"host","tags"}]}.
// The raw values of each point become one exponential histogram point with
// exact count, sum, min and max.
func TranslateDistributionPoints(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	var payload struct {
		Series []struct {
			Metric string              `json:"metric"`
			Points [][]json.RawMessage `json:"points"`
			Host   string              `json:"host"`
			Tags   []string            `json:"tags"`
		} `json:"series"`
	}
	b := newMetricsBuilder(AgentScope, agentVersion)
	b.bud = newBudget(lim)
	var stats MetricsStats
	if err := json.Unmarshal(body, &payload); err != nil {
		return b.md, stats, fmt.Errorf("distribution points: %w", err)
	}
	var errs []error
	for _, s := range payload.Series {
		stats.Series++
		if s.Metric == "" {
			stats.skip("no_name")
			continue
		}
		res := metricResource{host: s.Host}
		attrs := splitTags(s.Tags, &res)
		for _, p := range s.Points {
			if b.bud.failed() != nil {
				break
			}
			var ts float64
			var values []float64
			if len(p) != 2 || json.Unmarshal(p[0], &ts) != nil || json.Unmarshal(p[1], &values) != nil {
				errs = append(errs, fmt.Errorf("distribution points %q: a point is not [timestamp, [values...]]", s.Metric))
				continue
			}
			e := newExpBuilder()
			for _, v := range values {
				e.observe(v, 1)
			}
			dp := b.histogram(res, s.Metric, "")
			e.write(dp)
			dp.SetTimestamp(secondsToTimestamp(int64(ts)))
			b.putAttrs(dp.Attributes(), attrs)
		}
	}
	stats.Points = b.md.DataPointCount()
	md, err := b.limited(errors.Join(errs...))
	return md, stats, err
}

// Check run statuses.
var checkStatus = map[int64]string{0: "ok", 1: "warning", 2: "critical", 3: "unknown"}

// TranslateCheckRuns translates an /api/v1/check_run JSON body: an array of
// {"check","host_name","timestamp","status","message","tags"}. Each run is a
// gauge point named after the check whose value is the status (0 OK,
// 1 WARNING, 2 CRITICAL, 3 UNKNOWN), with the attribute check.status naming
// it. The message is not translated (free text would make every message a
// new series).
func TranslateCheckRuns(body []byte, agentVersion string, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	var runs []struct {
		Check     string   `json:"check"`
		HostName  string   `json:"host_name"`
		Timestamp int64    `json:"timestamp"`
		Status    int64    `json:"status"`
		Message   string   `json:"message"`
		Tags      []string `json:"tags"`
	}
	b := newMetricsBuilder(AgentScope, agentVersion)
	b.bud = newBudget(lim)
	var stats MetricsStats
	if err := json.Unmarshal(body, &runs); err != nil {
		return b.md, stats, fmt.Errorf("check runs: %w", err)
	}
	for _, r := range runs {
		stats.Series++
		if r.Check == "" {
			stats.skip("no_name")
			continue
		}
		addCheckRun(b, r.Check, r.HostName, r.Timestamp, r.Status, r.Tags)
	}
	stats.Points = b.md.DataPointCount()
	md, err := b.limited(nil)
	return md, stats, err
}

func addCheckRun(b *metricsBuilder, check, host string, ts, status int64, tags []string) pmetric.NumberDataPoint {
	res := metricResource{host: host}
	attrs := splitTags(tags, &res)
	dp := b.number(res, check, kindGauge, "{status}")
	dp.SetTimestamp(secondsToTimestamp(ts))
	dp.SetIntValue(status)
	b.putAttrs(dp.Attributes(), attrs)
	name, ok := checkStatus[status]
	if !ok {
		name = "unknown"
	}
	dp.Attributes().PutStr("check.status", name)
	return dp
}
