package cli

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

func init() { subcommands = append(subcommands, newParityCommand) }

func newParityCommand() *cobra.Command {
	var (
		left, right, format, service string
		traceIDs, ignore             []string
		sample                       int
		lookback, timeout            time.Duration
		maxRatio                     float64
		noDefaultIgnores             bool
	)
	cmd := &cobra.Command{
		Use:   "parity --left KIND=LOCATION --right KIND=LOCATION (--trace-id ID ... | --sample N)",
		Short: "Check that two tracing backends hold the same traces",
		Long: `parity fetches the same traces from two backends, normalizes both to the current
OpenTelemetry semantic conventions (the legacy_normalize processor's table), and reports
traces and spans missing on one side and differences in span names, kinds, parents,
statuses and attributes (resource attributes as resource:<key>).

Sides (KIND=LOCATION):
  jaeger=http://host:16686       Jaeger's query API (/api/traces/{id}), v1 or v2
  zipkin=http://host:9411        Zipkin's API v2 (/api/v2/trace/{id})
  otlp-file=./data/traces.jsonl  OTLP JSON lines, as the file exporter writes them

Trace ids are given with --trace-id (32 hex digits, or 16 for 64-bit ids), or sampled from
the left side with --sample N: spread over an OTLP file, or found with the query API's
search (--service, required for Jaeger, and --lookback).

When a side is Zipkin, span names are compared regardless of case and only service.name
of resources is compared (Zipkin keeps nothing else).

Exit status: 0 when the share of differing traces is at most --max-mismatch-ratio, 1 when
it is above, 2 when the check could not run (bad flags, unreachable backend, unreadable
file).`,
		Example: `  otelcol-bridge parity --left otlp-file=./data/traces.jsonl --right jaeger=http://localhost:16686 --sample 50
  otelcol-bridge parity --left jaeger=http://old:16686 --right jaeger=http://new:16686 \
      --service checkout --sample 20 --lookback 2h --format json
  otelcol-bridge parity --left zipkin=http://zipkin:9411 --right otlp-file=traces.jsonl \
      --trace-id 3ea17da5fd0f97cd3fcddfbfa2e341de --ignore-attr 'network.*'`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			usage := func(err error) error {
				fmt.Fprintf(cmd.ErrOrStderr(), "otelcol-bridge parity: %v\n", err)
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if left == "" || right == "" {
				return usage(errors.New("--left and --right are required"))
			}
			if format != "text" && format != "json" {
				return usage(fmt.Errorf("--format: %q is neither text nor json", format))
			}
			if maxRatio < 0 || maxRatio > 1 {
				return usage(fmt.Errorf("--max-mismatch-ratio: %v is not between 0 and 1", maxRatio))
			}
			if len(traceIDs) > 0 && cmd.Flags().Changed("sample") {
				return usage(errors.New("--trace-id and --sample exclude each other"))
			}
			if len(traceIDs) == 0 && sample <= 0 {
				return usage(errors.New("--sample must be positive (or give --trace-id)"))
			}
			client := &http.Client{Timeout: timeout}
			opts := parity.Options{
				Sample:           sample,
				Query:            parity.SampleQuery{Service: service, Lookback: lookback},
				MaxMismatchRatio: maxRatio,
			}
			var err error
			if opts.Left, err = parity.ParseSource(left, client); err != nil {
				return usage(fmt.Errorf("--left: %w", err))
			}
			if opts.Right, err = parity.ParseSource(right, client); err != nil {
				return usage(fmt.Errorf("--right: %w", err))
			}
			for _, s := range traceIDs {
				id, err := parity.ParseTraceID(s)
				if err != nil {
					return usage(fmt.Errorf("--trace-id: %w", err))
				}
				opts.TraceIDs = append(opts.TraceIDs, id)
			}
			opts.TraceIDs = uniqueIDs(opts.TraceIDs)
			if !noDefaultIgnores {
				opts.Compare.IgnoreAttributes = append(opts.Compare.IgnoreAttributes, parity.DefaultIgnoredAttributes...)
			}
			opts.Compare.IgnoreAttributes = append(opts.Compare.IgnoreAttributes, ignore...)
			_, lz := opts.Left.(*parity.Zipkin)
			_, rz := opts.Right.(*parity.Zipkin)
			opts.Compare.FoldNameCase = lz || rz
			opts.Compare.ServiceNameOnlyResource = lz || rz

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			rep, err := parity.Run(ctx, opts)
			if err != nil {
				return usage(err)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				err = rep.WriteJSON(out)
			} else {
				err = rep.WriteText(out)
			}
			if err != nil {
				return usage(err)
			}
			if !rep.OK {
				return &ExitError{Code: ExitFinding, Err: fmt.Errorf("%d of %d traces differ", rep.TracesMismatched, rep.TracesCompared)}
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		fmt.Fprintf(c.ErrOrStderr(), "otelcol-bridge parity: %v\n%s", err, c.UsageString())
		return &ExitError{Code: ExitUsage, Err: err}
	})
	f := cmd.Flags()
	f.StringVar(&left, "left", "", "one side, KIND=LOCATION (jaeger, zipkin or otlp-file); --sample takes ids from it")
	f.StringVar(&right, "right", "", "the other side, KIND=LOCATION")
	f.StringArrayVar(&traceIDs, "trace-id", nil, "a trace id to compare (repeatable)")
	f.IntVar(&sample, "sample", 20, "compare this many trace ids taken from the left side")
	f.StringVar(&service, "service", "", "sample traces of this service (required to sample from Jaeger)")
	f.DurationVar(&lookback, "lookback", time.Hour, "how far back the query API search for --sample looks")
	f.StringArrayVar(&ignore, "ignore-attr", nil, "attribute keys not compared, * matches anything, resource:<key> for resources (repeatable)")
	f.BoolVar(&noDefaultIgnores, "no-default-ignores", false, "also compare "+fmt.Sprint(parity.DefaultIgnoredAttributes))
	f.Float64Var(&maxRatio, "max-mismatch-ratio", 0, "share of compared traces (0-1) allowed to differ")
	f.StringVar(&format, "format", "text", "report format: text or json")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "timeout of each query API request")
	return cmd
}

func uniqueIDs(ids []pcommon.TraceID) []pcommon.TraceID {
	seen := map[pcommon.TraceID]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
