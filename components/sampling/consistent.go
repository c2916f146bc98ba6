package sampling

import (
	"errors"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"
)

// The log record attributes that carry OTEP 235 sampling state. Log records have no
// tracestate, so the semantic conventions for sampling (docs/sampling/README.md, "Logs
// sampling attributes") put the T-value and the R-value of `ot=th:` / `ot=rv:` here.
const (
	AttributeThreshold  = "sampling.threshold"
	AttributeRandomness = "sampling.randomness"
)

// DefaultPrecision is the number of hex digits of a threshold written on records; it is
// also contrib's probabilistic_sampler default (sampling_precision: 4).
const DefaultPrecision = 4

// RandomnessSource says where a record's randomness came from.
type RandomnessSource uint8

const (
	RandomnessMissing   RandomnessSource = iota // no trace id, no sampling.randomness
	RandomnessAttribute                         // the sampling.randomness attribute (R-value)
	RandomnessTraceID                           // the low 56 bits of the trace id (W3C level 2)
)

// Errors that make a record's sampling state unusable. A ratio rule drops such records,
// as contrib's probabilistic_sampler does with fail_closed (its default).
var (
	ErrInvalidThreshold     = errors.New("sampling.threshold is not a valid T-value")
	ErrInvalidRandomness    = errors.New("sampling.randomness is not a valid R-value")
	ErrInconsistentArriving = errors.New("sampling.threshold says the record should not have been sampled")
)

// SamplingState is what a record says about earlier sampling: its randomness and the
// threshold an upstream sampler applied.
type SamplingState struct {
	Randomness   otelsampling.Randomness
	Source       RandomnessSource
	Threshold    otelsampling.Threshold
	HasThreshold bool
}

// ReadSamplingState reads a record's randomness (sampling.randomness, else the trace id)
// and its arriving threshold (sampling.threshold), in the order the sampling semantic
// conventions give. It does not allocate.
func ReadSamplingState(lr plog.LogRecord) (SamplingState, error) {
	var st SamplingState
	attrs := lr.Attributes()
	if v, ok := attrs.Get(AttributeThreshold); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		th, err := otelsampling.TValueToThreshold(v.Str())
		if err != nil {
			return st, ErrInvalidThreshold
		}
		st.Threshold, st.HasThreshold = th, true
	}
	if v, ok := attrs.Get(AttributeRandomness); ok && v.Type() == pcommon.ValueTypeStr && v.Str() != "" {
		rnd, err := otelsampling.RValueToRandomness(v.Str())
		if err != nil {
			return st, ErrInvalidRandomness
		}
		st.Randomness, st.Source = rnd, RandomnessAttribute
	} else if tid := lr.TraceID(); !tid.IsEmpty() {
		st.Randomness, st.Source = otelsampling.TraceIDToRandomness(tid), RandomnessTraceID
	}
	if st.HasThreshold && st.Source != RandomnessMissing && !st.Threshold.ShouldSample(st.Randomness) {
		return st, ErrInconsistentArriving
	}
	return st, nil
}

// RatioSampler keeps a fraction of records consistently with trace sampling: for a record
// with a trace id, the decision is a function of the trace id alone, so that at the same
// ratio exactly the logs of the traces that a consistent probability sampler keeps are
// kept. It is proportional, like contrib's probabilistic_sampler in mode: proportional: a
// record that was already sampled upstream with probability p (sampling.threshold) is
// kept with probability p*ratio overall.
type RatioSampler struct {
	ratio     float64
	precision int
	// base is the threshold for records that arrive without one (the common case),
	// computed once.
	base otelsampling.Threshold
}

// NewRatioSampler returns a sampler keeping ratio (0 < ratio <= 1) of the records, with
// thresholds rounded to precision hex digits (1..14). Ratios below 2^-56 are raised to it.
func NewRatioSampler(ratio float64, precision int) (*RatioSampler, error) {
	if !(ratio > 0 && ratio <= 1) {
		return nil, errors.New("ratio must be in (0, 1]")
	}
	if precision < 1 || precision > otelsampling.NumHexDigits {
		return nil, errors.New("precision must be between 1 and 14")
	}
	ratio = max(ratio, otelsampling.MinSamplingProbability)
	base, err := otelsampling.ProbabilityToThresholdWithPrecision(ratio, precision)
	if err != nil {
		return nil, err
	}
	return &RatioSampler{ratio: ratio, precision: precision, base: base}, nil
}

// Ratio is the configured ratio.
func (s *RatioSampler) Ratio() float64 { return s.ratio }

// Threshold is the threshold this sampler applies to a record in state st.
func (s *RatioSampler) Threshold(st SamplingState) otelsampling.Threshold {
	if !st.HasThreshold {
		return s.base
	}
	th, err := otelsampling.ProbabilityToThresholdWithPrecision(st.Threshold.Probability()*s.ratio, s.precision)
	if err != nil {
		// The product is below the smallest probability that 56 bits can express.
		return otelsampling.NeverSampleThreshold
	}
	return th
}

// Decide reports whether a record in state st is kept and the threshold applied. The
// caller fills st.Randomness when st.Source is RandomnessMissing.
func (s *RatioSampler) Decide(st SamplingState) (keep bool, th otelsampling.Threshold) {
	th = s.Threshold(st)
	return th.ShouldSample(st.Randomness), th
}
