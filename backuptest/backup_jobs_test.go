package backuptest_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

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
