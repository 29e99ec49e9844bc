package backuptest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// The behaviour pinned here is the AWS Backup developer guide's "Restore
// testing" page (docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html):
// "When the scheduled time in your plan arrives, AWS Backup starts restore
// jobs based on your plan", and "Once the optional validation completes or
// the validation window closes, AWS Backup deletes the resources involved
// with the restore test"; the API reference's RestoreTestingRecoveryPointSelection
// (Algorithm, IncludeVaults, ExcludeVaults, RecoveryPointTypes,
// SelectionWindowDays), RestoreTestingSelectionForCreate and
// ProtectedResourceConditions (StringEquals "exact matching",
// StringNotEquals "negated matching"), RestoreJobsListMember (CreatedBy,
// DeletionStatus DELETING | FAILED | SUCCESSFUL, ValidationStatus) and
// PutRestoreValidationResult; and "Restore testing inferred metadata"
// (restore-testing-inferred-metadata.html: targetTableName "random value
// starting with awsbackup-restore-test-", keys not case sensitive).

const rtRole = "arn:aws:iam::123456789012:role/restore-testing"

// seedPoint adds one COMPLETED recovery point of res to vault at time at.
func seedPoint(t *testing.T, env runEnv, vault string, at time.Time, res backuptest.Resource) {
	t.Helper()
	env.clk.Set(at)
	require.NoError(t, env.srv.SeedRecoveryPoints("", "", vault, 1, func(int) backuptest.Resource { return res }))
}

// testingJobs lists the restore jobs of a restore testing plan, newest first.
func testingJobs(t *testing.T, c *awsbackup.Client, planARN string) []types.RestoreJobsListMember {
	t.Helper()
	out, err := c.ListRestoreJobs(t.Context(), &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String(planARN)})
	require.NoError(t, err)
	return out.RestoreJobs
}

func describeRestore(t *testing.T, c *awsbackup.Client, id *string) *awsbackup.DescribeRestoreJobOutput {
	t.Helper()
	d, err := c.DescribeRestoreJob(t.Context(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: id})
	require.NoError(t, err)
	return d
}

func TestRestoreTestingPlanRuns(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(runT0)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = 10 * time.Minute
		o.DeleteDuration = 5 * time.Minute
		o.RunPlans = true
	})
	env := runEnv{srv: srv, c: srv.Client(), clk: clk}
	ctx := t.Context()
	c := env.c
	volA := backuptest.Resource{ARN: runVolA, SizeBytes: 1 << 30, Tags: map[string]string{"backup": "daily"}}
	volB := backuptest.Resource{ARN: runVolB, SizeBytes: 1 << 30, Tags: map[string]string{"backup": "daily", "env": "test"}}
	volC := backuptest.Resource{ARN: runVolC, SizeBytes: 1 << 30}
	table := backuptest.Resource{ARN: runTable, SizeBytes: 1 << 20, Tags: map[string]string{"backup": "daily"}}
	for _, r := range []backuptest.Resource{volA, volB, volC, table} {
		require.NoError(t, srv.PutResource(r))
	}

	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	seedPoint(t, env, "main", day(1, 4), volA)      // outside the 2-day window at 03-03 06:00
	seedPoint(t, env, "main", day(2, 12), volA)     // inside
	seedPoint(t, env, "main", day(3, 3), volA)      // inside, newest: LATEST_WITHIN_WINDOW picks it
	seedPoint(t, env, "excluded", day(3, 3), volB)  // vault excluded (and env=test)
	seedPoint(t, env, "main", day(3, 3), volC)      // no backup=daily tag
	seedPoint(t, env, "main", day(3, 4), table)     // picked by ARN
	seedPoint(t, env, "excluded", day(3, 4), table) // vault excluded
	env.clk.Set(day(3, 5))

	pts, err := c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	var wantEBS, wantTable string
	for _, p := range pts.RecoveryPoints {
		switch {
		case aws.ToString(p.ResourceArn) == runVolA && p.CreationDate.Equal(day(3, 3)):
			wantEBS = aws.ToString(p.RecoveryPointArn)
		case aws.ToString(p.ResourceArn) == runTable:
			wantTable = aws.ToString(p.RecoveryPointArn)
		}
	}
	require.NotEmpty(t, wantEBS)
	require.NotEmpty(t, wantTable)
	excluded, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("excluded")})
	require.NoError(t, err)

	plan, err := c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("daily_test"),
		ScheduleExpression:     aws.String("cron(0 6 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
			Algorithm:           types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults:       []string{"*"},
			ExcludeVaults:       []string{aws.ToString(excluded.BackupVaultArn)},
			RecoveryPointTypes:  []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot},
			SelectionWindowDays: 2,
		},
	}})
	require.NoError(t, err)
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: plan.RestoreTestingPlanName,
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String("ebs"), ProtectedResourceType: aws.String("EBS"), IamRoleArn: aws.String(rtRole),
			ProtectedResourceArns: []string{"*"},
			ProtectedResourceConditions: &types.ProtectedResourceConditions{
				StringEquals:    []types.KeyValue{{Key: aws.String("aws:ResourceTag/backup"), Value: aws.String("daily")}},
				StringNotEquals: []types.KeyValue{{Key: aws.String("aws:ResourceTag/env"), Value: aws.String("test")}},
			},
			ValidationWindowHours: aws.Int32(2),
		},
	})
	require.NoError(t, err)
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: plan.RestoreTestingPlanName,
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String("tables"), ProtectedResourceType: aws.String("DynamoDB"), IamRoleArn: aws.String(rtRole),
			ProtectedResourceArns:    []string{runTable},
			RestoreMetadataOverrides: map[string]string{"TargetTableName": "orders_restore_test"},
			ValidationWindowHours:    aws.Int32(1),
		},
	})
	require.NoError(t, err)

	// Nothing before the scheduled time.
	env.clk.Advance(59 * time.Minute)
	assert.Empty(t, testingJobs(t, c, aws.ToString(plan.RestoreTestingPlanArn)))

	// 06:00: one job per matching protected resource, created at the firing.
	env.clk.Advance(time.Minute)
	jobs := testingJobs(t, c, aws.ToString(plan.RestoreTestingPlanArn))
	require.Len(t, jobs, 2, "%+v", jobs)
	byType := map[string]types.RestoreJobsListMember{}
	for _, j := range jobs {
		byType[aws.ToString(j.ResourceType)] = j
		assert.Equal(t, plan.RestoreTestingPlanArn, j.CreatedBy.RestoreTestingPlanArn)
		assert.Equal(t, day(3, 6), aws.ToTime(j.CreationDate))
		assert.Equal(t, rtRole, aws.ToString(j.IamRoleArn))
	}
	ebsJob, tableJob := byType["EBS"], byType["DynamoDB"]
	assert.Equal(t, wantEBS, aws.ToString(ebsJob.RecoveryPointArn), "the newest point within the window")
	assert.Equal(t, runVolA, aws.ToString(ebsJob.SourceResourceArn))
	assert.Equal(t, wantTable, aws.ToString(tableJob.RecoveryPointArn))
	md, err := c.GetRestoreJobMetadata(ctx, &awsbackup.GetRestoreJobMetadataInput{RestoreJobId: tableJob.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, "orders_restore_test", md.Metadata["TargetTableName"], "the selection's override")
	assert.NotContains(t, md.Metadata, "targetTableName", "keys are not case sensitive: the override replaces the inferred key")
	got, err := c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: plan.RestoreTestingPlanName})
	require.NoError(t, err)
	assert.Equal(t, day(3, 6), aws.ToTime(got.RestoreTestingPlan.LastExecutionTime))

	// 06:10: both restored; nothing deleted while the windows are open.
	env.clk.Advance(10 * time.Minute)
	ebs := describeRestore(t, c, ebsJob.RestoreJobId)
	tbl := describeRestore(t, c, tableJob.RestoreJobId)
	require.Equal(t, types.RestoreJobStatusCompleted, ebs.Status)
	require.Equal(t, types.RestoreJobStatusCompleted, tbl.Status)
	assert.Empty(t, ebs.DeletionStatus)
	assert.Equal(t, "arn:aws:dynamodb:us-east-1:123456789012:table/orders_restore_test", aws.ToString(tbl.CreatedResourceArn))
	_, ok := srv.Resource(aws.ToString(ebs.CreatedResourceArn))
	require.True(t, ok, "the restored volume exists during validation")

	// A final validation result deletes the restored resource at once.
	_, err = c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{
		RestoreJobId: ebsJob.RestoreJobId, ValidationStatus: types.RestoreValidationStatusSuccessful, ValidationStatusMessage: aws.String("checksums match"),
	})
	require.NoError(t, err)
	ebs = describeRestore(t, c, ebsJob.RestoreJobId)
	assert.Equal(t, types.RestoreValidationStatusSuccessful, ebs.ValidationStatus)
	assert.Equal(t, "checksums match", aws.ToString(ebs.ValidationStatusMessage))
	assert.Equal(t, types.RestoreDeletionStatusDeleting, ebs.DeletionStatus)
	_, err = c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{
		RestoreJobId: tableJob.RestoreJobId, ValidationStatus: types.RestoreValidationStatusValidating,
	})
	require.NoError(t, err)
	env.clk.Advance(5 * time.Minute) // 06:15: the volume's deletion is done
	ebs = describeRestore(t, c, ebsJob.RestoreJobId)
	assert.Equal(t, types.RestoreDeletionStatusSuccessful, ebs.DeletionStatus)
	_, ok = srv.Resource(aws.ToString(ebs.CreatedResourceArn))
	assert.False(t, ok, "the restored volume is deleted")
	tbl = describeRestore(t, c, tableJob.RestoreJobId)
	assert.Empty(t, tbl.DeletionStatus, "still validating within its 1-hour window")
	assert.Equal(t, types.RestoreValidationStatusValidating, tbl.ValidationStatus)

	// 07:10: the table's window closes: still VALIDATING becomes TIMED_OUT
	// and the table is deleted.
	env.clk.Advance(55 * time.Minute)
	tbl = describeRestore(t, c, tableJob.RestoreJobId)
	assert.Equal(t, types.RestoreValidationStatusTimedOut, tbl.ValidationStatus)
	assert.Equal(t, types.RestoreDeletionStatusDeleting, tbl.DeletionStatus)
	env.clk.Advance(5 * time.Minute)
	tbl = describeRestore(t, c, tableJob.RestoreJobId)
	assert.Equal(t, types.RestoreDeletionStatusSuccessful, tbl.DeletionStatus)
	_, ok = srv.Resource(aws.ToString(tbl.CreatedResourceArn))
	assert.False(t, ok)

	// The jobs are listed by their protected resource.
	byRes, err := c.ListRestoreJobsByProtectedResource(ctx, &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(runTable)})
	require.NoError(t, err)
	require.Len(t, byRes.RestoreJobs, 1)
	assert.Equal(t, tableJob.RestoreJobId, byRes.RestoreJobs[0].RestoreJobId)
	assert.Equal(t, types.RestoreDeletionStatusSuccessful, byRes.RestoreJobs[0].DeletionStatus)

	// The next day's run restores the same points again (still within two days).
	env.clk.Set(day(4, 6))
	assert.Len(t, testingJobs(t, c, aws.ToString(plan.RestoreTestingPlanArn)), 4)
}

func TestRestoreTestingInferredMetadataNamesANewResource(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, false)
	seedPoint(t, env, "main", runT0, backuptest.Resource{ARN: runTable, SizeBytes: 1 << 20})
	pts, err := env.c.ListRecoveryPointsByBackupVault(t.Context(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	require.Len(t, pts.RecoveryPoints, 1)
	got, err := env.c.GetRestoreTestingInferredMetadata(t.Context(), &awsbackup.GetRestoreTestingInferredMetadataInput{
		BackupVaultName: aws.String("main"), RecoveryPointArn: pts.RecoveryPoints[0].RecoveryPointArn,
	})
	require.NoError(t, err)
	name := got.InferredMetadata["targetTableName"]
	assert.True(t, strings.HasPrefix(name, "awsbackup-restore-test-"), "targetTableName %q", name)
	assert.Equal(t, "Default", got.InferredMetadata["encryptionType"])
}

// randomPicks runs a RANDOM_WITHIN_WINDOW plan daily for a week over ten
// points of one volume and returns the creation dates of the points its
// restore jobs picked, oldest job first.
func randomPicks(t *testing.T, seed uint64, types_ []types.RestoreTestingRecoveryPointType) []time.Time {
	t.Helper()
	clk := backuptest.NewManualClock(runT0)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock = clk
		o.RunPlans = true
		o.Seed = seed
	})
	c := srv.Client()
	ctx := t.Context()
	require.NoError(t, srv.SeedRecoveryPoints("", "", "main", 10, func(int) backuptest.Resource {
		return backuptest.Resource{ARN: runVolA, SizeBytes: 1 << 30}
	}))
	plan, err := c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("random"),
		ScheduleExpression:     aws.String("cron(0 6 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
			Algorithm:          types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow,
			IncludeVaults:      []string{"arn:aws:backup:us-east-1:123456789012:backup-vault:ma*"},
			RecoveryPointTypes: types_,
		},
	}})
	require.NoError(t, err)
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: plan.RestoreTestingPlanName,
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String("ebs"), ProtectedResourceType: aws.String("EBS"), IamRoleArn: aws.String(rtRole),
			ProtectedResourceArns: []string{runVolA},
		},
	})
	require.NoError(t, err)
	clk.Advance(7 * 24 * time.Hour)
	jobs := testingJobs(t, c, aws.ToString(plan.RestoreTestingPlanArn))
	var out []time.Time
	for i := len(jobs) - 1; i >= 0; i-- {
		out = append(out, aws.ToTime(jobs[i].RecoveryPointCreationDate))
	}
	return out
}

func TestRestoreTestingRandomWithinWindowIsSeeded(t *testing.T) {
	t.Parallel()
	snap := []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot}
	a := randomPicks(t, 7, snap)
	require.Len(t, a, 7, "one restore test a day")
	assert.Equal(t, a, randomPicks(t, 7, snap), "the same seed picks the same points")
	first, last := runT0.Add(-9*time.Second), runT0
	distinct := map[time.Time]bool{}
	for _, p := range a {
		assert.False(t, p.Before(first) || p.After(last), "pick %s is one of the seeded points", p)
		distinct[p] = true
	}
	assert.Greater(t, len(distinct), 1, "random picks vary across runs: %v", a)
	// Only snapshots exist: a plan for continuous points restores nothing.
	assert.Empty(t, randomPicks(t, 7, []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeContinuous}))
}

// TestRestoreTestsSurviveSaveAndLoadState saves the state while a restore
// test waits for validation (--state): after loading, the plan does not
// fire again for the saved firing, the validation window still closes, and
// the restored resource is deleted.
func TestRestoreTestsSurviveSaveAndLoadState(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	seedPoint(t, env, "main", runT0, backuptest.Resource{ARN: runVolA, SizeBytes: 1 << 30})
	plan, err := env.c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("saved"), ScheduleExpression: aws.String("cron(0 6 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
			Algorithm: types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow, IncludeVaults: []string{"*"},
			RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot},
		},
	}})
	require.NoError(t, err)
	_, err = env.c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: plan.RestoreTestingPlanName,
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String("ebs"), ProtectedResourceType: aws.String("EBS"), IamRoleArn: aws.String(rtRole),
			ProtectedResourceArns: []string{runVolA}, ValidationWindowHours: aws.Int32(3),
		},
	})
	require.NoError(t, err)
	env.clk.Advance(6*time.Hour + 10*time.Minute) // 06:10: restored, validating
	jobs := testingJobs(t, env.c, aws.ToString(plan.RestoreTestingPlanArn))
	require.Len(t, jobs, 1)
	require.Equal(t, types.RestoreJobStatusCompleted, jobs[0].Status)

	var buf strings.Builder
	require.NoError(t, env.srv.SaveState(&buf))
	srv2 := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = env.clk; o.RunPlans = true })
	require.NoError(t, srv2.LoadState(strings.NewReader(buf.String())))
	c2 := srv2.Client()
	env.clk.Advance(3 * time.Hour) // 09:10: the window closed at 09:10
	jobs = testingJobs(t, c2, aws.ToString(plan.RestoreTestingPlanArn))
	require.Len(t, jobs, 1, "the saved firing does not run again")
	assert.Equal(t, types.RestoreDeletionStatusSuccessful, jobs[0].DeletionStatus)
	_, ok := srv2.Resource(aws.ToString(jobs[0].CreatedResourceArn))
	assert.False(t, ok)
}
