package backuptest_test

import (
	"fmt"
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

func TestDeleteRecoveryPoint(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobVolume)
	del := &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)}

	// In use by a running restore: InvalidResourceStateException.
	r, err := env.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
		Metadata: map[string]string{"availabilityZone": "us-east-1a"}})
	require.NoError(t, err)
	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	var irs *types.InvalidResourceStateException
	require.ErrorAs(t, err, &irs)
	env.clk.Advance(time.Hour)
	rd, err := env.c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: r.RestoreJobId})
	require.NoError(t, err)
	require.Equal(t, types.RestoreJobStatusCompleted, rd.Status)

	// Under legal hold: InvalidRequestException until the hold is canceled.
	hold, err := env.c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("lawsuit"), Description: aws.String("keep"),
		RecoveryPointSelection: &types.RecoveryPointSelection{VaultNames: []string{"main"}}})
	require.NoError(t, err)
	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
	assert.Contains(t, err.Error(), "legal hold")
	_, err = env.c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: hold.LegalHoldId, CancelDescription: aws.String("settled")})
	require.NoError(t, err)

	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	require.NoError(t, err)
	_, err = env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	require.ErrorAs(t, err, &nf)
	_, err = env.c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err, "the vault is empty again")
}

func TestDeleteRecoveryPointUnderVaultLock(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	_, err := env.c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("main"), MinRetentionDays: aws.Int64(7)})
	require.NoError(t, err)
	rpARN := env.backup(t, jobVolume)
	del := &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)}
	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
	assert.Contains(t, err.Error(), "Vault Lock")

	_, err = env.c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
		RecoveryPointArn: aws.String(rpARN), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(3)}})
	require.ErrorAs(t, err, &ire, "a lifecycle below the lock's minimum is refused")

	env.clk.Advance(7 * 24 * time.Hour)
	_, err = env.c.DeleteRecoveryPoint(ctx, del)
	require.NoError(t, err)
}

func TestUpdateRecoveryPointLifecycle(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobVolume)
	update := func(lc *types.Lifecycle) (*awsbackup.UpdateRecoveryPointLifecycleOutput, error) {
		return env.c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
			RecoveryPointArn: aws.String(rpARN), Lifecycle: lc})
	}
	out, err := update(&types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(100)})
	require.NoError(t, err)
	assert.Equal(t, jobT0.Add(100*24*time.Hour), out.CalculatedLifecycle.DeleteAt.UTC())
	assert.Equal(t, jobT0.Add(10*24*time.Hour), out.CalculatedLifecycle.MoveToColdStorageAt.UTC())
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:main", aws.ToString(out.BackupVaultArn))

	_, err = update(&types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(99)})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "+90 rule")

	env.clk.Advance(11 * 24 * time.Hour)
	d, err := env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, types.StorageClassCold, d.StorageClass)
	_, err = update(&types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(20), DeleteAfterDays: aws.Int64(200)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "cold storage transition cannot be changed once done")
	_, err = update(&types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(200)})
	require.NoError(t, err, "extending retention is fine")

	_, err = env.c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
		RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-none")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestRecoveryPointNotFoundInOtherVault(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	env.vault(t, env.c, "other")
	rpARN := env.backup(t, jobVolume)
	_, err := env.c.DescribeRecoveryPoint(t.Context(), &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("other"), RecoveryPointArn: aws.String(rpARN)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = env.c.GetRecoveryPointRestoreMetadata(t.Context(), &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("nope"), RecoveryPointArn: aws.String(rpARN)})
	require.ErrorAs(t, err, &nf)
	_, err = env.c.DisassociateRecoveryPoint(t.Context(), &awsbackup.DisassociateRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "only continuous backups can be disassociated")
}

func TestListRecoveryPointsByBackupVaultFilters(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	first := env.backup(t, jobVolume)
	env.backup(t, jobTable)
	last := env.backup(t, jobVolume)
	tests := []struct {
		name string
		in   awsbackup.ListRecoveryPointsByBackupVaultInput
		want int
	}{
		{"all", awsbackup.ListRecoveryPointsByBackupVaultInput{}, 3},
		{"by resource", awsbackup.ListRecoveryPointsByBackupVaultInput{ByResourceArn: aws.String(jobVolume)}, 2},
		{"by type", awsbackup.ListRecoveryPointsByBackupVaultInput{ByResourceType: aws.String("DynamoDB")}, 1},
		{"created after", awsbackup.ListRecoveryPointsByBackupVaultInput{ByCreatedAfter: aws.Time(jobT0.Add(30 * time.Minute))}, 2},
		{"created before", awsbackup.ListRecoveryPointsByBackupVaultInput{ByCreatedBefore: aws.Time(jobT0.Add(30 * time.Minute))}, 1},
		{"by plan", awsbackup.ListRecoveryPointsByBackupVaultInput{ByBackupPlanId: aws.String("plan-1")}, 0},
		{"by parent", awsbackup.ListRecoveryPointsByBackupVaultInput{ByParentRecoveryPointArn: aws.String(first)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			in.BackupVaultName = aws.String("main")
			out, err := env.c.ListRecoveryPointsByBackupVault(t.Context(), &in)
			require.NoError(t, err)
			assert.Len(t, out.RecoveryPoints, tt.want)
		})
	}
	out, err := env.c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	assert.Equal(t, last, aws.ToString(out.RecoveryPoints[0].RecoveryPointArn), "newest first")
	assert.Equal(t, first, aws.ToString(out.RecoveryPoints[2].RecoveryPointArn))

	byRes, err := env.c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(jobVolume)})
	require.NoError(t, err)
	require.Len(t, byRes.RecoveryPoints, 2)
	assert.Equal(t, last, aws.ToString(byRes.RecoveryPoints[0].RecoveryPointArn))
	assert.Equal(t, "main", aws.ToString(byRes.RecoveryPoints[0].BackupVaultName))
	assert.Equal(t, int64(8<<30), aws.ToInt64(byRes.RecoveryPoints[0].BackupSizeBytes))

	_, err = env.c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestSeedRecoveryPointsAndPaging(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	const n = 1200
	require.NoError(t, srv.SeedRecoveryPoints("", "", "bulk", n, func(i int) backuptest.Resource {
		return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:dynamodb:us-east-1:123456789012:table/t%d", i%10), SizeBytes: int64(i)}
	}))
	c := srv.Client()
	p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(c, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("bulk"), MaxResults: aws.Int32(500)})
	pages, total := 0, 0
	var prev *time.Time
	seen := map[string]bool{}
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		require.NoError(t, err)
		pages++
		for _, rp := range out.RecoveryPoints {
			total++
			seen[aws.ToString(rp.RecoveryPointArn)] = true
			if prev != nil {
				assert.False(t, rp.CreationDate.After(*prev), "newest first")
			}
			prev = rp.CreationDate
		}
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, n, total)
	assert.Len(t, seen, n)

	d, err := c.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bulk")})
	require.NoError(t, err)
	assert.Equal(t, int64(n), d.NumberOfRecoveryPoints)

	prs, err := c.ListProtectedResources(t.Context(), &awsbackup.ListProtectedResourcesInput{})
	require.NoError(t, err)
	assert.Len(t, prs.Results, 10)
	byRes, err := c.ListRecoveryPointsByResource(t.Context(), &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String("arn:aws:dynamodb:us-east-1:123456789012:table/t3")})
	require.NoError(t, err)
	assert.Len(t, byRes.RecoveryPoints, n/10)

	require.Error(t, srv.SeedRecoveryPoints("", "", "bad name!", 1, nil))
	require.Error(t, srv.SeedRecoveryPoints("", "", "bulk", 1, func(int) backuptest.Resource { return backuptest.Resource{ARN: "arn:aws:foo:us-east-1:1:bar"} }))
}

func BenchmarkListRecoveryPointsByBackupVault100k(b *testing.B) {
	srv := backuptest.NewServer(b)
	if err := srv.SeedRecoveryPoints("", "", "bench", 100_000, nil); err != nil {
		b.Fatal(err)
	}
	c := srv.Client()
	in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("bench"), MaxResults: aws.Int32(100)}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.ListRecoveryPointsByBackupVault(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeedRecoveryPoints(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		e := backuptest.New()
		if err := e.SeedRecoveryPoints("", "", "bench", 10_000, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRecoveryPointExpiresAtDeleteAt(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 0 })
	ctx := t.Context()
	start := func(res string, daysToKeep int64) string {
		t.Helper()
		out, err := env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(res),
			IamRoleArn: aws.String(jobRole), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(daysToKeep)}})
		require.NoError(t, err)
		require.Equal(t, types.BackupJobStateCompleted, env.describe(t, out.BackupJobId).State)
		return aws.ToString(out.RecoveryPointArn)
	}
	short := start(jobVolume, 1)
	extended := start(jobVolume, 1)
	held := start(jobTable, 1)
	_, err := env.c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
		RecoveryPointArn: aws.String(extended), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(3)}})
	require.NoError(t, err)
	hold, err := env.c.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d"),
		RecoveryPointSelection: &types.RecoveryPointSelection{ResourceIdentifiers: []string{jobTable}}})
	require.NoError(t, err)

	exists := func(rp string) bool {
		_, err := env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
		return err == nil
	}
	env.clk.Advance(24*time.Hour - time.Second)
	assert.True(t, exists(short))
	env.clk.Advance(time.Second)
	assert.False(t, exists(short), "gone at DeleteAt")
	assert.True(t, exists(extended), "its lifecycle was extended")
	assert.True(t, exists(held), "a legal hold keeps an expired point")

	_, err = env.c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: hold.LegalHoldId, CancelDescription: aws.String("over")})
	require.NoError(t, err)
	assert.False(t, exists(held), "deleted once the hold is canceled")
	env.clk.Advance(2 * 24 * time.Hour)
	assert.False(t, exists(extended))

	var deleted []time.Time
	for _, ev := range env.srv.Events() {
		if ev.DetailType == "Recovery Point State Change" && strings.Contains(string(ev.Detail), `"status":"DELETING"`) {
			deleted = append(deleted, ev.Time)
		}
	}
	assert.Equal(t, []time.Time{jobT0.Add(24 * time.Hour), jobT0.Add(24 * time.Hour), jobT0.Add(72 * time.Hour)}, deleted)
}
