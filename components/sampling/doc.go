// Package sampling holds the decision logic of otelcol-bridge's log sampling: severity
// levels, rules evaluated in order, consistent probability sampling (OTEP 235, through
// contrib's pkg/sampling) that agrees with trace sampling, per-key rate limiting with an
// injectable clock, and a body fingerprint that ignores numbers, ids and quoted values.
//
// It has no collector plumbing: the log_sampling processor and the benchmarks call the
// same Engine.Decide.
package sampling // import "github.com/otelcol-bridge/otelcol-bridge/components/sampling"
