// Package profilestest reads OTLP profiles back into pprof, so tests can check what was
// sent (the components/profiles builder's tests, the profiling extension's and the
// end-to-end tests): the conversion of components/profiles run backwards. Test code
// only; nothing the collector binary is built from imports it.
package profilestest // import "github.com/otelcol-bridge/otelcol-bridge/components/profiles/profilestest"

import (
	"fmt"

	"github.com/google/pprof/profile"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

// Decoded is one OTLP Profile read back as pprof, with the attributes around it.
type Decoded struct {
	Resource map[string]string // resource attributes, as strings
	Attrs    map[string]string // the Profile's own attributes (profiles.AttrProfileKind, ...)
	Pprof    *profile.Profile  // one sample type; sample attributes are pprof labels
}

// Decode reads every Profile of pd back into pprof. It checks every dictionary
// reference and returns an error instead of panicking on malformed input.
func Decode(pd pprofile.Profiles) ([]Decoded, error) {
	dict := pd.Dictionary()
	var out []Decoded
	for i := 0; i < pd.ResourceProfiles().Len(); i++ {
		rp := pd.ResourceProfiles().At(i)
		res := asStrings(rp.Resource().Attributes())
		for j := 0; j < rp.ScopeProfiles().Len(); j++ {
			ps := rp.ScopeProfiles().At(j).Profiles()
			for k := 0; k < ps.Len(); k++ {
				p := ps.At(k)
				pp, err := toPprof(dict, p)
				if err != nil {
					return nil, fmt.Errorf("resource %d scope %d profile %d: %w", i, j, k, err)
				}
				attrs, err := pprofile.FromAttributeIndices(dict.AttributeTable(), p, dict)
				if err != nil {
					return nil, fmt.Errorf("resource %d scope %d profile %d attributes: %w", i, j, k, err)
				}
				out = append(out, Decoded{Resource: res, Attrs: asStrings(attrs), Pprof: pp})
			}
		}
	}
	return out, nil
}

func asStrings(m pcommon.Map) map[string]string {
	out := make(map[string]string, m.Len())
	for k, v := range m.All() {
		out[k] = v.AsString()
	}
	return out
}

// toPprof converts one OTLP Profile (a single sample type) into a pprof profile.
func toPprof(dict pprofile.ProfilesDictionary, p pprofile.Profile) (*profile.Profile, error) {
	r := reader{dict: dict, fns: map[int32]*profile.Function{}, maps: map[int32]*profile.Mapping{}, locs: map[int32]*profile.Location{}}
	st, err := r.valueType(p.SampleType())
	if err != nil {
		return nil, fmt.Errorf("sample type: %w", err)
	}
	out := &profile.Profile{
		SampleType:    []*profile.ValueType{st},
		TimeNanos:     int64(p.Time()),
		DurationNanos: int64(min(p.DurationNano(), uint64(1<<63-1))),
		Period:        p.Period(),
	}
	if pt, err := r.valueType(p.PeriodType()); err == nil && (pt.Type != "" || pt.Unit != "") {
		out.PeriodType = pt
	}
	for i := 0; i < p.Samples().Len(); i++ {
		s := p.Samples().At(i)
		ps := &profile.Sample{}
		var total int64
		for _, v := range s.Values().All() {
			total += v
		}
		if s.Values().Len() == 0 {
			// A sample without values stands for one occurrence per timestamp.
			total = int64(s.TimestampsUnixNano().Len())
		}
		ps.Value = []int64{total}
		si := s.StackIndex()
		if si < 0 || int(si) >= dict.StackTable().Len() {
			return nil, fmt.Errorf("sample %d: stack index %d out of range", i, si)
		}
		for _, li := range dict.StackTable().At(int(si)).LocationIndices().All() {
			loc, err := r.location(li)
			if err != nil {
				return nil, fmt.Errorf("sample %d: %w", i, err)
			}
			ps.Location = append(ps.Location, loc)
		}
		attrs, err := pprofile.FromAttributeIndices(dict.AttributeTable(), s, dict)
		if err != nil {
			return nil, fmt.Errorf("sample %d: %w", i, err)
		}
		for k, v := range attrs.All() {
			switch v.Type() {
			case pcommon.ValueTypeInt:
				if ps.NumLabel == nil {
					ps.NumLabel = map[string][]int64{}
				}
				ps.NumLabel[k] = []int64{v.Int()}
			default:
				if ps.Label == nil {
					ps.Label = map[string][]string{}
				}
				ps.Label[k] = []string{v.AsString()}
			}
		}
		out.Sample = append(out.Sample, ps)
	}
	out.Mapping = r.mapOrder
	out.Location = r.locOrder
	out.Function = r.fnOrder
	if err := out.CheckValid(); err != nil {
		return nil, err
	}
	return out, nil
}

type reader struct {
	dict     pprofile.ProfilesDictionary
	fns      map[int32]*profile.Function
	maps     map[int32]*profile.Mapping
	locs     map[int32]*profile.Location
	fnOrder  []*profile.Function
	mapOrder []*profile.Mapping
	locOrder []*profile.Location
}

func (r *reader) str(i int32) (string, error) {
	if i < 0 || int(i) >= r.dict.StringTable().Len() {
		return "", fmt.Errorf("string index %d out of range", i)
	}
	return r.dict.StringTable().At(int(i)), nil
}

func (r *reader) valueType(vt pprofile.ValueType) (*profile.ValueType, error) {
	t, err := r.str(vt.TypeStrindex())
	if err != nil {
		return nil, err
	}
	u, err := r.str(vt.UnitStrindex())
	if err != nil {
		return nil, err
	}
	return &profile.ValueType{Type: t, Unit: u}, nil
}

func (r *reader) location(i int32) (*profile.Location, error) {
	if l, ok := r.locs[i]; ok {
		return l, nil
	}
	if i < 0 || int(i) >= r.dict.LocationTable().Len() {
		return nil, fmt.Errorf("location index %d out of range", i)
	}
	src := r.dict.LocationTable().At(int(i))
	l := &profile.Location{ID: uint64(len(r.locOrder) + 1), Address: src.Address()}
	if mi := src.MappingIndex(); mi > 0 {
		m, err := r.mapping(mi)
		if err != nil {
			return nil, err
		}
		l.Mapping = m
	}
	for j := 0; j < src.Lines().Len(); j++ {
		ln := src.Lines().At(j)
		pl := profile.Line{Line: ln.Line(), Column: ln.Column()}
		if fi := ln.FunctionIndex(); fi > 0 {
			f, err := r.function(fi)
			if err != nil {
				return nil, err
			}
			pl.Function = f
		}
		l.Line = append(l.Line, pl)
	}
	r.locs[i] = l
	r.locOrder = append(r.locOrder, l)
	return l, nil
}

func (r *reader) function(i int32) (*profile.Function, error) {
	if f, ok := r.fns[i]; ok {
		return f, nil
	}
	if int(i) >= r.dict.FunctionTable().Len() {
		return nil, fmt.Errorf("function index %d out of range", i)
	}
	src := r.dict.FunctionTable().At(int(i))
	name, err := r.str(src.NameStrindex())
	if err != nil {
		return nil, err
	}
	sys, err := r.str(src.SystemNameStrindex())
	if err != nil {
		return nil, err
	}
	file, err := r.str(src.FilenameStrindex())
	if err != nil {
		return nil, err
	}
	f := &profile.Function{ID: uint64(len(r.fnOrder) + 1), Name: name, SystemName: sys, Filename: file, StartLine: src.StartLine()}
	r.fns[i] = f
	r.fnOrder = append(r.fnOrder, f)
	return f, nil
}

func (r *reader) mapping(i int32) (*profile.Mapping, error) {
	if m, ok := r.maps[i]; ok {
		return m, nil
	}
	if int(i) >= r.dict.MappingTable().Len() {
		return nil, fmt.Errorf("mapping index %d out of range", i)
	}
	src := r.dict.MappingTable().At(int(i))
	file, err := r.str(src.FilenameStrindex())
	if err != nil {
		return nil, err
	}
	m := &profile.Mapping{ID: uint64(len(r.mapOrder) + 1), Start: src.MemoryStart(), Limit: src.MemoryLimit(), Offset: src.FileOffset(), File: file}
	attrs, err := pprofile.FromAttributeIndices(r.dict.AttributeTable(), src, r.dict)
	if err != nil {
		return nil, err
	}
	if v, ok := attrs.Get(profiles.AttrBuildID); ok {
		m.BuildID = v.AsString()
	}
	_, m.HasFunctions = attrs.Get("pprof.mapping.has_functions")
	_, m.HasFilenames = attrs.Get("pprof.mapping.has_filenames")
	_, m.HasLineNumbers = attrs.Get("pprof.mapping.has_line_numbers")
	_, m.HasInlineFrames = attrs.Get("pprof.mapping.has_inline_frames")
	r.maps[i] = m
	r.mapOrder = append(r.mapOrder, m)
	return m, nil
}
