// Command restore-rds restores the latest snapshot of an RDS DB instance to a
// new instance with a chosen identifier and class, using backupkit's typed
// restore input (the identifier is checked before AWS sees it), waits for
// the job and prints the new instance with AWS's own restore timing.
//
//	go run ./examples/restore-rds                       # embedded emulator, seeded
//	go run ./examples/restore-rds -endpoint URL         # a running backupkit emulator
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
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

var (
	dbARN    = flag.String("db", "arn:aws:rds:us-east-1:123456789012:db:orders", "ARN of the DB instance whose latest recovery point to restore")
	newID    = flag.String("new-id", "orders-restored", "DB instance identifier of the restored instance")
	dbClass  = flag.String("class", "db.t3.medium", "DB instance class of the restored instance")
	roleARN  = flag.String("role", "arn:aws:iam::123456789012:role/backupkit-example", "IAM role AWS Backup restores with")
	vaultFor = "backupkit-example" // the vault the embedded demo seeds
)

func main() {
	endpoint := flag.String("endpoint", "", "AWS Backup endpoint of a running emulator")
	useAWS := flag.Bool("aws", false, "use real AWS with the default credential chain")
	flag.Parse()
	ctx := context.Background()
	var cfg aws.Config
	switch {
	case *useAWS:
		c, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			log.Fatal(err)
		}
		cfg = c
	case *endpoint != "":
		cfg = aws.Config{Region: "us-east-1", BaseEndpoint: endpoint,
			Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "example", "")}
	default:
		srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) { o.JobDuration = 300 * time.Millisecond })
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		if err := seed(ctx, srv); err != nil {
			log.Fatal(err)
		}
		cfg = srv.Config()
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
func seed(ctx context.Context, srv *backuptest.Server) error {
	if err := srv.PutResource(backuptest.Resource{ARN: *dbARN, SizeBytes: 50 << 30, Attributes: map[string]string{"engine": "postgres"}}); err != nil {
		return err
	}
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(vaultFor)}); err != nil {
		return err
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(vaultFor), ResourceArn: dbARN, IamRoleArn: roleARN})
	if err != nil {
		return err
	}
	_, err = backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, time.Second }).
		Wait(ctx, aws.ToString(job.BackupJobId), time.Minute)
	return err
}
