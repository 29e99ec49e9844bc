package backuptest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func TestJobSummaries(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	env.backup(t, jobVolume)
	rp := env.backup(t, jobTable)
	env.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: jobVolume, Count: 1})
	env.backup(t, jobTable)
	failed := env.startBackup(t, jobVolume)
	env.clk.Advance(25 * time.Hour) // next day
	require.Equal(t, types.BackupJobStateFailed, env.describe(t, failed.BackupJobId).State)
	env.startBackup(t, jobVolume)

	out, err := env.c.ListBackupJobSummaries(ctx, &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: types.AggregationPeriodSevenDays})
	require.NoError(t, err)
	assert.Equal(t, "SEVEN_DAYS", aws.ToString(out.AggregationPeriod))
	counts := map[string]int32{}
	for _, s := range out.BackupJobSummaries {
		counts[aws.ToString(s.ResourceType)+"/"+string(s.State)] += s.Count
		assert.Equal(t, "us-east-1", aws.ToString(s.Region))
		assert.Equal(t, "123456789012", aws.ToString(s.AccountId))
	}
	assert.Equal(t, map[string]int32{"EBS/COMPLETED": 1, "EBS/FAILED": 1, "EBS/RUNNING": 1, "DynamoDB/COMPLETED": 2}, counts)

	agg, err := env.c.ListBackupJobSummaries(ctx, &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: types.AggregationPeriodFourteenDays,
		ResourceType: aws.String("AGGREGATE_ALL"), State: types.BackupJobStatusAggregateAll})
	require.NoError(t, err)
	var total int32
	for _, s := range agg.BackupJobSummaries {
		total += s.Count
		assert.Equal(t, "AGGREGATE_ALL", aws.ToString(s.ResourceType))
	}
	assert.Equal(t, int32(5), total)

	daily, err := env.c.ListBackupJobSummaries(ctx, &awsbackup.ListBackupJobSummariesInput{State: types.BackupJobStatusCompleted})
	require.NoError(t, err)
	assert.Equal(t, "ONE_DAY", aws.ToString(daily.AggregationPeriod))
	for _, s := range daily.BackupJobSummaries {
		assert.Equal(t, types.BackupJobStatusCompleted, s.State)
		assert.Equal(t, 24*time.Hour, s.EndTime.Sub(*s.StartTime))
	}

	eu := env.srv.ClientFor("123456789012", "eu-west-1")
	env.vault(t, eu, "dr")
	_, err = env.c.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{SourceBackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp),
		DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"), IamRoleArn: aws.String(jobRole)})
	require.NoError(t, err)
	_, err = env.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: aws.String(jobRole),
		Metadata: map[string]string{"targetTableName": "orders-copy"}})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)

	cs, err := env.c.ListCopyJobSummaries(ctx, &awsbackup.ListCopyJobSummariesInput{AggregationPeriod: types.AggregationPeriodSevenDays})
	require.NoError(t, err)
	require.Len(t, cs.CopyJobSummaries, 1)
	assert.Equal(t, types.CopyJobStatusCompleted, cs.CopyJobSummaries[0].State)
	assert.Equal(t, int32(1), cs.CopyJobSummaries[0].Count)

	rsum, err := env.c.ListRestoreJobSummaries(ctx, &awsbackup.ListRestoreJobSummariesInput{AggregationPeriod: types.AggregationPeriodSevenDays, ResourceType: aws.String("DynamoDB")})
	require.NoError(t, err)
	require.Len(t, rsum.RestoreJobSummaries, 1)
	assert.Equal(t, types.RestoreJobStateCompleted, rsum.RestoreJobSummaries[0].State)

	_, err = env.c.ListBackupJobSummaries(ctx, &awsbackup.ListBackupJobSummariesInput{AggregationPeriod: "ONE_YEAR"})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.ListRestoreJobSummaries(ctx, &awsbackup.ListRestoreJobSummariesInput{State: "DONE"})
	require.ErrorAs(t, err, &ipv)
}
