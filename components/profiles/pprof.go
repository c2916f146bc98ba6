package profiles

import (
	"bytes"
	"sort"

	"github.com/google/pprof/profile"
)

// Annotate records labels in the pprof profile's comments ("key=value", sorted), where
// `go tool pprof -comments` and the web UI's header show them. pprof has no place for
// resource labels otherwise; comments of earlier annotations are kept.
func Annotate(p *profile.Profile, labels map[string]string) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Comments = append(p.Comments, k+"="+labels[k])
	}
}

// Encode writes p as gzipped pprof, the format `go tool pprof` and Pyroscope read.
func Encode(p *profile.Profile) ([]byte, error) {
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SampleCount is the number of samples with a non-zero value.
func SampleCount(p *profile.Profile) int {
	if p == nil {
		return 0
	}
	n := 0
	for _, s := range p.Sample {
		for _, v := range s.Value {
			if v != 0 {
				n++
				break
			}
		}
	}
	return n
}
