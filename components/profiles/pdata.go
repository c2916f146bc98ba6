package profiles

import (
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pprofile"
)

// Attribute keys this package writes besides the pprof labels of each sample.
const (
	// AttrProfileKind is the runtime profile a Profile came from (cpu, heap, ...).
	// No semantic convention exists for it yet.
	AttrProfileKind = "profile.kind"
	// AttrBuildID is the mapping's build ID (semantic conventions: process.executable.build_id.gnu).
	AttrBuildID = "process.executable.build_id.gnu"
	// OriginalPayloadFormat names pprof in Profile.original_payload_format when the
	// encoded pprof is attached.
	OriginalPayloadFormat = "go.pprof"
)

// Builder converts pprof profiles into one pdata Profiles message: one ResourceProfiles
// with the given resource attributes, one ScopeProfiles, one Profile per sample type of
// each added pprof profile, and a single dictionary shared by all of them.
// A Builder is not safe for concurrent use.
type Builder struct {
	out   pprofile.Profiles
	dict  pprofile.ProfilesDictionary
	scope pprofile.ScopeProfiles

	strings   map[string]int32
	attrs     map[attrKey]int32
	functions map[functionKey]int32
	mappings  map[mappingKey]int32
	locations map[string]int32
	stacks    map[string]int32

	scratch []byte
}

type attrKey struct {
	key   int32
	str   string
	num   int64
	isNum bool
	unit  int32
}

type functionKey struct {
	name, systemName, filename string
	startLine                  int64
}

type mappingKey struct {
	start, limit, offset uint64
	file, buildID        string
	flags                uint8
}

// NewBuilder starts a Profiles message for one resource. scopeName/scopeVersion name
// the instrumentation scope (the component that captured the profiles).
func NewBuilder(resource map[string]string, scopeName, scopeVersion string) *Builder {
	b := &Builder{
		out:       pprofile.NewProfiles(),
		strings:   map[string]int32{},
		attrs:     map[attrKey]int32{},
		functions: map[functionKey]int32{},
		mappings:  map[mappingKey]int32{},
		locations: map[string]int32{},
		stacks:    map[string]int32{},
	}
	b.dict = b.out.Dictionary()
	// Index 0 of every table is the zero value: the profiles data model reserves it
	// for "unset", so references to 0 never point at real data.
	b.str("")
	b.dict.AttributeTable().AppendEmpty()
	b.dict.FunctionTable().AppendEmpty()
	b.dict.MappingTable().AppendEmpty()
	b.dict.LocationTable().AppendEmpty()
	b.dict.StackTable().AppendEmpty()
	b.dict.LinkTable().AppendEmpty()
	b.attrs[attrKey{}] = 0
	b.functions[functionKey{}] = 0
	b.mappings[mappingKey{}] = 0
	b.locations[""] = 0
	b.stacks[""] = 0

	rp := b.out.ResourceProfiles().AppendEmpty()
	keys := make([]string, 0, len(resource))
	for k := range resource {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rp.Resource().Attributes().PutStr(k, resource[k])
	}
	b.scope = rp.ScopeProfiles().AppendEmpty()
	b.scope.Scope().SetName(scopeName)
	b.scope.Scope().SetVersion(scopeVersion)
	return b
}

// Add appends src as one Profile per sample type, the default sample type first (pprof
// treats the last one as default when none is named). Samples whose value is zero for a
// sample type are left out of that type's Profile. attrs become attributes of each
// added Profile (AttrProfileKind is set from kind).
func (b *Builder) Add(src *profile.Profile, kind Kind, attrs map[string]string) error {
	if src == nil {
		return errors.New("nil profile")
	}
	if err := src.CheckValid(); err != nil {
		return fmt.Errorf("invalid pprof profile: %w", err)
	}
	if len(src.SampleType) == 0 {
		return errors.New("pprof profile has no sample types")
	}

	// Stacks are converted once per source profile, whatever the number of sample types.
	stackOf := make([]int32, len(src.Sample))
	locIdx := make(map[*profile.Location]int32, len(src.Location))
	for i, s := range src.Sample {
		stackOf[i] = b.stack(s.Location, locIdx)
	}
	sampleAttrs := make([][]int32, len(src.Sample))
	for i, s := range src.Sample {
		sampleAttrs[i] = b.labelAttrs(s)
	}

	var profAttrs []int32
	if kind != "" {
		profAttrs = append(profAttrs, b.strAttr(AttrProfileKind, string(kind)))
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		profAttrs = append(profAttrs, b.strAttr(k, attrs[k]))
	}
	for i, c := range src.Comments {
		profAttrs = append(profAttrs, b.strAttr("pprof.profile.comment."+strconv.Itoa(i), c))
	}

	for _, ti := range sampleTypeOrder(src) {
		p := b.scope.Profiles().AppendEmpty()
		p.SetProfileID(newProfileID())
		st := src.SampleType[ti]
		p.SampleType().SetTypeStrindex(b.str(st.Type))
		p.SampleType().SetUnitStrindex(b.str(st.Unit))
		if src.PeriodType != nil {
			p.PeriodType().SetTypeStrindex(b.str(src.PeriodType.Type))
			p.PeriodType().SetUnitStrindex(b.str(src.PeriodType.Unit))
		}
		p.SetPeriod(src.Period)
		p.SetTime(pcommon.Timestamp(nonNegative(src.TimeNanos)))
		p.SetDurationNano(uint64(nonNegative(src.DurationNanos)))
		p.AttributeIndices().Append(profAttrs...)

		samples := p.Samples()
		samples.EnsureCapacity(len(src.Sample))
		for i, s := range src.Sample {
			if ti >= len(s.Value) || s.Value[ti] == 0 {
				continue
			}
			ps := samples.AppendEmpty()
			ps.SetStackIndex(stackOf[i])
			ps.Values().Append(s.Value[ti])
			ps.AttributeIndices().Append(sampleAttrs[i]...)
		}
	}
	return nil
}

// Profiles returns the message built so far. Adding more afterwards changes it.
func (b *Builder) Profiles() pprofile.Profiles { return b.out }

// sampleTypeOrder puts the default sample type first and keeps the others in order.
func sampleTypeOrder(p *profile.Profile) []int {
	def := len(p.SampleType) - 1
	if p.DefaultSampleType != "" {
		for i, st := range p.SampleType {
			if st.Type == p.DefaultSampleType {
				def = i
				break
			}
		}
	}
	order := []int{def}
	for i := range p.SampleType {
		if i != def {
			order = append(order, i)
		}
	}
	return order
}

func (b *Builder) str(s string) int32 {
	if i, ok := b.strings[s]; ok {
		return i
	}
	i := int32(b.dict.StringTable().Len())
	b.dict.StringTable().Append(s)
	b.strings[s] = i
	return i
}

func (b *Builder) strAttr(key, value string) int32 {
	k := attrKey{key: b.str(key), str: value}
	if i, ok := b.attrs[k]; ok {
		return i
	}
	i := int32(b.dict.AttributeTable().Len())
	a := b.dict.AttributeTable().AppendEmpty()
	a.SetKeyStrindex(k.key)
	a.Value().SetStr(value)
	b.attrs[k] = i
	return i
}

func (b *Builder) numAttr(key string, value int64, unit string) int32 {
	k := attrKey{key: b.str(key), num: value, isNum: true}
	if unit != "" {
		k.unit = b.str(unit)
	}
	if i, ok := b.attrs[k]; ok {
		return i
	}
	i := int32(b.dict.AttributeTable().Len())
	a := b.dict.AttributeTable().AppendEmpty()
	a.SetKeyStrindex(k.key)
	a.Value().SetInt(value)
	a.SetUnitStrindex(k.unit)
	b.attrs[k] = i
	return i
}

// labelAttrs turns a sample's pprof labels into attribute indices, sorted by key so
// equal label sets give equal index lists. A label with several values (rare: the Go
// runtime writes one) keeps them joined with ",".
func (b *Builder) labelAttrs(s *profile.Sample) []int32 {
	if len(s.Label) == 0 && len(s.NumLabel) == 0 {
		return nil
	}
	out := make([]int32, 0, len(s.Label)+len(s.NumLabel))
	for _, k := range slices.Sorted(maps.Keys(s.Label)) {
		out = append(out, b.strAttr(k, strings.Join(s.Label[k], ",")))
	}
	for _, k := range slices.Sorted(maps.Keys(s.NumLabel)) {
		for j, v := range s.NumLabel[k] {
			unit := ""
			if units := s.NumUnit[k]; j < len(units) {
				unit = units[j]
			}
			out = append(out, b.numAttr(k, v, unit))
		}
	}
	return out
}

func (b *Builder) stack(locs []*profile.Location, locIdx map[*profile.Location]int32) int32 {
	b.scratch = b.scratch[:0]
	idx := make([]int32, 0, len(locs))
	for _, l := range locs {
		li, ok := locIdx[l]
		if !ok {
			li = b.location(l)
			locIdx[l] = li
		}
		idx = append(idx, li)
		b.scratch = strconv.AppendInt(b.scratch, int64(li), 36)
		b.scratch = append(b.scratch, ';')
	}
	if i, ok := b.stacks[string(b.scratch)]; ok {
		return i
	}
	i := int32(b.dict.StackTable().Len())
	b.dict.StackTable().AppendEmpty().LocationIndices().Append(idx...)
	b.stacks[string(b.scratch)] = i
	return i
}

func (b *Builder) location(l *profile.Location) int32 {
	var mi int32
	if l.Mapping != nil {
		mi = b.mapping(l.Mapping)
	}
	type line struct {
		fn        int32
		line, col int64
	}
	lines := make([]line, len(l.Line))
	var key []byte
	key = strconv.AppendInt(key, int64(mi), 36)
	key = append(key, ':')
	key = strconv.AppendUint(key, l.Address, 36)
	for i, ln := range l.Line {
		var fi int32
		if ln.Function != nil {
			fi = b.function(ln.Function)
		}
		lines[i] = line{fn: fi, line: ln.Line, col: ln.Column}
		key = append(key, '|')
		key = strconv.AppendInt(key, int64(fi), 36)
		key = append(key, ',')
		key = strconv.AppendInt(key, ln.Line, 36)
		key = append(key, ',')
		key = strconv.AppendInt(key, ln.Column, 36)
	}
	if l.IsFolded {
		key = append(key, '!')
	}
	if i, ok := b.locations[string(key)]; ok {
		return i
	}
	i := int32(b.dict.LocationTable().Len())
	loc := b.dict.LocationTable().AppendEmpty()
	loc.SetMappingIndex(mi)
	loc.SetAddress(l.Address)
	for _, ln := range lines {
		pl := loc.Lines().AppendEmpty()
		pl.SetFunctionIndex(ln.fn)
		pl.SetLine(ln.line)
		pl.SetColumn(ln.col)
	}
	if l.IsFolded {
		loc.AttributeIndices().Append(b.boolAttr("pprof.location.is_folded"))
	}
	b.locations[string(key)] = i
	return i
}

func (b *Builder) boolAttr(key string) int32 {
	// Bool attributes are only ever "true" here; keyed apart from strings by num=1.
	k := attrKey{key: b.str(key), num: 1, isNum: true, unit: -1}
	if i, ok := b.attrs[k]; ok {
		return i
	}
	i := int32(b.dict.AttributeTable().Len())
	a := b.dict.AttributeTable().AppendEmpty()
	a.SetKeyStrindex(k.key)
	a.Value().SetBool(true)
	b.attrs[k] = i
	return i
}

func (b *Builder) function(f *profile.Function) int32 {
	k := functionKey{name: f.Name, systemName: f.SystemName, filename: f.Filename, startLine: f.StartLine}
	if i, ok := b.functions[k]; ok {
		return i
	}
	i := int32(b.dict.FunctionTable().Len())
	fn := b.dict.FunctionTable().AppendEmpty()
	fn.SetNameStrindex(b.str(f.Name))
	fn.SetSystemNameStrindex(b.str(f.SystemName))
	fn.SetFilenameStrindex(b.str(f.Filename))
	fn.SetStartLine(f.StartLine)
	b.functions[k] = i
	return i
}

func (b *Builder) mapping(m *profile.Mapping) int32 {
	var flags uint8
	for bit, set := range []bool{m.HasFunctions, m.HasFilenames, m.HasLineNumbers, m.HasInlineFrames} {
		if set {
			flags |= 1 << bit
		}
	}
	k := mappingKey{start: m.Start, limit: m.Limit, offset: m.Offset, file: m.File, buildID: m.BuildID, flags: flags}
	if i, ok := b.mappings[k]; ok {
		return i
	}
	i := int32(b.dict.MappingTable().Len())
	mm := b.dict.MappingTable().AppendEmpty()
	mm.SetMemoryStart(m.Start)
	mm.SetMemoryLimit(m.Limit)
	mm.SetFileOffset(m.Offset)
	mm.SetFilenameStrindex(b.str(m.File))
	if m.BuildID != "" {
		mm.AttributeIndices().Append(b.strAttr(AttrBuildID, m.BuildID))
	}
	for bit, name := range []string{"pprof.mapping.has_functions", "pprof.mapping.has_filenames", "pprof.mapping.has_line_numbers", "pprof.mapping.has_inline_frames"} {
		if flags&(1<<bit) != 0 {
			mm.AttributeIndices().Append(b.boolAttr(name))
		}
	}
	b.mappings[k] = i
	return i
}

func newProfileID() pprofile.ProfileID {
	var id pprofile.ProfileID
	_, _ = rand.Read(id[:])
	if id.IsEmpty() {
		id[0] = 1
	}
	return id
}

func nonNegative(v int64) int64 {
	if v < 0 {
		return 0
	}
	return v
}
