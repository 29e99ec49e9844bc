package backuptest_test

import (
	"context"
	"encoding/json"
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

func TestBackupJobLifecycle(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	out, err := env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName:   aws.String("main"),
		ResourceArn:       aws.String(jobVolume),
		IamRoleArn:        aws.String(jobRole),
		Lifecycle:         &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(120)},
		RecoveryPointTags: map[string]string{"origin": "on-demand"},
	})
	require.NoError(t, err)
	assert.Equal(t, jobT0, out.CreationDate.UTC())
	assert.False(t, out.IsParent)
	rpARN := aws.ToString(out.RecoveryPointArn)
	assert.Regexp(t, `^arn:aws:ec2:us-east-1::snapshot/snap-[0-9a-f]{17}$`, rpARN)

	d := env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateRunning, d.State)
	assert.Equal(t, "0.0", aws.ToString(d.PercentDone))
	assert.Equal(t, jobT0.Add(time.Hour), d.ExpectedCompletionDate.UTC())
	assert.Equal(t, jobT0.Add(8*time.Hour), d.StartBy.UTC())
	assert.Equal(t, "EBS", aws.ToString(d.ResourceType))
	assert.Equal(t, "vol-0123456789abcdef0", aws.ToString(d.ResourceName))
	assert.Equal(t, jobRole, aws.ToString(d.IamRoleArn))
	assert.Equal(t, "123456789012", aws.ToString(d.AccountId))
	assert.Nil(t, d.CompletionDate)

	env.clk.Advance(30 * time.Minute)
	d = env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateRunning, d.State)
	assert.Equal(t, "50.0", aws.ToString(d.PercentDone))
	assert.Equal(t, int64(4<<30), aws.ToInt64(d.BytesTransferred))

	_, err = env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the recovery point must not exist before the job completes")

	env.clk.Advance(30 * time.Minute)
	d = env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateCompleted, d.State)
	assert.Equal(t, "100.0", aws.ToString(d.PercentDone))
	assert.Equal(t, int64(8<<30), aws.ToInt64(d.BackupSizeInBytes))
	assert.Equal(t, jobT0.Add(time.Hour), d.CompletionDate.UTC())
	assert.Equal(t, "SUCCESS", aws.ToString(d.MessageCategory))
	assert.Equal(t, int64(120), aws.ToInt64(d.RecoveryPointLifecycle.DeleteAfterDays))

	rp, err := env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, types.RecoveryPointStatusCompleted, rp.Status)
	assert.Equal(t, jobVolume, aws.ToString(rp.ResourceArn))
	assert.Equal(t, int64(8<<30), aws.ToInt64(rp.BackupSizeInBytes))
	assert.Equal(t, jobT0.Add(30*24*time.Hour), rp.CalculatedLifecycle.MoveToColdStorageAt.UTC())
	assert.Equal(t, jobT0.Add(120*24*time.Hour), rp.CalculatedLifecycle.DeleteAt.UTC())
	assert.Equal(t, types.StorageClassWarm, rp.StorageClass)
	assert.NotNil(t, rp.CreatedBy)

	tags, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"origin": "on-demand"}, tags.Tags)

	md, err := env.c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, "EBS", aws.ToString(md.ResourceType))
	assert.Equal(t, "8", md.RestoreMetadata["volumeSize"])
	assert.Equal(t, "io2", md.RestoreMetadata["volumeType"], "metadata takes the resource's attributes")
	assert.Equal(t, "us-east-1a", md.RestoreMetadata["availabilityZone"])

	var states []string
	for _, ev := range env.srv.Events() {
		var detail struct {
			State, Status, BackupJobID string `json:"-"`
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(ev.Detail, &m))
		_ = detail
		st, _ := m["state"].(string)
		if st == "" {
			st, _ = m["status"].(string)
		}
		states = append(states, ev.DetailType+":"+st)
	}
	assert.Equal(t, []string{
		"Backup Job State Change:CREATED",
		"Backup Job State Change:RUNNING",
		"Backup Job State Change:COMPLETED",
		"Recovery Point State Change:COMPLETED",
	}, states)
	evs := env.srv.Events()
	assert.Equal(t, jobT0.Add(time.Hour), evs[2].Time)
	var detail map[string]any
	require.NoError(t, json.Unmarshal(evs[2].Detail, &detail))
	assert.Equal(t, aws.ToString(out.BackupJobId), detail["backupJobId"])
	assert.Equal(t, "main", detail["backupVaultName"])
	assert.Equal(t, jobVolume, detail["resourceArn"])
	assert.Equal(t, "8589934592", detail["backupSizeInBytes"])
	assert.Equal(t, "aws.backup", evs[2].Source)
}

func TestBackupJobZeroDurationCompletesOnNextRequest(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 0 })
	out := env.startBackup(t, jobVolume)
	d := env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateCompleted, d.State)
	assert.Equal(t, jobT0, d.CompletionDate.UTC())
}

func TestBackupJobPerTypeDuration(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDurations = map[string]time.Duration{"DynamoDB": 5 * time.Minute} })
	vol := env.startBackup(t, jobVolume)
	tbl := env.startBackup(t, jobTable)
	env.clk.Advance(5 * time.Minute)
	assert.Equal(t, types.BackupJobStateCompleted, env.describe(t, tbl.BackupJobId).State)
	assert.Equal(t, types.BackupJobStateRunning, env.describe(t, vol.BackupJobId).State)
	assert.Regexp(t, `^arn:aws:backup:us-east-1:123456789012:recovery-point:[0-9A-F-]{36}$`, aws.ToString(tbl.RecoveryPointArn))
}

func TestStartBackupJobValidation(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:eu-west-1:123456789012:volume/vol-eu"}))
	base := func() *awsbackup.StartBackupJobInput {
		return &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole)}
	}
	tests := []struct {
		name    string
		mod     func(*awsbackup.StartBackupJobInput)
		want    string
		message string
	}{
		{"unknown vault", func(in *awsbackup.StartBackupJobInput) { in.BackupVaultName = aws.String("nope") }, "ResourceNotFoundException", "nope"},
		{"unknown resource", func(in *awsbackup.StartBackupJobInput) {
			in.ResourceArn = aws.String("arn:aws:ec2:us-east-1:123456789012:volume/vol-missing")
		}, "ResourceNotFoundException", "vol-missing"},
		{"not an ARN", func(in *awsbackup.StartBackupJobInput) { in.ResourceArn = aws.String("vol-1") }, "InvalidParameterValueException", "vol-1"},
		{"other Region", func(in *awsbackup.StartBackupJobInput) {
			in.ResourceArn = aws.String("arn:aws:ec2:eu-west-1:123456789012:volume/vol-eu")
		}, "InvalidParameterValueException", "eu-west-1"},
		{"not a role", func(in *awsbackup.StartBackupJobInput) {
			in.IamRoleArn = aws.String("arn:aws:iam::123456789012:user/bob")
		}, "InvalidParameterValueException", "IamRoleArn"},
		{"start window below 60", func(in *awsbackup.StartBackupJobInput) { in.StartWindowMinutes = aws.Int64(59) }, "InvalidParameterValueException", "StartWindowMinutes"},
		{"lifecycle +90 rule", func(in *awsbackup.StartBackupJobInput) {
			in.Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(100)}
		}, "InvalidParameterValueException", "90"},
		{"lifecycle too long", func(in *awsbackup.StartBackupJobInput) {
			in.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(36501)}
		}, "InvalidParameterValueException", "DeleteAfterDays"},
		// API_Lifecycle: -1 only in both members, as CreateBackupPlan
		// reads it (one rule, internal/lifecycle).
		{"lifecycle -1 delete alone", func(in *awsbackup.StartBackupJobInput) {
			in.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(-1)}
		}, "InvalidParameterValueException", "only with -1 in both"},
		{"lifecycle -1 cold with delete 30", func(in *awsbackup.StartBackupJobInput) {
			in.Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(-1), DeleteAfterDays: aws.Int64(30)}
		}, "InvalidParameterValueException", "only with -1 in both"},
		// API_Lifecycle DeleteAfterEvent: "Not valid as an input."
		{"lifecycle DeleteAfterEvent", func(in *awsbackup.StartBackupJobInput) {
			in.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(7), DeleteAfterEvent: types.LifecycleDeleteAfterEventDeleteAfterCopy}
		}, "InvalidParameterValueException", "DeleteAfterEvent"},
		// API_StartBackupJob: the completion window counts from the
		// scheduled time, so it may not be shorter than the start window.
		{"completion shorter than start", func(in *awsbackup.StartBackupJobInput) {
			in.StartWindowMinutes, in.CompleteWindowMinutes = aws.Int64(120), aws.Int64(60)
		}, "InvalidParameterValueException", "CompleteWindowMinutes"},
		{"WindowsVSS on EBS", func(in *awsbackup.StartBackupJobInput) {
			in.BackupOptions = map[string]string{"WindowsVSS": "enabled"}
		}, "InvalidParameterValueException", "EC2"},
		{"too many recovery point tags", func(in *awsbackup.StartBackupJobInput) {
			in.RecoveryPointTags = map[string]string{}
			for i := range 11 {
				in.RecoveryPointTags[fmt.Sprint("k", i)] = "v"
			}
		}, "InvalidParameterValueException", "RecoveryPointTags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := base()
			tt.mod(in)
			_, err := env.c.StartBackupJob(t.Context(), in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), tt.message)
			switch tt.want {
			case "ResourceNotFoundException":
				var nf *types.ResourceNotFoundException
				assert.ErrorAs(t, err, &nf)
			case "InvalidParameterValueException":
				var ipv *types.InvalidParameterValueException
				assert.ErrorAs(t, err, &ipv)
			}
		})
	}
	t.Run("missing role", func(t *testing.T) {
		t.Parallel()
		in := base()
		in.IamRoleArn = aws.String("")
		_, err := env.c.StartBackupJob(t.Context(), in)
		var mp *types.MissingParameterValueException
		require.ErrorAs(t, err, &mp)
	})
	t.Run("WindowsVSS on EC2", func(t *testing.T) {
		t.Parallel()
		inst := "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc"
		require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: inst}))
		in := base()
		in.ResourceArn = aws.String(inst)
		in.BackupOptions = map[string]string{"WindowsVSS": "enabled"}
		out, err := env.c.StartBackupJob(t.Context(), in)
		require.NoError(t, err)
		d := env.describe(t, out.BackupJobId)
		assert.Equal(t, "WindowsVSS", aws.ToString(d.BackupType))
		assert.Equal(t, map[string]string{"WindowsVSS": "enabled"}, d.BackupOptions)
		assert.Regexp(t, `^arn:aws:ec2:us-east-1::image/ami-[0-9a-f]{17}$`, aws.ToString(out.RecoveryPointArn))
	})
}

func TestBackupJobIdempotencyToken(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	in := &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobVolume),
		IamRoleArn: aws.String(jobRole), IdempotencyToken: aws.String("tok-1")}
	a, err := env.c.StartBackupJob(t.Context(), in)
	require.NoError(t, err)
	b, err := env.c.StartBackupJob(t.Context(), in)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(a.BackupJobId), aws.ToString(b.BackupJobId))
	assert.Equal(t, aws.ToString(a.RecoveryPointArn), aws.ToString(b.RecoveryPointArn))
	in.IdempotencyToken = aws.String("tok-2")
	c, err := env.c.StartBackupJob(t.Context(), in)
	require.NoError(t, err)
	assert.NotEqual(t, aws.ToString(a.BackupJobId), aws.ToString(c.BackupJobId))
	list, err := env.c.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{})
	require.NoError(t, err)
	assert.Len(t, list.BackupJobs, 2)
}

func TestBackupJobInjectedFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		state  string
		wantRP types.RecoveryPointStatus // "" = no recovery point
		at     time.Duration
	}{
		{"FAILED", "", time.Hour},
		{"ABORTED", "", time.Hour},
		{"EXPIRED", "", 8 * time.Hour},
		{"PARTIAL", types.RecoveryPointStatusPartial, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			t.Parallel()
			env := newJobEnv(t)
			env.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: jobVolume, State: tt.state, StatusMessage: "disk on fire", Count: 1})
			out := env.startBackup(t, jobVolume)
			env.clk.Advance(tt.at - time.Minute)
			d := env.describe(t, out.BackupJobId)
			assert.NotEqual(t, types.BackupJobState(tt.state), d.State, "not terminal before its time")
			env.clk.Advance(time.Minute)
			d = env.describe(t, out.BackupJobId)
			assert.Equal(t, types.BackupJobState(tt.state), d.State)
			assert.Equal(t, "disk on fire", aws.ToString(d.StatusMessage))
			assert.Equal(t, jobT0.Add(tt.at), d.CompletionDate.UTC())
			rp, err := env.c.DescribeRecoveryPoint(t.Context(), &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: out.RecoveryPointArn})
			if tt.wantRP == "" {
				var nf *types.ResourceNotFoundException
				require.ErrorAs(t, err, &nf)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.wantRP, rp.Status)
			}
			// Count: 1 — the next job succeeds.
			next := env.startBackup(t, jobVolume)
			env.clk.Advance(time.Hour)
			assert.Equal(t, types.BackupJobStateCompleted, env.describe(t, next.BackupJobId).State)
		})
	}
}

func TestBackupJobCompletionWindowAborts(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 3 * time.Hour })
	out, err := env.c.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"),
		ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole), CompleteWindowMinutes: aws.Int64(120)})
	require.NoError(t, err)
	env.clk.Advance(2 * time.Hour)
	d := env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateAborted, d.State)
	assert.Contains(t, aws.ToString(d.StatusMessage), "completion window")
}

func TestBackupJobVaultLockRetention(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	_, err := env.c.PutBackupVaultLockConfiguration(t.Context(), &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String("main"), MinRetentionDays: aws.Int64(30), MaxRetentionDays: aws.Int64(365)})
	require.NoError(t, err)
	out, err := env.c.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"),
		ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(7)}})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	d := env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateFailed, d.State)
	assert.Contains(t, aws.ToString(d.StatusMessage), "minimum retention")
	assert.Equal(t, "LOCKED", aws.ToString(d.VaultLockState))
}

func TestStopBackupJob(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	out := env.startBackup(t, jobVolume)
	_, err := env.c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: out.BackupJobId})
	require.NoError(t, err)
	d := env.describe(t, out.BackupJobId)
	assert.Equal(t, types.BackupJobStateAborted, d.State)
	_, err = env.c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: out.BackupJobId})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "a terminal job cannot be stopped")
	_, err = env.c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: aws.String("00000000-0000-0000-0000-000000000000")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	db := "arn:aws:rds:us-east-1:123456789012:db:orders"
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: db}))
	rds := env.startBackup(t, db)
	_, err = env.c.StopBackupJob(ctx, &awsbackup.StopBackupJobInput{BackupJobId: rds.BackupJobId})
	require.ErrorAs(t, err, &ire, "RDS backup jobs cannot be stopped")
	// AWS names an RDS recovery point after the backup job that made it:
	// snapshot:awsbackup:job-<backup job id>, as AWS's job records show.
	assert.Equal(t, "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-"+aws.ToString(rds.BackupJobId), aws.ToString(rds.RecoveryPointArn))

	var states []string
	for _, ev := range env.srv.Events() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(ev.Detail, &m))
		if m["backupJobId"] == aws.ToString(out.BackupJobId) {
			states = append(states, m["state"].(string))
		}
	}
	assert.Equal(t, []string{"CREATED", "RUNNING", "ABORTING", "ABORTED"}, states)
}

func TestListBackupJobsFiltersAndPaging(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	env.vault(t, env.c, "other")
	env.startBackup(t, jobVolume)
	env.clk.Advance(time.Hour) // completes the first
	env.startBackup(t, jobTable)
	env.clk.Advance(time.Minute)
	_, err := env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("other"), ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole)})
	require.NoError(t, err)

	count := func(in *awsbackup.ListBackupJobsInput) int {
		t.Helper()
		n := 0
		p := awsbackup.NewListBackupJobsPaginator(env.c, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			n += len(out.BackupJobs)
		}
		return n
	}
	tests := []struct {
		name string
		in   awsbackup.ListBackupJobsInput
		want int
	}{
		{"all", awsbackup.ListBackupJobsInput{}, 3},
		{"paged", awsbackup.ListBackupJobsInput{MaxResults: aws.Int32(1)}, 3},
		{"by resource", awsbackup.ListBackupJobsInput{ByResourceArn: aws.String(jobVolume)}, 2},
		{"by state", awsbackup.ListBackupJobsInput{ByState: types.BackupJobStateCompleted}, 1},
		{"by vault", awsbackup.ListBackupJobsInput{ByBackupVaultName: aws.String("other")}, 1},
		{"by type", awsbackup.ListBackupJobsInput{ByResourceType: aws.String("DynamoDB")}, 1},
		{"created after", awsbackup.ListBackupJobsInput{ByCreatedAfter: aws.Time(jobT0.Add(30 * time.Minute))}, 2},
		{"created before", awsbackup.ListBackupJobsInput{ByCreatedBefore: aws.Time(jobT0.Add(30 * time.Minute))}, 1},
		{"complete before", awsbackup.ListBackupJobsInput{ByCompleteBefore: aws.Time(jobT0.Add(2 * time.Hour))}, 1},
		{"message category", awsbackup.ListBackupJobsInput{ByMessageCategory: aws.String("SUCCESS")}, 1},
		{"own account", awsbackup.ListBackupJobsInput{ByAccountId: aws.String("123456789012")}, 3},
		{"other account", awsbackup.ListBackupJobsInput{ByAccountId: aws.String("210987654321")}, 0},
		{"parent job", awsbackup.ListBackupJobsInput{ByParentJobId: aws.String("x")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			assert.Equal(t, tt.want, count(&in))
		})
	}
	out, err := env.c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{})
	require.NoError(t, err)
	assert.Equal(t, jobVolume, aws.ToString(out.BackupJobs[0].ResourceArn), "newest first")
	assert.Equal(t, "other", aws.ToString(out.BackupJobs[0].BackupVaultName))

	_, err = env.c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{ByState: "DONE"})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.ListBackupJobs(ctx, &awsbackup.ListBackupJobsInput{MaxResults: aws.Int32(0)})
	require.ErrorAs(t, err, &ipv)
}

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

func TestRestoreJobCreatesResource(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobTable)

	md, err := env.c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, "orders", md.RestoreMetadata["targetTableName"])

	meta := map[string]string{"targetTableName": "orders-restored", "encryptionType": "Default", "Tags": `{"restored":"yes"}`}
	out, err := env.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
		Metadata: meta, IdempotencyToken: aws.String("restore-1")})
	require.NoError(t, err)
	again, err := env.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
		Metadata: meta, IdempotencyToken: aws.String("restore-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.RestoreJobId), aws.ToString(again.RestoreJobId))

	d, err := env.c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: out.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, types.RestoreJobStatusRunning, d.Status)
	assert.Equal(t, int64(60), aws.ToInt64(d.ExpectedCompletionTimeMinutes))
	assert.Nil(t, d.CreatedResourceArn)

	_, err = env.c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: out.RestoreJobId, ValidationStatus: types.RestoreValidationStatusSuccessful})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "validation only for completed restores")

	env.clk.Advance(time.Hour)
	d, err = env.c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: out.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, types.RestoreJobStatusCompleted, d.Status)
	created := "arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored"
	assert.Equal(t, created, aws.ToString(d.CreatedResourceArn))
	assert.Equal(t, jobT0.Add(2*time.Hour), d.CompletionDate.UTC())
	assert.Equal(t, jobT0, d.RecoveryPointCreationDate.UTC())
	assert.Equal(t, "DynamoDB", aws.ToString(d.ResourceType))
	assert.Equal(t, int64(1<<20), aws.ToInt64(d.BackupSizeInBytes))

	res, ok := env.srv.Resource(created)
	require.True(t, ok, "the restore must create the table in the inventory")
	assert.Equal(t, "orders-v1", res.Fingerprint)
	assert.Equal(t, "orders-restored", res.Name)
	assert.Equal(t, "DynamoDB", res.Type)
	assert.Equal(t, map[string]string{"itemCount": "42"}, res.Attributes)
	assert.Equal(t, aws.ToString(out.RestoreJobId), res.CreatedBy)
	assert.Equal(t, map[string]string{"restored": "yes"}, res.Tags)

	_, err = env.c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: out.RestoreJobId,
		ValidationStatus: types.RestoreValidationStatusSuccessful, ValidationStatusMessage: aws.String("row counts match")})
	require.NoError(t, err)
	d, err = env.c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: out.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, types.RestoreValidationStatusSuccessful, d.ValidationStatus)
	assert.Equal(t, "row counts match", aws.ToString(d.ValidationStatusMessage))
	_, err = env.c.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: out.RestoreJobId, ValidationStatus: "GREAT"})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)

	gm, err := env.c.GetRestoreJobMetadata(ctx, &awsbackup.GetRestoreJobMetadataInput{RestoreJobId: out.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, "orders-restored", gm.Metadata["targetTableName"])

	pr, err := env.c.DescribeProtectedResource(ctx, &awsbackup.DescribeProtectedResourceInput{ResourceArn: aws.String(jobTable)})
	require.NoError(t, err)
	assert.Equal(t, int64(60), aws.ToInt64(pr.LatestRestoreExecutionTimeMinutes))
	assert.Equal(t, jobT0.Add(time.Hour), pr.LatestRestoreJobCreationDate.UTC())
	assert.Equal(t, jobT0, pr.LatestRestoreRecoveryPointCreationDate.UTC())
	assert.Equal(t, rpARN, aws.ToString(pr.LastRecoveryPointArn))

	rp, err := env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, jobT0.Add(2*time.Hour), rp.LastRestoreTime.UTC())

	byRes, err := env.c.ListRestoreJobsByProtectedResource(ctx, &awsbackup.ListRestoreJobsByProtectedResourceInput{ResourceArn: aws.String(jobTable)})
	require.NoError(t, err)
	require.Len(t, byRes.RestoreJobs, 1)
	assert.Equal(t, created, aws.ToString(byRes.RestoreJobs[0].CreatedResourceArn))

	// The same name again: the table exists, so the job fails like AWS's.
	dup, err := env.c.StartRestoreJob(ctx, &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole), Metadata: meta})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	d, err = env.c.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: dup.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, types.RestoreJobStatusFailed, d.Status)
	assert.Contains(t, aws.ToString(d.StatusMessage), "already exists")

	list, err := env.c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByStatus: types.RestoreJobStatusCompleted})
	require.NoError(t, err)
	assert.Len(t, list.RestoreJobs, 1)
	list, err = env.c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByResourceType: aws.String("DynamoDB")})
	require.NoError(t, err)
	assert.Len(t, list.RestoreJobs, 2)
	list, err = env.c.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String("arn:aws:backup:us-east-1:123456789012:restore-testing-plan:x")})
	require.NoError(t, err)
	assert.Empty(t, list.RestoreJobs)

	var restoreStates []string
	for _, ev := range env.srv.Events() {
		if ev.DetailType != "Restore Job State Change" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(ev.Detail, &m))
		if m["restoreJobId"] == aws.ToString(out.RestoreJobId) {
			restoreStates = append(restoreStates, m["status"].(string))
			if m["status"] == "COMPLETED" {
				assert.Equal(t, created, m["createdResourceArn"])
			}
		}
	}
	assert.Equal(t, []string{"PENDING", "RUNNING", "COMPLETED"}, restoreStates)
}

func TestStartRestoreJobValidation(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobTable)
	tests := []struct {
		name string
		in   awsbackup.StartRestoreJobInput
		want any
	}{
		{"unknown recovery point", awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String("arn:aws:backup:us-east-1:123456789012:recovery-point:X"),
			IamRoleArn: aws.String(jobRole), Metadata: map[string]string{"targetTableName": "abc"}}, &types.ResourceNotFoundException{}},
		{"no table name", awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
			Metadata: map[string]string{"encryptionType": "Default"}}, &types.InvalidParameterValueException{}},
		{"bad table name", awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
			Metadata: map[string]string{"targetTableName": "a b"}}, &types.InvalidParameterValueException{}},
		{"no role", awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), Metadata: map[string]string{"targetTableName": "abc"}},
			&types.MissingParameterValueException{}},
		{"bad resource type", awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
			ResourceType: aws.String("Floppy"), Metadata: map[string]string{"targetTableName": "abc"}}, &types.InvalidParameterValueException{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := env.c.StartRestoreJob(ctx, &tt.in)
			require.Error(t, err)
			switch tt.want.(type) {
			case *types.ResourceNotFoundException:
				var e *types.ResourceNotFoundException
				assert.ErrorAs(t, err, &e)
			case *types.InvalidParameterValueException:
				var e *types.InvalidParameterValueException
				assert.ErrorAs(t, err, &e)
			case *types.MissingParameterValueException:
				var e *types.MissingParameterValueException
				assert.ErrorAs(t, err, &e)
			}
		})
	}
}

func TestRestoreNamesPerType(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		source   string
		metadata map[string]string
		want     string // regexp of the created ARN
	}{
		{"RDS", "arn:aws:rds:us-east-1:123456789012:db:prod", map[string]string{"DBInstanceIdentifier": "prod-restored"}, `^arn:aws:rds:us-east-1:123456789012:db:prod-restored$`},
		{"Aurora", "arn:aws:rds:us-east-1:123456789012:cluster:prod", map[string]string{"dbClusterIdentifier": "prod-copy", "engine": "aurora-postgresql"}, `^arn:aws:rds:us-east-1:123456789012:cluster:prod-copy$`},
		{"EBS", jobVolume, map[string]string{"availabilityZone": "us-east-1b"}, `^arn:aws:ec2:us-east-1:123456789012:volume/vol-[0-9a-f]{17}$`},
		{"EC2", "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", map[string]string{"InstanceType": "t3.small"}, `^arn:aws:ec2:us-east-1:123456789012:instance/i-[0-9a-f]{17}$`},
		{"EFS new", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01", map[string]string{"newFileSystem": "true", "PerformanceMode": "generalPurpose"}, `^arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-[0-9a-f]{17}$`},
		{"EFS in place", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01", map[string]string{"newFileSystem": "false", "file-system-id": "fs-01"}, `^arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01$`},
		{"S3 new bucket", "arn:aws:s3:::logs", map[string]string{"DestinationBucketName": "logs-restored"}, `^arn:aws:s3:::logs-restored$`},
		{"S3 existing bucket", "arn:aws:s3:::logs", map[string]string{"DestinationBucketName": "logs"}, `^arn:aws:s3:::logs$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 0 })
			require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: tt.source, Fingerprint: "fp-" + tt.name, SizeBytes: 1 << 30}))
			out := env.startBackup(t, tt.source)
			d := env.describe(t, out.BackupJobId)
			require.Equal(t, types.BackupJobStateCompleted, d.State)
			r, err := env.c.StartRestoreJob(t.Context(), &awsbackup.StartRestoreJobInput{RecoveryPointArn: d.RecoveryPointArn, IamRoleArn: aws.String(jobRole), Metadata: tt.metadata})
			require.NoError(t, err)
			rd, err := env.c.DescribeRestoreJob(t.Context(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: r.RestoreJobId})
			require.NoError(t, err)
			require.Equal(t, types.RestoreJobStatusCompleted, rd.Status, aws.ToString(rd.StatusMessage))
			created := aws.ToString(rd.CreatedResourceArn)
			assert.Regexp(t, tt.want, created)
			res, ok := env.srv.Resource(created)
			require.True(t, ok)
			assert.Equal(t, "fp-"+tt.name, res.Fingerprint)
			assert.Equal(t, aws.ToString(r.RestoreJobId), res.CreatedBy)
			if strings.Contains(tt.name, "existing") || strings.Contains(tt.name, "in place") {
				assert.Equal(t, tt.source, created)
			} else {
				assert.NotEqual(t, tt.source, created)
			}
		})
	}
}

func TestRestoreJobInjectedFailure(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	rpARN := env.backup(t, jobTable)
	env.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", State: "FAILED", StatusMessage: "Access denied to KMS key"})
	out, err := env.c.StartRestoreJob(t.Context(), &awsbackup.StartRestoreJobInput{RecoveryPointArn: aws.String(rpARN), IamRoleArn: aws.String(jobRole),
		Metadata: map[string]string{"targetTableName": "orders-2"}})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)
	d, err := env.c.DescribeRestoreJob(t.Context(), &awsbackup.DescribeRestoreJobInput{RestoreJobId: out.RestoreJobId})
	require.NoError(t, err)
	assert.Equal(t, types.RestoreJobStatusFailed, d.Status)
	assert.Equal(t, "Access denied to KMS key", aws.ToString(d.StatusMessage))
	assert.Nil(t, d.CreatedResourceArn)
	_, ok := env.srv.Resource("arn:aws:dynamodb:us-east-1:123456789012:table/orders-2")
	assert.False(t, ok)
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

func TestBackupJobIntoLogicallyAirGappedVault(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t, func(o *backuptest.Options) { o.JobDuration = 0 })
	ctx := t.Context()
	lag, err := env.c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("airgap"),
		MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)})
	require.NoError(t, err)
	start := func(lagARN string, lc *types.Lifecycle) (*awsbackup.StartBackupJobOutput, error) {
		return env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobTable),
			IamRoleArn: aws.String(jobRole), LogicallyAirGappedBackupVaultArn: aws.String(lagARN), Lifecycle: lc})
	}
	out, err := start(aws.ToString(lag.BackupVaultArn), &types.Lifecycle{DeleteAfterDays: aws.Int64(30)})
	require.NoError(t, err)
	d := env.describe(t, out.BackupJobId)
	require.Equal(t, types.BackupJobStateCompleted, d.State)
	assert.Equal(t, "airgap", aws.ToString(d.BackupVaultName))
	assert.Equal(t, "LOGICALLY_AIR_GAPPED_BACKUP_VAULT", aws.ToString(d.VaultType))
	rps, err := env.c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 1)
	assert.Equal(t, types.VaultTypeLogicallyAirGappedBackupVault, rps.RecoveryPoints[0].VaultType)

	_, err = start("arn:aws:backup:us-east-1:123456789012:backup-vault:main", nil)
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "a standard vault is not air-gapped")
	_, err = start("arn:aws:backup:us-east-1:123456789012:backup-vault:ghost", nil)
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

// BenchmarkDescribeBackupJobManyFinished measures DescribeBackupJob with
// 2,000 finished jobs and one running: the per-request job advance visits
// only the running one.
func BenchmarkDescribeBackupJobManyFinished(b *testing.B) {
	clk := backuptest.NewManualClock(jobT0)
	srv := backuptest.NewServer(b, func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDurations = map[string]time.Duration{"DynamoDB": 24 * time.Hour}
	})
	c := srv.Client()
	ctx := b.Context()
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")}); err != nil {
		b.Fatal(err)
	}
	if err := srv.PutResource(backuptest.Resource{ARN: jobVolume}); err != nil {
		b.Fatal(err)
	}
	if err := srv.PutResource(backuptest.Resource{ARN: jobTable}); err != nil {
		b.Fatal(err)
	}
	for range 2000 {
		if _, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole)}); err != nil {
			b.Fatal(err)
		}
	}
	running, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobTable), IamRoleArn: aws.String(jobRole)})
	if err != nil {
		b.Fatal(err)
	}
	in := &awsbackup.DescribeBackupJobInput{BackupJobId: running.BackupJobId}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.DescribeBackupJob(ctx, in); err != nil {
			b.Fatal(err)
		}
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
