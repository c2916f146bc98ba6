package backfill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
)

// Input is one file to import and its format.
type Input struct {
	Path   string
	Format *convert.Format
}

// Options of an import.
type Options struct {
	Target     Target
	Checkpoint *Checkpoint
	// Rate bounds spans per second (0: as fast as the backend acknowledges).
	Rate float64
	// MaxElapsed bounds the retries of one record.
	MaxElapsed time.Duration
	// Progress, when set, gets a line per acknowledged record (a terminal's progress bar).
	Progress io.Writer
}

// Stats of an import.
type Stats struct {
	Records, Spans, Skipped, Retries int
}

// Import sends every record of the inputs that the checkpoint does not list, in order,
// and advances the checkpoint after each acknowledgement.
func Import(ctx context.Context, inputs []Input, opts Options) (Stats, error) {
	var st Stats
	start := time.Now()
	for _, in := range inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			return st, err
		}
		done := opts.Checkpoint.Done(in.Path)
		rec := 0
		err = convert.Decode(data, in.Path, in.Format, func(td ptrace.Traces) error {
			rec++
			if rec <= done {
				st.Skipped++
				return nil
			}
			if err := pace(ctx, opts.Rate, start, st.Spans); err != nil {
				return err
			}
			retries, err := sendWithRetry(ctx, opts, td)
			st.Retries += retries
			if err != nil {
				return fmt.Errorf("%s: record %d: %w", in.Path, rec-1, err)
			}
			st.Records++
			st.Spans += td.SpanCount()
			if err := opts.Checkpoint.Advance(in.Path, rec); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "\r%s: %d records, %d spans sent, %d skipped, %d retries ", in.Path, st.Records, st.Spans, st.Skipped, st.Retries)
			}
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	if opts.Progress != nil {
		fmt.Fprintln(opts.Progress)
	}
	return st, nil
}

// pace sleeps until sending more keeps the average at or below rate spans per second.
func pace(ctx context.Context, rate float64, start time.Time, sent int) error {
	if rate <= 0 {
		return nil
	}
	due := start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// sendWithRetry retries retryable refusals with exponential backoff (100ms doubling to 10s,
// or the backend's Retry-After) until MaxElapsed.
func sendWithRetry(ctx context.Context, opts Options, td ptrace.Traces) (retries int, err error) {
	deadline := time.Now().Add(opts.MaxElapsed)
	backoff := 100 * time.Millisecond
	for {
		err = opts.Target.Send(ctx, td)
		var re *RetryableError
		if err == nil || !errors.As(err, &re) {
			return retries, err
		}
		wait := backoff
		if re.After > 0 {
			wait = re.After
		}
		if time.Now().Add(wait).After(deadline) {
			return retries, fmt.Errorf("still refused after %s: %w", opts.MaxElapsed, err)
		}
		retries++
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return retries, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}
