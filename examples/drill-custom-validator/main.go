// Command drill-custom-validator runs a restore drill of a DynamoDB table
// with a validator of its own: besides backupkit's built-in checks (table
// ACTIVE, not empty when the source has items), it asks the restored
// table's own service whether it holds at least -min-items items, the way
// you would run a SQL query against a restored database. It prints the
// Markdown report and exits non-zero if the drill failed.
//
//	go run ./examples/drill-custom-validator             # embedded emulator, seeded
//	go run ./examples/drill-custom-validator -endpoint http://127.0.0.1:4566   # a running backupkit emulator, seeded through its control API
//	go run ./examples/drill-custom-validator -aws -vault my-vault -table arn:aws:dynamodb:…:table/orders -role arn:…
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/restore"
)

var (
	vaultName = flag.String("vault", "backupkit-example", "backup vault with the table's recovery points")
	tableARN  = flag.String("table", "arn:aws:dynamodb:us-east-1:123456789012:table/orders", "DynamoDB table to drill")
	roleARN   = flag.String("role", "arn:aws:iam::123456789012:role/backupkit-example", "IAM role AWS Backup restores with")
	minItems  = flag.Int64("min-items", 1000, "items the restored table must hold")
	maxRTO    = flag.Duration("max-rto", 30*time.Minute, "RTO target")
)

func main() {
	where := exenv.Register(nil)
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 200 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	// AWS Backup and DynamoDB, which the validator queries: real AWS, or
	// the emulator (one endpoint serves both), seeded with a 1,500-item
	// table through its control API.
	if env.Emulated() {
		put := func(r backuptest.Resource) error { return env.Seed(ctx, r) }
		if err := seed(ctx, awsbackup.NewFromConfig(env.Config), put, 1500); err != nil {
			log.Fatal(err)
		}
	}
	passed, err := run(ctx, env.Config, dynamodb.NewFromConfig(env.Config), os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	if !passed {
		os.Exit(1)
	}
}

// minItemsValidator is the custom check: the restored table, read through
// DynamoDB's own API, must hold at least min items.
func minItemsValidator(ddb restore.DynamoDBAPI, minItems int64) restore.ValidatorFunc {
	return func(ctx context.Context, r restore.Restored) error {
		out, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(r.CreatedResourceARN)})
		if err != nil {
			return err
		}
		if n := aws.ToInt64(out.Table.ItemCount); n < minItems {
			return &restore.ValidationFailedError{ResourceARN: r.CreatedResourceARN, Reason: fmt.Sprintf("%d items; want at least %d", n, minItems)}
		}
		return nil
	}
}

// run drills -table and writes the Markdown report to out.
func run(ctx context.Context, cfg aws.Config, ddb restore.DynamoDBAPI, out io.Writer) (bool, error) {
	client := restore.New(awsbackup.NewFromConfig(cfg), func(o *restore.Options) {
		o.IAMRoleARN = *roleARN
		o.Services = restore.Services{DynamoDB: ddb}
		o.Waiter = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 50*time.Millisecond, 30*time.Second }
		o.DeletePollInterval = 100 * time.Millisecond
	})
	rep, err := client.Run(ctx, &restore.Drill{
		Vault:   *vaultName,
		Targets: []restore.Target{{ResourceARN: *tableARN, Validators: []restore.Validator{minItemsValidator(ddb, *minItems)}}},
		MaxRTO:  *maxRTO,
	})
	if err != nil {
		return false, err
	}
	return rep.Passed, rep.WriteMarkdown(out)
}

// seed gives an emulator the table (with items), a vault and a backup.
func seed(ctx context.Context, api *awsbackup.Client, put func(backuptest.Resource) error, items int) error {
	if err := put(backuptest.Resource{ARN: *tableARN, SizeBytes: 10 << 20, Attributes: map[string]string{"itemCount": fmt.Sprint(items)}}); err != nil {
		return err
	}
	var exists *types.AlreadyExistsException
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: vaultName}); err != nil && !errors.As(err, &exists) {
		return err
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: vaultName, ResourceArn: tableARN, IamRoleArn: roleARN})
	if err != nil {
		return err
	}
	_, err = backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, time.Second }).
		Wait(ctx, aws.ToString(job.BackupJobId), time.Minute)
	return err
}
