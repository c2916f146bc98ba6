package profiles

import (
	"errors"
	"fmt"

	"github.com/google/pprof/profile"
)

// Delta returns what happened between two snapshots of a cumulative profile (allocs,
// mutex, block): cur minus prev, restricted to sampleTypes, without the stacks whose
// values did not change. A nil prev gives cur since process start. Neither input is
// modified. The result's time is cur's and its duration the time between the two.
func Delta(prev, cur *profile.Profile, sampleTypes []string) (*profile.Profile, error) {
	if cur == nil {
		return nil, errors.New("no current profile")
	}
	now, err := keepSampleTypes(cur, sampleTypes)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		return now.Compact(), nil
	}
	before, err := keepSampleTypes(prev, sampleTypes)
	if err != nil {
		return nil, err
	}
	before.Scale(-1)
	out, err := profile.Merge([]*profile.Profile{now, before})
	if err != nil {
		return nil, fmt.Errorf("subtracting the previous snapshot: %w", err)
	}
	out.TimeNanos = cur.TimeNanos
	out.DurationNanos = 0
	if cur.TimeNanos > prev.TimeNanos && prev.TimeNanos > 0 {
		out.DurationNanos = cur.TimeNanos - prev.TimeNanos
	}
	// A counter that went down means the runtime reset or resampled it; a negative
	// delta would only confuse a backend, so those stacks are left out.
	kept := out.Sample[:0]
	for _, s := range out.Sample {
		if !anyNegative(s.Value) {
			kept = append(kept, s)
		}
	}
	out.Sample = kept
	return out, nil
}

// keepSampleTypes copies p with only the named sample types (all when names is empty).
func keepSampleTypes(p *profile.Profile, names []string) (*profile.Profile, error) {
	out := p.Copy()
	if len(names) == 0 {
		return out, nil
	}
	idx := make([]int, 0, len(names))
	types := make([]*profile.ValueType, 0, len(names))
	for _, name := range names {
		i := -1
		for j, st := range p.SampleType {
			if st.Type == name {
				i = j
				break
			}
		}
		if i < 0 {
			return nil, fmt.Errorf("profile has no sample type %q", name)
		}
		idx = append(idx, i)
		types = append(types, out.SampleType[i])
	}
	out.SampleType = types
	if out.DefaultSampleType != "" && !contains(names, out.DefaultSampleType) {
		out.DefaultSampleType = ""
	}
	for _, s := range out.Sample {
		vals := make([]int64, len(idx))
		for k, i := range idx {
			if i < len(s.Value) {
				vals[k] = s.Value[i]
			}
		}
		s.Value = vals
	}
	return out, nil
}

func anyNegative(vals []int64) bool {
	for _, v := range vals {
		if v < 0 {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
