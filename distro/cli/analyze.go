package cli

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelcol-bridge/otelcol-bridge/components/analyze"
	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
	"github.com/otelcol-bridge/otelcol-bridge/components/parity"
)

func init() { subcommands = append(subcommands, newAnalyzeCommand) }

func newAnalyzeCommand() *cobra.Command {
	var (
		in, format, source, service string
		failOn                      []string
		slowest, limit              int
		lookback, timeout           time.Duration
	)
	var ruleLines []string
	for _, r := range analyze.Rules() {
		ruleLines = append(ruleLines, fmt.Sprintf("  %-22s %s", r.Name, r.Description))
	}
	cmd := &cobra.Command{
		Use:   "analyze (FILE... | --from jaeger=URL|zipkin=URL --service S)",
		Short: "Summarise traces and lint them: latencies, trace shape, critical paths, data-quality rules",
		Long: `analyze reads traces from files in any format convert reads (guessed from the name or the
content; --in names it) or from a Jaeger or Zipkin query API, and reports:
  - per service and operation: spans, error rate, latency p50/p95/p99;
  - trace shape: depth, fan-out, spans per trace (p50/p95/max);
  - the critical path of the slowest traces;
  - lint findings, with examples naming the trace and span.

Lint rules:
` + strings.Join(ruleLines, "\n") + `

Exit status: 0 when no rule named in --fail-on has findings ("all" names every rule), 1 when
one has, 2 when the data could not be read (bad flags, unreadable or undecodable file,
unreachable backend).`,
		Example: `  otelcol-bridge analyze data/traces.jsonl
  otelcol-bridge analyze --in jaeger-thrift-compact capture.bin --format markdown > report.md
  otelcol-bridge analyze --from jaeger=http://localhost:16686 --service checkout --lookback 1h --limit 200
  otelcol-bridge analyze traces.jsonl --fail-on orphan-span,clock-skew,trace-id-64bit`,
		RunE: func(cmd *cobra.Command, files []string) error {
			if format != "table" && format != "json" && format != "markdown" {
				return usage(cmd, fmt.Errorf("--format: %q is not table, json or markdown", format))
			}
			for _, r := range failOn {
				if r != "all" && !analyze.IsRule(r) {
					return usage(cmd, fmt.Errorf("--fail-on: unknown rule %q", r))
				}
			}
			if (len(files) == 0) == (source == "") {
				return usage(cmd, errors.New("give files or --from, not both"))
			}
			a := analyze.New(analyze.Options{Slowest: slowest})
			if source != "" {
				if err := analyzeSource(cmd, a, source, service, lookback, limit, timeout); err != nil {
					return usage(cmd, err)
				}
			}
			for _, path := range files {
				if err := analyzeFile(a, path, in); err != nil {
					return usage(cmd, err)
				}
			}
			rep := a.Report()
			out := cmd.OutOrStdout()
			var err error
			switch format {
			case "json":
				err = rep.WriteJSON(out)
			case "markdown":
				err = rep.WriteMarkdown(out)
			default:
				err = rep.WriteTable(out)
			}
			if err != nil {
				return usage(cmd, err)
			}
			if failed := rep.Failed(failOn); len(failed) > 0 {
				var parts []string
				for _, f := range failed {
					parts = append(parts, fmt.Sprintf("%s (%d)", f.Rule, f.Count))
				}
				return fail(cmd, ExitFinding, fmt.Errorf("lint findings: %s", strings.Join(parts, ", ")))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "format of the files (default: from the name or the content; see convert --list)")
	f.StringVar(&format, "format", "table", "report format: table, json or markdown")
	f.StringSliceVar(&failOn, "fail-on", nil, "exit 1 when these rules have findings (comma-separated, or all)")
	f.IntVar(&slowest, "slowest", 3, "critical paths of this many slowest traces")
	f.StringVar(&source, "from", "", "read traces from a query API instead of files: jaeger=URL or zipkin=URL")
	f.StringVar(&service, "service", "", "with --from: the service whose traces are searched")
	f.DurationVar(&lookback, "lookback", time.Hour, "with --from: how far back to search")
	f.IntVar(&limit, "limit", 100, "with --from: how many traces to fetch")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "with --from: timeout of each request")
	return quietCommand(cmd)
}

func analyzeFile(a *analyze.Analyzer, path, in string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var f *convert.Format
	if in != "" {
		f, err = convert.Lookup(in, true)
	} else {
		f, err = convert.Sniff(path, data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return convert.Decode(data, path, f, func(td ptrace.Traces) error {
		a.Add(td)
		return nil
	})
}

// analyzeSource searches the query API the way parity samples it, then fetches each trace.
func analyzeSource(cmd *cobra.Command, a *analyze.Analyzer, spec, service string, lookback time.Duration, limit int, timeout time.Duration) error {
	if !strings.HasPrefix(spec, "jaeger=") && !strings.HasPrefix(spec, "zipkin=") {
		return fmt.Errorf("--from: %q: want jaeger=URL or zipkin=URL", spec)
	}
	src, err := parity.ParseSource(spec, &http.Client{Timeout: timeout})
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	ids, err := src.Sample(ctx, limit, parity.SampleQuery{Service: service, Lookback: lookback})
	if err != nil {
		return err
	}
	for _, id := range ids {
		td, found, err := src.Fetch(ctx, id)
		if err != nil {
			return err
		}
		if found {
			a.Add(td)
		}
	}
	return nil
}
