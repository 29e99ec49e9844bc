package backup

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

const (
	acct     = "123456789012"
	role     = "arn:aws:iam::123456789012:role/backup-role"
	vol1     = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	vol2     = "arn:aws:ec2:us-east-1:123456789012:volume/vol-2"
	db1      = "arn:aws:rds:us-east-1:123456789012:db:orders"
	table1   = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
	testVlt  = "prod"
	drRegion = "eu-west-1"
)

// fastRetryer keeps the SDK's standard retry rules (throttling, 5xx) but
// without real backoff sleeps or a client-side retry quota.
func fastRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
		o.RateLimiter = ratelimit.None
	})
}

type env struct {
	srv *backuptest.Server
	api *awsbackup.Client
	clk *backuptest.ManualClock
	c   *Client
}

// newEnv starts an emulator on a manual clock with jobs that take
// jobDuration, seeds resources and a vault, and returns a Client whose
// waiters advance the emulator clock instead of sleeping.
func newEnv(t *testing.T, jobDuration time.Duration, optFns ...func(*backuptest.Options)) *env {
	t.Helper()
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, append([]func(*backuptest.Options){func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = jobDuration
	}}, optFns...)...)
	api := srv.Client(func(o *awsbackup.Options) { o.Retryer = fastRetryer(5) })
	for _, arn := range []string{vol1, vol2, db1, table1} {
		if err := srv.PutResource(backuptest.Resource{ARN: arn, SizeBytes: 8 << 30, Tags: map[string]string{"env": "prod"}}); err != nil {
			t.Fatalf("PutResource(%s): %v", arn, err)
		}
	}
	if _, err := api.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(testVlt)}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	e := &env{srv: srv, api: api, clk: clk}
	e.c = New(api, func(o *Options) {
		o.Now = clk.Now
		o.Waiter = WaiterOptions{MinDelay: time.Minute, MaxDelay: 10 * time.Minute, Sleep: e.sleep}
	})
	return e
}

// sleep is the waiter seam: it advances the emulator's clock.
func (e *env) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.clk.Advance(d)
	return nil
}

func (e *env) backup(t *testing.T, resource string) *Job {
	t.Helper()
	job, err := e.c.StartBackup(t.Context(), JobInput{VaultName: testVlt, ResourceARN: resource, IAMRoleARN: role, IdempotencyToken: "t-" + resource + e.clk.Now().String()})
	if err != nil {
		t.Fatalf("StartBackup(%s): %v", resource, err)
	}
	return job
}

func backuptestResource(arn string) backuptest.Resource {
	return backuptest.Resource{ARN: arn, SizeBytes: 1 << 30}
}
