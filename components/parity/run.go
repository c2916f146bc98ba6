package parity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// Options of a parity run.
type Options struct {
	Left, Right Source
	// TraceIDs to compare; when empty, Sample ids are taken from the left side.
	TraceIDs []pcommon.TraceID
	Sample   int
	Query    SampleQuery
	Compare  CompareOptions
	// MaxMismatchRatio is the share of compared traces (0 to 1) that may differ before
	// the run fails.
	MaxMismatchRatio float64
}

// Report is the result of a run.
type Report struct {
	Left             string        `json:"left"`
	Right            string        `json:"right"`
	TracesCompared   int           `json:"traces_compared"`
	TracesMatching   int           `json:"traces_matching"`
	TracesMismatched int           `json:"traces_mismatched"`
	MismatchRatio    float64       `json:"mismatch_ratio"`
	MaxMismatchRatio float64       `json:"max_mismatch_ratio"`
	OK               bool          `json:"ok"`
	Mismatches       []TraceResult `json:"mismatches"`
}

// Run compares the traces of opts on both sides. An error means the comparison could not be
// made (usage errors wrap ErrUsage); a comparison that found differences is a Report with
// OK false.
func Run(ctx context.Context, opts Options) (*Report, error) {
	ids := opts.TraceIDs
	if len(ids) == 0 {
		if opts.Sample <= 0 {
			return nil, fmt.Errorf("%w: give trace ids or a sample size", ErrUsage)
		}
		var err error
		if ids, err = opts.Left.Sample(ctx, opts.Sample, opts.Query); err != nil {
			return nil, fmt.Errorf("sampling trace ids from %s: %w", opts.Left, err)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("%w: %s has no traces to sample%s", ErrUsage, opts.Left, serviceHint(opts.Query))
		}
	}
	rep := &Report{Left: opts.Left.String(), Right: opts.Right.String(), MaxMismatchRatio: opts.MaxMismatchRatio, Mismatches: []TraceResult{}}
	for _, id := range ids {
		left, lok, err := opts.Left.Fetch(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("trace %s from %s: %w", id, opts.Left, err)
		}
		right, rok, err := opts.Right.Fetch(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("trace %s from %s: %w", id, opts.Right, err)
		}
		res := CompareTrace(id, left, lok, right, rok, opts.Compare)
		rep.TracesCompared++
		if res.Matches() {
			rep.TracesMatching++
			continue
		}
		rep.TracesMismatched++
		rep.Mismatches = append(rep.Mismatches, res)
	}
	rep.MismatchRatio = float64(rep.TracesMismatched) / float64(rep.TracesCompared)
	rep.OK = rep.MismatchRatio <= opts.MaxMismatchRatio
	return rep, nil
}

func serviceHint(q SampleQuery) string {
	if q.Service == "" {
		return ""
	}
	return fmt.Sprintf(" of service %q within %s", q.Service, q.Lookback)
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for a terminal: a verdict line, then one line per finding.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "PARITY"
	if !r.OK {
		verdict = "MISMATCH"
	}
	fmt.Fprintf(&b, "left:  %s\nright: %s\n", r.Left, r.Right)
	fmt.Fprintf(&b, "%s: %d traces compared, %d identical, %d different (%.1f%%, allowed %.1f%%)\n",
		verdict, r.TracesCompared, r.TracesMatching, r.TracesMismatched, 100*r.MismatchRatio, 100*r.MaxMismatchRatio)
	for _, t := range r.Mismatches {
		switch t.Missing {
		case "both":
			fmt.Fprintf(&b, "trace %s: missing on both sides\n", t.TraceID)
			continue
		case "left", "right":
			other := map[string]int{"left": t.RightSpans, "right": t.LeftSpans}[t.Missing]
			fmt.Fprintf(&b, "trace %s: missing on the %s (%d spans on the other side)\n", t.TraceID, t.Missing, other)
			continue
		}
		fmt.Fprintf(&b, "trace %s: %d spans left, %d right\n", t.TraceID, t.LeftSpans, t.RightSpans)
		for _, s := range t.SpansMissingRight {
			fmt.Fprintf(&b, "  span %s %q (%s): missing on the right\n", s.SpanID, s.Name, s.Service)
		}
		for _, s := range t.SpansMissingLeft {
			fmt.Fprintf(&b, "  span %s %q (%s): missing on the left\n", s.SpanID, s.Name, s.Service)
		}
		for _, d := range t.Differences {
			fmt.Fprintf(&b, "  span %s %q: %s: left %q, right %q\n", d.SpanID, d.Name, d.Field, d.Left, d.Right)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
