package datadog

import (
	"math"
	"slices"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Datadog's distributions (Agent sketches, tracer stats summaries, DogStatsD
// histograms, distribution points) all become OTLP exponential histograms.
// Every bucket of the source is placed, with its whole count, in the OTLP
// bucket that contains the source bucket's representative value. The
// starting scale is 5 (base 2^(1/32), ≈2.2 % bucket width): the Agent's
// sketch buckets are ≈1.6 % wide and the tracers' ≈2 %, so each source bucket
// falls in one OTLP bucket and the relative error stays below ≈2.2 %. When a
// histogram would need more than maxExpBuckets buckets on one side, the scale
// is lowered (adjacent buckets merged) until it fits.
const (
	expInitialScale = 5
	expMinScale     = -10
	maxExpBuckets   = 2048
)

type expBuilder struct {
	pos, neg   map[int64]uint64
	zero       uint64
	zeroThresh float64
	count      uint64
	sum        float64
	min, max   float64
	hasMinMax  bool
	hasSum     bool
}

func newExpBuilder() *expBuilder {
	return &expBuilder{pos: map[int64]uint64{}, neg: map[int64]uint64{}}
}

// expIndex is the OTLP bucket index of v > 0 at expInitialScale: bucket i
// holds (base^i, base^(i+1)].
func expIndex(v float64) int64 {
	return int64(math.Ceil(math.Log2(v)*(1<<expInitialScale))) - 1
}

// add records n observations around v (a bucket's representative value).
// Non-finite values are ignored; |v| at or below the zero threshold goes to
// the zero bucket.
func (e *expBuilder) add(v float64, n uint64) {
	if n == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	e.count += n
	switch {
	case math.Abs(v) <= e.zeroThresh || v == 0:
		e.zero += n
	case v > 0:
		e.pos[expIndex(v)] += n
	default:
		e.neg[expIndex(-v)] += n
	}
}

// observe records raw values: their sum, min and max are exact.
func (e *expBuilder) observe(v float64, n uint64) {
	if n == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	e.add(v, n)
	e.sum += v * float64(n)
	e.hasSum = true
	if !e.hasMinMax || v < e.min {
		e.min = v
	}
	if !e.hasMinMax || v > e.max {
		e.max = v
	}
	e.hasMinMax = true
}

// write fills dp. count, when non-zero, overrides the bucket total (a sketch
// states its own count).
func (e *expBuilder) write(dp pmetric.ExponentialHistogramDataPoint) {
	scale := int32(expInitialScale)
	pos, neg := e.pos, e.neg
	for scale > expMinScale && (span(pos) > maxExpBuckets || span(neg) > maxExpBuckets) {
		pos, neg = downscale(pos), downscale(neg)
		scale--
	}
	dp.SetScale(scale)
	dp.SetCount(e.count)
	dp.SetZeroCount(e.zero)
	dp.SetZeroThreshold(e.zeroThresh)
	if e.hasSum {
		dp.SetSum(e.sum)
	}
	if e.hasMinMax {
		dp.SetMin(e.min)
		dp.SetMax(e.max)
	}
	fill(dp.Positive(), pos)
	fill(dp.Negative(), neg)
}

func span(m map[int64]uint64) int64 {
	if len(m) == 0 {
		return 0
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for k := range m {
		lo, hi = min(lo, k), max(hi, k)
	}
	return hi - lo + 1
}

func downscale(m map[int64]uint64) map[int64]uint64 {
	out := make(map[int64]uint64, len(m))
	for k, n := range m {
		out[k>>1] += n
	}
	return out
}

func fill(b pmetric.ExponentialHistogramDataPointBuckets, m map[int64]uint64) {
	if len(m) == 0 {
		return
	}
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	lo := keys[0]
	b.SetOffset(int32(lo))
	counts := make([]uint64, keys[len(keys)-1]-lo+1)
	for k, n := range m {
		counts[k-lo] = n
	}
	b.BucketCounts().FromRaw(counts)
}
