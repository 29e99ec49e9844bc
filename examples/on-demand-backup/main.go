// Command on-demand-backup starts an on-demand backup of one resource and
// waits for it with SDK-style backoff, printing progress.
//
// By default it runs against an embedded AWS Backup emulator (with an EBS
// volume in its inventory and jobs that take a few seconds):
//
//	go run ./examples/on-demand-backup
//
// -endpoint URL targets a running emulator (the resource is put into its
// inventory through the control API); -aws uses the default credential chain and real AWS: pass
// -resource and -role of your own.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/vault"
)

var (
	vaultName   = "backupkit-example"
	resourceARN = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0example"
	roleARN     = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	// minDelay is the waiter's first delay; real jobs take minutes.
	minDelay = 5 * time.Second
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&vaultName, "vault", vaultName, "backup vault (created if missing)")
	flag.StringVar(&resourceARN, "resource", resourceARN, "ARN of the resource to back up")
	flag.StringVar(&roleARN, "role", roleARN, "IAM role AWS Backup assumes")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 3 * time.Second })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if env.Emulated() {
		if err := env.Seed(ctx, backuptest.Resource{ARN: resourceARN, SizeBytes: 8 << 30}); err != nil {
			log.Fatal(err)
		}
		minDelay = 500 * time.Millisecond
	}
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	api := awsbackup.NewFromConfig(cfg)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: vaultName}); err != nil {
		return err
	}
	c := backup.New(api)
	job, err := c.StartBackup(ctx, backup.JobInput{
		VaultName:         vaultName,
		ResourceARN:       resourceARN,
		IAMRoleARN:        roleARN,
		StartWindow:       time.Hour,
		Lifecycle:         backup.Lifecycle{DeleteAfter: backup.Days(35)},
		RecoveryPointTags: map[string]string{"reason": "on-demand example"},
		// IdempotencyToken left empty: derived from these fields, so
		// re-running the example returns the same job.
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "started backup job %s (token %s)\n", job.ID, job.IdempotencyToken)

	last := ""
	desc, err := job.Wait(ctx, 2*time.Hour, func(o *backup.WaiterOptions) {
		o.MinDelay, o.MaxDelay = minDelay, 10*minDelay
		o.OnAttempt = func(p backup.Progress) {
			s := p.State
			if p.PercentDone != "" {
				s += " " + p.PercentDone + "%"
			}
			if s != last {
				fmt.Fprintf(out, "  %s\n", s)
				last = s
			}
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "completed: recovery point %s (%d bytes)\n", aws.ToString(desc.RecoveryPointArn), aws.ToInt64(desc.BackupSizeInBytes))
	return nil
}
