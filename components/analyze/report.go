package analyze

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is the result of an analysis. Durations are milliseconds.
type Report struct {
	Spans      int         `json:"spans"`
	Traces     int         `json:"traces"`
	Operations []Operation `json:"operations"`
	Shape      Shape       `json:"shape"`
	Slowest    []SlowTrace `json:"slowest"`
	Findings   []Finding   `json:"findings"`
}

// Operation is one service's spans of one name.
type Operation struct {
	Service   string  `json:"service"`
	Name      string  `json:"name"`
	Spans     int     `json:"spans"`
	Errors    int     `json:"errors"`
	ErrorRate float64 `json:"error_rate"`
	P50       float64 `json:"p50_ms"`
	P95       float64 `json:"p95_ms"`
	P99       float64 `json:"p99_ms"`
}

// Shape summarises the traces' trees.
type Shape struct {
	Depth         Summary `json:"depth"`
	FanOut        Summary `json:"fan_out"`
	SpansPerTrace Summary `json:"spans_per_trace"`
}

// Summary is a distribution over traces.
type Summary struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// SlowTrace is one of the slowest traces with its critical path from the root.
type SlowTrace struct {
	TraceID      string    `json:"trace_id"`
	DurationMs   float64   `json:"duration_ms"`
	Spans        int       `json:"spans"`
	CriticalPath []Segment `json:"critical_path"`
}

// Segment is one span on a critical path.
type Segment struct {
	Service    string  `json:"service"`
	Name       string  `json:"name"`
	DurationMs float64 `json:"duration_ms"`
	SelfMs     float64 `json:"self_ms"`
}

// Failed returns the findings of the named rules ("all" names every rule).
func (r *Report) Failed(rules []string) []Finding {
	want := map[string]bool{}
	for _, x := range rules {
		want[x] = true
	}
	var out []Finding
	for _, f := range r.Findings {
		if want[f.Rule] || want["all"] {
			out = append(out, f)
		}
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the report for a terminal.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "%d spans in %d traces\n\nOPERATIONS\n", r.Spans, r.Traces)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tOPERATION\tSPANS\tERRORS\tP50 ms\tP95 ms\tP99 ms")
	for _, o := range r.Operations {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f%%\t%.3f\t%.3f\t%.3f\n", o.Service, o.Name, o.Spans, 100*o.ErrorRate, o.P50, o.P95, o.P99)
	}
	_ = tw.Flush()
	s := r.Shape
	fmt.Fprintf(w, "\nTRACE SHAPE (p50 / p95 / max)\n  depth            %g / %g / %g\n  fan-out          %g / %g / %g\n  spans per trace  %g / %g / %g\n",
		s.Depth.P50, s.Depth.P95, s.Depth.Max, s.FanOut.P50, s.FanOut.P95, s.FanOut.Max, s.SpansPerTrace.P50, s.SpansPerTrace.P95, s.SpansPerTrace.Max)
	fmt.Fprintf(w, "\nSLOWEST TRACES (critical path)\n")
	for _, t := range r.Slowest {
		fmt.Fprintf(w, "  %s  %.3f ms, %d spans\n", t.TraceID, t.DurationMs, t.Spans)
		for i, seg := range t.CriticalPath {
			fmt.Fprintf(w, "    %s%s %q  %.3f ms (self %.3f ms)\n", strings.Repeat("  ", i), seg.Service, seg.Name, seg.DurationMs, seg.SelfMs)
		}
	}
	fmt.Fprintf(w, "\nLINT\n")
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "  no findings")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s: %d\n", f.Rule, f.Count)
		for _, e := range f.Examples {
			fmt.Fprintf(w, "    - %s\n", e)
		}
	}
	return nil
}

// WriteMarkdown writes the report as Markdown (for a pull request or a wiki).
func (r *Report) WriteMarkdown(w io.Writer) error {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	fmt.Fprintf(w, "# Trace analysis\n\n%d spans in %d traces.\n\n## Operations\n\n", r.Spans, r.Traces)
	fmt.Fprintln(w, "| Service | Operation | Spans | Errors | p50 ms | p95 ms | p99 ms |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, o := range r.Operations {
		fmt.Fprintf(w, "| %s | %s | %d | %.1f%% | %.3f | %.3f | %.3f |\n", esc(o.Service), esc(o.Name), o.Spans, 100*o.ErrorRate, o.P50, o.P95, o.P99)
	}
	s := r.Shape
	fmt.Fprintf(w, "\n## Trace shape\n\n| | p50 | p95 | max |\n|---|---:|---:|---:|\n| depth | %g | %g | %g |\n| fan-out | %g | %g | %g |\n| spans per trace | %g | %g | %g |\n",
		s.Depth.P50, s.Depth.P95, s.Depth.Max, s.FanOut.P50, s.FanOut.P95, s.FanOut.Max, s.SpansPerTrace.P50, s.SpansPerTrace.P95, s.SpansPerTrace.Max)
	fmt.Fprintf(w, "\n## Slowest traces\n")
	for _, t := range r.Slowest {
		fmt.Fprintf(w, "\n`%s`: %.3f ms, %d spans. Critical path:\n\n", t.TraceID, t.DurationMs, t.Spans)
		for i, seg := range t.CriticalPath {
			fmt.Fprintf(w, "%s- %s `%s` %.3f ms (self %.3f ms)\n", strings.Repeat("  ", i), esc(seg.Service), seg.Name, seg.DurationMs, seg.SelfMs)
		}
	}
	fmt.Fprintf(w, "\n## Lint\n\n")
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "- **%s**: %d\n", f.Rule, f.Count)
		for _, e := range f.Examples {
			fmt.Fprintf(w, "  - %s\n", esc(e))
		}
	}
	return nil
}
