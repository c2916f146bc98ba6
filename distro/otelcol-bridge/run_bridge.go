// Hand-written, not generated: ocb's main.go calls run(), which ocb would put in
// main_others.go. `make generate` deletes that file so this one can add our own
// subcommands to the collector's command; main.go and components.go stay ocb's.

//go:build !windows

package main

import (
	"go.opentelemetry.io/collector/otelcol"

	"github.com/otelcol-bridge/otelcol-bridge/distro/cli"
)

func run(params otelcol.CollectorSettings) error {
	cmd := otelcol.NewCommand(params)
	cli.Register(cmd)
	return cmd.Execute()
}
