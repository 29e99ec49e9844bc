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

// AWS Backup developer guide, "Continuous backups and point-in-time
// recovery (PITR)" (point-in-time-recovery.html): "The continuous backup
// plan creates one continuous recovery point and updates that recovery
// point whenever the job runs"; restores rewind "to a specific time that you
// choose ... going back a maximum of 35 days"; RDS, Aurora, S3 and SAP HANA
// support it, other types fall back to snapshots.

const pitrDB = "arn:aws:rds:us-east-1:123456789012:db:orders"

func TestContinuousBackupKeepsOnePointCurrent(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	c := env.c
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: pitrDB, SizeBytes: 20 << 30, Tags: map[string]string{"backup": "daily"}}))
	rule := runRule()
	rule.EnableContinuousBackup = aws.Bool(true)
	rule.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(7)}
	env.plan(t, types.BackupSelection{Resources: []string{pitrDB, runVolA}}, rule)

	env.clk.Advance(3 * 24 * time.Hour) // fires 03-01, 03-02, 03-03 at 05:00
	jobs, err := c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByResourceArn: aws.String(pitrDB)})
	require.NoError(t, err)
	require.Len(t, jobs.BackupJobs, 3)
	cont := aws.ToString(jobs.BackupJobs[0].RecoveryPointArn)
	assert.Contains(t, cont, ":recovery-point:continuous:")
	for _, j := range jobs.BackupJobs {
		assert.Equal(t, cont, aws.ToString(j.RecoveryPointArn), "every run updates the one continuous point")
		assert.Equal(t, types.BackupJobStateCompleted, j.State)
	}
	pts, err := c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(pitrDB)})
	require.NoError(t, err)
	require.Len(t, pts.RecoveryPoints, 1)
	vol, err := c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(runVolA)})
	require.NoError(t, err)
	require.Len(t, vol.RecoveryPoints, 3, "EBS has no continuous backup: snapshots")
	snap := aws.ToString(vol.RecoveryPoints[0].RecoveryPointArn)

	restore := func(rp string, md map[string]string) error {
		_, err := c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rp), IamRoleArn: aws.String(testRole), Metadata: md})
		return err
	}
	db := func(extra ...string) map[string]string {
		md := map[string]string{"DBInstanceIdentifier": "orders-pitr"}
		for i := 0; i+1 < len(extra); i += 2 {
			md[extra[i]] = extra[i+1]
		}
		return md
	}
	firstBackup := time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)
	now := env.clk.Now()
	var ipv *types.InvalidParameterValueException
	// Inside the window: from the first backup to now.
	require.NoError(t, restore(cont, db("restoreTime", firstBackup.Add(time.Hour).Format(time.RFC3339))))
	require.NoError(t, restore(cont, db("RestoreTime", now.Add(-time.Minute).Format(time.RFC3339))), "keys are case-insensitive; the window reaches now")
	require.NoError(t, restore(cont, db("useLatestRestorableTime", "true")))
	require.NoError(t, restore(cont, db()), "no time: the latest")
	// Outside it.
	err = restore(cont, db("restoreTime", firstBackup.Add(-time.Hour).Format(time.RFC3339)))
	require.ErrorAs(t, err, &ipv)
	assert.Contains(t, err.Error(), "outside the recovery point's restorable window 2026-03-01T05:00:00Z to ")
	require.ErrorAs(t, restore(cont, db("restoreTime", now.Add(time.Hour).Format(time.RFC3339))), &ipv)
	require.ErrorAs(t, restore(cont, db("restoreTime", "yesterday")), &ipv)
	require.ErrorAs(t, restore(cont, db("restoreTime", now.Format(time.RFC3339), "useLatestRestorableTime", "true")), &ipv)
	// A snapshot has no point in time.
	err = restore(snap, map[string]string{"restoreTime": now.Format(time.RFC3339)})
	require.ErrorAs(t, err, &ipv)
	assert.Contains(t, err.Error(), "only for continuous recovery points")

	// Ten days on: snapshots past their 7 days expired; the continuous point
	// stays, and its window covers only the last 7 days.
	env.clk.Advance(10 * 24 * time.Hour)
	pts, err = c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(pitrDB)})
	require.NoError(t, err)
	require.Len(t, pts.RecoveryPoints, 1)
	assert.Equal(t, cont, aws.ToString(pts.RecoveryPoints[0].RecoveryPointArn))
	_, err = c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(snap)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the first snapshot expired")
	now = env.clk.Now()
	require.ErrorAs(t, restore(cont, db("restoreTime", firstBackup.Add(time.Hour).Format(time.RFC3339))), &ipv)
	require.NoError(t, restore(cont, db("restoreTime", now.Add(-6*24*time.Hour).Format(time.RFC3339))))

	// A resource that is gone keeps the window up to its last backup.
	require.True(t, env.srv.DeleteResource(pitrDB))
	env.clk.Advance(2 * 24 * time.Hour)
	err = restore(cont, db("restoreTime", env.clk.Now().Add(-time.Hour).Format(time.RFC3339)))
	require.ErrorAs(t, err, &ipv)
	assert.True(t, strings.Contains(err.Error(), "restorable window"), err.Error())
}
