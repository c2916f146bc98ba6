//go:generate mdatagen metadata.yaml

// Package piiredactionprocessor implements the pii_redaction processor (formerly
// log_redaction, which still loads as a deprecated alias): it finds personal data and
// secrets in everything a backend stores — log bodies of every type, span, event and scope
// names, attributes and map keys of logs, spans, events, links, metric data points,
// resources and scopes, bytes that are text, and numbers that are card numbers — with the
// validated detectors of components/pii, and masks, partially masks, hashes (HMAC-SHA256)
// or deletes them, or drops the item. When redacting a value fails, the value is masked
// whole or the item dropped (fail closed) and counted.
package piiredactionprocessor // import "github.com/otelcol-bridge/otelcol-bridge/processor/piiredactionprocessor"
