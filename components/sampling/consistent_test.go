package sampling

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	otelsampling "github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"
)

func traceIDWithRandomness(r uint64) pcommon.TraceID {
	var id pcommon.TraceID
	binary.BigEndian.PutUint64(id[:8], 0xdeadbeefcafef00d)
	binary.BigEndian.PutUint64(id[8:], r|0xab<<56) // the top byte is not randomness
	return id
}

func TestReadSamplingState(t *testing.T) {
	tid := traceIDWithRandomness(0x12345678abcdef)
	cases := []struct {
		name      string
		setup     func(lr plog.LogRecord)
		wantErr   error
		source    RandomnessSource
		rnd       uint64
		threshold string
	}{
		{name: "nothing", setup: func(plog.LogRecord) {}, source: RandomnessMissing},
		{name: "trace id", setup: func(lr plog.LogRecord) { lr.SetTraceID(tid) },
			source: RandomnessTraceID, rnd: 0x12345678abcdef},
		{name: "rv attribute overrides the trace id", setup: func(lr plog.LogRecord) {
			lr.SetTraceID(tid)
			lr.Attributes().PutStr(AttributeRandomness, "ffffffffffffff")
		}, source: RandomnessAttribute, rnd: 0xffffffffffffff},
		{name: "arriving threshold", setup: func(lr plog.LogRecord) {
			lr.SetTraceID(tid)
			lr.Attributes().PutStr(AttributeThreshold, "1")
		}, source: RandomnessTraceID, rnd: 0x12345678abcdef, threshold: "1"},
		{name: "inconsistent arriving threshold", setup: func(lr plog.LogRecord) {
			lr.SetTraceID(tid)
			lr.Attributes().PutStr(AttributeThreshold, "8")
		}, wantErr: ErrInconsistentArriving},
		{name: "bad threshold", setup: func(lr plog.LogRecord) {
			lr.Attributes().PutStr(AttributeThreshold, "xyz")
		}, wantErr: ErrInvalidThreshold},
		{name: "bad randomness", setup: func(lr plog.LogRecord) {
			lr.Attributes().PutStr(AttributeRandomness, "abc")
		}, wantErr: ErrInvalidRandomness},
		{name: "non-string attributes are ignored", setup: func(lr plog.LogRecord) {
			lr.Attributes().PutInt(AttributeThreshold, 8)
			lr.Attributes().PutInt(AttributeRandomness, 1)
		}, source: RandomnessMissing},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lr := plog.NewLogRecord()
			tc.setup(lr)
			st, err := ReadSamplingState(lr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.source, st.Source)
			assert.Equal(t, tc.rnd, st.Randomness.Unsigned())
			assert.Equal(t, tc.threshold != "", st.HasThreshold)
			if tc.threshold != "" {
				assert.Equal(t, tc.threshold, st.Threshold.TValue())
			}
		})
	}
}

// TestRatioSamplerKeepsTheExpectedShare: over uniformly random trace ids, the kept share
// is the ratio (the threshold's probability, rounded to 4 hex digits).
func TestRatioSamplerKeepsTheExpectedShare(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ratio := range []float64{1, 0.5, 0.25, 0.1, 0.01} {
		s, err := NewRatioSampler(ratio, DefaultPrecision)
		require.NoError(t, err)
		const n = 200000
		kept := 0
		for i := 0; i < n; i++ {
			rnd, _ := otelsampling.UnsignedToRandomness(rng.Uint64() & (otelsampling.MaxAdjustedCount - 1))
			if keep, _ := s.Decide(SamplingState{Randomness: rnd, Source: RandomnessTraceID}); keep {
				kept++
			}
		}
		assert.InDelta(t, ratio, float64(kept)/n, 0.1*ratio+0.001, "ratio %v", ratio)
	}
}

func TestRatioSamplerProportional(t *testing.T) {
	s, err := NewRatioSampler(0.5, DefaultPrecision)
	require.NoError(t, err)
	assert.Equal(t, "8", s.Threshold(SamplingState{}).TValue())
	// Arriving at 25% (th:c), half of that is 12.5% (th:e).
	arriving, err := otelsampling.TValueToThreshold("c")
	require.NoError(t, err)
	assert.Equal(t, "e", s.Threshold(SamplingState{Threshold: arriving, HasThreshold: true}).TValue())
	// Below 2^-56 the record can no longer be kept.
	tiny, err := otelsampling.TValueToThreshold("ffffffffffffff")
	require.NoError(t, err)
	assert.Equal(t, otelsampling.NeverSampleThreshold, s.Threshold(SamplingState{Threshold: tiny, HasThreshold: true}))

	_, err = NewRatioSampler(0, 4)
	assert.Error(t, err)
	_, err = NewRatioSampler(1.5, 4)
	assert.Error(t, err)
	_, err = NewRatioSampler(0.5, 15)
	assert.Error(t, err)
}
