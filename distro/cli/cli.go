// Package cli holds otelcol-bridge's own subcommands (parity, loadgen).
// They are added to the collector's cobra command, so `otelcol-bridge --config ...`,
// `validate` and `components` behave exactly as in any other distribution.
package cli

import "github.com/spf13/cobra"

// subcommands are the constructors of the commands otelcol-bridge adds to the collector's
// command. Each subcommand's file registers itself in an init function.
var subcommands []func() *cobra.Command

// Register adds otelcol-bridge's subcommands to the collector's root command.
func Register(root *cobra.Command) {
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd())
	}
}
