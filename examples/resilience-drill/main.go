// Command resilience-drill drills the resources of an AWS Resilience Hub
// application against the application's resiliency policy, keeps the
// report in a drill history, and prints the policy's findings.
//
// The embedded run uses the backupkit emulator for AWS Backup and
// resiliencetest.Hub for Resilience Hub (which the emulator does not
// serve):
//
//	go run ./examples/resilience-drill
//	go run ./examples/resilience-drill -endpoint http://127.0.0.1:4566   # a running backupkit emulator, seeded through its control API
//	go run ./examples/resilience-drill -aws -app arn:aws:resiliencehub:REGION:ACCOUNT:app/ID -history s3://bucket/drills
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
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/resilience/resiliencetest"
	"github.com/backupkit/backupkit/restore"
	"github.com/backupkit/backupkit/vault"
)

const (
	demoApp    = "arn:aws:resiliencehub:us-east-1:123456789012:app/shop"
	demoPolicy = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/gold"
	demoRole   = "arn:aws:iam::123456789012:role/backupkit-drill"
)

func main() {
	where := exenv.Register(nil)
	appARN := flag.String("app", demoApp, "Resilience Hub application ARN")
	role := flag.String("role", demoRole, "IAM role for restore jobs")
	hist := flag.String("history", "", "drill history: directory or s3://bucket/prefix (default: a temporary directory)")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 100 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	// The validators and cleanup use each resource's own service: real
	// AWS, or the emulator, which serves EC2 and DynamoDB too.
	opts := []func(*restore.Options){func(o *restore.Options) {
		o.Services = restore.Services{EC2: ec2.NewFromConfig(cfg), RDS: rds.NewFromConfig(cfg), DynamoDB: dynamodb.NewFromConfig(cfg),
			EFS: efs.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = env.Emulated() })}
	}}
	var hub resilience.API = resiliencehub.NewFromConfig(cfg)
	if env.Emulated() {
		h, err := seed(ctx, env)
		if err != nil {
			log.Fatal(err)
		}
		hub = h
		opts = append(opts, func(o *restore.Options) {
			o.Waiter = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 20*time.Millisecond, 100*time.Millisecond }
			o.DeletePollInterval = 20 * time.Millisecond
		})
	}
	loc := *hist
	if loc == "" {
		dir, err := os.MkdirTemp("", "drill-history-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		loc = dir
	}
	st, err := history.Open(loc, func() (history.S3API, error) { return s3.NewFromConfig(cfg), nil })
	if err != nil {
		log.Fatal(err)
	}
	if err := run(ctx, os.Stdout, awsbackup.NewFromConfig(cfg), hub, history.New(st), *appARN, *role, opts...); err != nil {
		log.Fatal(err)
	}
}

// run drills the app's resources against its policy, appends the report
// to the history, and prints the findings over the last 30 days.
func run(ctx context.Context, out io.Writer, api *awsbackup.Client, hub resilience.API, h *history.History, appARN, role string, opts ...func(*restore.Options)) error {
	app, err := resilience.New(hub).App(ctx, appARN)
	if err != nil {
		return err
	}
	if app.Policy == nil {
		return fmt.Errorf("app %s has no resiliency policy", app.Name)
	}
	fmt.Fprintf(out, "App %s, policy %s (tier %s)\n", app.Name, app.Policy.Name, app.Policy.Tier)
	d := &restore.Drill{Policy: app.Policy.DrillPolicy(app.Region), IAMRoleARN: role}
	for _, a := range app.ProtectedARNs() {
		d.Targets = append(d.Targets, restore.Target{ResourceARN: a})
	}
	rep, err := restore.New(api, opts...).Run(ctx, d)
	if err != nil {
		return err
	}
	for _, t := range rep.Targets {
		fmt.Fprintf(out, "  %-9s %-60s %s: RTO %s / %s, RPO %s / %s (%s objective)\n", t.ResourceType, t.ResourceARN, t.Status,
			restore.FormatDuration(t.RTOTotal), restore.FormatDuration(t.MaxRTO), restore.FormatDuration(t.RPO), restore.FormatDuration(t.MaxRPO), t.Objective)
	}
	if _, err := h.Append(ctx, rep); err != nil {
		return err
	}
	var drills []resilience.DrillRecord
	if _, err := h.Scan(ctx, func(r *restore.Report) error {
		drills = append(drills, resilience.RecordOf(r))
		return nil
	}); err != nil {
		return err
	}
	fs, err := resilience.Findings(ctx, api, resilience.FindingsInput{App: app, DrillWindow: 30 * 24 * time.Hour, Drills: drills})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Drill passed: %v; %d findings\n", rep.Passed, len(fs))
	for _, f := range fs {
		fmt.Fprintf(out, "  %s %s: %s\n", f.Kind, f.ResourceARN, f.Message)
	}
	return nil
}

// seed puts a volume and a table in the emulator, backs them up, and
// returns a Resilience Hub stand-in whose app "shop" holds them (and a
// Lambda function AWS Backup does not protect) under policy "gold".
// seed fills the emulator through its control API and AWS Backup: the
// app's volume and table with a completed backup each. Resilience Hub,
// which the emulator does not serve, is resiliencetest.Hub in this
// process, holding the app and its policy.
func seed(ctx context.Context, env *exenv.Env) (*resiliencetest.Hub, error) {
	api := awsbackup.NewFromConfig(env.Config)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: "shop-vault"}); err != nil {
		return nil, err
	}
	arns := []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0shop", "arn:aws:dynamodb:us-east-1:123456789012:table/carts"}
	w := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond })
	for _, a := range arns {
		if err := env.Seed(ctx, backuptest.Resource{ARN: a, SizeBytes: 1 << 30}); err != nil {
			return nil, err
		}
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("shop-vault"), ResourceArn: aws.String(a), IamRoleArn: aws.String(demoRole)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
			return nil, err
		}
	}
	hub := &resiliencetest.Hub{}
	hub.PutPolicy(demoPolicy, "gold", "Critical", map[string]resiliencetest.Objective{
		"Software": {RTO: 30 * time.Minute, RPO: time.Hour},
		"Hardware": {RTO: time.Hour, RPO: time.Hour},
		"AZ":       {RTO: 30 * time.Minute, RPO: time.Hour},
		"Region":   {RTO: 4 * time.Hour, RPO: 24 * time.Hour},
	})
	hub.PutApp(demoApp, "shop", demoPolicy,
		resiliencetest.Resource{Type: "AWS::EC2::Volume", Identifier: "vol-0shop"},
		resiliencetest.Resource{Type: "AWS::DynamoDB::Table", Identifier: "carts"},
		resiliencetest.Resource{Type: "AWS::Lambda::Function", Identifier: "checkout"})
	return hub, nil
}
