package profilingextension

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/pdata/pprofile"

	"github.com/otelcol-bridge/otelcol-bridge/components/profiles"
)

const scopeName = "github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension"

// destination is one place profiles go to.
type destination interface {
	// name is the exporter attribute of the telemetry.
	name() string
	start(ctx context.Context, host component.Host) error
	// send delivers a cycle's profiles and returns one error (or nil) per profile.
	send(ctx context.Context, b *batch) []error
	shutdown(ctx context.Context) error
}

// newDestinations builds one destination per configured block, in a fixed order. They
// connect nothing until start, so building them costs nothing when the schedule never runs.
func newDestinations(cfg *Config, set extension.Settings, resource map[string]string) []destination {
	var out []destination
	if c := cfg.OTLPGRPC.Get(); c != nil {
		out = append(out, &otlpGRPC{cfg: c, set: set})
	}
	if c := cfg.OTLPHTTP.Get(); c != nil {
		out = append(out, &otlpHTTP{cfg: c, set: set})
	}
	if c := cfg.Pyroscope.Get(); c != nil {
		out = append(out, newPyroscope(c, set, resource))
	}
	if c := cfg.Files.Get(); c != nil {
		out = append(out, newFiles(c, set.Logger, resource))
	}
	return out
}

// batch is one cycle's profiles with their encodings, each built once however many
// destinations want it.
type batch struct {
	items    []captured
	resource map[string]string
	version  string

	otlpOnce sync.Once
	otlp     pprofile.Profiles
	otlpErr  error

	pprofOnce sync.Once
	pprof     [][]byte
	pprofErr  []error
}

func newBatch(items []captured, resource map[string]string, version string) *batch {
	return &batch{items: items, resource: resource, version: version}
}

// otlpProfiles is the whole cycle as one OTLP profiles message.
func (b *batch) otlpProfiles() (pprofile.Profiles, error) {
	b.otlpOnce.Do(func() {
		bl := profiles.NewBuilder(b.resource, scopeName, b.version)
		for _, c := range b.items {
			if err := bl.Add(c.prof, c.kind, nil); err != nil {
				b.otlpErr = err
				return
			}
		}
		b.otlp = bl.Profiles()
	})
	return b.otlp, b.otlpErr
}

// pprofFiles are the cycle's profiles as gzipped pprof, annotated with the resource
// and the kind in their comments.
func (b *batch) pprofFiles() ([][]byte, []error) {
	b.pprofOnce.Do(func() {
		b.pprof = make([][]byte, len(b.items))
		b.pprofErr = make([]error, len(b.items))
		for i, c := range b.items {
			p := c.prof.Copy()
			labels := map[string]string{profiles.AttrProfileKind: string(c.kind)}
			for k, v := range b.resource {
				labels[k] = v
			}
			profiles.Annotate(p, labels)
			b.pprof[i], b.pprofErr[i] = profiles.Encode(p)
		}
	})
	return b.pprof, b.pprofErr
}

// sameError is err for each of n profiles.
func sameError(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}
