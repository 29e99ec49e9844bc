package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
)

func newBackupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "On-demand AWS Backup jobs",
	}
	cmd.AddCommand(newBackupStartCmd())
	return cmd
}

func newBackupStartCmd() *cobra.Command {
	var (
		af                        awsFlags
		in                        backup.JobInput
		tags                      []string
		wait                      bool
		maxWait, minDelay, maxDly time.Duration
		deleteAfterDays           int
	)
	cmd := &cobra.Command{
		Use:   "start --vault V --resource ARN --role ROLE [--wait]",
		Short: "Start an on-demand backup job, optionally waiting for it with live progress",
		Long: `Start an on-demand backup job (StartBackupJob). Input is validated before
AWS is called. The idempotency token defaults to one derived from the
parameters, so re-running the same command returns the same job instead of
starting a second one; pass --token to force a new job.

With --wait the command polls the job with SDK-style jittered backoff and
shows its progress until it completes; a job ending FAILED, EXPIRED, ABORTED
or PARTIAL exits with status 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			var err error
			if in.RecoveryPointTags, err = parseTags(tags); err != nil {
				return err
			}
			if cmd.Flags().Changed("delete-after-days") {
				maxDays := int(backup.MaxRetention / backup.Day)
				if deleteAfterDays < 1 || deleteAfterDays > maxDays {
					return fmt.Errorf("--delete-after-days %d: want 1–%d days (AWS Backup keeps a recovery point at most %d days)", deleteAfterDays, maxDays, maxDays)
				}
				in.Lifecycle = backup.Lifecycle{DeleteAfter: backup.Days(deleteAfterDays)}
			}
			if maxWait <= 0 || minDelay <= 0 || maxDly < minDelay {
				return fmt.Errorf("--max-wait, --min-delay and --max-delay: want positive durations with --min-delay ≤ --max-delay (got %s, %s, %s)",
					formatFlagDuration(maxWait), formatFlagDuration(minDelay), formatFlagDuration(maxDly))
			}
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			api := awsbackup.NewFromConfig(cfg)
			c := backup.New(api)
			job, err := c.StartBackup(ctx, in)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "started backup job %s for %s\n", job.ID, in.ResourceARN)
			if !wait {
				return nil
			}
			pd := newProgress(out)
			desc, err := job.Wait(ctx, maxWait, func(o *backup.WaiterOptions) {
				o.MinDelay, o.MaxDelay = minDelay, maxDly
				o.OnAttempt = pd.update
			})
			pd.done()
			var jf *backup.JobFailedError
			switch {
			case errors.As(err, &jf):
				fmt.Fprintf(out, "backup job %s ended %s: %s\n", jf.JobID, jf.State, jf.StatusMessage)
				return &exitError{code: exitFailed}
			case err != nil:
				return err
			}
			fmt.Fprintf(out, "backup job %s completed: recovery point %s\n", job.ID, aws.ToString(desc.RecoveryPointArn))
			return nil
		},
	}
	af.register(cmd)
	f := cmd.Flags()
	f.StringVar(&in.VaultName, "vault", "", "target backup vault name (required)")
	f.StringVar(&in.ResourceARN, "resource", "", "ARN of the resource to back up (required)")
	f.StringVar(&in.IAMRoleARN, "role", "", "IAM role ARN AWS Backup assumes (required)")
	f.StringVar(&in.IdempotencyToken, "token", "", "idempotency token (default: derived from the parameters and the current hour, so a retry within the hour returns the same job)")
	durationVar(f, &in.StartWindow, "start-window", 0, "start window, at least 1h (AWS default 8h)")
	durationVar(f, &in.CompletionWindow, "completion-window", 0, "completion window")
	f.IntVar(&deleteAfterDays, "delete-after-days", 0, "delete the recovery point after this many days")
	f.StringArrayVar(&tags, "tag", nil, "recovery point tag key=value (repeatable)")
	f.BoolVar(&in.WindowsVSS, "windows-vss", false, "application-consistent Windows VSS backup (EC2)")
	f.BoolVar(&wait, "wait", false, "wait for the job to finish, showing progress")
	durationVar(f, &maxWait, "max-wait", 8*time.Hour, "give up waiting after this long")
	durationVar(f, &minDelay, "min-delay", backup.DefaultMinDelay, "minimum delay between status checks")
	durationVar(f, &maxDly, "max-delay", backup.DefaultMaxDelay, "maximum delay between status checks")
	for _, n := range []string{"vault", "resource", "role"} {
		_ = cmd.MarkFlagRequired(n)
	}
	return cmd
}

func parseTags(kvs []string) (map[string]string, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--tag %q: want key=value", kv)
		}
		m[k] = v
	}
	return m, nil
}

// progress shows a waiting job's state. On a terminal it redraws one line;
// otherwise (pipes, CI logs, tests) it prints a line only when the state
// or percentage changes.
type progress struct {
	w       io.Writer
	tty     bool
	last    string
	drawn   bool
	started time.Time
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: isTerminal(w), started: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

func (p *progress) update(pr backup.Progress) {
	pct := ""
	if pr.PercentDone != "" {
		pct = " " + strings.TrimSuffix(pr.PercentDone, "%") + "%"
	}
	line := fmt.Sprintf("%s%s", pr.State, pct)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K  %s  (%s)", line, time.Since(p.started).Round(time.Second))
		p.drawn = true
		return
	}
	if line != p.last {
		fmt.Fprintf(p.w, "  %s\n", line)
	}
	p.last = line
}

func (p *progress) done() {
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
