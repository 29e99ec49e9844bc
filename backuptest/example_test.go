package backuptest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
)

// Serve an emulator outside a test and talk to it with the real SDK client.
func ExampleStart() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client() // an *awsbackup.Client whose BaseEndpoint is srv.URL
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("prod")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(aws.ToString(d.BackupVaultName), d.NumberOfRecoveryPoints)
	fmt.Println(aws.ToString(d.BackupVaultArn))
	// Output:
	// prod 0
	// arn:aws:backup:us-east-1:123456789012:backup-vault:prod
}

// Add a resource to the inventory and back it up; the job completes when
// the manual clock has moved by JobDuration.
func ExampleEmulator_PutResource() {
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.JobDuration = clk, 10*time.Minute
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	if err := srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 8 << 30}); err != nil {
		log.Fatal(err)
	}
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	job, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("prod"),
		ResourceArn:     aws.String(vol),
		IamRoleArn:      aws.String("arn:aws:iam::123456789012:role/backup"),
	})
	if err != nil {
		log.Fatal(err)
	}
	describe := &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId}

	d, _ := c.DescribeBackupJob(ctx, describe)
	fmt.Println(d.State)
	clk.Advance(10 * time.Minute)
	d, _ = c.DescribeBackupJob(ctx, describe)
	fmt.Println(d.State, aws.ToString(d.ResourceType), aws.ToInt64(d.BackupSizeInBytes))
	// Output:
	// RUNNING
	// COMPLETED EBS 8589934592
}

// Throttle one request: the SDK's retryer sees a real ThrottlingException
// and retries, so the caller never notices.
func ExampleEmulator_InjectFault() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	// The standard retryer, with backoff capped so the example is quick.
	c := srv.Client(func(o *awsbackup.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(retry.NewStandard(), time.Millisecond)
	})
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}

	srv.InjectFault(backuptest.Fault{Operation: "DescribeBackupVault", ErrorCode: backuptest.CodeThrottling, Count: 1})
	if _, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	for _, call := range srv.Calls() {
		if call.Operation == "DescribeBackupVault" {
			fmt.Printf("%d %q\n", call.Status, call.ErrorCode)
		}
	}
	fmt.Println("successful:", srv.CallCount("DescribeBackupVault"))
	// Output:
	// 400 "ThrottlingException"
	// 200 ""
	// successful: 1
}

// Make the next backup job fail, with the status message AWS would give.
func ExampleEmulator_FailJobs() {
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.JobDuration = clk, 10*time.Minute
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	db := "arn:aws:rds:us-east-1:123456789012:db:orders"
	_ = srv.PutResource(backuptest.Resource{ARN: db})
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}

	srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: db, StatusMessage: "snapshot quota exceeded", Count: 1})
	job, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("prod"),
		ResourceArn:     aws.String(db),
		IamRoleArn:      aws.String("arn:aws:iam::123456789012:role/backup"),
	})
	if err != nil {
		log.Fatal(err)
	}
	clk.Advance(10 * time.Minute)
	d, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.State, aws.ToString(d.StatusMessage))
	// Output: FAILED snapshot quota exceeded
}

// Read the EventBridge events a backup job emitted as it moved through its
// states.
func ExampleEmulator_Events() {
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.JobDuration = clk, 10*time.Minute
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := srv.Client()
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	_ = srv.PutResource(backuptest.Resource{ARN: vol})
	if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	job, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("prod"),
		ResourceArn:     aws.String(vol),
		IamRoleArn:      aws.String("arn:aws:iam::123456789012:role/backup"),
	})
	if err != nil {
		log.Fatal(err)
	}
	clk.Advance(10 * time.Minute)
	srv.Advance() // emit the events due by now without a request

	for _, ev := range srv.Events() {
		var detail struct {
			BackupJobID string `json:"backupJobId"`
			State       string `json:"state"`
		}
		if err := json.Unmarshal(ev.Detail, &detail); err != nil {
			log.Fatal(err)
		}
		if detail.BackupJobID == aws.ToString(job.BackupJobId) {
			fmt.Println(ev.Source, ev.DetailType, detail.State)
		}
	}
	// Output:
	// aws.backup Backup Job State Change CREATED
	// aws.backup Backup Job State Change RUNNING
	// aws.backup Backup Job State Change COMPLETED
}

// A manual clock moves only when told to, and never backwards.
func ExampleNewManualClock() {
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	clk.Advance(90 * time.Minute)
	fmt.Println(clk.Now().Format(time.Kitchen))
	clk.Set(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)) // earlier: ignored
	clk.Advance(-time.Hour)                              // negative: ignored
	fmt.Println(clk.Now().Format(time.Kitchen))
	// Output:
	// 1:30PM
	// 1:30PM
}

// Errors from the emulator are the SDK's typed errors.
func ExampleAPIError() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_, err = srv.Client().DescribeBackupVault(context.Background(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	fmt.Println(errors.As(err, &nf))
	// Output: true
}
