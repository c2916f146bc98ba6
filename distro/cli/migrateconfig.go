package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/otelcol-bridge/otelcol-bridge/components/configschema"
	"github.com/otelcol-bridge/otelcol-bridge/components/migrate"
)

func init() { subcommands = append(subcommands, newMigrateConfigCommand) }

func newMigrateConfigCommand() *cobra.Command {
	var from, out, reportFormat string
	var helm, strict bool
	cmd := &cobra.Command{
		Use:   "migrate-config --from SOURCE FILE... [--helm] [--out FILE]",
		Short: "Turn a Jaeger, Zipkin, Datadog Agent or contrib collector config into an otelcol-bridge config",
		Long: `migrate-config reads the configuration of the component the bridge replaces and writes an
otelcol-bridge configuration (with --helm, values for the chart in helm/otelcol-bridge),
plus a report on stderr of every key read: mapped, approximated (with what differs) or
unmapped (with where that concern goes).

Sources and what they read:
  jaeger-agent       flags (--key=value, one or more per line), KEY=value environment files, or the YAML of --config-file
  jaeger-collector   the same, for the v1 collector (ports, TLS, OTLP, queue, tags, sampling file; storage stays with the backend)
  zipkin-server      its environment variables (QUERY_PORT, COLLECTOR_SAMPLE_RATE, ...)
  datadog-agent      datadog.yaml (apm_config ports, apm_non_local_traffic, ignore_resources, replace_tags,
                     filter_tags, env, tags, hostname; DogStatsD, logs_config and intake keys are reported)
  otelcol            a contrib collector config: renamed components (logging, jaeger exporter, memory_ballast,
                     spanmetrics processor) are carried over, components absent from this build removed

Traces go to an OTLP backend named by $OTLP_BACKEND_ENDPOINT when the collector starts.
Check the result with: otelcol-bridge validate --config FILE

Exit status: 0 written; 1 with --strict when a key could not be mapped; 2 bad flags or an
unreadable or unparsable input.`,
		Example: `  otelcol-bridge migrate-config --from jaeger-agent agent-flags.txt > bridge.yaml
  otelcol-bridge migrate-config --from datadog-agent /etc/datadog-agent/datadog.yaml --out bridge.yaml
  otelcol-bridge migrate-config --from zipkin-server zipkin.env --helm --out values-bridge.yaml
  otelcol-bridge migrate-config --from otelcol old-collector.yaml --report-format json 2> report.json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, files []string) error {
			if from == "" {
				return usage(cmd, fmt.Errorf("--from is required: one of %s", strings.Join(migrate.Sources, ", ")))
			}
			if len(files) == 0 {
				return usage(cmd, errors.New("name the configuration files to read"))
			}
			if reportFormat != "text" && reportFormat != "json" {
				return usage(cmd, fmt.Errorf("--report-format: %q is neither text nor json", reportFormat))
			}
			var opts migrate.Options
			if components != nil {
				if k, err := components(); err == nil {
					opts.Has = buildHas(k)
				}
			}
			res, err := migrate.Migrate(from, files, opts)
			if err != nil {
				return usage(cmd, err)
			}
			var body []byte
			if helm {
				body, err = res.HelmValues()
			} else {
				body, err = res.YAML()
			}
			if err != nil {
				return usage(cmd, err)
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(body)
			} else {
				err = os.WriteFile(out, body, 0o644)
			}
			if err != nil {
				return usage(cmd, err)
			}
			if reportFormat == "json" {
				enc := json.NewEncoder(cmd.ErrOrStderr())
				enc.SetIndent("", "  ")
				err = enc.Encode(res.Report)
			} else {
				err = res.Report.WriteText(cmd.ErrOrStderr())
			}
			if err != nil {
				return usage(cmd, err)
			}
			if n := res.Report.Count(migrate.Unmapped); strict && n > 0 {
				return &ExitError{Code: ExitFinding, Err: fmt.Errorf("%d keys could not be mapped", n)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "what the files configure: "+strings.Join(migrate.Sources, ", "))
	f.StringVar(&out, "out", "", "write the configuration here instead of stdout")
	f.BoolVar(&helm, "helm", false, "write values for the Helm chart (under its config key) instead of a config file")
	f.BoolVar(&strict, "strict", false, "exit 1 when a key could not be mapped")
	f.StringVar(&reportFormat, "report-format", "text", "the report on stderr: text or json")
	return quietCommand(cmd)
}

// buildHas answers whether the build has a component, for the otelcol source.
func buildHas(k configschema.Kinds) func(kind, typ string) bool {
	return func(kind, typ string) bool {
		var m map[string]bool
		switch kind {
		case "receivers":
			m = typeSet(k.Receivers)
		case "processors":
			m = typeSet(k.Processors)
		case "exporters":
			m = typeSet(k.Exporters)
		case "extensions":
			m = typeSet(k.Extensions)
		case "connectors":
			m = typeSet(k.Connectors)
		}
		return m[typ]
	}
}
