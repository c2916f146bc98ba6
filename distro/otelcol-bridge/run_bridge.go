// Hand-written, not generated: ocb's main.go calls run(), which ocb would put in
// main_others.go. `make generate` deletes that file so this one can add our own
// subcommands to the collector's command; main.go and components.go stay ocb's.

//go:build !windows

package main

import (
	"os"

	"go.opentelemetry.io/collector/otelcol"

	"github.com/otelcol-bridge/otelcol-bridge/components/configschema"
	"github.com/otelcol-bridge/otelcol-bridge/distro/cli"
)

func run(params otelcol.CollectorSettings) error {
	cmd := otelcol.NewCommand(withBuildInfo(params))
	setVersionTemplate(cmd)
	cli.SetComponents(func() (configschema.Kinds, error) {
		f, err := params.Factories()
		return configschema.Kinds{
			Receivers: cli.Factories(f.Receivers), Processors: cli.Factories(f.Processors), Exporters: cli.Factories(f.Exporters),
			Extensions: cli.Factories(f.Extensions), Connectors: cli.Factories(f.Connectors),
		}, err
	})
	cli.Register(cmd)
	err := cmd.Execute()
	// main.go exits 1 on any error; our subcommands also distinguish usage and I/O errors (2).
	if code := cli.ExitCode(err); code > 1 {
		os.Exit(code)
	}
	return err
}
