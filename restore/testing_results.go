package restore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

// TestingResultsAPI is the part of the AWS Backup client TestingResults
// uses.
type TestingResultsAPI interface {
	ListRestoreJobs(context.Context, *awsbackup.ListRestoreJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListRestoreJobsOutput, error)
}

var _ TestingResultsAPI = (*awsbackup.Client)(nil)

// TestingResultsOptions adjust TestingResults.
type TestingResultsOptions struct {
	// Since and Until bound the creation time of the restore jobs read
	// (ListRestoreJobs ByCreatedAfter / ByCreatedBefore). Zero: unbounded.
	Since, Until time.Time
	// MaxRTO and MaxRPO are the targets every restore test is judged
	// against (0: none).
	MaxRTO, MaxRPO time.Duration
	// AcceptUnvalidated counts a restore test that completed and was
	// deleted without a validation result (PutRestoreValidationResult was
	// never called) as passed, its validation Skipped. Default: such a
	// test fails, as a drill target that was not validated does.
	AcceptUnvalidated bool
	// Now stamps the report's FinishedAt when no restore job has ended.
	// Default time.Now.
	Now func() time.Time
}

// TestingResults reads what an AWS Backup restore testing plan did, instead
// of running restores itself, and reports it as a drill Report: one target
// per restore job the plan started (ListRestoreJobs ByRestoreTestingPlanArn,
// newest first as AWS lists them).
//
// For each job: the RPO is the recovery point's age when the job was
// created; RTO restore and RTO total are the job's CompletionDate −
// CreationDate (AWS reports no time for validation); Validation is Passed
// for a SUCCESSFUL validation result, Failed for FAILED or TIMED_OUT, and
// Skipped without one; Cleanup is Deleted when AWS reports DeletionStatus
// SUCCESSFUL, Left (with the restored resource in LeftBehind) when it
// reports FAILED, and Skipped when the restore created nothing. A restore
// test still in progress — restore job not ended, validation window open or
// deletion not finished — fails with an error saying so; call after the
// selections' validation windows have closed, or bound the jobs with
// Until. A plan with no restore jobs is ErrNoRestoreTests.
//
// planARN is the restore testing plan's ARN (CreateRestoreTestingPlan,
// GetRestoreTestingPlan). The report's DrillID is the plan's resource id
// and its Audit settings name the plan.
func TestingResults(ctx context.Context, api TestingResultsAPI, planARN string, optFns ...func(*TestingResultsOptions)) (*Report, error) {
	o := TestingResultsOptions{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	id, err := testingPlanID(planARN)
	if err != nil {
		return nil, err
	}
	var errs []error
	if o.MaxRTO < 0 {
		errs = append(errs, &ValidationError{Field: "TestingResultsOptions.MaxRTO", Reason: fmt.Sprintf("is %v; want ≥ 0", o.MaxRTO)})
	}
	if o.MaxRPO < 0 {
		errs = append(errs, &ValidationError{Field: "TestingResultsOptions.MaxRPO", Reason: fmt.Sprintf("is %v; want ≥ 0", o.MaxRPO)})
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && !o.Until.After(o.Since) {
		errs = append(errs, &ValidationError{Field: "TestingResultsOptions.Until", Reason: "must be after Since"})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	in := &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String(planARN)}
	if !o.Since.IsZero() {
		in.ByCreatedAfter = aws.Time(o.Since)
	}
	if !o.Until.IsZero() {
		in.ByCreatedBefore = aws.Time(o.Until)
	}
	var jobs []types.RestoreJobsListMember
	for p := awsbackup.NewListRestoreJobsPaginator(api, in); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list restore jobs of restore testing plan %s: %w", planARN, err)
		}
		jobs = append(jobs, page.RestoreJobs...)
	}

	if len(jobs) == 0 {
		return nil, fmt.Errorf("restore testing plan %s: %w", planARN, ErrNoRestoreTests)
	}
	rep := &Report{SchemaVersion: ReportSchemaVersion, DrillID: id, MaxRTOSeconds: o.MaxRTO.Seconds(), MaxRPOSeconds: o.MaxRPO.Seconds()}
	rep.Audit.Settings = []Setting{{Name: "restoreTestingPlanArn", Value: planARN}}
	if !o.Since.IsZero() {
		rep.Audit.Settings = append(rep.Audit.Settings, Setting{Name: "since", Value: o.Since.UTC().Format(time.RFC3339)})
	}
	if !o.Until.IsZero() {
		rep.Audit.Settings = append(rep.Audit.Settings, Setting{Name: "until", Value: o.Until.UTC().Format(time.RFC3339)})
	}
	if a, err := arn.Parse(planARN); err == nil {
		rep.Audit.Account, rep.Audit.Region = a.AccountID, a.Region
	}
	var roles []string
	for _, j := range jobs {
		t := testingTarget(j, o)
		rep.Targets = append(rep.Targets, t)
		if rep.StartedAt.IsZero() || t.StartedAt.Before(rep.StartedAt) {
			rep.StartedAt = t.StartedAt
		}
		rep.FinishedAt = later(rep.FinishedAt, t.FinishedAt)
		if v := vaultName(aws.ToString(j.BackupVaultArn)); v != "" && !slices.Contains(rep.Audit.Vaults, v) {
			rep.Audit.Vaults = append(rep.Audit.Vaults, v)
		}
		if r := aws.ToString(j.IamRoleArn); r != "" && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	if len(roles) == 1 {
		rep.Audit.RestoreRole = roles[0]
	}
	if rep.FinishedAt.IsZero() {
		rep.FinishedAt = o.Now()
	}
	rep.summarize()
	return rep, nil
}

// testingPlanID returns the resource id of a restore testing plan ARN
// (arn:aws:backup:REGION:ACCOUNT:restore-testing-plan:ID).
func testingPlanID(planARN string) (string, error) {
	a, err := arn.Parse(planARN)
	id, ok := strings.CutPrefix(a.Resource, "restore-testing-plan:")
	if err != nil || a.Service != "backup" || !ok || id == "" {
		return "", &ValidationError{Field: "planARN", Reason: fmt.Sprintf("is %q; want a restore testing plan ARN arn:aws:backup:REGION:ACCOUNT:restore-testing-plan:ID", planARN)}
	}
	return id, nil
}

// vaultName is the name in a backup vault ARN, or "".
func vaultName(vaultARN string) string {
	a, err := arn.Parse(vaultARN)
	if err != nil {
		return ""
	}
	name, _ := strings.CutPrefix(a.Resource, "backup-vault:")
	return name
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// testingTarget is the drill result of one restore job of a restore
// testing plan.
func testingTarget(j types.RestoreJobsListMember, o TestingResultsOptions) TargetResult {
	created := aws.ToTime(j.CreationDate)
	t := TargetResult{
		ResourceARN:          aws.ToString(j.SourceResourceArn),
		ResourceType:         backup.ResourceType(aws.ToString(j.ResourceType)),
		RecoveryPointARN:     aws.ToString(j.RecoveryPointArn),
		RecoveryPointCreated: aws.ToTime(j.RecoveryPointCreationDate),
		RestoreJobID:         aws.ToString(j.RestoreJobId),
		CreatedResourceARN:   aws.ToString(j.CreatedResourceArn),
		MaxRTO:               o.MaxRTO,
		MaxRPO:               o.MaxRPO,
		PhaseSeconds:         map[string]float64{},
		Validation:           Skipped,
		Cleanup:              Skipped,
		StartedAt:            created,
		FinishedAt:           aws.ToTime(j.CompletionDate),
	}
	if !t.RecoveryPointCreated.IsZero() && !created.IsZero() {
		t.RPO = created.Sub(t.RecoveryPointCreated)
	}
	if j.CompletionDate != nil && !created.IsZero() {
		t.RTORestore = j.CompletionDate.Sub(created)
		t.PhaseSeconds[PhaseRestore] = t.RTORestore.Seconds()
	}
	switch j.Status {
	case types.RestoreJobStatusCompleted:
	case types.RestoreJobStatusFailed, types.RestoreJobStatusAborted:
		t.fail(fmt.Errorf("restore job %s %s: %s", t.RestoreJobID, j.Status, aws.ToString(j.StatusMessage)))
		t.finish(created)
		return t
	default:
		t.fail(fmt.Errorf("restore test in progress: restore job %s is %s", t.RestoreJobID, j.Status))
		t.finish(created)
		return t
	}
	t.RTOTotal = t.RTORestore
	msg := aws.ToString(j.ValidationStatusMessage)
	switch j.ValidationStatus {
	case types.RestoreValidationStatusSuccessful:
		t.Validation = Passed
	case types.RestoreValidationStatusFailed:
		t.Validation, t.ValidationMessage = Failed, msg
		t.fail(fmt.Errorf("validation failed: %s", msg))
	case types.RestoreValidationStatusTimedOut:
		t.Validation, t.ValidationMessage = Failed, "validation timed out"
		if msg != "" {
			t.ValidationMessage += ": " + msg
		}
		t.fail(errors.New(t.ValidationMessage))
	case types.RestoreValidationStatusValidating:
		if j.DeletionStatus == "" {
			t.fail(fmt.Errorf("restore test in progress: validation of restore job %s is running", t.RestoreJobID))
		}
	}
	switch j.DeletionStatus {
	case types.RestoreDeletionStatusSuccessful:
		t.Cleanup = Deleted
	case types.RestoreDeletionStatusFailed:
		t.Cleanup = Left
		t.LeftBehind = []string{t.CreatedResourceARN}
		t.fail(fmt.Errorf("AWS Backup could not delete %s: %s", t.CreatedResourceARN, aws.ToString(j.DeletionStatusMessage)))
	case types.RestoreDeletionStatusDeleting:
		t.fail(fmt.Errorf("restore test in progress: %s is being deleted", t.CreatedResourceARN))
	case "":
		if t.CreatedResourceARN != "" && j.ValidationStatus != types.RestoreValidationStatusValidating {
			t.fail(fmt.Errorf("restore test in progress: %s waits for validation", t.CreatedResourceARN))
		}
	}
	if t.Validation == Skipped && t.Cleanup == Deleted {
		t.Notes = append(t.Notes, "no validation result was sent (PutRestoreValidationResult)")
	}
	t.finish(created)
	if o.AcceptUnvalidated && t.Validation == Skipped && t.Error == "" && t.Cleanup == Deleted {
		t.RTOMet = o.MaxRTO == 0 || t.RTOTotal <= o.MaxRTO
		if t.RPOMet && t.RTOMet {
			t.Status = Passed
		}
	}
	return t
}
