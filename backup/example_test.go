package backup_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

func ExampleResourceTypeFromARN() {
	for _, a := range []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0",
		"arn:aws:rds:us-east-1:123456789012:cluster:orders", // also DocumentDB/Neptune: see the doc
		"arn:aws:s3:::my-bucket",
		"arn:aws:sqs:us-east-1:123456789012:queue",
	} {
		t, err := backup.ResourceTypeFromARN(a)
		fmt.Println(t, err != nil)
	}
	// Output:
	// EBS false
	// Aurora false
	// S3 false
	//  true
}

// Start an on-demand backup and wait for it (here against the emulator).
func ExampleClient_StartBackup() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	_ = srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 8 << 30})
	ctx := context.Background()
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}

	c := backup.New(api)
	job, err := c.StartBackup(ctx, backup.BackupInput{
		VaultName:   "prod",
		ResourceARN: vol,
		IAMRoleARN:  "arn:aws:iam::123456789012:role/backup",
		Lifecycle:   &backup.Lifecycle{DeleteAfter: backup.Days(35)},
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := job.Wait(ctx, time.Hour, func(o *backup.WaiterOptions) { o.MinDelay = 10 * time.Millisecond })
	var failed *backup.JobFailedError
	switch {
	case errors.As(err, &failed):
		fmt.Println("failed:", failed.State, failed.StatusMessage)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(out.State)
	}
	// Output: COMPLETED
}

func ExampleFailedBackupJobs() {
	pattern, err := backup.FailedBackupJobs().WithResourceTypes(backup.EBS).JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pattern)
	// Output: {"detail":{"resourceType":["EBS"],"state":["FAILED","EXPIRED","ABORTED","PARTIAL"]},"detail-type":["Backup Job State Change"],"source":["aws.backup"]}
}

func ExampleParseEvent() {
	ev, err := backup.ParseEvent([]byte(`{
		"detail-type": "Backup Job State Change", "source": "aws.backup",
		"detail": {"backupJobId": "job-1", "state": "EXPIRED", "backupSizeInBytes": "1024",
		           "expectedCompletionDate": "Jul 15, 2020 9:39:07 PM"}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.Job.JobID, ev.Job.State, ev.Job.Failed(), ev.Job.BackupSizeInBytes, ev.Job.ExpectedCompletionDate.Format(time.RFC3339))
	// Output: job-1 EXPIRED true 1024 2020-07-15T21:39:07Z
}

func ExampleIsThrottled() {
	err := fmt.Errorf("describe: %w", &smithy.GenericAPIError{Code: "ThrottlingException"})
	fmt.Println(backup.IsThrottled(err), backup.IsNotFound(err))
	// Output: true false
}
