package restore_test

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

func ExampleEBS_Metadata() {
	md, err := restore.EBS{AvailabilityZone: "eu-west-1a", VolumeType: "gp3", VolumeSizeGiB: 200, ThroughputMiBps: 500}.Metadata()
	if err != nil {
		panic(err)
	}
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%s\n", k, md[k])
	}
	// Output:
	// availabilityZone=eu-west-1a
	// throughput=500
	// volumeSize=200
	// volumeType=gp3
}

func ExampleRDS_Metadata() {
	_, err := restore.RDS{DBInstanceIdentifier: "1-orders", Port: 80}.Metadata()
	fmt.Println(err)
	// Output:
	// RDS.DBInstanceIdentifier: is "1-orders"; must be 1-63 letters, digits and hyphens, starting with a letter, without a trailing hyphen or two hyphens in a row
	// RDS.Port: is 80; want 1150–65535
}

func ExampleMergeMetadata() {
	fromAWS := map[string]string{"DBInstanceIdentifier": "orders", "DBInstanceClass": "db.r6g.large"}
	mine := map[string]string{"dbInstanceIdentifier": "orders-drill"}
	merged := restore.MergeMetadata(fromAWS, mine)
	fmt.Println(merged["dbInstanceIdentifier"], merged["DBInstanceClass"], len(merged))
	// Output: orders-drill db.r6g.large 2
}

func ExampleTestingPlan_Input() {
	in, err := (&restore.TestingPlan{Name: "weekly_drill", Schedule: "cron(0 3 ? * SUN *)", StartWindow: 4 * time.Hour}).Input()
	if err != nil {
		panic(err)
	}
	p := in.RestoreTestingPlan
	fmt.Println(*p.RestoreTestingPlanName, *p.ScheduleExpression, p.StartWindowHours,
		p.RecoveryPointSelection.Algorithm, p.RecoveryPointSelection.SelectionWindowDays, p.RecoveryPointSelection.IncludeVaults)
	// Output: weekly_drill cron(0 3 ? * SUN *) 4 LATEST_WITHIN_WINDOW 30 [*]
}

func ExampleTestingSelection_Input() {
	in, err := (&restore.TestingSelection{
		Plan: "weekly_drill", Name: "prod_databases", ResourceType: "RDS",
		IAMRoleARN:   "arn:aws:iam::123456789012:role/restore-testing",
		StringEquals: map[string]string{"env": "prod"},
	}).Input()
	if err != nil {
		panic(err)
	}
	s := in.RestoreTestingSelection
	fmt.Println(s.ProtectedResourceArns, *s.ProtectedResourceConditions.StringEquals[0].Key)
	// Output: [*] env
}

// exampleEmulator starts an emulator on a manual clock with one backed-up
// EBS volume. Clients given clk.Now and clk.Sleep move that clock instead
// of waiting, so the examples run in milliseconds.
func exampleEmulator() (*backuptest.Server, *backuptest.ManualClock, string) {
	clk := backuptest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = 20 * time.Minute })
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	const volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0example"
	if err := srv.PutResource(backuptest.Resource{ARN: volume, SizeBytes: 8 << 30}); err != nil {
		panic(err)
	}
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("prod")}); err != nil {
		panic(err)
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("prod"), ResourceArn: aws.String(volume), IamRoleArn: aws.String(testRole)})
	if err != nil {
		panic(err)
	}
	if _, err := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.Sleep = clk.Sleep }).Wait(ctx, aws.ToString(job.BackupJobId), time.Hour); err != nil {
		panic(err)
	}
	return srv, clk, volume
}

func ExampleClient_StartAndWait() {
	srv, clk, volume := exampleEmulator()
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	points, err := api.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(volume)})
	if err != nil {
		panic(err)
	}
	client := restore.New(api, func(o *restore.Options) { o.Now, o.Sleep = clk.Now, clk.Sleep })
	job, err := client.StartAndWait(ctx, aws.ToString(points.RecoveryPoints[0].RecoveryPointArn),
		restore.EBS{AvailabilityZone: "us-east-1b", VolumeType: "gp3"},
		func(o *restore.StartOptions) { o.BackupVaultName = "prod" })
	if err != nil {
		panic(err)
	}
	created, _ := srv.Resource(job.CreatedResourceARN)
	fmt.Println(job.Status, created.Type, created.SizeBytes>>30, "GiB", job.Duration())
	// Output: COMPLETED EBS 8 GiB 20m0s
}

func ExampleClient_Run() {
	srv, clk, volume := exampleEmulator()
	defer srv.Close()
	fakes := backuptest.NewFakes(srv.Emulator)
	client := restore.New(srv.Client(), func(o *restore.Options) {
		o.Services = restore.Services{EC2: fakes.EC2}
		o.Now, o.Sleep = clk.Now, clk.Sleep
	})
	rep, err := client.Run(context.Background(), &restore.Drill{
		Vault:   "prod",
		Targets: []restore.Target{{ResourceARN: volume}},
		MaxRTO:  time.Hour,
		MaxRPO:  24 * time.Hour,
	})
	if err != nil {
		panic(err)
	}
	t := rep.Targets[0]
	fmt.Println(rep.Passed, t.ResourceType, t.Validation, t.Cleanup, t.RTOMet, t.RPOMet)
	// Output: true EBS passed deleted true true
}

// ExampleTestingResults schedules a restore test with AWS Backup's own
// restore testing (here the emulator runs it on a manual clock), sends a
// validation result, and reads the outcome back as a drill report.
func ExampleTestingResults() {
	clk := backuptest.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) {
		o.Clock, o.RunPlans, o.JobDuration = clk, true, 20*time.Minute
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	api := srv.Client()
	const volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0example"
	if err := srv.SeedRecoveryPoints("", "", "prod", 1, func(int) backuptest.Resource {
		return backuptest.Resource{ARN: volume, SizeBytes: 8 << 30}
	}); err != nil {
		panic(err)
	}

	plan, err := (&restore.TestingPlan{Name: "nightly", Schedule: "cron(0 10 ? * * *)"}).Input()
	if err != nil {
		panic(err)
	}
	created, err := api.CreateRestoreTestingPlan(ctx, plan)
	if err != nil {
		panic(err)
	}
	sel, err := (&restore.TestingSelection{Plan: "nightly", Name: "volumes", ResourceType: backup.EBS,
		IAMRoleARN: testRole, ResourceARNs: []string{volume}, ValidationWindow: time.Hour}).Input()
	if err != nil {
		panic(err)
	}
	if _, err := api.CreateRestoreTestingSelection(ctx, sel); err != nil {
		panic(err)
	}

	clk.Advance(80 * time.Minute) // 10:20: the 10:00 test has restored the volume
	jobs, err := api.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: created.RestoreTestingPlanArn})
	if err != nil {
		panic(err)
	}
	// Your validation (a Lambda function on the restore job's completion
	// event, say) reports its result; AWS Backup then deletes the volume.
	if _, err := api.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{
		RestoreJobId: jobs.RestoreJobs[0].RestoreJobId, ValidationStatus: "SUCCESSFUL",
	}); err != nil {
		panic(err)
	}

	rep, err := restore.TestingResults(ctx, api, aws.ToString(created.RestoreTestingPlanArn),
		func(o *restore.TestingResultsOptions) { o.MaxRTO = time.Hour })
	if err != nil {
		panic(err)
	}
	t := rep.Targets[0]
	fmt.Println(rep.Passed, t.ResourceType, t.Validation, t.Cleanup, t.RTORestore, t.RTOMet)
	// Output: true EBS passed deleted 20m0s true
}
