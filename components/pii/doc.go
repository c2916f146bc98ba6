// Package pii finds personal data and secrets in strings and rewrites them.
//
// An Engine is built once from a Config (presets, detectors, actions, custom rules) and is
// then safe for concurrent use. Redact scans a string once, left to right: a 256-entry
// trigger table says which bytes can start (or, for '@', '=' and ':', anchor) a match, and
// only at those bytes does a hand-written matcher run. Built-in detectors use no regular
// expressions; custom regex rules run only when their literal prefilter is present. When
// nothing matches, Redact returns its input and allocates nothing.
//
// The package has no collector plumbing, so the pii_redaction processor and the benchmarks
// run exactly the same code.
package pii // import "github.com/otelcol-bridge/otelcol-bridge/components/pii"
