package profiles

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testResource = map[string]string{
	"service.name":        "otelcol-bridge",
	"service.instance.id": "0f8fad5b-d9cb-469f-a165-70867728950e",
	"service.version":     "0.1.0-dev",
	"host.name":           "gw-1",
}

// syntheticHeap is a small heap-like profile: four sample types, the default not last,
// two stacks sharing a frame, an inlined frame, string and numeric labels.
func syntheticHeap() *profile.Profile {
	m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x800000, File: "/bin/otelcol-bridge", BuildID: "abc123", HasFunctions: true}
	fMain := &profile.Function{ID: 1, Name: "main.main", SystemName: "main.main", Filename: "main.go", StartLine: 10}
	fWork := &profile.Function{ID: 2, Name: "main.work", SystemName: "main.work", Filename: "work.go", StartLine: 20}
	fInl := &profile.Function{ID: 3, Name: "main.inlined", SystemName: "main.inlined", Filename: "work.go", StartLine: 30}
	lMain := &profile.Location{ID: 1, Mapping: m, Address: 0x401000, Line: []profile.Line{{Function: fMain, Line: 12}}}
	lWork := &profile.Location{ID: 2, Mapping: m, Address: 0x402000, Line: []profile.Line{{Function: fInl, Line: 31}, {Function: fWork, Line: 22, Column: 3}}}
	return &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"},
		},
		DefaultSampleType: "inuse_space",
		PeriodType:        &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:            524288,
		TimeNanos:         1_700_000_000_000_000_000,
		Sample: []*profile.Sample{
			{Location: []*profile.Location{lWork, lMain}, Value: []int64{10, 1000, 2, 200},
				Label: map[string][]string{"pipeline": {"traces"}}, NumLabel: map[string][]int64{"bytes": {512}}, NumUnit: map[string][]string{"bytes": {"bytes"}}},
			{Location: []*profile.Location{lMain}, Value: []int64{5, 500, 0, 0}},
		},
		Mapping:  []*profile.Mapping{m},
		Location: []*profile.Location{lMain, lWork},
		Function: []*profile.Function{fMain, fWork, fInl},
		Comments: []string{"captured by a test"},
	}
}

func TestBuilderSharesDictionaryAcrossProfiles(t *testing.T) {
	b := NewBuilder(testResource, "profiling", "")
	require.NoError(t, b.Add(syntheticHeap(), KindHeap, nil))
	functions := b.Profiles().Dictionary().FunctionTable().Len()
	stacks := b.Profiles().Dictionary().StackTable().Len()
	require.NoError(t, b.Add(syntheticHeap(), KindAllocs, nil))
	assert.Equal(t, functions, b.Profiles().Dictionary().FunctionTable().Len(), "same functions are not added twice")
	assert.Equal(t, stacks, b.Profiles().Dictionary().StackTable().Len(), "same stacks are not added twice")
	assert.Equal(t, 8, b.Profiles().ProfileCount())
}

func TestBuilderRejectsInvalidProfiles(t *testing.T) {
	b := NewBuilder(nil, "profiling", "")
	require.Error(t, b.Add(nil, KindCPU, nil))
	require.Error(t, b.Add(&profile.Profile{}, KindCPU, nil))
	bad := syntheticHeap()
	bad.Sample[0].Value = []int64{1}
	require.Error(t, b.Add(bad, KindHeap, nil))
}

func BenchmarkBuilderHeap(b *testing.B) {
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, 0); err != nil {
		b.Fatal(err)
	}
	src, err := profile.Parse(&buf)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bl := NewBuilder(testResource, "profiling", "")
		if err := bl.Add(src, KindHeap, nil); err != nil {
			b.Fatal(err)
		}
	}
}
