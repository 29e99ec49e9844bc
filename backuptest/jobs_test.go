package backuptest_test

import (
	"context"
	"errors"
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

const (
	jobRole   = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	jobVolume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	jobTable  = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
)

var jobT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// jobEnv is an emulator on a manual clock with a vault "main", an 8 GiB
// EBS volume and a DynamoDB table in the inventory; jobs take one hour.
type jobEnv struct {
	srv *backuptest.Server
	c   *awsbackup.Client
	clk *backuptest.ManualClock
}

func newJobEnv(t *testing.T, optFns ...func(*backuptest.Options)) jobEnv {
	t.Helper()
	clk := backuptest.NewManualClock(jobT0)
	fns := append([]func(*backuptest.Options){func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = time.Hour
	}}, optFns...)
	srv := backuptest.NewServer(t, fns...)
	env := jobEnv{srv: srv, c: srv.Client(), clk: clk}
	env.vault(t, env.c, "main")
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: jobVolume, SizeBytes: 8 << 30, Tags: map[string]string{"env": "prod"},
		Fingerprint: "vol-content-1", Attributes: map[string]string{"volumeType": "io2"}}))
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: jobTable, SizeBytes: 1 << 20, Fingerprint: "orders-v1",
		Attributes: map[string]string{"itemCount": "42"}}))
	return env
}

func (env jobEnv) vault(t *testing.T, c *awsbackup.Client, name string) string {
	t.Helper()
	out, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name)})
	require.NoError(t, err)
	return aws.ToString(out.BackupVaultArn)
}

func (env jobEnv) startBackup(t *testing.T, resourceARN string) *awsbackup.StartBackupJobOutput {
	t.Helper()
	out, err := env.c.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("main"), ResourceArn: aws.String(resourceARN), IamRoleArn: aws.String(jobRole),
	})
	require.NoError(t, err)
	return out
}

// backup runs a backup of resourceARN to completion and returns the
// recovery point ARN.
func (env jobEnv) backup(t *testing.T, resourceARN string) string {
	t.Helper()
	out := env.startBackup(t, resourceARN)
	env.clk.Advance(time.Hour)
	d, err := env.c.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: out.BackupJobId})
	require.NoError(t, err)
	require.Equal(t, types.BackupJobStateCompleted, d.State)
	return aws.ToString(d.RecoveryPointArn)
}

func (env jobEnv) describe(t *testing.T, id *string) *awsbackup.DescribeBackupJobOutput {
	t.Helper()
	d, err := env.c.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: id})
	require.NoError(t, err)
	return d
}

func TestJobsAdvanceWithoutRequest(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	env.startBackup(t, jobVolume)
	env.startBackup(t, jobTable)
	env.clk.Advance(2 * time.Hour)
	env.srv.Advance()
	var types []string
	var times []time.Time
	for _, ev := range env.srv.Events() {
		types = append(types, ev.DetailType)
		times = append(times, ev.Time)
	}
	assert.Len(t, types, 8, "2 × (CREATED, RUNNING, COMPLETED, recovery point)")
	for i := 1; i < len(times); i++ {
		assert.False(t, times[i].Before(times[i-1]), "events in time order: %v", times)
	}
}

func TestJobsSurviveSaveAndLoadState(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	done := env.backup(t, jobVolume)
	running := env.startBackup(t, jobTable)
	env.clk.Advance(10 * time.Minute)
	stopped := env.startBackup(t, jobVolume)
	_, err := env.c.StopBackupJob(t.Context(), &awsbackup.StopBackupJobInput{BackupJobId: stopped.BackupJobId})
	require.NoError(t, err)
	env.clk.Advance(10 * time.Minute)
	d := env.describe(t, stopped.BackupJobId)
	require.Equal(t, types.BackupJobStateAborted, d.State)
	pct := aws.ToString(d.PercentDone)
	env.clk.Advance(10 * time.Minute)
	assert.Equal(t, pct, aws.ToString(env.describe(t, stopped.BackupJobId).PercentDone), "an aborted job's progress stays put")

	var buf strings.Builder
	require.NoError(t, env.srv.SaveState(&buf))
	srv2 := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = env.clk; o.JobDuration = time.Hour })
	require.NoError(t, srv2.LoadState(strings.NewReader(buf.String())))
	c2 := srv2.Client()

	d2, err := c2.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: running.BackupJobId})
	require.NoError(t, err)
	assert.Equal(t, types.BackupJobStateRunning, d2.State)
	env.clk.Advance(time.Hour)
	d2, err = c2.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: running.BackupJobId})
	require.NoError(t, err)
	assert.Equal(t, types.BackupJobStateCompleted, d2.State, "a job running when the state was saved finishes after loading")
	list, err := c2.ListRecoveryPointsByBackupVault(t.Context(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	var arns []string
	for _, rp := range list.RecoveryPoints {
		arns = append(arns, aws.ToString(rp.RecoveryPointArn))
	}
	assert.Equal(t, []string{aws.ToString(d2.RecoveryPointArn), done}, arns)
}

func TestListJobsAcrossAccounts(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	env.startBackup(t, jobVolume)
	other := env.srv.ClientFor("210987654321", "us-east-1")
	env.vault(t, other, "theirs")
	theirVol := "arn:aws:ec2:us-east-1:210987654321:volume/vol-theirs"
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: theirVol}))
	_, err := other.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("theirs"), ResourceArn: aws.String(theirVol), IamRoleArn: aws.String("arn:aws:iam::210987654321:role/backup")})
	require.NoError(t, err)
	_, err = env.c.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(theirVol), IamRoleArn: aws.String(jobRole)})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "another account's resource")

	tests := []struct {
		account string
		want    int
	}{{"", 1}, {"*", 2}, {"210987654321", 1}}
	for _, tt := range tests {
		out, err := env.c.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{ByAccountId: aws.String(tt.account)})
		require.NoError(t, err)
		assert.Len(t, out.BackupJobs, tt.want, "ByAccountId %q", tt.account)
	}
	_, err = env.c.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{ByAccountId: aws.String("12")})
	require.ErrorAs(t, err, &ipv)
	_, err = other.DescribeBackupJob(t.Context(), &awsbackup.DescribeBackupJobInput{BackupJobId: env.startBackup(t, jobVolume).BackupJobId})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "jobs are per account")
}

func TestConcurrentBackupJobs(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 0 })
	const workers, each = 8, 10
	errs := make(chan error, 2*workers*each)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			c := env.srv.Client()
			for i := range each {
				_, err := c.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobVolume),
					IamRoleArn: aws.String(jobRole), IdempotencyToken: aws.String(fmt.Sprintf("w%d-%d", w, i))})
				errs <- err
				_, err = c.ListRecoveryPointsByBackupVault(t.Context(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
				errs <- err
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	out, err := env.c.ListRecoveryPointsByBackupVault(t.Context(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	assert.Len(t, out.RecoveryPoints, workers*each)
	d, err := env.c.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	assert.Equal(t, int64(workers*each), d.NumberOfRecoveryPoints)
}

func TestJobAreaErrorPaths(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	const missingID = "00000000-0000-4000-8000-000000000000"
	nf := func(err error) bool { var e *types.ResourceNotFoundException; return errors.As(err, &e) }
	ipv := func(err error) bool { var e *types.InvalidParameterValueException; return errors.As(err, &e) }
	mp := func(err error) bool { var e *types.MissingParameterValueException; return errors.As(err, &e) }
	tests := []struct {
		name string
		call func(ctx context.Context, c *awsbackup.Client) error
		is   func(error) bool
	}{
		{"DescribeBackupJob", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(missingID)})
			return err
		}, nf},
		{"DescribeCopyJob", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: aws.String(missingID)})
			return err
		}, nf},
		{"ListCopyJobs", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{ByState: "DONE"})
			return err
		}, ipv},
		{"DescribeRestoreJob", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(missingID)})
			return err
		}, nf},
		{"ListRestoreJobs", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByStatus: "DONE"})
			return err
		}, ipv},
		{"ListRestoreJobsByProtectedResource", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListRestoreJobsByProtectedResource(ctx, &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String("")})
			return err
		}, mp},
		{"GetRestoreJobMetadata", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.GetRestoreJobMetadata(ctx, &awsbackup.GetRestoreJobMetadataInput{RestoreJobId: aws.String(missingID)})
			return err
		}, nf},
		{"PutRestoreValidationResult", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: aws.String(missingID), ValidationStatus: types.RestoreValidationStatusFailed})
			return err
		}, nf},
		{"ListRecoveryPointsByResource", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(jobVolume), MaxResults: aws.Int32(1001)})
			return err
		}, ipv},
		{"ListProtectedResources", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{NextToken: aws.String("garbage!")})
			return err
		}, ipv},
		{"ListLegalHolds", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListLegalHolds(ctx, &awsbackup.ListLegalHoldsInput{MaxResults: aws.Int32(0)})
			return err
		}, ipv},
		{"ListRecoveryPointsByLegalHold", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListRecoveryPointsByLegalHold(ctx, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: aws.String(missingID)})
			return err
		}, nf},
		{"CancelLegalHold", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(missingID), CancelDescription: aws.String("x")})
			return err
		}, nf},
		{"UntagResource", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String("arn:aws:backup:us-east-1:123456789012:backup-plan:nope"), TagKeyList: []string{"a"}})
			return err
		}, nf},
		{"ListCopyJobSummaries", func(ctx context.Context, c *awsbackup.Client) error {
			_, err := c.ListCopyJobSummaries(ctx, &awsbackup.ListCopyJobSummariesInput{State: "DONE"})
			return err
		}, ipv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t.Context(), env.c)
			require.Error(t, err)
			assert.True(t, tt.is(err), "got %v", err)
		})
	}
}

// Back up a DynamoDB table and restore it under a new name, on a manual
// clock so the example never waits.
func ExampleEmulator_backupAndRestore() {
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = 10 * time.Minute
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	_ = srv.PutResource(backuptest.Resource{ARN: table, Fingerprint: "orders-v1"})
	_, _ = c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")})

	job, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"),
		ResourceArn: aws.String(table), IamRoleArn: aws.String(jobRole)})
	if err != nil {
		panic(err)
	}
	clk.Advance(10 * time.Minute)
	d, _ := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId})
	fmt.Println("backup:", d.State)

	r, err := c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: d.RecoveryPointArn, IamRoleArn: aws.String(jobRole),
		Metadata: map[string]string{"targetTableName": "orders-restored"}})
	if err != nil {
		panic(err)
	}
	clk.Advance(10 * time.Minute)
	rd, _ := c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: r.RestoreJobId})
	fmt.Println("restore:", rd.Status, aws.ToString(rd.CreatedResourceArn))
	res, _ := srv.Resource(aws.ToString(rd.CreatedResourceArn))
	fmt.Println("fingerprint:", res.Fingerprint)
	// Output:
	// backup: COMPLETED
	// restore: COMPLETED arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored
	// fingerprint: orders-v1
}

// Seed a vault with many recovery points without running jobs.
func ExampleEmulator_SeedRecoveryPoints() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	if err := srv.SeedRecoveryPoints("", "", "bulk", 2500, func(i int) backuptest.Resource {
		return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:dynamodb:us-east-1:123456789012:table/t%d", i%5), SizeBytes: 1 << 20}
	}); err != nil {
		panic(err)
	}
	d, err := srv.Client().DescribeBackupVault(context.Background(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bulk")})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.NumberOfRecoveryPoints)
	// Output: 2500
}
