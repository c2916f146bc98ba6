//go:generate mdatagen metadata.yaml

// Package logredactionprocessor implements the log_redaction processor: it finds personal
// data and secrets in log bodies, log attributes, span attributes and span event
// attributes with the validated detectors of components/pii, and masks, partially masks,
// hashes (HMAC-SHA256) or deletes them, or drops the record. When redacting a value fails,
// the value is masked whole (fail closed) and counted.
package logredactionprocessor // import "github.com/otelcol-bridge/otelcol-bridge/processor/logredactionprocessor"
