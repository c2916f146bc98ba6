// Package logredactionprocessor keeps the processor type log_redaction loading after its
// rename to pii_redaction (processor/piiredactionprocessor), which redacts spans and
// metrics as well as logs. The alias has the same configuration and behaviour, reports
// stability "deprecated" and logs a warning at start; it goes away in a later release.
package logredactionprocessor // import "github.com/otelcol-bridge/otelcol-bridge/processor/logredactionprocessor"
