package backuptest_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

// TestPlanAreaStateSurvivesSaveLoad saves plans, selections, frameworks,
// report plans and jobs, restore testing plans and tiering configurations,
// loads them into a fresh emulator, and reads them back through the SDK.
func TestPlanAreaStateSurvivesSaveLoad(t *testing.T) {
	t.Parallel()
	srv, c := newPlanServer(t)
	ctx := t.Context()

	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("persisted"), CreatorRequestId: aws.String("persist-1")})
	require.NoError(t, err)
	upd := dailyPlan("persisted")
	upd.Rules[0].StartWindowMinutes = aws.Int64(90)
	_, err = c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: plan.BackupPlanId, BackupPlan: upd})
	require.NoError(t, err)
	sel, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("all"), IamRoleArn: aws.String(testRole), Resources: []string{"*"},
			Conditions: &types.Conditions{StringEquals: []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("prod")}}}}})
	require.NoError(t, err)
	_, err = c.CreateFramework(ctx, &awsbackup.CreateFrameworkInput{FrameworkName: aws.String("fw"), FrameworkControls: sampleControls()})
	require.NoError(t, err)
	_, err = c.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{ReportPlanName: aws.String("jobs"),
		ReportDeliveryChannel: &types.ReportDeliveryChannel{S3BucketName: aws.String("reports")},
		ReportSetting:         &types.ReportSetting{ReportTemplate: aws.String("BACKUP_JOB_REPORT")}})
	require.NoError(t, err)
	job, err := c.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String("jobs")})
	require.NoError(t, err)
	_, err = c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("drill")})
	require.NoError(t, err)
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("drill"), RestoreTestingSelection: rtSelection("vols")})
	require.NoError(t, err)
	_, err = c.CreateTieringConfiguration(ctx, &awsbackup.CreateTieringConfigurationInput{TieringConfiguration: &types.TieringConfigurationInputForCreate{
		TieringConfigurationName: aws.String("tier"), BackupVaultName: aws.String("*"), ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}}})
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, srv.SaveState(&buf))
	srv2 := backuptest.NewServer(t)
	require.NoError(t, srv2.LoadState(&buf))
	c2 := srv2.Client()

	before, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	after, err := c2.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	assert.Equal(t, before.BackupPlan, after.BackupPlan)
	assert.Equal(t, aws.ToString(before.VersionId), aws.ToString(after.VersionId))
	assert.Equal(t, "persist-1", aws.ToString(after.CreatorRequestId))
	versions, err := c2.ListBackupPlanVersions(ctx, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	assert.Len(t, versions.BackupPlanVersionsList, 2)

	gotSel, err := c2.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: sel.SelectionId})
	require.NoError(t, err)
	assert.Equal(t, "prod", aws.ToString(gotSel.BackupSelection.Conditions.StringEquals[0].ConditionValue))
	// Selections still block deletion after a reload.
	_, err = c2.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)

	fw, err := c2.DescribeFramework(ctx, &awsbackup.DescribeFrameworkInput{FrameworkName: aws.String("fw")})
	require.NoError(t, err)
	assert.Len(t, fw.FrameworkControls, 3)
	rj, err := c2.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: job.ReportJobId})
	require.NoError(t, err)
	assert.Equal(t, "COMPLETED", aws.ToString(rj.ReportJob.Status))
	rts, err := c2.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("drill"), RestoreTestingSelectionName: aws.String("vols")})
	require.NoError(t, err)
	assert.Equal(t, "EBS", aws.ToString(rts.RestoreTestingSelection.ProtectedResourceType))
	tc, err := c2.GetTieringConfiguration(ctx, &awsbackup.GetTieringConfigurationInput{TieringConfigurationName: aws.String("tier")})
	require.NoError(t, err)
	assert.Equal(t, "*", aws.ToString(tc.TieringConfiguration.BackupVaultName))

	// Idempotency survives too: the same CreatorRequestId returns the same plan.
	again, err := c2.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("other"), CreatorRequestId: aws.String("persist-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(plan.BackupPlanId), aws.ToString(again.BackupPlanId))
}
