package restore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// testingEnv is an emulator running restore testing plans on a manual
// clock: three resources with one recovery point each (created at 07:00,
// 2 h before the epoch), and a plan "nightly" firing daily at 10:00 that tests all
// three (EBS with a 2-hour validation window, DynamoDB with 1 hour).
// Restores take 20 minutes; deletions are immediate.
type testingEnv struct {
	clk     *backuptest.ManualClock
	api     *awsbackup.Client
	planARN string
	jobs    map[string]string // source resource ARN → restore job id
}

const (
	rtVolA  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000a"
	rtVolB  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000b"
	rtTable = "arn:aws:dynamodb:us-east-1:123456789012:table/ledger"
)

func newTestingEnv(t *testing.T) *testingEnv {
	t.Helper()
	ctx := t.Context()
	clk := backuptest.NewManualClock(epoch.Add(-2 * time.Hour))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock = clk
		o.RunPlans = true
		o.JobDuration = 20 * time.Minute
	})
	for _, arn := range []string{rtVolA, rtVolB, rtTable} {
		if err := srv.SeedRecoveryPoints("", "", testVault, 1, func(int) backuptest.Resource {
			return backuptest.Resource{ARN: arn, SizeBytes: 1 << 30}
		}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(epoch)
	api := srv.Client()
	plan, err := api.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("nightly"),
		ScheduleExpression:     aws.String("cron(0 10 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
			Algorithm:          types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults:      []string{"*"},
			RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []types.RestoreTestingSelectionForCreate{
		{RestoreTestingSelectionName: aws.String("volumes"), ProtectedResourceType: aws.String("EBS"), ProtectedResourceArns: []string{"*"}, ValidationWindowHours: aws.Int32(2)},
		{RestoreTestingSelectionName: aws.String("tables"), ProtectedResourceType: aws.String("DynamoDB"), ProtectedResourceArns: []string{rtTable}, ValidationWindowHours: aws.Int32(1)},
	} {
		s.IamRoleArn = aws.String(testRole)
		if _, err := api.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: plan.RestoreTestingPlanName, RestoreTestingSelection: &s}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Hour) // 10:00: the plan fires
	out, err := api.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: plan.RestoreTestingPlanArn})
	if err != nil {
		t.Fatal(err)
	}
	e := &testingEnv{clk: clk, api: api, planARN: aws.ToString(plan.RestoreTestingPlanArn), jobs: map[string]string{}}
	for _, j := range out.RestoreJobs {
		e.jobs[aws.ToString(j.SourceResourceArn)] = aws.ToString(j.RestoreJobId)
	}
	if len(e.jobs) != 3 {
		t.Fatalf("restore tests started: %v; want one per resource", e.jobs)
	}
	return e
}

func (e *testingEnv) validate(t *testing.T, resource string, status types.RestoreValidationStatus, msg string) {
	t.Helper()
	if _, err := e.api.PutRestoreValidationResult(t.Context(), &awsbackup.PutRestoreValidationResultInput{
		RestoreJobId: aws.String(e.jobs[resource]), ValidationStatus: status, ValidationStatusMessage: aws.String(msg),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTestingResults(t *testing.T) {
	t.Parallel()
	e := newTestingEnv(t)
	ctx := t.Context()

	// 10:05: nothing has finished: every target is still in progress.
	e.clk.Advance(5 * time.Minute)
	rep, err := restore.TestingResults(ctx, e.api, e.planARN)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed || rep.Summary.Failed != 3 {
		t.Fatalf("in-flight report: passed %v, failed %d; want not passed, 3 failed", rep.Passed, rep.Summary.Failed)
	}
	for _, tr := range rep.Targets {
		if !strings.Contains(tr.Error, "in progress") {
			t.Errorf("%s: error %q; want in progress", tr.ResourceARN, tr.Error)
		}
	}

	// 10:20 the restores complete; volume A validates, the table fails
	// validation, volume B gets no result. 12:20 every window has closed.
	e.clk.Advance(15 * time.Minute)
	e.validate(t, rtVolA, types.RestoreValidationStatusSuccessful, "fsck clean")
	e.validate(t, rtTable, types.RestoreValidationStatusFailed, "row count 0")
	e.clk.Advance(2 * time.Hour)

	rep, err = restore.TestingResults(ctx, e.api, e.planARN, func(o *restore.TestingResultsOptions) {
		o.MaxRPO = 4 * time.Hour
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.DrillID != strings.TrimPrefix(e.planARN[strings.Index(e.planARN, "restore-testing-plan:"):], "restore-testing-plan:") {
		t.Errorf("DrillID = %q; want the plan's id from %s", rep.DrillID, e.planARN)
	}
	if got := rep.Audit.Settings[0]; got.Name != "restoreTestingPlanArn" || got.Value != e.planARN {
		t.Errorf("settings[0] = %+v; want the plan ARN", got)
	}
	if len(rep.Audit.Vaults) != 1 || rep.Audit.Vaults[0] != testVault || rep.Audit.RestoreRole != testRole {
		t.Errorf("audit = %+v; want vault %s, role %s", rep.Audit, testVault, testRole)
	}
	if !rep.StartedAt.Equal(epoch.Add(time.Hour)) || !rep.FinishedAt.Equal(epoch.Add(time.Hour+20*time.Minute)) {
		t.Errorf("report spans %s – %s; want the jobs' 10:00 – 10:20", rep.StartedAt, rep.FinishedAt)
	}

	a := resultFor(t, rep, rtVolA)
	if a.Status != restore.Passed || a.Validation != restore.Passed || a.Cleanup != restore.Deleted || a.Error != "" {
		t.Errorf("volume A = %+v; want passed, validated, deleted", a)
	}
	if a.RTORestore != 20*time.Minute || a.RTOTotal != 20*time.Minute {
		t.Errorf("volume A RTO restore %v, total %v; want the job's 20m", a.RTORestore, a.RTOTotal)
	}
	if a.RPO != 3*time.Hour || !a.RPOMet {
		t.Errorf("volume A RPO %v (met %v); want 3h (07:00 point, 10:00 test), met", a.RPO, a.RPOMet)
	}
	if a.RestoreJobID != e.jobs[rtVolA] || a.CreatedResourceARN == "" || a.RecoveryPointARN == "" {
		t.Errorf("volume A identifiers = %+v", a)
	}

	tbl := resultFor(t, rep, rtTable)
	if tbl.Status != restore.Failed || tbl.Validation != restore.Failed || tbl.ValidationMessage != "row count 0" || tbl.Cleanup != restore.Deleted {
		t.Errorf("table = %+v; want failed validation (row count 0), deleted", tbl)
	}

	b := resultFor(t, rep, rtVolB)
	if b.Status != restore.Failed || b.Validation != restore.Skipped || b.Cleanup != restore.Deleted || len(b.Notes) != 1 {
		t.Errorf("volume B = %+v; want failed: not validated, deleted, with a note", b)
	}
	if rep.Passed || rep.Summary.Passed != 1 || rep.Summary.Failed != 2 || rep.Summary.LeftBehind != 0 {
		t.Errorf("summary = %+v (passed %v); want 1 passed, 2 failed, nothing left", rep.Summary, rep.Passed)
	}

	// AcceptUnvalidated passes volume B; an RTO target of 10m fails all.
	rep, err = restore.TestingResults(ctx, e.api, e.planARN, func(o *restore.TestingResultsOptions) { o.AcceptUnvalidated = true })
	if err != nil {
		t.Fatal(err)
	}
	if b := resultFor(t, rep, rtVolB); b.Status != restore.Passed {
		t.Errorf("volume B with AcceptUnvalidated = %+v; want passed", b)
	}
	rep, err = restore.TestingResults(ctx, e.api, e.planARN, func(o *restore.TestingResultsOptions) {
		o.AcceptUnvalidated = true
		o.MaxRTO = 10 * time.Minute
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.MissedRTO != 3 || rep.Summary.Passed != 0 {
		t.Errorf("with MaxRTO 10m: summary %+v; want 3 missed RTOs, none passed", rep.Summary)
	}

	// Until before the run: no restore tests.
	_, err = restore.TestingResults(ctx, e.api, e.planARN, func(o *restore.TestingResultsOptions) { o.Until = epoch })
	if !errors.Is(err, restore.ErrNoRestoreTests) {
		t.Errorf("Until before the run: err = %v; want ErrNoRestoreTests", err)
	}
}

func TestTestingResultsRejectsBadInput(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var ve *restore.ValidationError
	for _, tc := range []struct {
		name  string
		plan  string
		opt   func(*restore.TestingResultsOptions)
		field string
	}{
		{"not an ARN", "nightly", nil, "planARN"},
		{"a backup plan ARN", "arn:aws:backup:us-east-1:123456789012:backup-plan:abc", nil, "planARN"},
		{"negative RTO", "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-1", func(o *restore.TestingResultsOptions) { o.MaxRTO = -time.Second }, "TestingResultsOptions.MaxRTO"},
		{"until before since", "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-1", func(o *restore.TestingResultsOptions) {
			o.Since, o.Until = epoch, epoch.Add(-time.Hour)
		}, "TestingResultsOptions.Until"},
	} {
		var opts []func(*restore.TestingResultsOptions)
		if tc.opt != nil {
			opts = append(opts, tc.opt)
		}
		// No call is made for bad input: a nil API would panic.
		_, err := restore.TestingResults(ctx, nil, tc.plan, opts...)
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: err = %v; want a validation error on %s", tc.name, err, tc.field)
		}
	}
}

// listJobs is a TestingResultsAPI that answers one fixed page: AWS reports
// states the emulator does not produce (a deletion that failed).
type listJobs []types.RestoreJobsListMember

func (l listJobs) ListRestoreJobs(context.Context, *awsbackup.ListRestoreJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListRestoreJobsOutput, error) {
	return &awsbackup.ListRestoreJobsOutput{RestoreJobs: l}, nil
}

func TestTestingResultsDeletionFailed(t *testing.T) {
	t.Parallel()
	created, done := epoch, epoch.Add(15*time.Minute)
	const restored = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0restored"
	api := listJobs{{
		RestoreJobId: aws.String("job-1"), Status: types.RestoreJobStatusCompleted, ResourceType: aws.String("EBS"),
		SourceResourceArn: aws.String(rtVolA), CreatedResourceArn: aws.String(restored),
		CreationDate: &created, CompletionDate: &done, RecoveryPointCreationDate: aws.Time(epoch.Add(-time.Hour)),
		ValidationStatus: types.RestoreValidationStatusSuccessful,
		DeletionStatus:   types.RestoreDeletionStatusFailed, DeletionStatusMessage: aws.String("DependencyViolation"),
	}}
	rep, err := restore.TestingResults(t.Context(), api, "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:nightly-1")
	if err != nil {
		t.Fatal(err)
	}
	tr := rep.Targets[0]
	if tr.Cleanup != restore.Left || tr.Status != restore.Failed || !strings.Contains(tr.Error, "DependencyViolation") {
		t.Errorf("target = %+v; want cleanup left, failed, naming AWS's message", tr)
	}
	if rep.Passed || len(rep.LeftBehind) != 1 || rep.LeftBehind[0] != restored || rep.Summary.LeftBehind != 1 {
		t.Errorf("report left behind %v (passed %v); want [%s]", rep.LeftBehind, rep.Passed, restored)
	}
	if tr.RTORestore != 15*time.Minute || tr.RPO != time.Hour {
		t.Errorf("RTO %v, RPO %v; want 15m, 1h", tr.RTORestore, tr.RPO)
	}
}
