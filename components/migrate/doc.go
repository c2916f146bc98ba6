// Package migrate turns the configuration of a legacy tracing component (the Jaeger agent or
// collector, the Zipkin server, the Datadog Agent) or of a contrib collector into an
// otelcol-bridge configuration, for `otelcol-bridge migrate-config`.
//
// Every key read is accounted for in a Report: mapped (same behaviour), approximated (the
// nearest collector setting, with a note on the difference) or unmapped (no equivalent; the
// note says where that concern goes). Nothing is dropped silently.
package migrate
