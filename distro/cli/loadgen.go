package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/otelcol-bridge/otelcol-bridge/components/loadgen"
)

func init() { subcommands = append(subcommands, newLoadgenCommand) }

// newLoadgenCommand is `otelcol-bridge loadgen`: the logic lives in components/loadgen.
func newLoadgenCommand() *cobra.Command {
	var (
		protocol, signalName, endpoint, replay, replayRaw, compression string
		rate                                                           float64
		duration, timeout                                              time.Duration
		perRequest, workers                                            int
		asJSON                                                         bool
	)
	cmd := &cobra.Command{
		Use:   "loadgen",
		Short: "Send synthetic or replayed telemetry at an exact rate (or saturating) and report what was accepted",
		Long: `Sends traces (or, over OTLP, logs and metrics) to a receiver and accounts for every item:
sent = accepted (2xx / gRPC OK) + refused (an error status) + failed (no answer) + unacknowledged (UDP).

--rate is a global schedule in items per second shared by all workers, not a per-worker rate;
--rate 0 sends as fast as the receiver answers. Payloads are encoded before the clock starts,
so the generator's own CPU (reported) stays small.

Protocols: ` + strings.Join(loadgen.Protocols(), ", "),
		Example: `  otelcol-bridge loadgen --protocol otlp-grpc --rate 10000 --duration 10s
  otelcol-bridge loadgen --protocol zipkin-json --endpoint 127.0.0.1:9411 --rate 0 --workers 4 --spans-per-request 1000
  otelcol-bridge loadgen --protocol datadog-v04 --replay data/traces.jsonl --json
  otelcol-bridge loadgen --protocol jaeger-thrift-http --replay-raw capture.body --spans-per-request 1000 --rate 0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			proto, err := loadgen.ParseProtocol(protocol)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--protocol: %w", err)}
			}
			sig, err := loadgen.ParseSignal(signalName)
			if err != nil {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--signal: %w", err)}
			}
			if replay != "" && cmd.Flags().Changed("spans-per-request") {
				return &ExitError{Code: ExitUsage, Err: fmt.Errorf("--spans-per-request cannot be combined with --replay: a replayed request carries the whole file")}
			}
			if replayRaw != "" && !cmd.Flags().Changed("spans-per-request") {
				perRequest = 0 // the captured body as it is
			}
			cfg := loadgen.Config{
				Protocol: proto, Signal: sig, Endpoint: endpoint, Rate: rate, Duration: duration,
				ItemsPerRequest: perRequest, Workers: workers, Replay: replay, ReplayRaw: replayRaw,
				Compression: compression, Timeout: timeout,
			}
			if err := cfg.Validate(); err != nil {
				return &ExitError{Code: ExitUsage, Err: err}
			}
			// Errors from here on are not usage errors.
			cmd.SilenceUsage = true
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := loadgen.Run(ctx, cfg)
			if err != nil {
				// Unreachable target, unreadable replay file: the run could not happen.
				return &ExitError{Code: ExitUsage, Err: err}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			printLoadReport(cmd.OutOrStdout(), rep)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&protocol, "protocol", string(loadgen.OTLPGRPC), "wire protocol: "+strings.Join(loadgen.Protocols(), "|"))
	f.StringVar(&signalName, "signal", string(loadgen.Traces), "traces, or over OTLP also logs or metrics")
	f.StringVar(&endpoint, "endpoint", "", "host:port (HTTP protocols also take a URL); default: the protocol's standard port on 127.0.0.1")
	f.Float64Var(&rate, "rate", loadgen.DefaultRate, "items (spans) per second over all workers; 0 saturates")
	f.DurationVar(&duration, "duration", loadgen.DefaultDuration, "how long to send")
	f.IntVar(&perRequest, "spans-per-request", loadgen.DefaultItemsPerRequest, "spans (log records, data points) per request")
	f.IntVar(&workers, "workers", 4, "concurrent requests (connections for gRPC and UDP)")
	f.StringVar(&replay, "replay", "", "send this file's data instead of synthesized spans: OTLP JSON (lines), OTLP protobuf or Zipkin v2 JSON, optionally gzip")
	f.StringVar(&replayRaw, "replay-raw", "", "send this captured request body of --protocol (zipkin-json, zipkin-proto, jaeger-thrift-http) with its spans as captured, repeated to --spans-per-request (default: the body as captured)")
	f.StringVar(&compression, "compression", "none", "none or gzip (HTTP and gRPC protocols)")
	f.DurationVar(&timeout, "timeout", loadgen.DefaultTimeout, "per-request timeout")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func printLoadReport(out io.Writer, r *loadgen.Report) {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	rate := "saturate"
	if r.Mode == "rate" {
		rate = fmt.Sprintf("%.0f/s requested", r.RequestedRate)
	}
	fmt.Fprintf(w, "target\t%s (%s, %s)\n", r.Target, r.Protocol, r.Signal)
	fmt.Fprintf(w, "load\t%s, %d workers, %.0f per request, %.2f s\n", rate, r.Workers, r.ItemsPerRequest, r.DurationSeconds)
	fmt.Fprintf(w, "requests\t%d\n", r.Requests)
	fmt.Fprintf(w, "sent\t%d\t%.0f/s\n", r.Sent, r.SentRate)
	fmt.Fprintf(w, "accepted\t%d\t%.0f/s\n", r.Accepted, r.AcceptedRate)
	fmt.Fprintf(w, "refused\t%d\n", r.Refused)
	fmt.Fprintf(w, "failed\t%d\n", r.Failed)
	if r.Unacknowledged > 0 {
		fmt.Fprintf(w, "unacknowledged (UDP)\t%d\n", r.Unacknowledged)
	}
	for _, rs := range r.Reasons {
		fmt.Fprintf(w, "  %s\t%d requests\n", rs.Reason, rs.Requests)
	}
	fmt.Fprintf(w, "latency ms\tp50 %.2f\tp95 %.2f\tp99 %.2f\tmax %.2f\n", r.LatencyP50, r.LatencyP95, r.LatencyP99, r.LatencyMax)
	if r.Mode == "rate" {
		fmt.Fprintf(w, "late requests\t%d\t(max lag %.1f ms)\n", r.LateRequests, r.MaxLagMillis)
	}
	fmt.Fprintf(w, "wire bytes per item\t%.1f\n", r.WireBytesPerItem)
	fmt.Fprintf(w, "generator CPU\t%.2f s\t%.2f cores\n", r.GeneratorCPUSeconds, r.GeneratorCores)
	_ = w.Flush()
	if !r.Lossless() {
		fmt.Fprintf(out, "NOT LOSSLESS: %d of %d items were not accepted\n", r.Sent-r.Accepted-r.Unacknowledged, r.Sent)
	}
}
