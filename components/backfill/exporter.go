package backfill

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

// ExportOptions of an export from a query API.
type ExportOptions struct {
	Source parity.Source
	Query  parity.SampleQuery
	Limit  int
	// Dir receives traces.jsonl (one trace per line, as the file exporter writes OTLP JSON)
	// and exported.ids, the checkpoint: trace ids already written, skipped by a re-run.
	Dir      string
	Progress io.Writer
}

// ExportStats of an export.
type ExportStats struct{ Traces, Spans, Skipped, Missing int }

// Export finds up to Limit traces with the query API's search and writes each one not yet
// exported, then records its id.
func Export(ctx context.Context, o ExportOptions) (ExportStats, error) {
	var st ExportStats
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return st, err
	}
	idsPath := filepath.Join(o.Dir, "exported.ids")
	done, err := readIDs(idsPath)
	if err != nil {
		return st, err
	}
	ids, err := o.Source.Sample(ctx, o.Limit, o.Query)
	if err != nil {
		return st, err
	}
	out, err := os.OpenFile(filepath.Join(o.Dir, "traces.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return st, err
	}
	defer out.Close()
	idf, err := os.OpenFile(idsPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return st, err
	}
	defer idf.Close()
	var m ptrace.JSONMarshaler
	for _, id := range ids {
		if done[id] {
			st.Skipped++
			continue
		}
		td, found, err := o.Source.Fetch(ctx, id)
		if err != nil {
			return st, err
		}
		if !found {
			st.Missing++
			continue
		}
		b, err := m.MarshalTraces(td)
		if err != nil {
			return st, err
		}
		// The trace line first, then its id: a kill in between re-exports the trace (a
		// duplicate line), never loses it.
		if _, err := out.Write(append(b, '\n')); err != nil {
			return st, err
		}
		if _, err := fmt.Fprintln(idf, id.String()); err != nil {
			return st, err
		}
		st.Traces++
		st.Spans += td.SpanCount()
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "\r%d of %d traces exported, %d spans, %d skipped ", st.Traces, len(ids), st.Spans, st.Skipped)
		}
	}
	if o.Progress != nil {
		fmt.Fprintln(o.Progress)
	}
	return st, nil
}

func readIDs(path string) (map[pcommon.TraceID]bool, error) {
	out := map[pcommon.TraceID]bool{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		id, err := parity.ParseTraceID(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out[id] = true
	}
	return out, sc.Err()
}
