// Command resilience-drill drills the resources of an AWS Resilience Hub
// application against the application's resiliency policy, keeps the
// report in a drill history, and prints the policy's findings.
//
// The embedded run uses the backupkit emulator for AWS Backup and
// resiliencetest.Hub for Resilience Hub (which the emulator does not
// serve):
//
//	go run ./examples/resilience-drill
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
	"github.com/aws/aws-sdk-go-v2/config"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/resilience/resiliencetest"
	"github.com/backupkit/backupkit/restore"
)

const (
	demoApp    = "arn:aws:resiliencehub:us-east-1:123456789012:app/shop"
	demoPolicy = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/gold"
	demoRole   = "arn:aws:iam::123456789012:role/backupkit-drill"
)

func main() {
	useAWS := flag.Bool("aws", false, "use real AWS with the default credential chain")
	appARN := flag.String("app", demoApp, "Resilience Hub application ARN")
	role := flag.String("role", demoRole, "IAM role for restore jobs")
	hist := flag.String("history", "", "drill history: directory or s3://bucket/prefix (default: a temporary directory)")
	flag.Parse()
	ctx := context.Background()
	var (
		cfg  aws.Config
		hub  resilience.API
		opts []func(*restore.Options)
	)
	if *useAWS {
		c, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			log.Fatal(err)
		}
		cfg, hub = c, resiliencehub.NewFromConfig(c)
		opts = append(opts, func(o *restore.Options) {
			o.Services = restore.Services{EC2: ec2.NewFromConfig(c), RDS: rds.NewFromConfig(c), DynamoDB: dynamodb.NewFromConfig(c),
				EFS: efs.NewFromConfig(c), S3: s3.NewFromConfig(c)}
		})
	} else {
		srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) { o.JobDuration = 100 * time.Millisecond })
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		h, err := seed(ctx, srv)
		if err != nil {
			log.Fatal(err)
		}
		cfg, hub = srv.Config(), h
		fakes := backuptest.NewFakes(srv.Emulator)
		opts = append(opts, func(o *restore.Options) {
			o.Services = restore.Services{EC2: fakes.EC2, DynamoDB: fakes.DynamoDB}
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
func seed(ctx context.Context, srv *backuptest.Server) (*resiliencetest.Hub, error) {
	api := srv.Client()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("shop-vault")}); err != nil {
		return nil, err
	}
	arns := []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0shop", "arn:aws:dynamodb:us-east-1:123456789012:table/carts"}
	w := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 20*time.Millisecond, 100*time.Millisecond })
	for _, a := range arns {
		if err := srv.PutResource(backuptest.Resource{ARN: a, SizeBytes: 1 << 30}); err != nil {
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
