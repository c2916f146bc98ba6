package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"go.opentelemetry.io/collector/component"

	"github.com/otelcol-bridge/otelcol-bridge/components/configschema"
)

func init() { subcommands = append(subcommands, newSchemaCommand) }

// components returns the build's factories; the distro's run() sets it (SetComponents), so
// that this package does not depend on the otelcol package and its module graph.
var components func() (configschema.Kinds, error)

// SetComponents gives the subcommands that need them (schema) the build's factories.
func SetComponents(f func() (configschema.Kinds, error)) { components = f }

// Factories converts one kind's factory map for SetComponents.
func Factories[F component.Factory](m map[component.Type]F) map[component.Type]component.Factory {
	out := make(map[component.Type]component.Factory, len(m))
	for k, f := range m {
		out[k] = f
	}
	return out
}

func newSchemaCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "schema [--out FILE]",
		Short: "Print the JSON Schema of this build's configuration (for editors and the YAML language server)",
		Long: `schema prints a JSON Schema (draft 2020-12) of the whole configuration: every receiver,
processor, exporter, extension and connector in this build, from its Config struct as the
collector decodes it, with the defaults of its factory. Unknown keys are errors, as in the
collector. Point the YAML language server at it with a first line such as

  # yaml-language-server: $schema=./otelcol-bridge.schema.json

Field descriptions are not included yet; "otelcol-bridge validate" stays the authority
(it also runs each component's Validate).

Exit status: 0 written; 2 the file could not be written.`,
		Example: `  otelcol-bridge schema > otelcol-bridge.schema.json
  otelcol-bridge schema --out .vscode/otelcol-bridge.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if components == nil {
				return usage(cmd, errors.New("this build did not register its components"))
			}
			k, err := components()
			if err != nil {
				return usage(cmd, err)
			}
			b, err := json.MarshalIndent(configschema.Generate(k, "otelcol-bridge"), "", "  ")
			if err != nil {
				return usage(cmd, err)
			}
			b = append(b, '\n')
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(b)
			} else {
				err = os.WriteFile(out, b, 0o644)
			}
			if err != nil {
				return usage(cmd, fmt.Errorf("writing the schema: %w", err))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of stdout")
	return quietCommand(cmd)
}

func typeSet[F any](m map[component.Type]F) map[string]bool {
	out := make(map[string]bool, len(m))
	for t := range m {
		out[t.String()] = true
	}
	return out
}
