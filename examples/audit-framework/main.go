// Command audit-framework deploys an AWS Backup Audit Manager framework
// with three controls — resources are in a backup plan, a recovery point
// is at most 24 hours old, recovery points are encrypted — plus a daily
// compliance report plan, then runs the report on demand.
//
// By default it runs against an embedded AWS Backup emulator:
//
//	go run ./examples/audit-framework
//
// -endpoint URL targets a running emulator; -aws uses the default
// credential chain and real AWS (pass -bucket, an S3 bucket AWS Backup may
// write reports to). Running it twice changes nothing the second time.
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

	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

var (
	bucket       = "backupkit-audit-reports"
	pollInterval = 5 * time.Second
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&bucket, "bucket", bucket, "S3 bucket for the reports")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if env.Emulated() {
		pollInterval = 100 * time.Millisecond
	}
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	c := compliance.New(awsbackup.NewFromConfig(cfg), func(o *compliance.Options) { o.PollInterval = pollInterval })
	fw := compliance.Framework{
		Name:        "backupkit_example_framework",
		Description: "Protected, fresh and encrypted backups",
		Controls: []compliance.Control{
			compliance.ResourcesProtectedByBackupPlan().ForResourceTypes("EBS", "RDS", "DynamoDB"),
			compliance.LastRecoveryPointCreated(24 * time.Hour),
			compliance.RecoveryPointEncrypted(),
		},
	}
	arn, change, err := c.EnsureFramework(ctx, fw)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "framework %s: %s (%s)\n", fw.Name, change, arn)
	st, err := c.WaitFrameworkDeployed(ctx, fw.Name, 10*time.Minute)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "framework deployment %s, %d controls:\n", st.DeploymentStatus, len(st.Controls))
	for _, ctl := range st.Controls {
		fmt.Fprintf(out, "  %s %v\n", ctl.Name, ctl.Parameters)
	}
	rp := compliance.ReportPlan{
		Name:          "backupkit_example_compliance",
		Template:      compliance.ControlComplianceReport,
		Bucket:        bucket,
		Prefix:        "backup-audit",
		FrameworkARNs: []string{arn},
	}
	_, change, err = c.EnsureReportPlan(ctx, rp)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "report plan %s: %s\n", rp.Name, change)
	for {
		st, err := c.DescribeReportPlan(ctx, rp.Name)
		if err != nil {
			return err
		}
		if st.DeploymentStatus == "COMPLETED" || st.DeploymentStatus == "" {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
		}
	}
	job, err := c.RunReport(ctx, rp.Name, 30*time.Minute)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "report job %s %s\n", job.ID, job.Status)
	for _, k := range job.Keys {
		fmt.Fprintf(out, "  s3://%s/%s\n", job.Bucket, k)
	}
	return nil
}
