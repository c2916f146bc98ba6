// Package demolog writes the demo services' logs: one JSON object a line on stdout, with the
// service name and, inside a request, the trace and span ids as lowercase hex. The launcher
// sends each service's stdout to <run dir>/logs/<service>.jsonl, where the bridge's file_log
// receiver reads it (examples/demo/config.yaml), so the ids become the log records' trace
// context and one trace id finds the logs of every service.
package demolog

import (
	"log/slog"
	"os"
)

// New returns a JSON logger on stdout whose every line names the service.
func New(service string) *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("service", service)
}

// WithTrace adds the trace and span ids (32 and 16 hex digits) to a logger.
func WithTrace(l *slog.Logger, traceID, spanID string) *slog.Logger {
	return l.With("trace_id", traceID, "span_id", spanID)
}
