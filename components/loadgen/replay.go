package loadgen

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
)

// maxReplayFile bounds what --replay reads (after decompression).
const maxReplayFile = 512 << 20

// loadReplay reads a capture file: OTLP JSON (one document, or JSON lines as the file
// exporter writes them), OTLP protobuf (an export request, as captured from a client), or for
// traces a Zipkin v2 JSON span list. gzip is undone first. The whole file is one request.
func loadReplay(path string, sig Signal) (any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: --replay: %v", ErrInvalidConfig, err)
	}
	if len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: --replay %s: %v", ErrInvalidConfig, path, err)
		}
		if raw, err = io.ReadAll(io.LimitReader(zr, maxReplayFile)); err != nil {
			return nil, fmt.Errorf("%w: --replay %s: %v", ErrInvalidConfig, path, err)
		}
	}
	data, err := decodeReplay(raw, sig)
	if err != nil {
		return nil, fmt.Errorf("%w: --replay %s: %v", ErrInvalidConfig, path, err)
	}
	if itemCount(data) == 0 {
		return nil, fmt.Errorf("%w: --replay %s holds no %s", ErrInvalidConfig, path, sig)
	}
	return data, nil
}

func decodeReplay(raw []byte, sig Signal) (any, error) {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[' && sig == Traces:
		return zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(trimmed)
	case len(trimmed) > 0 && trimmed[0] == '{':
		return decodeJSONLines(trimmed, sig)
	}
	switch sig {
	case Logs:
		req := plogotlp.NewExportRequest()
		if err := req.UnmarshalProto(raw); err != nil {
			return nil, fmt.Errorf("neither OTLP JSON nor OTLP protobuf logs: %w", err)
		}
		return req.Logs(), nil
	case Metrics:
		req := pmetricotlp.NewExportRequest()
		if err := req.UnmarshalProto(raw); err != nil {
			return nil, fmt.Errorf("neither OTLP JSON nor OTLP protobuf metrics: %w", err)
		}
		return req.Metrics(), nil
	}
	req := ptraceotlp.NewExportRequest()
	if err := req.UnmarshalProto(raw); err != nil {
		return nil, fmt.Errorf("neither OTLP JSON, Zipkin JSON nor OTLP protobuf traces: %w", err)
	}
	return req.Traces(), nil
}

// decodeJSONLines merges every line (or the single document) into one request.
func decodeJSONLines(raw []byte, sig Signal) (any, error) {
	lines := bytes.Split(raw, []byte{'\n'})
	if !isJSONLines(lines) {
		lines = [][]byte{raw} // one pretty-printed document
	}
	var traces ptrace.Traces
	var logs plog.Logs
	var metrics pmetric.Metrics
	switch sig {
	case Logs:
		logs = plog.NewLogs()
	case Metrics:
		metrics = pmetric.NewMetrics()
	default:
		traces = ptrace.NewTraces()
	}
	for i, line := range lines {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var err error
		switch sig {
		case Logs:
			var ld plog.Logs
			if ld, err = (&plog.JSONUnmarshaler{}).UnmarshalLogs(line); err == nil {
				ld.ResourceLogs().MoveAndAppendTo(logs.ResourceLogs())
			}
		case Metrics:
			var md pmetric.Metrics
			if md, err = (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line); err == nil {
				md.ResourceMetrics().MoveAndAppendTo(metrics.ResourceMetrics())
			}
		default:
			var td ptrace.Traces
			if td, err = (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line); err == nil {
				td.ResourceSpans().MoveAndAppendTo(traces.ResourceSpans())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d is not OTLP JSON %s: %w", i+1, sig, err)
		}
	}
	switch sig {
	case Logs:
		return logs, nil
	case Metrics:
		return metrics, nil
	}
	return traces, nil
}

// isJSONLines reports whether every non-empty line is a complete JSON object on its own.
func isJSONLines(lines [][]byte) bool {
	for _, l := range lines {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if l[0] != '{' || l[len(l)-1] != '}' {
			return false
		}
	}
	return true
}

func itemCount(data any) int {
	switch d := data.(type) {
	case ptrace.Traces:
		return d.SpanCount()
	case plog.Logs:
		return d.LogRecordCount()
	case pmetric.Metrics:
		return d.DataPointCount()
	}
	return 0
}

// withVariantIDs returns a copy of replayed data whose trace and span ids are XORed with a
// per-variant mask: every variant has its own ids, and parent/child links stay intact.
// Variant 0 is the file as is.
func withVariantIDs(data any, variant int) any {
	if variant == 0 {
		return data
	}
	r := variantRand(variant)
	var tmask [16]byte
	var smask [8]byte
	binary.BigEndian.PutUint64(tmask[:8], r.Uint64())
	binary.BigEndian.PutUint64(tmask[8:], r.Uint64())
	binary.BigEndian.PutUint64(smask[:], r.Uint64()|1)
	tid := func(id pcommon.TraceID) pcommon.TraceID {
		if id.IsEmpty() {
			return id
		}
		for i := range id {
			id[i] ^= tmask[i]
		}
		return id
	}
	sid := func(id pcommon.SpanID) pcommon.SpanID {
		if id.IsEmpty() {
			return id
		}
		for i := range id {
			id[i] ^= smask[i]
		}
		return id
	}
	switch d := data.(type) {
	case ptrace.Traces:
		out := ptrace.NewTraces()
		d.CopyTo(out)
		for _, rs := range out.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, sp := range ss.Spans().All() {
					sp.SetTraceID(tid(sp.TraceID()))
					sp.SetSpanID(sid(sp.SpanID()))
					sp.SetParentSpanID(sid(sp.ParentSpanID()))
					for _, l := range sp.Links().All() {
						l.SetTraceID(tid(l.TraceID()))
						l.SetSpanID(sid(l.SpanID()))
					}
				}
			}
		}
		return out
	case plog.Logs:
		out := plog.NewLogs()
		d.CopyTo(out)
		for _, rl := range out.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, lr := range sl.LogRecords().All() {
					lr.SetTraceID(tid(lr.TraceID()))
					lr.SetSpanID(sid(lr.SpanID()))
				}
			}
		}
		return out
	}
	return data // metrics carry no ids
}
