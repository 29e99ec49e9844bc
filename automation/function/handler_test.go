package function_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
)

// scriptedJobs answers DescribeRestoreJob with the next status of its
// script (the last one repeats) and records the job ids asked for.
type scriptedJobs struct {
	statuses []types.RestoreJobStatus
	asked    []string
}

func (s *scriptedJobs) DescribeRestoreJob(_ context.Context, in *awsbackup.DescribeRestoreJobInput, _ ...func(*awsbackup.Options)) (*awsbackup.DescribeRestoreJobOutput, error) {
	s.asked = append(s.asked, aws.ToString(in.RestoreJobId))
	st := s.statuses[min(len(s.asked)-1, len(s.statuses)-1)]
	return &awsbackup.DescribeRestoreJobOutput{RestoreJobId: in.RestoreJobId, Status: st}, nil
}

func (s *scriptedJobs) DescribeBackupJob(context.Context, *awsbackup.DescribeBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error) {
	return nil, errors.New("not scripted")
}

func (s *scriptedJobs) DescribeCopyJob(context.Context, *awsbackup.DescribeCopyJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeCopyJobOutput, error) {
	return nil, errors.New("not scripted")
}

// TestJobStep: the poll step describes the job once per call, with the
// target account's client for a cross-account item; it fails with
// ErrorJobRunning while the job runs, with ErrorTargetFailed once the
// item's deadline has passed, and returns the final state otherwise.
func TestJobStep(t *testing.T) {
	t.Parallel()
	const role = "arn:aws:iam::222222222222:role/BackupKitDrillRole"
	own := &scriptedJobs{statuses: []types.RestoreJobStatus{types.RestoreJobStatusCompleted}}
	other := &scriptedJobs{statuses: []types.RestoreJobStatus{types.RestoreJobStatusRunning, types.RestoreJobStatusCompleted}}
	var roles []string
	h := function.New(func(o *function.Options) {
		o.Jobs = own
		o.JobsFor = func(_ context.Context, roleARN string) (function.JobsAPI, error) {
			roles = append(roles, roleARN)
			return other, nil
		}
	})
	payload := func(deadline time.Time, roleARN string) json.RawMessage {
		b, err := json.Marshal(map[string]any{"step": function.StepJob, "jobType": function.JobTypeRestore, "jobId": "job-1",
			"item": map[string]any{"state": map[string]any{"roleArn": roleARN, "deadline": deadline.UTC().Format(time.RFC3339)}}})
		require.NoError(t, err)
		return b
	}
	later := time.Now().Add(time.Hour)

	_, err := h.Invoke(t.Context(), payload(later, role))
	var se *function.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, function.ErrorJobRunning, se.Name)
	out, err := h.Invoke(t.Context(), payload(later, role))
	require.NoError(t, err)
	assert.JSONEq(t, `{"Status":"COMPLETED"}`, string(out))
	assert.Equal(t, []string{role, role}, roles, "the target's role, for every call")
	assert.Equal(t, []string{"job-1", "job-1"}, other.asked)
	assert.Empty(t, own.asked, "never the function's own account for a cross-account target")

	// Without a role: the function's own client.
	out, err = h.Invoke(t.Context(), payload(later, ""))
	require.NoError(t, err)
	assert.JSONEq(t, `{"Status":"COMPLETED"}`, string(out))
	assert.Len(t, own.asked, 1)

	// Past the deadline, a running job ends the target.
	other.statuses, other.asked = []types.RestoreJobStatus{types.RestoreJobStatusRunning}, nil
	_, err = h.Invoke(t.Context(), payload(time.Now().Add(-time.Minute), role))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, function.ErrorTargetFailed, se.Name)
	assert.Contains(t, se.Error(), `wait for restore job job-1 (last state "RUNNING")`)

	// Bad input names the field.
	_, err = h.Invoke(t.Context(), json.RawMessage(`{"step":"job","jobType":"SNAPSHOT","jobId":"x","item":{}}`))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "backupkit.StepFailed", se.Name)
	assert.Contains(t, se.Error(), `jobType is "SNAPSHOT"; want BACKUP, RESTORE or COPY`)
	_, err = h.Invoke(t.Context(), json.RawMessage(`{"step":"job","jobType":"RESTORE","item":{}}`))
	assert.ErrorContains(t, err, "no jobId")
}

// TestDrillInputCheck: target roles must be IAM role ARNs; every bad one
// is named, beside what restore.Drill refuses.
func TestDrillInputCheck(t *testing.T) {
	t.Parallel()
	good := "arn:aws:iam::111111111111:role/BackupKitDrillRole"
	in := function.DrillInput{Targets: []function.TargetInput{
		{ResourceARN: "arn:aws:ec2:us-east-1:111111111111:volume/vol-1", RoleARN: good, IAMRoleARN: "arn:aws:iam::111111111111:role/backupkit-drill"},
		{ResourceARN: "arn:aws:ec2:us-east-1:222222222222:volume/vol-2", RoleARN: "BackupKitDrillRole", IAMRoleARN: "arn:aws:s3:::bucket"},
	}}
	err := in.Check()
	require.Error(t, err)
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ve *backup.ValidationError
		if errors.As(e, &ve) {
			fields = append(fields, ve.Field)
		}
	}
	assert.Equal(t, []string{"Targets[1].RoleARN", "Targets[1].IAMRoleARN"}, fields)
	in.Targets = in.Targets[:1]
	assert.NoError(t, in.Check())
}
