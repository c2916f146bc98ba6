//go:generate mdatagen metadata.yaml

// Package logsamplingprocessor implements the log_sampling processor: rules evaluated in
// order decide per log record whether to keep it, keep a ratio consistently with trace
// sampling (OTEP 235), rate-limit it per key, or drop it, and records of severity WARN and
// above are never dropped unless a rule says so explicitly. The decision logic lives in
// components/sampling.
package logsamplingprocessor // import "github.com/otelcol-bridge/otelcol-bridge/processor/logsamplingprocessor"
