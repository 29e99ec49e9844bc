// Command recovery-points lists a vault's recovery points with filters
// through a streaming iterator, shows the latest point per resource and
// extends one point's retention.
//
// By default it runs against an embedded AWS Backup emulator seeded with
// 2,500 recovery points:
//
//	go run ./examples/recovery-points
//
// -endpoint URL targets a running emulator (ten resources with one backup
// each, seeded through its control API); -aws uses the default
// credential chain and real AWS (it only reads, except for the retention
// change of the newest point, which -dry-run skips).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/vault"
)

var (
	vaultName = "backupkit-example"
	dryRun    = false
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&vaultName, "vault", vaultName, "vault to list")
	flag.BoolVar(&dryRun, "dry-run", false, "do not change any retention")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
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

// seed fills the emulator's vault. The embedded emulator takes 2,500
// points of five EBS volumes and five DynamoDB tables at once; a running
// one (-endpoint) gets the ten resources through its control API and one
// backup job each.
func seed(ctx context.Context, env *exenv.Env) error {
	if env.Server == nil {
		api := awsbackup.NewFromConfig(env.Config)
		if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: vaultName}); err != nil {
			return err
		}
		c := backup.New(api)
		var jobs []*backup.Job
		for i := range 10 {
			r := seedResource(i)
			if err := env.Seed(ctx, r); err != nil {
				return err
			}
			j, err := c.StartBackup(ctx, backup.JobInput{VaultName: vaultName, ResourceARN: r.ARN, IAMRoleARN: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"})
			if err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		for _, j := range jobs {
			if _, err := j.Wait(ctx, 10*time.Minute, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 100*time.Millisecond, 2*time.Second }); err != nil {
				return err
			}
		}
		return nil
	}
	return env.Server.SeedRecoveryPoints("", "", vaultName, 2500, seedResource)
}

// seedResource is the i-th seeded resource: five EBS volumes and five
// DynamoDB tables, alternating.
func seedResource(i int) backuptest.Resource {
	if i%2 == 0 {
		return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%02d", i%10), SizeBytes: 8 << 30}
	}
	return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:dynamodb:us-east-1:123456789012:table/T%02d", i%10), SizeBytes: 1 << 30}
}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	c := backup.New(awsbackup.NewFromConfig(cfg))

	// Stream every point: one page in memory at a time.
	total, bytes := 0, int64(0)
	var newest time.Time
	for rp, err := range c.RecoveryPoints(ctx, vaultName, backup.RecoveryPointFilter{}) {
		if err != nil {
			return err
		}
		total++
		bytes += aws.ToInt64(rp.BackupSizeInBytes)
		if t := aws.ToTime(rp.CreationDate); t.After(newest) {
			newest = t
		}
	}
	fmt.Fprintf(out, "%s: %d recovery points, %.1f GiB\n", vaultName, total, float64(bytes)/(1<<30))

	// Filters: DynamoDB points of the 10 minutes up to the newest point
	// (the filter is sent to AWS and re-checked on every point).
	since := newest.Add(-10 * time.Minute)
	recent := 0
	for _, err := range c.RecoveryPoints(ctx, vaultName, backup.RecoveryPointFilter{ResourceType: backup.DynamoDB, CreatedAfter: since}) {
		if err != nil {
			return err
		}
		recent++
	}
	fmt.Fprintf(out, "DynamoDB points created in the 10 minutes up to the newest: %d\n", recent)

	// Stop early: the first 3 EBS points, without fetching further pages.
	n := 0
	fmt.Fprintln(out, "the first 3 EBS points:")
	for rp, err := range c.RecoveryPoints(ctx, vaultName, backup.RecoveryPointFilter{ResourceType: backup.EBS, PageSize: 3}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %s\n", aws.ToString(rp.RecoveryPointArn))
		if n++; n == 3 {
			break
		}
	}

	// The latest completed point per resource.
	latest, err := c.LatestRecoveryPoints(ctx, vaultName, backup.RecoveryPointFilter{})
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(latest))
	for k := range latest {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 4 {
		fmt.Fprintf(out, "latest point per resource (%d resources; the first 4):\n", len(latest))
	} else {
		fmt.Fprintf(out, "latest point per resource (%d resources):\n", len(latest))
	}
	for _, k := range keys[:min(len(keys), 4)] {
		rp := latest[k]
		fmt.Fprintf(out, "  %s  %s\n", k, aws.ToTime(rp.CreationDate).UTC().Format(time.RFC3339))
	}
	if dryRun || len(keys) == 0 {
		return nil
	}
	// Keep the newest point of the first resource for a year.
	rp := latest[keys[0]]
	calc, err := c.UpdateRecoveryPointLifecycle(ctx, vaultName, aws.ToString(rp.RecoveryPointArn), backup.Lifecycle{DeleteAfter: backup.Days(365)})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "retention of %s extended: deleted at %s\n", keys[0], aws.ToTime(calc.DeleteAt).UTC().Format(time.DateOnly))
	return nil
}
