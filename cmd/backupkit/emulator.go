package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backuptest"
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

// stateSaveDelay is how long after a mutating request the state file is
// written (requests in between are coalesced into one write).
const stateSaveDelay = 200 * time.Millisecond

// stateSaveInterval is how often the state file is written while requests
// that only read arrive (they still move jobs forward).
const stateSaveInterval = 5 * time.Second

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
get OrganizationAccountAccessRole unless "roles" says otherwise).
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

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

func (f emulatorFlags) validate() error {
	var errs []error
	if !accountIDPattern.MatchString(f.account) {
		errs = append(errs, fmt.Errorf("--account %q: want a 12-digit AWS account id", f.account))
	}
	if f.region == "" {
		errs = append(errs, errors.New("--region must not be empty"))
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
	var resources []backuptest.Resource
	var org *backuptest.OrgSpec
	if f.resources != "" {
		b, err := os.ReadFile(f.resources)
		if err != nil {
			return fmt.Errorf("--resources: %w", err)
		}
		if b, org, err = splitResourcesFile(b); err != nil {
			return fmt.Errorf("--resources %s: %w", f.resources, err)
		}
		resources, err = parseResources(b)
		if err != nil {
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
	for i, r := range resources {
		if err := e.PutResource(r); err != nil {
			msg := strings.TrimPrefix(err.Error(), "backuptest: ")
			msg = strings.Replace(msg, "set Resource.Type", `set "type" to one of AWS Backup's resource types`, 1)
			return fmt.Errorf("--resources %s: entry %d: field \"arn\": %s", f.resources, i, msg)
		}
	}
	if org != nil {
		if err := e.SeedOrganization(*org); err != nil {
			return fmt.Errorf("--resources %s: organization: %w", f.resources, err)
		}
	}

	saver := newStateSaver(e, f.state, stderr)
	// Write the state once before serving, so an unwritable --state path
	// is reported now rather than at shutdown.
	if err := saver.save(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	hs := &http.Server{Handler: saver.wrap(e), ReadHeaderTimeout: 10 * time.Second}
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
	go func() { defer close(saveDone); saver.loop(saveCtx) }()

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
	if err := saver.save(); err != nil {
		return err
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}

// resourceEntry is one element of the --resources file.
type resourceEntry struct {
	ARN        *string           `json:"arn"`
	Tags       map[string]string `json:"tags"`
	SizeBytes  *int64            `json:"sizeBytes"`
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Attributes map[string]string `json:"attributes"`
}

// parseResources reads the --resources file: a JSON array of objects with
// arn (required), tags and sizeBytes (and optionally type, name and
// attributes). Errors name the entry index and field.
func parseResources(b []byte) ([]backuptest.Resource, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, errors.New(`want a JSON array of {"arn": "...", "tags": {"k": "v"}, "sizeBytes": N}`)
		}
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	out := make([]backuptest.Resource, 0, len(raw))
	seen := map[string]int{}
	for i, m := range raw {
		var ent resourceEntry
		dec := json.NewDecoder(bytes.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ent); err != nil {
			return nil, fmt.Errorf("entry %d: %s", i, describeJSONError(err))
		}
		if ent.ARN == nil || *ent.ARN == "" {
			return nil, fmt.Errorf("entry %d: field \"arn\" is required", i)
		}
		a, err := arn.Parse(*ent.ARN)
		if err != nil {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q is not an ARN", i, *ent.ARN)
		}
		if a.Service == "" || a.Resource == "" {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q has no service or resource part", i, *ent.ARN)
		}
		if j, dup := seen[*ent.ARN]; dup {
			return nil, fmt.Errorf("entry %d: field \"arn\": %q repeats entry %d", i, *ent.ARN, j)
		}
		seen[*ent.ARN] = i
		var size int64
		if ent.SizeBytes != nil {
			if *ent.SizeBytes < 0 {
				return nil, fmt.Errorf("entry %d: field \"sizeBytes\": %d is negative", i, *ent.SizeBytes)
			}
			size = *ent.SizeBytes
		}
		for k := range ent.Tags {
			if k == "" {
				return nil, fmt.Errorf("entry %d: field \"tags\": a tag key is empty", i)
			}
		}
		out = append(out, backuptest.Resource{
			ARN: *ent.ARN, Tags: ent.Tags, SizeBytes: size, Type: ent.Type, Name: ent.Name, Attributes: ent.Attributes,
		})
	}
	return out, nil
}

func describeJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return fmt.Sprintf("want an object, got JSON %s", te.Value)
		}
		return fmt.Sprintf("field %q: got JSON %s, want %s", field, te.Value, jsonKind(te.Type.Kind().String()))
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Sprintf("unknown field %s (allowed: arn, tags, sizeBytes, type, name, attributes)", rest)
	}
	return strings.TrimPrefix(msg, "json: ")
}

func jsonKind(k string) string {
	switch k {
	case "ptr", "string":
		return "a string"
	case "int64":
		return "an integer"
	case "map":
		return "an object of strings"
	}
	return k
}

// stateSaver writes the emulator's state to a file shortly after changes.
type stateSaver struct {
	e      *backuptest.Emulator
	path   string
	stderr io.Writer
	// dirty counts requests since the last save; mutated is signalled on
	// requests that may change state.
	dirty   atomic.Int64
	mutated chan struct{}
}

func newStateSaver(e *backuptest.Emulator, path string, stderr io.Writer) *stateSaver {
	return &stateSaver{e: e, path: path, stderr: stderr, mutated: make(chan struct{}, 1)}
}

func (s *stateSaver) wrap(h http.Handler) http.Handler {
	if s.path == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		s.dirty.Add(1)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			select {
			case s.mutated <- struct{}{}:
			default:
			}
		}
	})
}

// loop saves after mutating requests (debounced) and periodically while
// anything else happened, until ctx ends.
func (s *stateSaver) loop(ctx context.Context) {
	if s.path == "" {
		return
	}
	tick := time.NewTicker(stateSaveInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.mutated:
			t := time.NewTimer(stateSaveDelay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		case <-tick.C:
			if s.dirty.Load() == 0 {
				continue
			}
		}
		if err := s.save(); err != nil {
			fmt.Fprintf(s.stderr, "backupkit: %v\n", err)
		}
	}
}

func (s *stateSaver) save() error {
	if s.path == "" {
		return nil
	}
	s.dirty.Store(0)
	if err := s.e.SaveStateFile(s.path); err != nil {
		return fmt.Errorf("--state: %w", err)
	}
	return nil
}
