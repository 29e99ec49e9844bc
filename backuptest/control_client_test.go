package backuptest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

func TestControlClient(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = backuptest.NewManualClock(start) })
	c := backuptest.NewControlClient(srv.URL+"/", nil)
	ctx := t.Context()

	if n, err := c.Health(ctx); err != nil || n == 0 {
		t.Fatalf("Health() = %d, %v", n, err)
	}
	vol := backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-c", Tags: map[string]string{"env": "prod"}}
	if err := c.PutResources(ctx, vol, backuptest.Resource{ARN: "arn:aws:s3:::bucket-c"}); err != nil {
		t.Fatal(err)
	}
	r, err := c.Resource(ctx, vol.ARN)
	if err != nil || r.Type != "EBS" || r.Tags["env"] != "prod" {
		t.Fatalf("Resource() = %+v, %v; want the tagged EBS volume", r, err)
	}
	if all, err := c.Resources(ctx); err != nil || len(all) != 2 {
		t.Errorf("Resources() = %d resources, %v; want 2", len(all), err)
	}
	if err := c.DeleteResource(ctx, vol.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Resource(ctx, vol.ARN); !errors.Is(err, backuptest.ErrNoResource) {
		t.Errorf("Resource() of a deleted resource: %v; want ErrNoResource", err)
	}
	if err := c.DeleteResource(ctx, vol.ARN); !errors.Is(err, backuptest.ErrNoResource) {
		t.Errorf("DeleteResource() twice: %v; want ErrNoResource", err)
	}
	var ce *backuptest.ControlError
	if err := c.PutResources(ctx, backuptest.Resource{ARN: "arn:aws:sqs:us-east-1:123456789012:queue"}); !errors.As(err, &ce) || ce.StatusCode != 400 || ce.Message == "" {
		t.Errorf("PutResources() of an unprotectable type: %v; want a 400 ControlError with the emulator's reason", err)
	}

	now, manual, err := c.Now(ctx)
	if err != nil || !manual || !now.Equal(start) {
		t.Fatalf("Now() = %v, %v, %v; want %v on a manual clock", now, manual, err, start)
	}
	if now, err = c.Advance(ctx, 90*time.Minute); err != nil || !now.Equal(start.Add(90*time.Minute)) {
		t.Errorf("Advance(90m) = %v, %v", now, err)
	}
	if now, err = c.SetClock(ctx, start.Add(3*time.Hour)); err != nil || !now.Equal(start.Add(3*time.Hour)) {
		t.Errorf("SetClock(+3h) = %v, %v", now, err)
	}
	if _, err := c.Advance(ctx, -time.Second); err == nil {
		t.Error("Advance(-1s) succeeded; want it refused")
	}

	// A fault with latency travels as a duration string and hits the SDK.
	if err := c.InjectFault(ctx, backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ThrottlingException", Latency: time.Millisecond, Count: 1}); err != nil {
		t.Fatal(err)
	}
	api := srv.Client()
	_, err = api.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	if err == nil || !strings.Contains(err.Error(), "ThrottlingException") {
		t.Errorf("ListBackupVaults after InjectFault: %v; want ThrottlingException", err)
	}
	if err := c.InjectFault(ctx, backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ThrottlingException"}); err != nil {
		t.Fatal(err)
	}
	if err := c.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := api.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
		t.Errorf("ListBackupVaults after ClearFaults: %v", err)
	}
	calls, err := c.Calls(ctx)
	if err != nil || len(calls) == 0 || !hasCall(calls, "ListBackupVaults") {
		t.Errorf("Calls() = %d calls, %v; want the ListBackupVaults calls", len(calls), err)
	}

	// A failed backup job, as FailJobs says.
	if err := c.PutResources(ctx, vol); err != nil {
		t.Fatal(err)
	}
	if err := c.FailJobs(ctx, backuptest.JobFailure{JobType: "BACKUP", StatusMessage: "injected"}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("ctl-vault")}); err != nil {
		t.Fatal(err)
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("ctl-vault"), ResourceArn: aws.String(vol.ARN), IamRoleArn: aws.String("arn:aws:iam::123456789012:role/b")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Advance(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	d, err := api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId})
	if err != nil || string(d.State) != "FAILED" || aws.ToString(d.StatusMessage) != "injected" {
		t.Errorf("backup job after FailJobs: %v %v", d, err)
	}

	if err := c.SeedOrganization(ctx, backuptest.OrgSpec{Accounts: []backuptest.AccountSpec{{ID: "111111111111"}}}); err != nil {
		t.Errorf("SeedOrganization: %v", err)
	}
	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if all, err := c.Resources(ctx); err != nil || len(all) != 0 {
		t.Errorf("Resources() after Reset = %d, %v; want none", len(all), err)
	}
}

func TestControlClientUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := backuptest.NewControlClient("http://127.0.0.1:1", nil).Health(ctx); err == nil {
		t.Error("Health() of nothing listening succeeded")
	}
}

func hasCall(calls []backuptest.Call, op string) bool {
	for _, c := range calls {
		if c.Operation == op {
			return true
		}
	}
	return false
}
