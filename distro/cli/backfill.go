package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otelcol-bridge/otelcol-bridge/components/backfill"
	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

func init() { subcommands = append(subcommands, newExportCommand, newImportCommand) }

// progressTo is stderr when it is a terminal (a progress line redrawn in place), else nil.
func progressTo(cmd *cobra.Command) io.Writer {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// parseSince accepts Go durations and days ("7d").
func parseSince(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("--since: %q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--since: %q is neither a duration nor days (7d)", s)
	}
	return d, nil
}

func newExportCommand() *cobra.Command {
	var from, service, since, out string
	var limit int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "export --from jaeger=URL|zipkin=URL --service S --since 7d --out DIR",
		Short: "Export traces from a Jaeger or Zipkin query API to OTLP JSON lines (for import)",
		Long: `export finds up to --limit traces of --service within --since with the query API's search
(the one the UI uses), fetches each and appends it to DIR/traces.jsonl as OTLP JSON (the file
exporter's format). DIR/exported.ids is the checkpoint: a re-run skips the traces already
exported. A progress line is shown on a terminal.

Exit status: 0 exported; 2 bad flags, unreachable backend, unwritable directory.`,
		Example: `  otelcol-bridge export --from jaeger=http://localhost:16686 --service checkout --since 7d --limit 5000 --out backfill/
  otelcol-bridge import --to otlp-grpc=new-backend:4317 --rate 2000 backfill/traces.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" || out == "" {
				return usage(cmd, errors.New("--from and --out are required"))
			}
			if !strings.HasPrefix(from, "jaeger=") && !strings.HasPrefix(from, "zipkin=") {
				return usage(cmd, fmt.Errorf("--from: %q: want jaeger=URL or zipkin=URL", from))
			}
			lookback, err := parseSince(since)
			if err != nil {
				return usage(cmd, err)
			}
			src, err := parity.ParseSource(from, &http.Client{Timeout: timeout})
			if err != nil {
				return usage(cmd, fmt.Errorf("--from: %w", err))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			st, err := backfill.Export(ctx, backfill.ExportOptions{
				Source: src, Query: parity.SampleQuery{Service: service, Lookback: lookback}, Limit: limit, Dir: out, Progress: progressTo(cmd),
			})
			if err != nil {
				return usage(cmd, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %d traces (%d spans), %d already exported, %d gone\n", st.Traces, st.Spans, st.Skipped, st.Missing)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "jaeger=URL or zipkin=URL (the query API)")
	f.StringVar(&service, "service", "", "the service whose traces are searched (required by Jaeger)")
	f.StringVar(&since, "since", "24h", "how far back: a duration (36h) or days (7d)")
	f.IntVar(&limit, "limit", 1000, "at most this many traces (the search's limit)")
	f.StringVar(&out, "out", "", "directory for traces.jsonl and the checkpoint")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "timeout of each request")
	return quietCommand(cmd)
}

func newImportCommand() *cobra.Command {
	var to, in, checkpoint string
	var rate float64
	var restart bool
	var timeout, maxElapsed time.Duration
	cmd := &cobra.Command{
		Use:   "import --to otlp-grpc=HOST:PORT|otlp-http=URL FILE...",
		Short: "Send trace files to an OTLP backend at a bounded rate, resumable (backfill)",
		Long: `import reads trace files in any format convert reads and sends them record by record over
OTLP, at most --rate spans per second, retrying what the backend asks to retry (HTTP 429/502/503/504,
gRPC Unavailable/ResourceExhausted) with backoff for up to --max-retry-time. The checkpoint file
records what the backend acknowledged: a re-run continues after it and sends nothing twice, unless
--restart. A progress line is shown on a terminal.

Exit status: 0 everything sent; 2 bad flags, unreadable input, or a record the backend refused
(the message names the file and record; re-run to resume).`,
		Example: `  otelcol-bridge import --to otlp-grpc=127.0.0.1:4317 --rate 5000 backfill/traces.jsonl
  otelcol-bridge import --to otlp-http=http://127.0.0.1:4318 --from jaeger-thrift-binary batches.thrift`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, files []string) error {
			if to == "" || len(files) == 0 {
				return usage(cmd, errors.New("--to and at least one file are required"))
			}
			var inputs []backfill.Input
			for _, path := range files {
				var f *convert.Format
				var err error
				if in != "" {
					f, err = convert.Lookup(in, true)
				} else {
					var head []byte
					head, err = os.ReadFile(path)
					if err == nil {
						f, err = convert.Sniff(path, head)
					}
				}
				if err != nil {
					return usage(cmd, fmt.Errorf("%s: %w", path, err))
				}
				inputs = append(inputs, backfill.Input{Path: path, Format: f})
			}
			target, err := backfill.ParseTarget(to, timeout)
			if err != nil {
				return usage(cmd, fmt.Errorf("--to: %w", err))
			}
			defer target.Close()
			if restart {
				if err := os.Remove(checkpoint); err != nil && !errors.Is(err, os.ErrNotExist) {
					return usage(cmd, err)
				}
			}
			cp, err := backfill.LoadCheckpoint(checkpoint)
			if err != nil {
				return usage(cmd, err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			st, err := backfill.Import(ctx, inputs, backfill.Options{
				Target: target, Checkpoint: cp, Rate: rate, MaxElapsed: maxElapsed, Progress: progressTo(cmd),
			})
			fmt.Fprintf(cmd.OutOrStdout(), "sent %d records (%d spans) to %s, %d skipped (checkpoint %s), %d retries\n",
				st.Records, st.Spans, target, st.Skipped, checkpoint, st.Retries)
			if err != nil {
				return usage(cmd, err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "otlp-grpc=HOST:PORT or otlp-http=URL")
	f.StringVar(&in, "from", "", "format of the files (default: from the name or content, as convert)")
	f.Float64Var(&rate, "rate", 1000, "at most this many spans per second (0: unbounded)")
	f.StringVar(&checkpoint, "checkpoint", "import.checkpoint", "file recording what was acknowledged")
	f.BoolVar(&restart, "restart", false, "forget the checkpoint and send everything again")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "timeout of each request")
	f.DurationVar(&maxElapsed, "max-retry-time", 5*time.Minute, "give up on a record refused for this long")
	return quietCommand(cmd)
}
