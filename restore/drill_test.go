package restore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

func TestDrillAllTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Minute })
	sources := e.seed(t, demoResources("all")...)
	before := len(e.srv.Resources())

	rep, err := e.client.Run(t.Context(), &restore.Drill{
		ID: "drill-all", Vault: testVault, AllInVault: true, MaxRTO: 4 * time.Hour, MaxRPO: 2 * time.Hour, Concurrency: 3,
		PerTypeConcurrency: map[backup.ResourceType]int{"EBS": 1},
	})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if !rep.Passed || rep.Summary.Passed != len(sources) || len(rep.Targets) != len(sources) {
		t.Fatalf("report passed=%v summary=%+v; want all %d passed%s", rep.Passed, rep.Summary, len(sources), describeTargets(rep))
	}
	seenCreated := map[string]bool{}
	for _, src := range sources {
		r := resultFor(t, rep, src)
		if r.Validation != restore.Passed || r.Cleanup != restore.Deleted || r.Error != "" {
			t.Errorf("%s: validation=%s cleanup=%s err=%q; want passed, deleted, no error", src, r.Validation, r.Cleanup, r.Error)
		}
		if r.CreatedResourceARN == "" || r.CreatedResourceARN == src || seenCreated[r.CreatedResourceARN] {
			t.Errorf("%s: created %q; want a new, unique ARN", src, r.CreatedResourceARN)
		}
		seenCreated[r.CreatedResourceARN] = true
		if r.RecoveryPointARN == "" || r.RestoreJobID == "" {
			t.Errorf("%s: recovery point %q, restore job %q; want both", src, r.RecoveryPointARN, r.RestoreJobID)
		}
		// The points were taken 20 minutes of backup plus an hour before
		// the drill; each restore job takes the emulator's 20 minutes.
		if r.RPO < 80*time.Minute || r.RPO > 2*time.Hour || r.RecoveryPointCreated.IsZero() || r.RTORestore < 20*time.Minute || r.RTOTotal < r.RTORestore {
			t.Errorf("%s: RPO %v, RTO restore %v, RTO total %v; want 1h20m ≤ RPO ≤ 2h, 20m ≤ restore ≤ total", src, r.RPO, r.RTORestore, r.RTOTotal)
		}
		for _, p := range []string{restore.PhaseSelect, restore.PhaseRestore, restore.PhaseValidate, restore.PhaseCleanup} {
			if _, ok := r.PhaseSeconds[p]; !ok {
				t.Errorf("%s: no %s phase timing in %v", src, p, r.PhaseSeconds)
			}
		}
		evs := e.eventsFor(src)
		if len(evs) == 0 || evs[len(evs)-1].Phase != restore.PhaseDone || evs[len(evs)-1].Result == nil {
			t.Errorf("%s: events %v; want phases ending in done with a result", src, evs)
		}
		// AWS Backup got the validation result.
		job, err := e.api.DescribeRestoreJob(t.Context(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(r.RestoreJobID)})
		if err != nil {
			t.Fatal(err)
		}
		if job.ValidationStatus != "SUCCESSFUL" {
			t.Errorf("%s: restore job validation status %q; want SUCCESSFUL", src, job.ValidationStatus)
		}
		if _, ok := e.srv.Resource(src); !ok {
			t.Errorf("source %s was deleted", src)
		}
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left in the inventory: %v", got)
	}
	if after := len(e.srv.Resources()); after != before {
		t.Errorf("inventory has %d resources after the drill; want %d", after, before)
	}
}

func TestDrillThrottlingAndFailedRestore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("thr")...)
	e.srv.InjectFault(backuptest.Fault{Service: "backup", ErrorCode: "ThrottlingException", Rate: 0.3})
	failing := sources[3] // the DynamoDB table's restore job fails
	e.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", ResourceARN: failing, StatusMessage: "throttled by DynamoDB", Count: 1})
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-throttled", Vault: testVault, AllInVault: true, Concurrency: 6})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	throttled := 0
	for _, c := range e.srv.Calls() {
		if c.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatalf("no call was throttled; the test proves nothing")
	}
	if rep.Passed || rep.Summary.Passed != len(sources)-1 || rep.Summary.Failed != 1 {
		t.Errorf("report passed=%v summary=%+v; want all but the failed restore to pass despite %d throttled calls%s", rep.Passed, rep.Summary, throttled, describeTargets(rep))
	}
	if r := resultFor(t, rep, failing); r.Status != restore.Failed || !strings.Contains(r.Error, "throttled by DynamoDB") || r.Cleanup != restore.Skipped {
		t.Errorf("failed target: status %s cleanup %s error %q; want failed with the job's message, nothing to clean", r.Status, r.Cleanup, r.Error)
	}
	if len(rep.LeftBehind) != 0 {
		t.Errorf("LeftBehind = %v; want none", rep.LeftBehind)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
}

func TestDrillRestoreJobFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	sources := e.seed(t, demoResources("fail")...)
	failing := sources[2] // the RDS instance
	e.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", ResourceARN: failing, StatusMessage: "insufficient capacity", Count: 1})
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-fail", Vault: testVault, AllInVault: true})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if rep.Passed || rep.Summary.Failed != 1 || rep.Summary.Passed != len(sources)-1 {
		t.Fatalf("summary %+v passed=%v; want exactly one failure%s", rep.Summary, rep.Passed, describeTargets(rep))
	}
	r := resultFor(t, rep, failing)
	if r.Status != restore.Failed || !strings.Contains(r.Error, "FAILED") || !strings.Contains(r.Error, "insufficient capacity") {
		t.Errorf("failed target: status %s, error %q; want failed with the job's state and message", r.Status, r.Error)
	}
	if r.Validation != restore.Skipped || r.Cleanup != restore.Skipped || r.CreatedResourceARN != "" || len(r.LeftBehind) != 0 {
		t.Errorf("failed target: validation %s, cleanup %s, created %q, left %v; want skipped, skipped, none", r.Validation, r.Cleanup, r.CreatedResourceARN, r.LeftBehind)
	}
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left: %v", got)
	}
}

func TestDrillCancelledMidway(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 15 * time.Minute })
	var resources []backuptest.Resource
	for _, s := range []string{"c1", "c2", "c3"} {
		resources = append(resources, demoResources(s)...)
	}
	sources := e.seed(t, resources...)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Cancel once three restore jobs are in flight.
	client := e.clientOver(&startHook{Client: e.api, after: func(n int32, out *awsbackup.StartRestoreJobOutput, err error) (*awsbackup.StartRestoreJobOutput, error) {
		if n == 3 {
			cancel()
		}
		return out, err
	}})
	rep, err := client.Run(ctx, &restore.Drill{ID: "drill-cancel", Vault: testVault, AllInVault: true, Concurrency: 4})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run() error = %v; want context.Canceled", err)
	}
	if rep == nil || !rep.Canceled || rep.Passed || len(rep.Targets) != len(sources) {
		t.Fatalf("report = %+v; want a cancelled, failed report of %d targets", rep, len(sources))
	}
	restoreJobs := 0
	for _, r := range rep.Targets {
		if r.Status == restore.Passed {
			continue // finished before the cancellation reached it
		}
		if r.Error == "" {
			t.Errorf("%s: failed without an error", r.ResourceARN)
		}
		if r.RestoreJobID != "" {
			restoreJobs++
			if r.Cleanup != restore.Deleted {
				t.Errorf("%s: restore job %s started, cleanup %s (%s); want deleted", r.ResourceARN, r.RestoreJobID, r.Cleanup, r.Error)
			}
		}
	}
	if restoreJobs == 0 {
		t.Errorf("no cancelled target had started a restore job; the test proves nothing%s", describeTargets(rep))
	}
	if len(rep.LeftBehind) != 0 {
		t.Errorf("LeftBehind = %v; want none", rep.LeftBehind)
	}
	// Restore jobs may still be running in the emulator; every one the drill
	// started has been waited for and its resource deleted.
	if got := e.restored(); len(got) != 0 {
		t.Errorf("restored resources left after cancellation: %v", got)
	}
}

func TestDrillValidationAndGuards(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		validator  func(e *env) restore.ValidatorFunc
		prepare    func(e *env, sources []string)
		wantValid  string
		wantClean  string
		wantErr    string
		wantLeft   bool
		wantAWSVal string
	}{
		{
			name: "custom validator fails",
			validator: func(*env) restore.ValidatorFunc {
				return func(context.Context, restore.Restored) error { return errors.New("row count 0; want > 0") }
			},
			wantValid: restore.Failed, wantClean: restore.Deleted, wantErr: "row count 0", wantAWSVal: "FAILED",
		},
		{
			name: "custom validator panics",
			validator: func(*env) restore.ValidatorFunc {
				return func(context.Context, restore.Restored) error { panic("boom") }
			},
			wantValid: restore.Failed, wantClean: restore.Deleted, wantErr: "panic: boom", wantAWSVal: "FAILED",
		},
		{
			name: "restored resource re-tagged by someone else is not deleted",
			validator: func(e *env) restore.ValidatorFunc {
				return func(_ context.Context, r restore.Restored) error {
					e.srv.TagResourceInInventory(r.CreatedResourceARN, map[string]string{restore.DrillTagKey: "someone-else"})
					return nil
				}
			},
			wantValid: restore.Passed, wantClean: restore.Left, wantErr: "not output of this drill", wantLeft: true, wantAWSVal: "SUCCESSFUL",
		},
		{
			name:      "content check: restored table is empty while the source has items",
			prepare:   func(e *env, s []string) { setAttr(e, s[0], "itemCount", "7") },
			wantValid: restore.Failed, wantClean: restore.Deleted, wantErr: "0 items; the source has 7", wantAWSVal: "FAILED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			table := backuptest.Resource{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/t-" + strings.ReplaceAll(tt.name[:8], " ", "_"), Attributes: map[string]string{"itemCount": "0"}}
			sources := e.seed(t, table)
			if tt.prepare != nil {
				tt.prepare(e, sources)
			}
			d := &restore.Drill{ID: "drill-v", Vault: testVault, Targets: []restore.Target{{ResourceARN: sources[0]}}}
			if tt.validator != nil {
				d.Validators = []restore.Validator{tt.validator(e)}
			}
			rep, err := e.client.Run(t.Context(), d)
			if err != nil {
				t.Fatalf("Run() error = %v", err)
			}
			r := rep.Targets[0]
			if r.Status != restore.Failed || r.Validation != tt.wantValid || r.Cleanup != tt.wantClean || !strings.Contains(r.Error, tt.wantErr) {
				t.Errorf("status %s validation %s cleanup %s error %q; want failed, %s, %s, error containing %q", r.Status, r.Validation, r.Cleanup, r.Error, tt.wantValid, tt.wantClean, tt.wantErr)
			}
			if left := e.restored(); tt.wantLeft != (len(left) == 1) || len(rep.LeftBehind) != len(left) {
				t.Errorf("restored resources left %v, report LeftBehind %v; want left=%v", left, rep.LeftBehind, tt.wantLeft)
			} else if tt.wantLeft && rep.LeftBehind[0] != left[0].ARN {
				t.Errorf("LeftBehind = %v; want %s", rep.LeftBehind, left[0].ARN)
			}
			if tt.wantAWSVal != "" {
				job, err := e.api.DescribeRestoreJob(t.Context(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(r.RestoreJobID)})
				if err != nil {
					t.Fatal(err)
				}
				if string(job.ValidationStatus) != tt.wantAWSVal {
					t.Errorf("AWS validation status %q; want %q", job.ValidationStatus, tt.wantAWSVal)
				}
			}
		})
	}
}

func setAttr(e *env, arn, k, v string) {
	r, _ := e.srv.Resource(arn)
	if r.Attributes == nil {
		r.Attributes = map[string]string{}
	}
	r.Attributes[k] = v
	_ = e.srv.PutResource(r)
}

func TestDrillTargetsMissed(t *testing.T) {
	t.Parallel()
	// Jobs take 20 minutes and the points are over an hour old when the
	// drill starts (seed lets an hour pass), all on the manual clock: each
	// target misses its own objective by a wide, exact margin.
	e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Minute })
	sources := e.seed(t, demoResources("miss")[:2]...)
	rep, err := e.client.Run(t.Context(), &restore.Drill{
		ID: "drill-miss", Vault: testVault,
		Targets: []restore.Target{
			{ResourceARN: sources[0], MaxRTO: 10 * time.Minute},
			{ResourceARN: sources[1], MaxRPO: 30 * time.Minute},
		},
		MaxRTO: 6 * time.Hour, MaxRPO: 6 * time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := resultFor(t, rep, sources[0]), resultFor(t, rep, sources[1])
	for _, r := range []restore.TargetResult{a, b} {
		if r.RPO < time.Hour || r.RPO > 2*time.Hour || r.RTOTotal < 20*time.Minute || r.RTOTotal > time.Hour {
			t.Errorf("%s: RPO %v, RTO %v; want the seeded point's age (1h–2h) and at least one 20-minute job", r.ResourceARN, r.RPO, r.RTOTotal)
		}
	}
	if a.RTOMet || !a.RPOMet || a.Status != restore.Failed || a.Cleanup != restore.Deleted {
		t.Errorf("target 0: rtoMet %v rpoMet %v status %s cleanup %s; want RTO missed, RPO met, failed, deleted", a.RTOMet, a.RPOMet, a.Status, a.Cleanup)
	}
	if !b.RTOMet || b.RPOMet || b.Status != restore.Failed {
		t.Errorf("target 1: rtoMet %v rpoMet %v status %s; want RTO met, RPO missed, failed", b.RTOMet, b.RPOMet, b.Status)
	}
	if rep.Summary.MissedRTO != 1 || rep.Summary.MissedRPO != 1 || rep.Passed {
		t.Errorf("summary %+v; want one RTO and one RPO miss", rep.Summary)
	}
}

func TestDrillSelectionAndFreshBackup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 10 * time.Minute })
	sources := e.seed(t, demoResources("sel")...)
	rep, err := e.client.Run(t.Context(), &restore.Drill{
		ID: "drill-sel", Vault: testVault, FreshBackup: true,
		Selection: &restore.Selection{Tags: map[string]string{"env": "prod"}, NotResources: []string{"arn:aws:rds:*"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].ResourceARN != sources[0] {
		t.Fatalf("targets %s; want only the prod-tagged EBS volume (the prod RDS instance is excluded)", describeTargets(rep))
	}
	r := rep.Targets[0]
	if r.Status != restore.Passed || r.BackupJobID == "" || r.PhaseSeconds[restore.PhaseBackup] <= 0 {
		t.Errorf("target: status %s backup job %q phases %v; want passed after a fresh backup", r.Status, r.BackupJobID, r.PhaseSeconds)
	}
	if r.RPO != 0 {
		t.Errorf("RPO = %v; want 0 for a backup taken during the drill", r.RPO)
	}
}

func TestDrillRefusesWhatItCannotClean(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, func(o *restore.Options) { o.Services.S3 = nil })
	sources := e.seed(t, demoResources("noh")[5])
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-noh", Vault: testVault, AllInVault: true})
	if err != nil {
		t.Fatal(err)
	}
	r := resultFor(t, rep, sources[0])
	if r.Status != restore.Failed || !strings.Contains(r.Error, "no handler") || r.RestoreJobID != "" {
		t.Errorf("status %s error %q restore job %q; want failed with no handler and no restore started", r.Status, r.Error, r.RestoreJobID)
	}
	if e.srv.CallCount("StartRestoreJob") != 0 {
		t.Errorf("StartRestoreJob was called %d times; want 0", e.srv.CallCount("StartRestoreJob"))
	}
}

func TestDrillInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	_, err := e.client.Run(t.Context(), &restore.Drill{Selection: &restore.Selection{}, FreshBackup: true, MaxRTO: -1})
	var ve *restore.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Run() error = %v; want *ValidationError", err)
	}
	for _, f := range []string{"Drill.Vault", "Drill.MaxRTO"} {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not name %s", err, f)
		}
	}
}

// narrowAPI is an AWS Backup client restricted to restore.API: it cannot
// start backups, so a drill over it needs Options.Backup for FreshBackup.
type narrowAPI struct{ restore.API }

func TestDrillFreshBackupNeedsRoleAndStarter(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tests := []struct {
		name       string
		client     *restore.Client
		wantFields []string
	}{
		{"no role", e.clientOver(e.api, func(o *restore.Options) { o.IAMRoleARN = "" }), []string{"Drill.IAMRoleARN"}},
		{"no backup starter", e.clientOver(narrowAPI{e.api}), []string{"Drill.FreshBackup"}},
		{"narrow API with a starter", e.clientOver(narrowAPI{e.api}, func(o *restore.Options) { o.Backup = backup.New(e.api) }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.client.Run(t.Context(), &restore.Drill{Vault: testVault, FreshBackup: true, Targets: []restore.Target{{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-none"}}})
			var got []string
			for _, ve := range backup.ValidationErrors(err) {
				got = append(got, ve.Field)
			}
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("Run() validation fields = %v (err %v); want %v", got, err, tt.wantFields)
			}
		})
	}
}
