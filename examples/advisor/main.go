// Command advisor reports how an account measures up to AWS Backup best
// practices: every finding with severity, resource, evidence and fix.
//
// By default it runs against an embedded AWS Backup emulator seeded with a
// small estate (three resources, an unlocked vault, one plan, one backup):
//
//	go run ./examples/advisor [-json]
//
// -endpoint URL seeds the same estate into a running emulator through its
// control API; -aws uses the default credential chain and real AWS.
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
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/plan"
	"github.com/backupkit/backupkit/vault"
)

var asJSON = false

func main() {
	where := exenv.Register(nil)
	flag.BoolVar(&asJSON, "json", asJSON, "print findings as JSON")
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

// seed creates a small estate: two tagged resources in a daily plan without
// copies, one forgotten database, an unlocked vault, and one backup.
func seed(ctx context.Context, env *exenv.Env) error {
	for _, r := range []backuptest.Resource{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0app", Tags: map[string]string{"backup": "daily"}, SizeBytes: 8 << 30},
		{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/Orders", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:rds:us-east-1:123456789012:db:legacy"},
	} {
		if err := env.Seed(ctx, r); err != nil {
			return err
		}
	}
	api := awsbackup.NewFromConfig(env.Config)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: "main"}); err != nil {
		return err
	}
	pc := plan.NewClient(api)
	p, err := plan.Daily35("daily", "main").Build()
	if err != nil {
		return err
	}
	live, err := pc.Create(ctx, p)
	if err != nil {
		return err
	}
	role := "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	if _, err := pc.CreateSelection(ctx, live.ID, &plan.Selection{Name: "tagged", IAMRole: role, ListOfTags: []plan.TagCondition{{Key: "backup", Value: "daily"}}}); err != nil {
		return err
	}
	out, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), IamRoleArn: aws.String(role),
		ResourceArn: aws.String("arn:aws:ec2:us-east-1:123456789012:volume/vol-0app")})
	if err != nil {
		return err
	}
	_, err = backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 10*time.Millisecond, 50*time.Millisecond }).
		Wait(ctx, aws.ToString(out.BackupJobId), time.Minute)
	return err
}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	in, err := compliance.LoadAdvisorInput(ctx, awsbackup.NewFromConfig(cfg), time.Now(), 14*24*time.Hour)
	if err != nil {
		return err
	}
	if in.Inventory, err = compliance.Inventory(ctx, tagging.NewFromConfig(cfg)); err != nil {
		return err
	}
	findings, err := compliance.Advise(*in, compliance.AdvisorOptions{ConsecutiveSuccesses: 3})
	if err != nil {
		return err
	}
	if asJSON {
		return compliance.WriteFindingsJSON(out, findings)
	}
	if err := compliance.WriteFindingsTable(out, findings); err != nil {
		return err
	}
	counts := map[compliance.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
	}
	fmt.Fprintf(out, "%d findings: %d high, %d medium, %d low\n", len(findings), counts[compliance.SeverityHigh], counts[compliance.SeverityMedium], counts[compliance.SeverityLow])
	return nil
}
