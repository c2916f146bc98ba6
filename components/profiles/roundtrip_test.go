package profiles_test

// The builder's output read back by profilestest: what a backend decodes is what was
// captured. External tests, because profilestest imports this package.

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pprofile"
	"go.opentelemetry.io/collector/pdata/pprofile/pprofileotlp"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
	"github.com/otelcol-bridge/otelcol-bridge/components/profiles/profilestest"
)

// roundTrip sends pd through the OTLP wire encoding, as an exporter and a receiver do.
func roundTrip(t *testing.T, pd pprofile.Profiles) pprofile.Profiles {
	t.Helper()
	raw, err := pprofileotlp.NewExportRequestFromProfiles(pd).MarshalProto()
	require.NoError(t, err)
	req := pprofileotlp.NewExportRequest()
	require.NoError(t, req.UnmarshalProto(raw))
	return req.Profiles()
}

func TestBuilderRoundTripsSyntheticProfile(t *testing.T) {
	b := profiles.NewBuilder(profiles.TestResource, "profiling", "0.1.0")
	require.NoError(t, b.Add(profiles.SyntheticHeap(), profiles.KindHeap, map[string]string{"extra": "yes"}))
	pd := roundTrip(t, b.Profiles())

	assert.Equal(t, 4, pd.ProfileCount())
	dict := pd.Dictionary()
	assert.Equal(t, "", dict.StringTable().At(0), "string_table[0] is the empty string")
	for _, table := range []int{dict.AttributeTable().Len(), dict.FunctionTable().Len(), dict.MappingTable().Len(), dict.LocationTable().Len(), dict.StackTable().Len()} {
		assert.Positive(t, table)
	}
	assert.Zero(t, dict.StackTable().At(0).LocationIndices().Len(), "stack_table[0] is the zero stack")

	decoded, err := profilestest.Decode(pd)
	require.NoError(t, err)
	require.Len(t, decoded, 4)
	var types []string
	for _, d := range decoded {
		types = append(types, d.Pprof.SampleType[0].Type)
		assert.Equal(t, profiles.TestResource, d.Resource)
		assert.Equal(t, "heap", d.Attrs[profiles.AttrProfileKind])
		assert.Equal(t, "yes", d.Attrs["extra"])
		assert.Equal(t, "captured by a test", d.Attrs["pprof.profile.comment.0"])
		assert.Equal(t, int64(524288), d.Pprof.Period)
		assert.Equal(t, "space", d.Pprof.PeriodType.Type)
		assert.Equal(t, int64(1_700_000_000_000_000_000), d.Pprof.TimeNanos)
	}
	assert.Equal(t, []string{"inuse_space", "alloc_objects", "alloc_space", "inuse_objects"}, types, "default sample type first")

	inuse := decoded[0].Pprof
	require.Len(t, inuse.Sample, 1, "zero-valued samples are left out of a sample type")
	s := inuse.Sample[0]
	assert.Equal(t, []int64{200}, s.Value)
	assert.Equal(t, []string{"traces"}, s.Label["pipeline"])
	assert.Equal(t, []int64{512}, s.NumLabel["bytes"])
	require.Len(t, s.Location, 2)
	require.Len(t, s.Location[0].Line, 2, "inlined frames stay in one location")
	assert.Equal(t, "main.inlined", s.Location[0].Line[0].Function.Name)
	assert.Equal(t, "main.work", s.Location[0].Line[1].Function.Name)
	assert.Equal(t, int64(3), s.Location[0].Line[1].Column)
	assert.Equal(t, "main.main", s.Location[1].Line[0].Function.Name)
	assert.Equal(t, "abc123", s.Location[0].Mapping.BuildID)
	assert.Equal(t, "/bin/otelcol-bridge", s.Location[0].Mapping.File)
	assert.True(t, s.Location[0].Mapping.HasFunctions)

	allocObjects := decoded[1].Pprof
	require.Len(t, allocObjects.Sample, 2)
	assert.Equal(t, int64(15), allocObjects.Sample[0].Value[0]+allocObjects.Sample[1].Value[0])
}

// The runtime's own profiles convert and come back with the same totals.
func TestBuilderRoundTripsRuntimeProfiles(t *testing.T) {
	runtime.GC()
	for _, name := range []string{"heap", "goroutine"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, pprof.Lookup(name).WriteTo(&buf, 0))
			src, err := profile.Parse(&buf)
			require.NoError(t, err)

			b := profiles.NewBuilder(profiles.TestResource, "profiling", "")
			require.NoError(t, b.Add(src, profiles.Kind(name), nil))
			decoded, err := profilestest.Decode(roundTrip(t, b.Profiles()))
			require.NoError(t, err)
			require.Len(t, decoded, len(src.SampleType))
			for _, d := range decoded {
				typ := d.Pprof.SampleType[0].Type
				idx := -1
				for i, st := range src.SampleType {
					if st.Type == typ {
						idx = i
					}
				}
				require.GreaterOrEqual(t, idx, 0, typ)
				var want, got int64
				for _, s := range src.Sample {
					want += s.Value[idx]
				}
				for _, s := range d.Pprof.Sample {
					got += s.Value[0]
				}
				assert.Equal(t, want, got, "total of %s", typ)
			}
			if name == "goroutine" {
				assert.Positive(t, profiles.SampleCount(decoded[0].Pprof))
			}
		})
	}
}

func TestDecodeRejectsBrokenReferences(t *testing.T) {
	b := profiles.NewBuilder(profiles.TestResource, "profiling", "")
	require.NoError(t, b.Add(profiles.SyntheticHeap(), profiles.KindHeap, nil))
	pd := b.Profiles()
	p := pd.ResourceProfiles().At(0).ScopeProfiles().At(0).Profiles().At(0)
	p.Samples().At(0).SetStackIndex(9999)
	_, err := profilestest.Decode(pd)
	require.ErrorContains(t, err, "stack index 9999 out of range")

	pd.Dictionary().StackTable().At(1).LocationIndices().Append(-3)
	p.Samples().At(0).SetStackIndex(1)
	_, err = profilestest.Decode(pd)
	require.ErrorContains(t, err, "location index -3 out of range")
}

func FuzzDecode(f *testing.F) {
	b := profiles.NewBuilder(profiles.TestResource, "profiling", "")
	if err := b.Add(profiles.SyntheticHeap(), profiles.KindHeap, nil); err != nil {
		f.Fatal(err)
	}
	seed, err := pprofileotlp.NewExportRequestFromProfiles(b.Profiles()).MarshalProto()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(_ *testing.T, data []byte) {
		req := pprofileotlp.NewExportRequest()
		if req.UnmarshalProto(data) != nil {
			return
		}
		_, _ = profilestest.Decode(req.Profiles())
	})
}
