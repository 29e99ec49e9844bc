package automation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// memberRole is the role the drill assumes in a member account: the one
// AWS Organizations creates in every account it adds, trusting the
// management account.
func memberRole(account string) string {
	return "arn:aws:iam::" + account + ":role/" + backuptest.DefaultOrgRole
}

// jobRole is the role of a member account's backup and restore jobs.
func jobRole(account string) string { return "arn:aws:iam::" + account + ":role/backupkit-drill" }

// roleClients are the Lambda function's clients for a cross-account role,
// as cmd/backupkit-lambda builds them: the SDK's stscreds provider assumes
// the role through the emulator's STS, so every call of these clients
// lands in the role's account.
type roleClients struct {
	srv *backuptest.Server

	mu     sync.Mutex
	byRole map[string]*restore.Client
	apis   map[string]*awsbackup.Client
}

func (r *roleClients) get(roleARN string) (*restore.Client, *awsbackup.Client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.byRole[roleARN]; ok {
		return c, r.apis[roleARN]
	}
	cfg := r.srv.Config()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(r.srv.Config()), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "backupkit-drill"
	}))
	api := awsbackup.NewFromConfig(cfg)
	c := restore.New(api, func(o *restore.Options) {
		o.Waiter = func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }
		o.DeletePollInterval = time.Millisecond
		o.MaxWait = time.Minute
		o.Services = restore.Services{EC2: ec2.NewFromConfig(cfg), RDS: rds.NewFromConfig(cfg), DynamoDB: dynamodb.NewFromConfig(cfg), EFS: efs.NewFromConfig(cfg)}
	})
	r.byRole[roleARN], r.apis[roleARN] = c, api
	return c, api
}

// TestDrillWorkflowCrossAccount drills targets in two member accounts of
// the emulated organization from one execution in the management account:
// the workflow's AWS Backup Tasks carry Credentials {RoleArn.$:
// $.state.roleArn}, which the harness honours by assuming the role through
// the emulator's STS, and the Lambda steps assume the same role. Every
// restore, validation result and cleanup lands in the target's own account
// and none in the management account, and each restore job runs with the
// job role the target names in its own account (TargetInput.IAMRoleARN).
// A target whose role its account lacks fails alone, with AccessDenied.
func TestDrillWorkflowCrossAccount(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	const a, b = "111111111111", "222222222222"
	org := w.srv.Organization()
	require.NoError(t, org.AddAccount(a, backuptest.OrgRootID))
	require.NoError(t, org.AddAccount(b, backuptest.OrgRootID))

	roles := &roleClients{srv: w.srv, byRole: map[string]*restore.Client{}, apis: map[string]*awsbackup.Client{}}
	w.handler = function.New(w.handlerOpts, func(o *function.Options) {
		o.RestoreFor = func(_ context.Context, roleARN string) (*restore.Client, error) {
			c, _ := roles.get(roleARN)
			return c, nil
		}
		o.JobsFor = func(_ context.Context, roleARN string) (function.JobsAPI, error) {
			_, api := roles.get(roleARN)
			return api, nil
		}
	})

	members := map[string][]backuptest.Resource{
		a: {
			{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-xa", region, a), SizeBytes: 8 << 30},
			{ARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/orders-xa", region, a), SizeBytes: 1 << 20, Attributes: map[string]string{"itemCount": "7"}},
		},
		b: {
			{ARN: fmt.Sprintf("arn:aws:rds:%s:%s:db:ledger-xb", region, b), SizeBytes: 20 << 30},
			{ARN: fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/fs-xb", region, b), SizeBytes: 1 << 30},
		},
	}
	var input function.DrillInput
	for _, account := range []string{a, b} {
		api := w.srv.ClientFor(account, region)
		_, err := api.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(testVault)})
		require.NoError(t, err)
		var ids []string
		for _, r := range members[account] {
			require.NoError(t, w.srv.PutResource(r))
			out, err := api.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(testVault), ResourceArn: aws.String(r.ARN),
				IamRoleArn: aws.String(jobRole(account))})
			require.NoError(t, err)
			ids = append(ids, aws.ToString(out.BackupJobId))
			input.Targets = append(input.Targets, function.TargetInput{ResourceARN: r.ARN, RoleARN: memberRole(account), IAMRoleARN: jobRole(account)})
		}
		wt := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond })
		for _, id := range ids {
			_, err := wt.Wait(t.Context(), id, time.Minute)
			require.NoError(t, err)
		}
	}

	// A fifth target names a role its account does not have: it fails
	// alone, with AWS's answer in its report entry.
	orphan := backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-orphan", region, b), SizeBytes: 1 << 30}
	require.NoError(t, w.srv.PutResource(orphan))
	input.Targets = append(input.Targets, function.TargetInput{ResourceARN: orphan.ARN, RoleARN: "arn:aws:iam::" + b + ":role/NoSuchRole", IAMRoleARN: jobRole(b)})

	def := render(t, automation.DrillMachine, func(o *automation.Options) { o.CrossAccount = true })
	assert.Equal(t, 4, strings.Count(string(def), `"RoleArn.$": "$.state.roleArn"`), "the item's AWS Backup Tasks carry Credentials")
	res := w.run(t, def, "drill-cross", input, nil)
	require.Empty(t, res.ErrorName, res.ErrorMessage)

	// Recovery point ARNs do not always name the account (EBS snapshots'
	// do not): each account's points are what its vault lists.
	points := map[string][]string{}
	for _, account := range []string{a, b} {
		out, err := w.srv.ClientFor(account, region).ListRecoveryPointsByBackupVault(t.Context(), &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(testVault)})
		require.NoError(t, err)
		for _, rp := range out.RecoveryPoints {
			points[account] = append(points[account], aws.ToString(rp.RecoveryPointArn))
		}
		require.Len(t, points[account], 2)
	}

	rep := w.report(t, "drill-cross")
	assert.Equal(t, restore.Summary{Targets: 5, Passed: 4, Failed: 1}, rep.Summary)
	assert.Empty(t, rep.LeftBehind)
	for _, tr := range rep.Targets {
		if tr.ResourceARN == orphan.ARN {
			assert.Equal(t, restore.Failed, tr.Status)
			assert.Contains(t, tr.Error, "AccessDenied", "the failed AssumeRole is the target's error")
			assert.Empty(t, tr.RestoreJobID)
			continue
		}
		account := strings.Split(tr.ResourceARN, ":")[4]
		assert.Equal(t, restore.Passed, tr.Validation, tr.ResourceARN)
		assert.Equal(t, restore.Deleted, tr.Cleanup, tr.ResourceARN)
		assert.Contains(t, points[account], tr.RecoveryPointARN, "%s was restored from its own account's recovery point", tr.ResourceARN)
		assert.Contains(t, tr.CreatedResourceARN, ":"+account+":", "%s was restored into its own account", tr.ResourceARN)
	}

	// Each account's inventory: its restore jobs, validation results and
	// AWS Backup calls are its own; the management account has none.
	byAccount := map[string]map[string]int{}
	for _, c := range w.srv.Calls() {
		if c.Status < 300 && (c.Operation == "StartRestoreJob" || c.Operation == "PutRestoreValidationResult" || c.Operation == "GetRecoveryPointRestoreMetadata" || c.Operation == "AssumeRole") {
			if byAccount[c.Account] == nil {
				byAccount[c.Account] = map[string]int{}
			}
			byAccount[c.Account][c.Operation]++
		}
	}
	for _, account := range []string{a, b} {
		assert.Equal(t, 2, byAccount[account]["StartRestoreJob"], "account %s", account)
		assert.Equal(t, 2, byAccount[account]["PutRestoreValidationResult"], "account %s", account)
		jobs, err := w.srv.ClientFor(account, region).ListRestoreJobs(t.Context(), &awsbackup.ListRestoreJobsInput{})
		require.NoError(t, err)
		require.Len(t, jobs.RestoreJobs, 2, "account %s", account)
		for _, j := range jobs.RestoreJobs {
			assert.Equal(t, "COMPLETED", string(j.Status))
			assert.Contains(t, points[account], aws.ToString(j.RecoveryPointArn))
			assert.Equal(t, jobRole(account), aws.ToString(j.IamRoleArn), "the restore job runs with the target's own job role")
			assert.Contains(t, aws.ToString(j.CreatedResourceArn), ":"+account+":")
		}
		var left []string
		for _, r := range w.srv.Resources() {
			if strings.Contains(r.ARN, ":"+account+":") || strings.HasPrefix(r.ARN, "arn:aws:s3:::") {
				if r.CreatedBy != "" {
					left = append(left, r.ARN)
				}
			}
		}
		assert.Empty(t, left, "account %s: restored resources left behind", account)
	}
	assert.Zero(t, byAccount[acct]["StartRestoreJob"], "no restore in the management account")
	assert.Zero(t, byAccount[acct]["PutRestoreValidationResult"], "no validation result in the management account")
	mgmtJobs, err := w.api.ListRestoreJobs(t.Context(), &awsbackup.ListRestoreJobsInput{})
	require.NoError(t, err)
	assert.Empty(t, mgmtJobs.RestoreJobs, "restore jobs in the management account")
	// The roles were assumed by the management account (the state
	// machine's and the function's roles) through the emulator's STS.
	assert.Positive(t, byAccount[acct]["AssumeRole"], "AssumeRole calls: %v", byAccount)
	assert.Empty(t, w.restored(), "every restored resource is deleted")
}
