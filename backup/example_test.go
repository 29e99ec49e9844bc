package backup_test

import (
	"context"
	"encoding/json"
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
	job, err := c.StartBackup(ctx, backup.JobInput{
		VaultName:   "prod",
		ResourceARN: vol,
		IAMRoleARN:  "arn:aws:iam::123456789012:role/backup",
		Lifecycle:   backup.Lifecycle{DeleteAfter: backup.Days(35)},
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

func ExampleFailedJobs() {
	pattern, err := backup.FailedJobs().WithResourceTypes(backup.EBS).JSON()
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

// Wait for a backup job without sleeping: the emulator runs on a manual
// clock and the waiter's Sleep seam advances it.
func ExampleNewJobWaiter() {
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.JobDuration = clk, 10*time.Minute
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	_ = srv.PutResource(backuptest.Resource{ARN: vol})
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
		BackupVaultName: aws.String("prod"),
		ResourceArn:     aws.String(vol),
		IamRoleArn:      aws.String("arn:aws:iam::123456789012:role/backup"),
	})
	if err != nil {
		log.Fatal(err)
	}

	w := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Minute, 5*time.Minute
		o.Sleep = func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() }
	})
	out, err := w.Wait(ctx, aws.ToString(job.BackupJobId), time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.State, aws.ToString(out.ResourceType))
	// Output: COMPLETED EBS
}

// Copy a recovery point to a vault in another Region: name the vault and
// its Region and StartCopy builds the destination ARN.
func ExampleClient_StartCopy() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	role := "arn:aws:iam::123456789012:role/backup"
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	_ = srv.PutResource(backuptest.Resource{ARN: vol})
	api := srv.Client()                              // us-east-1
	dr := srv.ClientFor("123456789012", "eu-west-1") // the destination Region
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	if _, err := dr.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")}); err != nil {
		log.Fatal(err)
	}
	fast := func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 10*time.Millisecond }
	c := backup.New(api, func(o *backup.Options) { fast(&o.Waiter) })
	b, err := c.StartBackup(ctx, backup.JobInput{VaultName: "prod", ResourceARN: vol, IAMRoleARN: role})
	if err != nil {
		log.Fatal(err)
	}
	done, err := b.Wait(ctx, time.Minute)
	if err != nil {
		log.Fatal(err)
	}

	cp, err := c.StartCopy(ctx, backup.CopyInput{
		SourceVaultName:      "prod",
		RecoveryPointARN:     aws.ToString(done.RecoveryPointArn),
		IAMRoleARN:           role,
		DestinationVaultName: "dr",
		DestinationRegion:    "eu-west-1",
		Lifecycle:            backup.Lifecycle{DeleteAfter: backup.Days(90)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cp.DestinationVaultARN)
	out, err := cp.Wait(ctx, time.Minute)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.CopyJob.State)
	for rp, err := range backup.RecoveryPoints(ctx, dr, "dr", backup.RecoveryPointFilter{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(aws.ToString(rp.ResourceArn))
	}
	// Output:
	// arn:aws:backup:eu-west-1:123456789012:backup-vault:dr
	// COMPLETED
	// arn:aws:ec2:us-east-1:123456789012:volume/vol-1
}

// Iterate over a vault's recovery points of one resource type. The
// iterator follows pages itself; breaking out of the loop stops paging.
func ExampleClient_RecoveryPoints() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	// Four points in vault "prod": EBS volumes and RDS databases in turn.
	_ = srv.SeedRecoveryPoints("123456789012", "us-east-1", "prod", 4, func(i int) backuptest.Resource {
		if i%2 == 0 {
			return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%d", i)}
		}
		return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:rds:us-east-1:123456789012:db:db-%d", i)}
	})

	c := backup.New(srv.Client())
	f := backup.RecoveryPointFilter{ResourceType: backup.RDS, PageSize: 1}
	for rp, err := range c.RecoveryPoints(context.Background(), "prod", f) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(aws.ToString(rp.ResourceArn), rp.Status)
	}
	// Unordered output:
	// arn:aws:rds:us-east-1:123456789012:db:db-1 COMPLETED
	// arn:aws:rds:us-east-1:123456789012:db:db-3 COMPLETED
}

// Build a status report: job counts by state, failures with their reasons
// and the achieved RPO of every resource.
func ExampleClient_Report() {
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.JobDuration = clk, 10*time.Minute
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	db := "arn:aws:rds:us-east-1:123456789012:db:orders"
	for _, arn := range []string{vol, db} {
		_ = srv.PutResource(backuptest.Resource{ARN: arn})
	}
	srv.FailJobs(backuptest.JobFailure{ResourceARN: db, StatusMessage: "snapshot quota exceeded"})
	c := backup.New(api, func(o *backup.Options) {
		o.Now = clk.Now
		o.Waiter.Sleep = func(ctx context.Context, d time.Duration) error { clk.Advance(d); return ctx.Err() }
	})
	for _, arn := range []string{vol, db} {
		job, err := c.StartBackup(ctx, backup.JobInput{VaultName: "prod", ResourceARN: arn, IAMRoleARN: "arn:aws:iam::123456789012:role/backup"})
		if err != nil {
			log.Fatal(err)
		}
		_, _ = job.Wait(ctx, time.Hour) // the db job fails
	}
	clk.Set(time.Date(2026, 3, 1, 18, 10, 0, 0, time.UTC)) // 6h after the volume's backup completed

	rep, err := c.Report(ctx, clk.Now().Add(-24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("backup jobs:", rep.Counts[backup.JobTypeBackup])
	for _, f := range rep.Failed {
		fmt.Println("failed:", f.ResourceARN, f.StatusMessage)
	}
	for _, r := range rep.Resources {
		fmt.Println("resource:", r.ResourceARN, r.LastState, r.AgeText)
	}
	// Output:
	// backup jobs: map[COMPLETED:1 FAILED:1]
	// failed: arn:aws:rds:us-east-1:123456789012:db:orders snapshot quota exceeded
	// resource: arn:aws:rds:us-east-1:123456789012:db:orders FAILED never
	// resource: arn:aws:ec2:us-east-1:123456789012:volume/vol-1 COMPLETED 6h00m
}

// Restart a failed backup job from its EventBridge event, as a Lambda
// function subscribed to FailedJobs() would.
func ExampleRemediator_Handle() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	_ = srv.PutResource(backuptest.Resource{ARN: vol})
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		log.Fatal(err)
	}
	// The first job fails with a transient error.
	srv.FailJobs(backuptest.JobFailure{StatusMessage: "An internal error occurred. Please try again.", Count: 1})
	c := backup.New(api, func(o *backup.Options) { o.Waiter.MinDelay, o.Waiter.MaxDelay = time.Millisecond, 10*time.Millisecond })
	job, err := c.StartBackup(ctx, backup.JobInput{VaultName: "prod", ResourceARN: vol, IAMRoleARN: "arn:aws:iam::123456789012:role/backup"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = job.Wait(ctx, time.Minute)
	fmt.Println(errors.Is(err, backup.ErrJobFailed))

	r := backup.NewRemediator(api)
	for _, ev := range srv.Events() { // what EventBridge would deliver
		res, err := r.Handle(ctx, json.RawMessage(ev.JSON()))
		if err != nil {
			log.Fatal(err)
		}
		if res.Action != backup.ActionIgnored {
			fmt.Println(res.State, res.Action, res.NewJobID != "")
		}
	}
	// Output:
	// true
	// FAILED restarted true
}

// Build the EventBridge pattern of a rule and check events against it.
func ExampleNewRulePattern() {
	p := backup.NewRulePattern(backup.DetailTypeCopyJob).WithStates("FAILED").WithRegions("eu-west-1")
	pattern, err := p.JSON()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pattern)
	ev, err := backup.ParseEvent([]byte(`{"detail-type": "Copy Job State Change", "source": "aws.backup",
		"region": "eu-west-1", "detail": {"copyJobId": "c-1", "state": "FAILED"}}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Matches(ev))
	// Output:
	// {"detail":{"state":["FAILED"]},"detail-type":["Copy Job State Change"],"region":["eu-west-1"],"source":["aws.backup"]}
	// true
}

// Place a legal hold on every recovery point of a vault.
func ExampleClient_CreateLegalHold() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	_ = srv.SeedRecoveryPoints("123456789012", "us-east-1", "prod", 3, nil)

	c := backup.New(srv.Client())
	hold, err := c.CreateLegalHold(ctx, backup.LegalHoldInput{
		Title:       "case-1234",
		Description: "litigation hold",
		VaultNames:  []string{"prod"},
	})
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, err := range c.LegalHoldRecoveryPoints(ctx, hold.ID) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(hold.Status, n)
	// Output: ACTIVE 3
}
