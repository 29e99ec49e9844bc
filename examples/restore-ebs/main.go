// Command restore-ebs restores the latest EBS snapshot in a backup vault to a
// new gp3 volume with backupkit's typed restore input, waits for the job and
// prints the new volume with AWS's own restore timing.
//
//	go run ./examples/restore-ebs                       # embedded emulator, seeded
//	go run ./examples/restore-ebs -endpoint URL         # a running backupkit emulator, seeded through its control API
//	go run ./examples/restore-ebs -aws -vault my-vault -az eu-west-1a
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
	vaultName = flag.String("vault", "backupkit-example", "backup vault holding the EBS recovery points")
	zone      = flag.String("az", "us-east-1a", "availability zone of the restored volume")
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

// run restores the newest completed EBS recovery point of the vault.
func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	api := awsbackup.NewFromConfig(cfg)
	points, err := api.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: vaultName, ByResourceType: aws.String("EBS"),
	})
	if err != nil {
		return err
	}
	var latest *types.RecoveryPointByBackupVault
	for i, p := range points.RecoveryPoints {
		if p.Status == types.RecoveryPointStatusCompleted && (latest == nil || p.CreationDate.After(*latest.CreationDate)) {
			latest = &points.RecoveryPoints[i]
		}
	}
	if latest == nil {
		return errors.New("no completed EBS recovery point in vault " + *vaultName)
	}
	client := restore.New(api, func(o *restore.Options) {
		o.Waiter = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 50*time.Millisecond, 5*time.Second }
	})
	in := restore.EBS{AvailabilityZone: *zone, VolumeType: "gp3", ThroughputMiBps: 250, Encrypted: aws.Bool(true)}
	fmt.Fprintf(out, "Restoring %s (from %s) as a gp3 volume in %s…\n", aws.ToString(latest.RecoveryPointArn), aws.ToString(latest.ResourceArn), *zone)
	job, err := client.StartAndWait(ctx, aws.ToString(latest.RecoveryPointArn), in,
		func(o *restore.StartOptions) { o.BackupVaultName = *vaultName })
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Restored volume: %s\n", job.CreatedResourceARN)
	fmt.Fprintf(out, "Restore job %s took %s (AWS CreationDate → CompletionDate).\n", job.ID, job.Duration().Round(time.Millisecond))
	return nil
}

// seed gives an emulator one EBS volume, a vault and a completed backup.
func seed(ctx context.Context, env *exenv.Env) error {
	const volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0example"
	if err := env.Seed(ctx, backuptest.Resource{ARN: volume, SizeBytes: 100 << 30}); err != nil {
		return err
	}
	api := awsbackup.NewFromConfig(env.Config)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: aws.ToString(vaultName)}); err != nil {
		return err
	}
	job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: vaultName, ResourceArn: aws.String(volume),
		IamRoleArn: aws.String("arn:aws:iam::123456789012:role/backupkit-example")})
	if err != nil {
		return err
	}
	_, err = backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, time.Second }).
		Wait(ctx, aws.ToString(job.BackupJobId), time.Minute)
	return err
}
