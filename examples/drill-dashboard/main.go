// Command drill-dashboard runs a few restore drills, keeps every report in
// a drill history, and turns the history into evidence: a self-contained
// HTML dashboard and a flat data set with its QuickSight S3 manifest.
//
//	go run ./examples/drill-dashboard -out /tmp/evidence   # embedded emulator, seeded
//	open /tmp/evidence/dashboard.html
//	go run ./examples/drill-dashboard -endpoint http://127.0.0.1:4566   # a running backupkit emulator, seeded through its control API
//	go run ./examples/drill-dashboard -aws -vault my-vault -role arn:aws:iam::ACCOUNT:role/restore
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
	"github.com/backupkit/backupkit/vault"
)

const role = "arn:aws:iam::123456789012:role/backupkit-drill"

func main() {
	where := exenv.Register(nil)
	out := flag.String("out", "", "directory for the history, dashboard.html and the QuickSight files (default: a temporary directory)")
	drills := flag.Int("drills", 3, "drills to run")
	vaultName := flag.String("vault", "evidence", "vault whose resources are drilled (with -aws: one of yours)")
	roleARN := flag.String("role", role, "IAM role for restore jobs (with -aws: one of yours)")
	flag.Parse()
	if *drills < 1 {
		log.Fatal("-drills must be at least 1")
	}
	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "drill-dashboard-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 100 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if err := run(ctx, os.Stdout, env, *vaultName, *roleARN, dir, *drills); err != nil {
		log.Fatal(err)
	}
}

// seed fills an emulator through its control API and AWS Backup: a
// volume, a table and a bucket, each with a completed backup in the vault.
func seed(ctx context.Context, env *exenv.Env, api *awsbackup.Client, vaultName string, wait func(*backup.WaiterOptions)) error {
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: vaultName}); err != nil {
		return err
	}
	arns := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0evidence",
		"arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"arn:aws:s3:::evidence-assets",
	}
	for _, a := range arns {
		if err := env.Seed(ctx, backuptest.Resource{ARN: a, SizeBytes: 1 << 30, Attributes: map[string]string{"itemCount": "10", "objectCount": "5"}}); err != nil {
			return err
		}
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(vaultName), ResourceArn: aws.String(a), IamRoleArn: aws.String(role)})
		if err != nil {
			return err
		}
		if _, err := backup.NewJobWaiter(api, wait).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
			return err
		}
	}
	return nil
}

// run seeds the emulator, runs drills drills into a history under dir and
// writes dir/dashboard.html and dir/quicksight/{drills.csv,drills.jsonl,manifest.json}.
// run drills the vault's resources drills times (against an emulator,
// after seeding it), keeps each report in a history under dir, and turns
// the history into the dashboard and the QuickSight data set.
func run(ctx context.Context, out io.Writer, env *exenv.Env, vaultName, roleARN, dir string, drills int) error {
	api := awsbackup.NewFromConfig(env.Config)
	wait := func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 5*time.Second, 2*time.Minute }
	if env.Emulated() {
		wait = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 20*time.Millisecond, 100*time.Millisecond }
		if err := seed(ctx, env, api, vaultName, wait); err != nil {
			return err
		}
	}
	cfg := env.Config
	client := restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = roleARN
		// Each resource's own service validates and cleans up: real AWS,
		// or the emulator, which serves EC2, DynamoDB and S3 too.
		o.Services = restore.Services{EC2: ec2.NewFromConfig(cfg), DynamoDB: dynamodb.NewFromConfig(cfg),
			S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = env.Emulated() })}
		o.Waiter = wait
		if env.Emulated() {
			o.DeletePollInterval = 20 * time.Millisecond
		}
	})
	h := history.New(history.NewDir(filepath.Join(dir, "history")))
	for i := range drills {
		rep, err := client.Run(ctx, &restore.Drill{ID: fmt.Sprintf("evidence-%d", i+1), Vault: vaultName, AllInVault: true, MaxRTO: time.Minute, MaxRPO: 24 * time.Hour})
		if err != nil {
			return err
		}
		name, err := h.Append(ctx, rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "drill %s: passed=%v, %d targets → history/%s\n", rep.DrillID, rep.Passed, len(rep.Targets), name)
	}

	// The evidence: one pass over the history feeds the dashboard and the
	// QuickSight data set.
	qsDir := filepath.Join(dir, "quicksight")
	if err := os.MkdirAll(qsDir, 0o755); err != nil {
		return err
	}
	csvF, err := os.Create(filepath.Join(qsDir, "drills.csv"))
	if err != nil {
		return err
	}
	defer csvF.Close()
	jsonlF, err := os.Create(filepath.Join(qsDir, "drills.jsonl"))
	if err != nil {
		return err
	}
	defer jsonlF.Close()
	ds, err := dashboard.NewDatasetWriter(csvF, jsonlF)
	if err != nil {
		return err
	}
	b := dashboard.NewBuilder(func(o *dashboard.Options) {
		// A protected resource that no drill has touched yet.
		o.Inventory = []dashboard.Resource{{ARN: "arn:aws:rds:us-east-1:123456789012:db:billing", Protected: true}}
	})
	res, err := h.Scan(ctx, func(r *restore.Report) error {
		b.Add(r)
		return ds.Add(r)
	})
	if err != nil {
		return err
	}
	if err := ds.Flush(); err != nil {
		return err
	}
	manifest, err := dashboard.Manifest("s3://my-evidence-bucket/drills/drills.csv")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(qsDir, "manifest.json"), manifest, 0o644); err != nil {
		return err
	}
	page, err := os.Create(filepath.Join(dir, "dashboard.html"))
	if err != nil {
		return err
	}
	defer page.Close()
	d := b.Build()
	if err := d.WriteHTML(page); err != nil {
		return err
	}
	fmt.Fprintf(out, "dashboard.html: %d drills, %d charts, %d not drilled in 30 days; quicksight/: %d rows (%d corrupt files skipped)\n",
		d.Drills, len(d.Charts()), d.NotDrilledTotal, ds.Rows(), len(res.Corrupt))
	return page.Close()
}
