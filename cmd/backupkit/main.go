// Command backupkit is the command-line face of the backupkit library:
// plan validation and rendering, on-demand backups, job monitoring,
// restore drills, compliance checks and a local AWS Backup emulator.
//
// Every subcommand that talks to AWS uses the default credential chain, or
// a running emulator when --endpoint is given.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI and returns the process exit status. It never lets a
// panic escape as a stack trace: bad input must produce a one-line error.
func run(args []string, stdout, stderr io.Writer) (code int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "backupkit: internal error: %v\n", r)
			code = 3
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "backupkit: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "backupkit: %v\n", err)
	return 1
}

// exitError carries a specific exit status out of a subcommand. A nil err
// means the subcommand already printed what the user needs to see.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "backupkit",
		Short:         "Safe, typed AWS Backup: plans, backups, restore drills, compliance, and a local emulator",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	// Subcommands, one file each.
	root.AddCommand(newEmulatorCmd())
	root.AddCommand(newBackupCmd())
	root.AddCommand(newStatusCmd())
	root.AddCommand(newPlanCmd())
	root.AddCommand(newDrillCmd())
	root.AddCommand(newComplianceCmd())
	root.AddCommand(newCoverageCmd())
	root.AddCommand(newAdviseCmd())
	root.AddCommand(newIAMCmd())
	root.AddCommand(newDashboardCmd())
	root.AddCommand(newAutomationCmd())
	root.AddCommand(newResilienceCmd())
	return root
}
