//go:generate mdatagen metadata.yaml

// Package datadogreceiver implements the datadog receiver: it serves the
// Datadog Agent's trace intake API (/v0.3, /v0.4, /v0.5, /v0.7 and /v1.0
// traces, and /info) to dd-trace libraries and translates what they send to
// OTLP with components/datadog. Paths it does not translate are answered with
// an explicit status and counted, never accepted silently.
package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"
