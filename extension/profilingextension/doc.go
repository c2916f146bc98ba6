//go:generate mdatagen metadata.yaml

// Package profilingextension implements the `profiling` extension: continuous
// self-profiling of the collector. On a schedule it captures the Go runtime's CPU, heap,
// allocs, goroutine, mutex and block profiles and sends them as OTLP profiles (gRPC or
// HTTP), as Pyroscope pushes, or to rotated pprof files; it also serves the standard
// net/http/pprof endpoints, as contrib's pprof extension does.
package profilingextension // import "github.com/otelcol-bridge/otelcol-bridge/extension/profilingextension"
