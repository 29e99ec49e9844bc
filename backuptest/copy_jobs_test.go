package backuptest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCopyJobCrossRegion(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobVolume)
	eu := env.srv.ClientFor("123456789012", "eu-west-1")
	drARN := env.vault(t, eu, "dr")

	in := &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN),
		DestinationBackupVaultArn: aws.String(drARN), IamRoleArn: aws.String(jobRole), IdempotencyToken: aws.String("copy-1"),
		Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(365)}}
	out, err := env.c.StartCopyJob(ctx, in)
	require.NoError(t, err)
	again, err := env.c.StartCopyJob(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.CopyJobId), aws.ToString(again.CopyJobId), "same idempotency token, same job")

	d, err := env.c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId})
	require.NoError(t, err)
	assert.Equal(t, types.CopyJobStateRunning, d.CopyJob.State)

	env.clk.Advance(time.Hour)
	d, err = env.c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: out.CopyJobId})
	require.NoError(t, err)
	assert.Equal(t, types.CopyJobStateCompleted, d.CopyJob.State)
	dst := aws.ToString(d.CopyJob.DestinationRecoveryPointArn)
	assert.Regexp(t, `^arn:aws:ec2:eu-west-1::snapshot/snap-`, dst)
	assert.Equal(t, rpARN, aws.ToString(d.CopyJob.SourceRecoveryPointArn))
	assert.Equal(t, int64(8<<30), aws.ToInt64(d.CopyJob.BackupSizeInBytes))

	list, err := eu.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("dr")})
	require.NoError(t, err)
	require.Len(t, list.RecoveryPoints, 1)
	got := list.RecoveryPoints[0]
	assert.Equal(t, dst, aws.ToString(got.RecoveryPointArn))
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:main", aws.ToString(got.SourceBackupVaultArn))
	assert.Equal(t, jobVolume, aws.ToString(got.ResourceArn))
	assert.Equal(t, int64(365), aws.ToInt64(got.Lifecycle.DeleteAfterDays))

	jobs, err := env.c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{ByDestinationVaultArn: aws.String(drARN), ByState: types.CopyJobStateCompleted})
	require.NoError(t, err)
	assert.Len(t, jobs.CopyJobs, 1)
	jobs, err = env.c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{ByResourceType: aws.String("RDS")})
	require.NoError(t, err)
	assert.Empty(t, jobs.CopyJobs)

	t.Run("errors", func(t *testing.T) {
		_, err := env.c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN),
			DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:missing"), IamRoleArn: aws.String(jobRole)})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
		_, err = env.c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-nope"),
			DestinationBackupVaultArn: aws.String(drARN), IamRoleArn: aws.String(jobRole)})
		require.ErrorAs(t, err, &nf)
		_, err = env.c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN),
			DestinationBackupVaultArn: aws.String("dr"), IamRoleArn: aws.String(jobRole)})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv)
	})
}

func TestCopyJobCrossAccount(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobVolume)
	other := env.srv.ClientFor("210987654321", "us-east-1")
	vaultARN := env.vault(t, other, "central")
	start := func() (*awsbackup.StartCopyJobOutput, error) {
		return env.c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN),
			DestinationBackupVaultArn: aws.String(vaultARN), IamRoleArn: aws.String(jobRole)})
	}
	_, err := start()
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "cross-account copy needs isCrossAccountBackupEnabled")

	_, err = env.c.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}})
	require.NoError(t, err)
	denied, err := start()
	require.NoError(t, err)
	_, err = other.PutBackupVaultAccessPolicy(ctx, &awsbackup.PutBackupVaultAccessPolicyInput{BackupVaultName: aws.String("central"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"backup:CopyIntoBackupVault","Resource":"*"}]}`)})
	require.NoError(t, err)
	allowed, err := start()
	require.NoError(t, err)
	env.clk.Advance(time.Hour)

	d, err := env.c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: denied.CopyJobId})
	require.NoError(t, err)
	assert.Equal(t, types.CopyJobStateFailed, d.CopyJob.State)
	assert.Contains(t, aws.ToString(d.CopyJob.StatusMessage), "Access denied")
	assert.Equal(t, "ACCESS_DENIED", aws.ToString(d.CopyJob.MessageCategory))

	d, err = env.c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: allowed.CopyJobId})
	require.NoError(t, err)
	assert.Equal(t, types.CopyJobStateCompleted, d.CopyJob.State)
	list, err := other.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("central")})
	require.NoError(t, err)
	require.Len(t, list.RecoveryPoints, 1)
	assert.Equal(t, aws.ToString(d.CopyJob.DestinationRecoveryPointArn), aws.ToString(list.RecoveryPoints[0].RecoveryPointArn))
}

func TestCopyJobEvents(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	rpARN := env.backup(t, jobVolume)
	eu := env.srv.ClientFor("123456789012", "eu-west-1")
	drARN := env.vault(t, eu, "dr")
	out, err := env.c.StartCopyJob(t.Context(), &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN),
		DestinationBackupVaultArn: aws.String(drARN), IamRoleArn: aws.String(jobRole)})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	env.srv.Advance()
	var got []string
	for _, ev := range env.srv.Events() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(ev.Detail, &m))
		switch {
		case ev.DetailType == "Copy Job State Change" && m["copyJobId"] == aws.ToString(out.CopyJobId):
			got = append(got, ev.Region+":copy:"+m["state"].(string))
		case ev.DetailType == "Recovery Point State Change" && m["backupVaultName"] == "dr":
			got = append(got, ev.Region+":rp:"+m["status"].(string))
		}
	}
	assert.Equal(t, []string{"us-east-1:copy:CREATED", "us-east-1:copy:RUNNING", "us-east-1:copy:COMPLETED", "eu-west-1:rp:COMPLETED"}, got)
}
