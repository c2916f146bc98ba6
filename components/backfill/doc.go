// Package backfill sends trace files to a new backend over OTLP, for
// `otelcol-bridge import`: record by record, at a bounded rate, retrying what the backend
// refuses for a while (429/503, gRPC Unavailable/ResourceExhausted), and keeping a checkpoint
// of the records acknowledged, so that a re-run continues where the last one stopped and
// nothing acknowledged is sent twice.
package backfill
