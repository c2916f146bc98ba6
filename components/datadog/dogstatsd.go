package datadog

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// DogStatsD metric types.
const (
	StatsdCount        = "c"
	StatsdGauge        = "g"
	StatsdHistogram    = "h"
	StatsdDistribution = "d"
	StatsdTimer        = "ms"
	StatsdSet          = "s"
	StatsdServiceCheck = "_sc"
)

// StatsdLine is one parsed DogStatsD line:
// name:value[:value...]|type[|@rate][|#tag,...][|c:container][|T<unix seconds>][|e:...]
// or a service check: _sc|name|status[|d:ts][|h:host][|#tags][|m:message].
type StatsdLine struct {
	Name string
	Type string
	// Values holds the line's values (several when packed, "name:1:2:3|h");
	// for sets they are the raw members.
	Values      []string
	SampleRate  float64 // 1 when absent
	Tags        []string
	ContainerID string
	Timestamp   int64 // unix seconds, 0 when absent
	// Service checks only.
	Status        int64
	Host, Message string
}

// Errors of ParseStatsdLine.
var (
	ErrStatsdEvent  = errors.New("dogstatsd: events (_e) are not metrics")
	ErrStatsdSyntax = errors.New("dogstatsd: malformed line")
)

// ParseStatsdLine parses one line. Strings in the result alias line.
func ParseStatsdLine(line string) (StatsdLine, error) {
	l := StatsdLine{SampleRate: 1}
	switch {
	case strings.HasPrefix(line, "_e{"):
		return l, ErrStatsdEvent
	case strings.HasPrefix(line, "_sc|"):
		return parseServiceCheck(line[4:])
	}
	head, rest, ok := strings.Cut(line, "|")
	if !ok {
		return l, fmt.Errorf("%w: no type in %q", ErrStatsdSyntax, clip(line))
	}
	name, values, ok := strings.Cut(head, ":")
	if !ok || name == "" || values == "" {
		return l, fmt.Errorf("%w: no name:value in %q", ErrStatsdSyntax, clip(line))
	}
	l.Name = name
	typ, rest, _ := strings.Cut(rest, "|")
	switch typ {
	case StatsdCount, StatsdGauge, StatsdHistogram, StatsdDistribution, StatsdTimer, StatsdSet:
		l.Type = typ
	default:
		return l, fmt.Errorf("%w: unknown type %q", ErrStatsdSyntax, clip(typ))
	}
	if typ == StatsdSet {
		l.Values = []string{values}
	} else {
		l.Values = strings.Split(values, ":")
		for _, v := range l.Values {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return l, fmt.Errorf("%w: value %q of %q is not a number", ErrStatsdSyntax, clip(v), clip(name))
			}
		}
	}
	for rest != "" {
		var field string
		field, rest, _ = strings.Cut(rest, "|")
		switch {
		case field == "":
		case field[0] == '@':
			r, err := strconv.ParseFloat(field[1:], 64)
			if err != nil || !(r > 0 && r <= 1) {
				return l, fmt.Errorf("%w: sample rate %q", ErrStatsdSyntax, clip(field))
			}
			l.SampleRate = r
		case field[0] == '#':
			l.Tags = splitStatsdTags(field[1:])
		case strings.HasPrefix(field, "c:"):
			l.ContainerID = field[2:]
		case field[0] == 'T':
			ts, err := strconv.ParseInt(field[1:], 10, 64)
			if err != nil {
				return l, fmt.Errorf("%w: timestamp %q", ErrStatsdSyntax, clip(field))
			}
			l.Timestamp = ts
		default:
			// Other extensions (e: external data, card: cardinality) do not
			// change the value; ignore them as the Agent ignores unknown ones.
		}
	}
	return l, nil
}

func parseServiceCheck(s string) (StatsdLine, error) {
	l := StatsdLine{Type: StatsdServiceCheck, SampleRate: 1}
	name, rest, _ := strings.Cut(s, "|")
	status, rest, _ := strings.Cut(rest, "|")
	st, err := strconv.ParseInt(status, 10, 64)
	if name == "" || err != nil || st < 0 || st > 3 {
		return l, fmt.Errorf("%w: service check %q", ErrStatsdSyntax, clip(s))
	}
	l.Name, l.Status = name, st
	for rest != "" {
		var field string
		field, rest, _ = strings.Cut(rest, "|")
		switch {
		case strings.HasPrefix(field, "d:"):
			l.Timestamp, _ = strconv.ParseInt(field[2:], 10, 64)
		case strings.HasPrefix(field, "h:"):
			l.Host = field[2:]
		case strings.HasPrefix(field, "#"):
			l.Tags = splitStatsdTags(field[1:])
		case strings.HasPrefix(field, "m:"):
			// The message is last and may contain '|'.
			l.Message = field[2:]
			if rest != "" {
				l.Message += "|" + rest
			}
			rest = ""
		case strings.HasPrefix(field, "c:"):
			l.ContainerID = field[2:]
		}
	}
	return l, nil
}

func splitStatsdTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// DogStatsDScope is the instrumentation scope of DogStatsD metrics.
const DogStatsDScope = "dogstatsd"

type statsdKey struct {
	typ, name, tags, container string
	ts                         int64
}

type statsdAgg struct {
	line  StatsdLine
	sum   float64
	last  float64
	hist  *expBuilder
	set   map[string]struct{}
	order int
}

// TranslateDogStatsD translates a body of newline-separated DogStatsD lines
// (the /dogstatsd/v2/proxy intake) into metrics, aggregating within the body
// as the Agent does within a flush: see the README for the mapping. now
// stamps lines without their own timestamp. Malformed lines are skipped and
// counted; the error lists the first few.
func TranslateDogStatsD(body []byte, now pcommon.Timestamp, lim Limits) (pmetric.Metrics, MetricsStats, error) {
	var stats MetricsStats
	var errs []error
	aggs := map[statsdKey]*statsdAgg{}
	var order []*statsdAgg
	negative := map[string]bool{}
	var checks []StatsdLine
	for len(body) > 0 {
		var raw []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			raw, body = body[:i], body[i+1:]
		} else {
			raw, body = body, nil
		}
		raw = bytes.TrimRight(raw, "\r")
		if len(raw) == 0 {
			continue
		}
		stats.Series++
		l, err := ParseStatsdLine(string(raw))
		if err != nil {
			if errors.Is(err, ErrStatsdEvent) {
				stats.skip("event")
				continue
			}
			stats.skip("malformed")
			if len(errs) < 5 {
				errs = append(errs, err)
			}
			continue
		}
		if l.Type == StatsdServiceCheck {
			checks = append(checks, l)
			continue
		}
		key := statsdKey{typ: l.Type, name: l.Name, tags: strings.Join(l.Tags, ","), container: l.ContainerID, ts: l.Timestamp}
		if l.Type == StatsdHistogram || l.Type == StatsdDistribution || l.Type == StatsdTimer {
			// One histogram per name and tags, whichever of the three types.
			key.typ = StatsdHistogram
		}
		a := aggs[key]
		if a == nil {
			a = &statsdAgg{line: l, order: len(order)}
			aggs[key] = a
			order = append(order, a)
		}
		weight := 1 / l.SampleRate
		for _, v := range l.Values {
			switch l.Type {
			case StatsdCount:
				f, _ := strconv.ParseFloat(v, 64)
				a.sum += f * weight
				if f < 0 {
					negative[l.Name] = true
				}
			case StatsdGauge:
				a.last, _ = strconv.ParseFloat(v, 64)
			case StatsdSet:
				if a.set == nil {
					a.set = map[string]struct{}{}
				}
				a.set[v] = struct{}{}
			default:
				if a.hist == nil {
					a.hist = newExpBuilder()
				}
				f, _ := strconv.ParseFloat(v, 64)
				a.hist.observe(f, uint64(max(1, math.Round(weight))))
			}
		}
	}

	b := newMetricsBuilder(DogStatsDScope, "")
	b.bud = newBudget(lim)
	for _, a := range order {
		if b.bud.failed() != nil {
			break
		}
		l := &a.line
		res := metricResource{containerID: l.ContainerID}
		attrs := splitTags(l.Tags, &res)
		ts := now
		if l.Timestamp > 0 {
			ts = secondsToTimestamp(l.Timestamp)
		}
		switch l.Type {
		case StatsdCount:
			kind := kindMonotonicSum
			if negative[l.Name] {
				kind = kindSum
			}
			dp := b.number(res, l.Name, kind, "")
			dp.SetTimestamp(ts)
			dp.SetDoubleValue(a.sum)
			b.putAttrs(dp.Attributes(), attrs)
		case StatsdGauge:
			dp := b.number(res, l.Name, kindGauge, "")
			dp.SetTimestamp(ts)
			dp.SetDoubleValue(a.last)
			b.putAttrs(dp.Attributes(), attrs)
		case StatsdSet:
			dp := b.number(res, l.Name, kindGauge, "")
			dp.SetTimestamp(ts)
			dp.SetIntValue(int64(len(a.set)))
			b.putAttrs(dp.Attributes(), attrs)
		default:
			unit := ""
			if l.Type == StatsdTimer {
				unit = "ms"
			}
			dp := b.histogram(res, l.Name, unit)
			a.hist.write(dp)
			dp.SetTimestamp(ts)
			b.putAttrs(dp.Attributes(), attrs)
		}
	}
	for _, c := range checks {
		dp := addCheckRun(b, c.Name, c.Host, c.Timestamp, c.Status, c.Tags)
		if c.Timestamp <= 0 {
			dp.SetTimestamp(now)
		}
	}
	stats.Points = b.md.DataPointCount()
	md, err := b.limited(errors.Join(errs...))
	return md, stats, err
}
