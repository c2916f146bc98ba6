package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Exit codes shared by every otelcol-bridge subcommand (docs/en/cli.md lists them).
const (
	// ExitOK: the command did what it was asked and found nothing to report.
	ExitOK = 0
	// ExitFinding: the command ran and found something: a parity mismatch above the allowed
	// ratio, a lint rule named in --fail-on, a config key that could not be mapped with
	// --strict, a file that does not validate.
	ExitFinding = 1
	// ExitUsage: the command could not do its work: bad flags or arguments, an unreadable or
	// undecodable input, an unreachable backend, a failed write.
	ExitUsage = 2
)

// ExitError carries the process exit code a subcommand wants; the distro's run() passes it
// to os.Exit (any other error exits 1).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the exit code for err returned by the command: 0 for nil, an ExitError's
// code, 1 otherwise.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFinding
}

// fail prints "otelcol-bridge <cmd>: err" on the command's stderr and returns err with
// the exit code. Commands set SilenceErrors so that the message is printed once, here.
func fail(cmd *cobra.Command, code int, err error) error {
	fmt.Fprintf(cmd.ErrOrStderr(), "otelcol-bridge %s: %v\n", cmd.Name(), err)
	return &ExitError{Code: code, Err: err}
}

// usage is fail with ExitUsage.
func usage(cmd *cobra.Command, err error) error { return fail(cmd, ExitUsage, err) }

// quietCommand makes cmd report its own errors (through fail) and turns flag parsing
// errors into usage errors (exit 2) that print the usage.
func quietCommand(cmd *cobra.Command) *cobra.Command {
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		fmt.Fprintf(c.ErrOrStderr(), "otelcol-bridge %s: %v\n%s", c.Name(), err, c.UsageString())
		return &ExitError{Code: ExitUsage, Err: err}
	})
	return cmd
}
