package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/otelcol-bridge/otelcol-bridge/components/convert"
)

func init() { subcommands = append(subcommands, newConvertCommand) }

func newConvertCommand() *cobra.Command {
	var from, to string
	var list, stats bool
	cmd := &cobra.Command{
		Use:   "convert [--from FORMAT] --to FORMAT [IN [OUT]]",
		Short: "Convert trace files between OTLP, Jaeger, Zipkin and Datadog formats",
		Long: `convert reads trace data in one wire format and writes it in another. It reads with the
translators the bridge's receivers use, so converting to OTLP shows exactly what the bridge
makes of the same bytes. IN and OUT default to stdin and stdout ("-" names them too); gzip
input is detected and decompressed.

Formats (convert --list says which can be written and what each cannot carry):
  ` + strings.Join(formatNames(), "\n  ") + `

Exit status: 0 converted; 2 bad flags, an unsupported format or direction, an unreadable or
undecodable input (the message names the file, the record and its byte offset), or a failed
write.`,
		Example: `  otelcol-bridge convert --from jaeger-thrift-binary --to otlp-yaml batch.thrift
  otelcol-bridge convert --from otlp-jsonl --to zipkin-json data/traces.jsonl zipkin.json
  curl -s localhost:16686/api/traces/3ea17da5fd0f97cd | otelcol-bridge convert --from jaeger-json --to otlp-json
  otelcol-bridge convert --list`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				return printFormats(cmd.OutOrStdout())
			}
			if to == "" {
				return usage(cmd, errors.New("--to is required (convert --list shows the formats)"))
			}
			dst, err := convert.Lookup(to, false)
			if err != nil {
				return usage(cmd, fmt.Errorf("--to: %w", err))
			}
			in, out := "-", "-"
			if len(args) > 0 {
				in = args[0]
			}
			if len(args) > 1 {
				out = args[1]
			}
			data, name, err := readInput(cmd, in)
			if err != nil {
				return usage(cmd, err)
			}
			var src *convert.Format
			if from == "" {
				// Text formats and named captures only; binary formats must be named.
				src, err = convert.Sniff(name, data)
			} else {
				src, err = convert.Lookup(from, true)
			}
			if err != nil {
				return usage(cmd, fmt.Errorf("--from: %w", err))
			}
			start := time.Now()
			st, err := convertTo(cmd, data, name, src, dst, out)
			if err != nil {
				return usage(cmd, err)
			}
			if stats {
				secs := time.Since(start).Seconds()
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d records, %d spans, %d bytes in %.2fs (%.1f MB/s, %.0f spans/s)\n",
					name, st.Records, st.Spans, len(data), secs, float64(len(data))/1e6/secs, float64(st.Spans)/secs)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "input format (default: guessed from the file name or, for text formats, the content)")
	f.StringVar(&to, "to", "", "output format")
	f.BoolVar(&list, "list", false, "list the formats, the directions supported and what each format cannot carry")
	f.BoolVar(&stats, "stats", false, "print records, spans and throughput on stderr")
	return quietCommand(cmd)
}

func formatNames() []string {
	var out []string
	for _, f := range convert.Formats() {
		out = append(out, fmt.Sprintf("%-22s %s", f.Name, f.Description))
	}
	return out
}

func printFormats(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FORMAT\tREAD\tWRITE\tCANNOT CARRY")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, f := range convert.Formats() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, yes[f.CanRead()], yes[f.CanWrite()], f.Lost)
	}
	return tw.Flush()
}

// readInput reads a whole file, or stdin for "-"; name is what errors call it.
func readInput(cmd *cobra.Command, path string) (data []byte, name string, err error) {
	if path == "-" {
		data, err = io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, "stdin", fmt.Errorf("stdin: %w", err)
		}
		return data, "stdin", nil
	}
	data, err = os.ReadFile(path)
	return data, path, err
}

// convertTo writes to OUT; a failed conversion leaves no partial file behind.
func convertTo(cmd *cobra.Command, data []byte, name string, src, dst *convert.Format, out string) (convert.Stats, error) {
	if out == "-" {
		return convert.Convert(data, name, src, dst, cmd.OutOrStdout())
	}
	fh, err := os.Create(out)
	if err != nil {
		return convert.Stats{}, err
	}
	st, err := convert.Convert(data, name, src, dst, fh)
	if cerr := fh.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%s: %w", out, cerr)
	}
	if err != nil {
		_ = os.Remove(out)
	}
	return st, err
}
