// Command cross-region-copy backs up a resource and copies the recovery
// point to a vault in another Region (disaster recovery), waiting for both
// jobs.
//
// By default it runs against an embedded AWS Backup emulator:
//
//	go run ./examples/cross-region-copy
//
// -endpoint URL targets a running emulator (the resource is put into its
// inventory through the control API); -aws uses the default credential chain and real AWS: pass
// -resource, -role and -dest-region of your own. The destination vault is
// created if missing.
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
	sourceVault = "backupkit-example"
	destVault   = "backupkit-dr"
	destRegion  = "eu-west-1"
	resourceARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
	roleARN     = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	minDelay    = 5 * time.Second
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&resourceARN, "resource", resourceARN, "ARN of the resource to back up")
	flag.StringVar(&roleARN, "role", roleARN, "IAM role AWS Backup assumes")
	flag.StringVar(&destRegion, "dest-region", destRegion, "Region of the copy")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 2 * time.Second })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if env.Emulated() {
		if err := env.Seed(ctx, backuptest.Resource{ARN: resourceARN, SizeBytes: 4 << 30}); err != nil {
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
	// The same credentials in the destination Region.
	destCfg := cfg.Copy()
	destCfg.Region = destRegion
	destAPI := awsbackup.NewFromConfig(destCfg)

	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: sourceVault}); err != nil {
		return err
	}
	dest, _, err := vault.New(destAPI).Ensure(ctx, vault.Spec{Name: destVault})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "destination vault %s\n", dest.ARN)

	waitOpts := func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = minDelay, 10*minDelay }
	c := backup.New(api)
	job, err := c.StartBackup(ctx, backup.JobInput{VaultName: sourceVault, ResourceARN: resourceARN, IAMRoleARN: roleARN})
	if err != nil {
		return err
	}
	b, err := job.Wait(ctx, 4*time.Hour, waitOpts)
	if err != nil {
		return err
	}
	rp := aws.ToString(b.RecoveryPointArn)
	fmt.Fprintf(out, "backup %s completed: %s\n", job.ID, rp)

	// The destination ARN is built from name + Region (account: the role's)
	// and checked before the call.
	cj, err := c.StartCopy(ctx, backup.CopyInput{
		SourceVaultName:      sourceVault,
		RecoveryPointARN:     rp,
		IAMRoleARN:           roleARN,
		DestinationVaultName: destVault,
		DestinationRegion:    destRegion,
		Lifecycle:            backup.Lifecycle{DeleteAfter: backup.Days(90)},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "copy job %s to %s\n", cj.ID, cj.DestinationVaultARN)
	d, err := cj.Wait(ctx, 8*time.Hour, waitOpts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "copy completed: %s\n", aws.ToString(d.CopyJob.DestinationRecoveryPointArn))

	n := 0
	for _, err := range backup.RecoveryPoints(ctx, destAPI, destVault, backup.RecoveryPointFilter{ResourceARN: resourceARN}) {
		if err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(out, "%s in %s/%s: %d recovery point(s)\n", resourceARN, destRegion, destVault, n)
	return nil
}
