// Command restore-rds restores the latest snapshot of an RDS DB instance to a
// new instance with a chosen identifier and class, using backupkit's typed
// restore input (the identifier is checked before AWS sees it), waits for
// the job and prints the new instance with AWS's own restore timing.
//
//	go run ./examples/restore-rds                       # embedded emulator, seeded
//	go run ./examples/restore-rds -endpoint URL         # a running backupkit emulator, seeded through its control API
//	go run ./examples/restore-rds -aws -db arn:aws:rds:…:db:orders -role arn:aws:iam::…:role/restore
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

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/restore"
	"github.com/backupkit/backupkit/vault"
)

var (
	dbARN    = flag.String("db", "arn:aws:rds:us-east-1:123456789012:db:orders", "ARN of the DB instance whose latest recovery point to restore")
	newID    = flag.String("new-id", "orders-restored", "DB instance identifier of the restored instance")
	dbClass  = flag.String("class", "db.t3.medium", "DB instance class of the restored instance")
	roleARN  = flag.String("role", "arn:aws:iam::123456789012:role/backupkit-example", "IAM role AWS Backup restores with")
	vaultFor = "backupkit-example" // the vault the embedded demo seeds
)

func main() {
	where := exenv.Register(nil)
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 300 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if env.Emulated() {
		if err := seed(ctx, env); err != nil {
			log.Fatal(err)
		}
	}
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run restores the newest completed recovery point of -db as -new-id.
func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	api := awsbackup.NewFromConfig(cfg)
	points, err := api.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: dbARN})
	if err != nil {
		return err
	}
	var latest *types.RecoveryPointByResource
	for i, p := range points.RecoveryPoints {
		if p.Status == types.RecoveryPointStatusCompleted && (latest == nil || p.CreationDate.After(*latest.CreationDate)) {
			latest = &points.RecoveryPoints[i]
		}
	}
	if latest == nil {
		return errors.New("no completed recovery point of " + *dbARN)
	}
	in := restore.RDS{
		DBInstanceIdentifier: *newID,
		DBInstanceClass:      *dbClass,
		MultiAZ:              aws.Bool(false),
		PubliclyAccessible:   aws.Bool(false),
		DeletionProtection:   aws.Bool(false),
	}
	if _, err := in.Metadata(); err != nil { // every problem at once, before AWS is asked
		return fmt.Errorf("restore input: %w", err)
	}
	client := restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = *roleARN
		o.Waiter = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 50*time.Millisecond, 30*time.Second }
	})
	fmt.Fprintf(out, "Restoring %s as %s (%s)…\n", aws.ToString(latest.RecoveryPointArn), *newID, *dbClass)
	job, err := client.StartAndWait(ctx, aws.ToString(latest.RecoveryPointArn), in,
		func(o *restore.StartOptions) { o.BackupVaultName = aws.ToString(latest.BackupVaultName) })
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Restored DB instance: %s\n", job.CreatedResourceARN)
	fmt.Fprintf(out, "Restore job %s took %s (AWS CreationDate → CompletionDate).\n", job.ID, job.Duration().Round(time.Millisecond))
	return nil
}

// seed gives an emulator the DB instance, a vault and a completed backup.
func seed(ctx context.Context, env *exenv.Env) error {
	if err := env.Seed(ctx, backuptest.Resource{ARN: *dbARN, SizeBytes: 50 << 30, Attributes: map[string]string{"engine": "postgres"}}); err != nil {
		return err
	}
	api := awsbackup.NewFromConfig(env.Config)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: vaultFor}); err != nil {
		return err
	}
	// Seeded before (a second run against the same emulator): restore the
	// same point again, which the idempotency token turns into the same
	// restore job instead of a clash with the restored instance.
	have, err := api.ListRecoveryPointsByResource(ctx, &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: dbARN})
	if err != nil {
		return err
	}
	if len(have.RecoveryPoints) > 0 {
		return nil
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(vaultFor), ResourceArn: dbARN, IamRoleArn: roleARN})
	if err != nil {
		return err
	}
	_, err = backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, time.Second }).
		Wait(ctx, aws.ToString(job.BackupJobId), time.Minute)
	return err
}
