// Package profiles turns the Go runtime's pprof profiles into what profiling backends
// ingest: OTLP profiles (pdata pprofile, one Profile per sample type, sharing one
// dictionary), Pyroscope `/ingest` pushes, and annotated pprof files. Reading OTLP
// profiles back into pprof, which only tests do, is in the profilestest package.
//
// contrib's pkg/translator/pprof does the same conversion, but at v0.158.0 its module
// cannot be used here: its test-only dependency (sig-profiling/profcheck) is refused by
// the module proxy, so `go mod tidy` (which ocb runs) fails, and it would also move
// go.opentelemetry.io/proto/otlp past the distro's version. The conversion below
// follows contrib's conventions (default sample type first, index 0 of every
// dictionary table is the zero value, pprof labels become sample attributes).
package profiles // import "github.com/otelcol-bridge/otelcol-bridge/components/profiles"
