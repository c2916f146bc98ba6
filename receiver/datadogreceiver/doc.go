//go:generate mdatagen metadata.yaml

// Package datadogreceiver implements the datadog receiver: it serves the
// Datadog Agent's intake APIs (traces, tracer stats, DogStatsD over HTTP,
// Agent series/sketches/distribution points/check runs, logs, profiling and
// /info) to dd-trace libraries and Datadog Agents, and translates what they
// send to OTLP with components/datadog. The traces, metrics, logs and
// profiles receivers of one configuration share one HTTP server. Paths it
// does not translate are answered with an explicit status and counted, never
// accepted silently.
package datadogreceiver // import "github.com/otelcol-bridge/otelcol-bridge/receiver/datadogreceiver"
