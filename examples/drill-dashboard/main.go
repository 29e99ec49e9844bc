// Command drill-dashboard runs a few restore drills on the embedded
// emulator, keeps every report in a drill history, and turns the history
// into evidence: a self-contained HTML dashboard and a flat data set with
// its QuickSight S3 manifest.
//
//	go run ./examples/drill-dashboard -out /tmp/evidence
//	open /tmp/evidence/dashboard.html
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

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

const role = "arn:aws:iam::123456789012:role/backupkit-drill"

func main() {
	out := flag.String("out", "", "directory for the history, dashboard.html and the QuickSight files (default: a temporary directory)")
	drills := flag.Int("drills", 3, "drills to run")
	flag.Parse()
	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "drill-dashboard-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) { o.JobDuration = 100 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	if err := run(context.Background(), os.Stdout, srv, dir, *drills); err != nil {
		log.Fatal(err)
	}
}

// run seeds the emulator, runs drills drills into a history under dir and
// writes dir/dashboard.html and dir/quicksight/{drills.csv,drills.jsonl,manifest.json}.
func run(ctx context.Context, out io.Writer, srv *backuptest.Server, dir string, drills int) error {
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("evidence")}); err != nil {
		return err
	}
	arns := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0evidence",
		"arn:aws:dynamodb:us-east-1:123456789012:table/orders",
		"arn:aws:s3:::evidence-assets",
	}
	fast := func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 20*time.Millisecond, 100*time.Millisecond }
	for _, a := range arns {
		if err := srv.PutResource(backuptest.Resource{ARN: a, SizeBytes: 1 << 30, Attributes: map[string]string{"itemCount": "10", "objectCount": "5"}}); err != nil {
			return err
		}
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("evidence"), ResourceArn: aws.String(a), IamRoleArn: aws.String(role)})
		if err != nil {
			return err
		}
		if _, err := backup.NewJobWaiter(api, fast).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
			return err
		}
	}
	fakes := backuptest.NewFakes(srv.Emulator)
	client := restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = role
		o.Services = restore.Services{EC2: fakes.EC2, DynamoDB: fakes.DynamoDB, S3: fakes.S3}
		o.Waiter = fast
		o.DeletePollInterval = 20 * time.Millisecond
	})
	h := history.New(history.NewDir(filepath.Join(dir, "history")))
	for i := range drills {
		rep, err := client.Run(ctx, &restore.Drill{ID: fmt.Sprintf("evidence-%d", i+1), Vault: "evidence", AllInVault: true, MaxRTO: time.Minute, MaxRPO: 24 * time.Hour})
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
