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
	"time"

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
			code = exitErr
		}
	}()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	var timeout time.Duration
	durationVar(root.PersistentFlags(), &timeout, "timeout", 0,
		"give up after this long, e.g. 90s, 10m or 2h (0: no limit); every AWS call also has connect and response limits")
	stopTimer := func() {}
	defer func() { stopTimer() }()
	var timed context.Context // the context --timeout ends, when set
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := checkCommonFlags(cmd); err != nil {
			return err
		}
		if timeout > 0 {
			tctx, cancel := context.WithTimeoutCause(cmd.Context(), timeout, errTimeout)
			stopTimer, timed = cancel, tctx
			cmd.SetContext(tctx)
		}
		return nil
	}
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if timed != nil && errors.Is(context.Cause(timed), errTimeout) {
		fmt.Fprintf(stderr, "backupkit: timed out after %s (--timeout)\n", formatFlagDuration(timeout))
		return exitErr
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "backupkit: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "backupkit: %v\n", err)
	return exitErr
}

// errTimeout is the cause of the context ending at --timeout.
var errTimeout = errors.New("--timeout reached")

// Exit statuses, the same for every subcommand (README "Exit status"):
// 0 success; 1 an error (bad input, a failed call, an interruption);
// 2 the command ran but what it checked failed: a job or drill failed, or a
// gate tripped (--fail-on-unprotected, --fail-on, iam --lint findings).
const (
	exitOK     = 0
	exitErr    = 1
	exitFailed = 2
)

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
		Use:   "backupkit",
		Short: "Safe, typed AWS Backup: plans, backups, restore drills, compliance, and a local emulator",
		Long: `Safe, typed AWS Backup: plans, backups, restore drills, compliance, and a local emulator.

Exit status, the same for every subcommand:
  0  success
  1  an error: bad input, a failed call, an interruption
  2  the command ran, and what it checked failed: a backup job or drill
     failed, or a gate tripped (coverage --fail-on-unprotected,
     advise --fail-on, iam --lint findings, status with failed jobs)`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionInfo(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
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
	root.AddCommand(newKeysCmd())
	root.AddCommand(newGatewayCmd())
	return root
}
