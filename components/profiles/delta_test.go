package profiles

import (
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func valuesByFunction(p *profile.Profile) map[string][]int64 {
	out := map[string][]int64{}
	for _, s := range p.Sample {
		name := s.Location[0].Line[0].Function.Name
		out[name] = s.Value
	}
	return out
}

func TestDeltaSubtractsAndKeepsOnlyTheCumulativeTypes(t *testing.T) {
	prev := syntheticHeap()
	cur := syntheticHeap()
	cur.TimeNanos = prev.TimeNanos + 60e9
	cur.Sample[0].Value = []int64{25, 2500, 1, 100} // main.inlined stack: grew
	// main.main stack unchanged: {5, 500, 0, 0}

	d, err := Delta(prev, cur, KindAllocs.DeltaSampleTypes())
	require.NoError(t, err)
	require.Len(t, d.SampleType, 2)
	assert.Equal(t, "alloc_objects", d.SampleType[0].Type)
	assert.Equal(t, "alloc_space", d.SampleType[1].Type)
	assert.Equal(t, map[string][]int64{"main.inlined": {15, 1500}}, valuesByFunction(d), "unchanged stacks are dropped")
	assert.Equal(t, cur.TimeNanos, d.TimeNanos)
	assert.Equal(t, int64(60e9), d.DurationNanos)
	assert.Empty(t, d.DefaultSampleType, "inuse_space is not in the delta")

	// The inputs are untouched.
	assert.Equal(t, []int64{10, 1000, 2, 200}, prev.Sample[0].Value)
	assert.Len(t, cur.SampleType, 4)
}

func TestDeltaWithoutBaselineIsEverythingSoFar(t *testing.T) {
	cur := syntheticHeap()
	d, err := Delta(nil, cur, KindAllocs.DeltaSampleTypes())
	require.NoError(t, err)
	assert.Equal(t, map[string][]int64{"main.inlined": {10, 1000}, "main.main": {5, 500}}, valuesByFunction(d))
}

func TestDeltaDropsCounterResets(t *testing.T) {
	prev := syntheticHeap()
	cur := syntheticHeap()
	cur.Sample[1].Value = []int64{1, 100, 0, 0} // went down
	d, err := Delta(prev, cur, KindAllocs.DeltaSampleTypes())
	require.NoError(t, err)
	assert.Empty(t, d.Sample)
}

func TestDeltaErrors(t *testing.T) {
	_, err := Delta(nil, nil, nil)
	require.Error(t, err)
	_, err = Delta(nil, syntheticHeap(), []string{"contentions"})
	require.ErrorContains(t, err, `no sample type "contentions"`)
	other := syntheticHeap()
	other.PeriodType = &profile.ValueType{Type: "contentions", Unit: "count"}
	_, err = Delta(other, syntheticHeap(), KindAllocs.DeltaSampleTypes())
	require.ErrorContains(t, err, "incompatible")
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds {
		got, err := ParseKind(" " + string(k) + " ")
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
	got, err := ParseKind("CPU")
	require.NoError(t, err)
	assert.Equal(t, KindCPU, got)
	_, err = ParseKind("threadcreate")
	require.ErrorContains(t, err, "unknown profile kind")
	assert.True(t, KindMutex.Cumulative())
	assert.False(t, KindHeap.Cumulative())
	assert.Nil(t, KindCPU.DeltaSampleTypes())
}
