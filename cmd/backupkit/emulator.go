package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/internal/awsid"
)

// emulatorFlags are the options of `backupkit emulator`.
type emulatorFlags struct {
	addr        string
	resources   string
	account     string
	region      string
	jobDuration time.Duration
	state       string
	manualClock bool
	clockStart  time.Time // the manual clock's start: now
	verbose     bool
	runPlans    bool
}

func newEmulatorCmd() *cobra.Command {
	var f emulatorFlags
	cmd := &cobra.Command{
		Use:   "emulator",
		Short: "Serve a local AWS Backup emulator (the AWS CLI, boto3 and the Go SDK can talk to it)",
		Long: `Serve a local AWS Backup emulator until interrupted (SIGINT or SIGTERM).

Point any AWS client at it with its endpoint option and any credentials, e.g.
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  aws --endpoint-url http://127.0.0.1:4566 --region us-east-1 backup list-backup-vaults
The Region comes from each request's signature, so state is kept per Region;
an access key id ending in 12 digits selects that account.

--resources FILE seeds the inventory of protectable resources: a JSON array of
  {"arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "tags": {"env": "prod"}, "sizeBytes": 8589934592}
or an object {"resources": [...], "organization": {"ous": [{"name": "prod"}],
"accounts": [{"id": "111111111111", "ou": "prod", "tags": {...}}]}} that also
seeds the AWS Organizations organization STS and Organizations serve (members
get OrganizationAccountAccessRole unless "roles" says otherwise). The
repository's examples/emulator/resources.json is a ready one.
--state FILE keeps the emulator's state across restarts: it is loaded at start
when the file exists, and written atomically (and synced) 200 ms after a
change, every 5 s while requests arrive, and on shutdown. A change made in
the last 200 ms before the process is killed (kill -9) is lost; a clean stop
(SIGINT, SIGTERM) loses nothing.
--manual-clock runs the emulator on a clock that starts now and moves only
when POST /_backupkit/clock says so ({"advance":"1h"} or {"set":TIME}). Backup plans run on their schedules (--run-plans=false turns that
off). The control API is under /_backupkit/ (health, resources, faults,
job-failures, calls, events, clock, reset).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEmulator(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:4566", "address to listen on (port 0 picks a free port)")
	fl.StringVar(&f.resources, "resources", "", "JSON file with the resources the emulator can back up")
	fl.StringVar(&f.account, "account", backuptest.DefaultAccountID, "default AWS account id")
	fl.StringVar(&f.region, "region", backuptest.DefaultRegion, "default AWS Region (requests signed for another Region use that one)")
	durationVar(fl, &f.jobDuration, "job-duration", time.Second, "how long backup, copy and restore jobs take")
	fl.StringVar(&f.state, "state", "", "file to keep the emulator state in across restarts (written 200ms after a change: a change in the last 200ms before kill -9 is lost)")
	fl.BoolVar(&f.manualClock, "manual-clock", false, "run on a manual clock that starts now and moves only through POST /_backupkit/clock (jobs and schedules follow it)")
	fl.BoolVar(&f.verbose, "verbose", false, "log every request to stderr")
	fl.BoolVar(&f.runPlans, "run-plans", true, "run backup plans on their schedules: each rule starts backup jobs for the resources its plan's selections match (--run-plans=false: plans only store, jobs start only with StartBackupJob)")
	return cmd
}

func (f emulatorFlags) validate() error {
	var errs []error
	if !awsid.AccountID(f.account) {
		errs = append(errs, fmt.Errorf("--account %q: want a 12-digit AWS account id", f.account))
	}
	if !awsid.Region(f.region) {
		errs = append(errs, fmt.Errorf("--region %q: want an AWS Region name such as us-east-1", f.region))
	}
	if f.jobDuration < 0 {
		errs = append(errs, fmt.Errorf("--job-duration %s: must not be negative", f.jobDuration))
	}
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: want HOST:PORT, e.g. 127.0.0.1:4566", f.addr))
	}
	return errors.Join(errs...)
}

// options are the emulator options the flags select.
func (f emulatorFlags) options(logger *slog.Logger) func(*backuptest.Options) {
	return func(o *backuptest.Options) {
		o.AccountID = f.account
		o.Region = f.region
		o.JobDuration = f.jobDuration
		o.Logger = logger
		o.RunPlans = f.runPlans
		if f.manualClock {
			o.Clock = backuptest.NewManualClock(f.clockStart)
		}
	}
}

func runEmulator(ctx context.Context, stdout, stderr io.Writer, f emulatorFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	if f.manualClock && f.clockStart.IsZero() {
		f.clockStart = time.Now().UTC().Truncate(time.Second)
	}
	var seed *backuptest.ResourcesFile
	if f.resources != "" {
		b, err := os.ReadFile(f.resources)
		if err != nil {
			return fmt.Errorf("--resources: %w", err)
		}
		if seed, err = backuptest.ParseResourcesFile(b); err != nil {
			return fmt.Errorf("--resources %s: %w", f.resources, err)
		}
	}
	logger := slog.New(slog.DiscardHandler)
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e := backuptest.New(f.options(logger))
	var loadedLine string
	if f.state != "" {
		loaded, err := e.LoadStateFile(f.state)
		if err != nil {
			return fmt.Errorf("--state: %w", err)
		}
		if loaded {
			v, rp := e.StateCounts()
			loadedLine = fmt.Sprintf("loaded state from %s (%s, %s)\n", f.state, plural(v, "vault"), plural(rp, "recovery point"))
		} else {
			loadedLine = fmt.Sprintf("state file %s does not exist yet: starting empty\n", f.state)
		}
	}
	if seed != nil {
		if err := seed.Apply(e); err != nil {
			return fmt.Errorf("--resources %s: %w", f.resources, err)
		}
	}

	saver := backuptest.NewStateSaver(e, f.state)
	saver.OnError = func(err error) { fmt.Fprintf(stderr, "backupkit: --state: %v\n", err) }
	// Write the state once before serving, so an unwritable --state path
	// is reported now rather than at shutdown.
	if err := saver.Save(); err != nil {
		return fmt.Errorf("--state: %w", err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	hs := &http.Server{Handler: saver.Handler(e), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	// The first stdout line stays "listening on URL" (scripts read it);
	// what was loaded and the clock go to stderr.
	fmt.Fprint(stderr, loadedLine)
	if f.manualClock {
		fmt.Fprintf(stderr, "manual clock at %s: POST /_backupkit/clock {\"advance\":\"1h\"} moves it\n", f.clockStart.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if s, ok := stdout.(interface{ Sync() error }); ok {
		_ = s.Sync()
	}
	if fl, ok := stdout.(interface{ Flush() error }); ok {
		_ = fl.Flush()
	}

	saveDone := make(chan struct{})
	saveCtx, stopSaver := context.WithCancel(context.Background())
	go func() { defer close(saveDone); saver.Run(saveCtx) }()

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	stopSaver()
	<-saveDone
	if err := saver.Save(); err != nil {
		return fmt.Errorf("--state: %w", err)
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}
