package backuptest_test

import (
	"encoding/json"
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
