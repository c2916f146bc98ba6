package datadog

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Tracer stats (/v0.6/stats): a msgpack ClientStatsPayload holding time
// buckets of span aggregates (per service, operation, resource, status code,
// span kind, peer tags, ...). Each aggregate becomes delta points of five
// metrics over the bucket's time window; see the README for the names and
// attributes.
const (
	StatsHits         = "datadog.trace.hits"
	StatsErrors       = "datadog.trace.errors"
	StatsTopLevelHits = "datadog.trace.top_level_hits"
	StatsDuration     = "datadog.trace.duration"
	StatsLatency      = "datadog.trace.latency"
)

type statsGroup struct {
	service, name, resource, typ, dbType, spanKind string
	httpMethod, httpEndpoint, grpcStatus           string
	httpStatus                                     uint64
	hits, errors, topLevelHits, duration           uint64
	okSummary, errorSummary                        []byte
	synthetics                                     bool
	isTraceRoot                                    int64
	peerTags                                       []string
}

type statsBucket struct {
	start, duration uint64
	groups          []statsGroup
}

type statsPayload struct {
	hostname, env, version, lang, tracerVersion string
	runtimeID, service, containerID             string
	tags                                        []string
	buckets                                     []statsBucket
}

// TranslateTracerStats translates a tracer's /v0.6/stats body. hdr carries what the request
// headers say about the tracer (language, tracer version).
func TranslateTracerStats(body []byte, hdr Payload) (pmetric.Metrics, MetricsStats, error) {
	var stats MetricsStats
	p, _, err := decodeStatsPayload(body)
	md := pmetric.NewMetrics()
	appendClientStats(md, &p, hdr, &stats)
	stats.Points = md.DataPointCount()
	if err != nil {
		err = fmt.Errorf("stats: %w", err)
	}
	return md, stats, err
}

// appendClientStats translates one ClientStatsPayload into md, on resources
// and a scope of its own (the tracer's).
func appendClientStats(md pmetric.Metrics, p *statsPayload, hdr Payload, stats *MetricsStats) {
	if p.lang == "" {
		p.lang = hdr.Lang
	}
	if p.tracerVersion == "" {
		p.tracerVersion = hdr.TracerVersion
	}
	if p.containerID == "" {
		p.containerID = hdr.ContainerID
	}
	b := newMetricsBuilder(scopeName(p.lang), p.tracerVersion)
	lang := sdkLanguage(p.lang)
	b.resAttrs = func(_ metricResource, m pcommon.Map) {
		if p.runtimeID != "" {
			m.PutStr("service.instance.id", p.runtimeID)
		}
		if lang != "" {
			m.PutStr("telemetry.sdk.language", lang)
		}
		m.PutStr("telemetry.sdk.name", "datadog")
		if p.tracerVersion != "" {
			m.PutStr("telemetry.sdk.version", p.tracerVersion)
		}
	}
	payloadAttrs := splitTags(p.tags, nil)
	for _, bk := range p.buckets {
		start := pcommon.Timestamp(bk.start)
		end := pcommon.Timestamp(bk.start + bk.duration)
		for i := range bk.groups {
			g := &bk.groups[i]
			stats.Series++
			res := metricResource{host: p.hostname, service: g.service, env: p.env, version: p.version, containerID: p.containerID}
			if res.service == "" {
				res.service = p.service
			}
			attrs := statsGroupAttrs(g)
			attrs = append(attrs, payloadAttrs...)
			sum := func(name, unit string, v uint64) {
				dp := b.number(res, name, kindMonotonicSum, unit)
				dp.SetStartTimestamp(start)
				dp.SetTimestamp(end)
				dp.SetIntValue(int64(min(v, math.MaxInt64)))
				putKVs(dp.Attributes(), attrs)
				putStatsTypedAttrs(dp.Attributes(), g)
			}
			sum(StatsHits, "{span}", g.hits)
			sum(StatsErrors, "{span}", g.errors)
			sum(StatsTopLevelHits, "{span}", g.topLevelHits)
			sum(StatsDuration, "ns", g.duration)
			for _, s := range []struct {
				summary []byte
				isError bool
			}{{g.okSummary, false}, {g.errorSummary, true}} {
				e, n, err := decodeDDSketch(s.summary)
				if err != nil {
					stats.skip("bad_summary")
					continue
				}
				if n == 0 {
					continue
				}
				dp := b.histogram(res, StatsLatency, "ns")
				e.write(dp)
				dp.SetStartTimestamp(start)
				dp.SetTimestamp(end)
				putKVs(dp.Attributes(), attrs)
				putStatsTypedAttrs(dp.Attributes(), g)
				dp.Attributes().PutBool("error", s.isError)
			}
		}
	}
	b.md.ResourceMetrics().MoveAndAppendTo(md.ResourceMetrics())
}

// putStatsTypedAttrs writes the keys that are not strings.
func putStatsTypedAttrs(m pcommon.Map, g *statsGroup) {
	if g.httpStatus != 0 {
		m.PutInt("http.response.status_code", int64(min(g.httpStatus, math.MaxInt32)))
	}
	if g.grpcStatus != "" {
		if v, err := strconv.ParseInt(g.grpcStatus, 10, 64); err == nil {
			m.PutInt("rpc.grpc.status_code", v)
		} else {
			m.PutStr("rpc.grpc.status_code", g.grpcStatus)
		}
	}
	if g.synthetics {
		m.PutBool("synthetics", true)
	}
	switch g.isTraceRoot {
	case 1:
		m.PutBool("is_trace_root", true)
	case 2:
		m.PutBool("is_trace_root", false)
	}
}

// statsGroupAttrs names the aggregation keys of a group after the same
// conventions as span attributes (see the README).
func statsGroupAttrs(g *statsGroup) [][2]string {
	attrs := make([][2]string, 0, 12)
	add := func(k, v string) {
		if v != "" {
			attrs = append(attrs, [2]string{k, v})
		}
	}
	add("resource.name", g.resource)
	add("operation.name", g.name)
	add("span.type", g.typ)
	add("span.kind", g.spanKind)
	add("http.request.method", g.httpMethod)
	add("http.route", g.httpEndpoint)
	add("db.type", g.dbType)
	for _, t := range g.peerTags {
		k, v := splitTag(t)
		if k == "" {
			continue
		}
		if nk, _ := otelKey(k); nk != k {
			k = nk
		}
		attrs = append(attrs, [2]string{k, v})
	}
	return attrs
}

// decodeStatsPayload reads a msgpack ClientStatsPayload and returns the rest
// of b. On error the buckets decoded before it are returned.
func decodeStatsPayload(b []byte) (statsPayload, []byte, error) {
	var p statsPayload
	n, b, err := readMapHeader(b)
	if err != nil {
		return p, b, err
	}
	for range n {
		var k string
		if k, b, err = readStr(b); err != nil {
			return p, b, err
		}
		switch k {
		case "Hostname":
			p.hostname, b, err = readStr(b)
		case "Env":
			p.env, b, err = readStr(b)
		case "Version":
			p.version, b, err = readStr(b)
		case "Lang":
			p.lang, b, err = readStr(b)
		case "TracerVersion":
			p.tracerVersion, b, err = readStr(b)
		case "RuntimeID":
			p.runtimeID, b, err = readStr(b)
		case "Service":
			p.service, b, err = readStr(b)
		case "ContainerID":
			p.containerID, b, err = readStr(b)
		case "Tags":
			p.tags, b, err = readStrArray(b)
		case "Stats":
			var nb int
			if nb, b, err = readArrayHeader(b); err != nil {
				return p, b, err
			}
			for range nb {
				var bk statsBucket
				if bk, b, err = decodeStatsBucket(b); err != nil {
					p.buckets = append(p.buckets, bk)
					return p, b, err
				}
				p.buckets = append(p.buckets, bk)
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return p, b, err
		}
	}
	return p, b, nil
}

func readStrArray(b []byte) ([]string, []byte, error) {
	n, b, err := readArrayHeader(b)
	if err != nil {
		return nil, b, err
	}
	out := make([]string, 0, n)
	for range n {
		var s string
		if s, b, err = readStr(b); err != nil {
			return out, b, err
		}
		out = append(out, s)
	}
	return out, b, nil
}

// decodeStatsBucket reads a ClientStatsBucket. On error the groups decoded
// before it are returned.
func decodeStatsBucket(b []byte) (statsBucket, []byte, error) {
	var bk statsBucket
	n, b, err := readMapHeader(b)
	if err != nil {
		return bk, b, err
	}
	for range n {
		var k string
		if k, b, err = readStr(b); err != nil {
			return bk, b, err
		}
		switch k {
		case "Start":
			bk.start, b, err = readUint64(b)
		case "Duration":
			bk.duration, b, err = readUint64(b)
		case "Stats":
			var ng int
			if ng, b, err = readArrayHeader(b); err != nil {
				return bk, b, err
			}
			for range ng {
				var g statsGroup
				if g, b, err = decodeStatsGroup(b); err != nil {
					return bk, b, err
				}
				bk.groups = append(bk.groups, g)
			}
		default:
			b, err = skip(b)
		}
		if err != nil {
			return bk, b, err
		}
	}
	return bk, b, nil
}

func decodeStatsGroup(b []byte) (statsGroup, []byte, error) {
	var g statsGroup
	n, b, err := readMapHeader(b)
	if err != nil {
		return g, b, err
	}
	for range n {
		var k string
		if k, b, err = readStr(b); err != nil {
			return g, b, err
		}
		switch k {
		case "Service":
			g.service, b, err = readStr(b)
		case "Name":
			g.name, b, err = readStr(b)
		case "Resource":
			g.resource, b, err = readStr(b)
		case "Type":
			g.typ, b, err = readStr(b)
		case "DBType":
			g.dbType, b, err = readStr(b)
		case "SpanKind":
			g.spanKind, b, err = readStr(b)
		case "HTTPMethod":
			g.httpMethod, b, err = readStr(b)
		case "HTTPEndpoint":
			g.httpEndpoint, b, err = readStr(b)
		case "GRPCStatusCode":
			if len(b) > 0 && isStrType(b[0]) {
				g.grpcStatus, b, err = readStr(b)
			} else {
				var v uint64
				v, b, err = readUint64(b)
				if v != 0 {
					g.grpcStatus = fmt.Sprint(v)
				}
			}
		case "HTTPStatusCode":
			g.httpStatus, b, err = readUint64(b)
		case "Hits":
			g.hits, b, err = readUint64(b)
		case "Errors":
			g.errors, b, err = readUint64(b)
		case "TopLevelHits":
			g.topLevelHits, b, err = readUint64(b)
		case "Duration":
			g.duration, b, err = readUint64(b)
		case "OkSummary":
			g.okSummary, b, err = readBin(b)
		case "ErrorSummary":
			g.errorSummary, b, err = readBin(b)
		case "Synthetics":
			g.synthetics, b, err = readBool(b)
		case "IsTraceRoot":
			g.isTraceRoot, b, err = readInt64(b)
		case "PeerTags":
			g.peerTags, b, err = readStrArray(b)
		default:
			b, err = skip(b)
		}
		if err != nil {
			return g, b, err
		}
	}
	return g, b, nil
}

// decodeDDSketch reads a sketches-go DDSketch protobuf (the tracers' latency
// summaries) into an expBuilder and returns the number of values it holds.
// Index i of a logarithmic mapping (gamma γ, index offset o) covers
// [γ^(i-o), γ^(i-o+1)); its representative value is γ^(i-o)·2γ/(1+γ), as in
// sketches-go. The other interpolations approximate the same mapping; their
// indexes are read the same way.
func decodeDDSketch(b []byte) (*expBuilder, uint64, error) {
	e := newExpBuilder()
	gamma, offset := 0.0, 0.0
	type bin struct {
		idx int64
		n   float64
	}
	var pos, neg []bin
	var zero float64
	readStore := func(sb []byte) ([]bin, error) {
		var bins []bin
		var contiguous []float64
		var contOffset int64
		for len(sb) > 0 {
			f, rest, err := nextField(sb)
			if err != nil {
				return nil, err
			}
			sb = rest
			switch f.num {
			case 1: // map<sint32, double> entry
				var en bin
				for mb := f.bytes; len(mb) > 0; {
					mf, mrest, err := nextField(mb)
					if err != nil {
						return nil, err
					}
					mb = mrest
					switch mf.num {
					case 1:
						en.idx = int64(int32(uint32(mf.u>>1) ^ -uint32(mf.u&1)))
					case 2:
						en.n = mf.double()
					}
				}
				bins = append(bins, en)
			case 2:
				if contiguous, err = appendDoubles(contiguous, f); err != nil {
					return nil, err
				}
			case 3:
				contOffset = int64(int32(uint32(f.u>>1) ^ -uint32(f.u&1)))
			}
		}
		for i, n := range contiguous {
			bins = append(bins, bin{idx: contOffset + int64(i), n: n})
		}
		return bins, nil
	}
	for len(b) > 0 {
		f, rest, err := nextField(b)
		if err != nil {
			return e, 0, err
		}
		b = rest
		switch f.num {
		case 1:
			for mb := f.bytes; len(mb) > 0; {
				mf, mrest, err := nextField(mb)
				if err != nil {
					return e, 0, err
				}
				mb = mrest
				switch mf.num {
				case 1:
					gamma = mf.double()
				case 2:
					offset = mf.double()
				}
			}
		case 2:
			if pos, err = readStore(f.bytes); err != nil {
				return e, 0, err
			}
		case 3:
			if neg, err = readStore(f.bytes); err != nil {
				return e, 0, err
			}
		case 4:
			zero = f.double()
		}
	}
	if len(pos)+len(neg) > 0 && !(gamma > 1) {
		return e, 0, errors.New("ddsketch: mapping gamma must be > 1")
	}
	value := func(idx int64) float64 {
		return math.Pow(gamma, float64(idx)-offset) * 2 * gamma / (1 + gamma)
	}
	var total uint64
	add := func(v float64, n float64) {
		c := uint64(math.Round(n))
		if !(n > 0) || c == 0 {
			return
		}
		e.add(v, c)
		total += c
	}
	for _, p := range pos {
		add(value(p.idx), p.n)
	}
	for _, p := range neg {
		add(-value(p.idx), p.n)
	}
	if z := uint64(math.Round(zero)); zero > 0 && z > 0 {
		e.zero += z
		e.count += z
		total += z
	}
	return e, total, nil
}
