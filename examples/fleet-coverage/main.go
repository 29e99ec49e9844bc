// Command fleet-coverage checks backup coverage in every account and Region
// of an AWS Organizations organization: it makes an account AWS Backup's
// delegated administrator, then runs the coverage check in each member
// account (assuming OrganizationAccountAccessRole once per account) and
// each Region, and prints one line per account and Region, including the
// accounts whose role could not be assumed.
//
// By default it runs against an embedded emulator seeded with an
// organization of four member accounts in two OUs (one without a role to
// assume), resources in two Regions and a plan in one account:
//
//	go run ./examples/fleet-coverage
//	go run ./examples/fleet-coverage -endpoint http://127.0.0.1:4566   # a running emulator, seeded through its control API
//
// -aws runs against real AWS with the default credential chain, from the
// organization's management account (-delegate ACCOUNT also registers
// that account as AWS Backup's delegated administrator).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	backuptypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

func main() {
	where := exenv.Register(nil)
	delegate := flag.String("delegate", "", "register this account as AWS Backup's delegated administrator first")
	regions := flag.String("regions", "us-east-1,eu-west-1", `Regions to check, or "enabled"`)
	flag.Parse()
	spec := fleet.Spec{Organization: true}
	var err error
	if spec.Regions, spec.AllEnabledRegions, err = fleet.ParseRegions(*regions); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if env.Emulated() {
		if err := seed(ctx, env); err != nil {
			log.Fatal(err)
		}
		if *delegate == "" {
			*delegate = "111111111111"
		}
	}
	failed, err := run(ctx, env.Config, spec, *delegate, os.Stdout)
	if err != nil {
		log.Fatal(err)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

// run delegates AWS Backup administration (when delegate is set), then
// checks coverage in every account and Region of spec and prints them. It
// returns how many targets failed.
func run(ctx context.Context, cfg aws.Config, spec fleet.Spec, delegate string, w io.Writer) (failed int, err error) {
	org := organizations.NewFromConfig(cfg)
	if delegate != "" {
		d, err := fleet.DelegateBackupAdmin(ctx, org, awsbackup.NewFromConfig(cfg), delegate)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(w, "delegated administrator: %s (registered now: %v, settings turned on: %s)\n\n", d.Account, d.Registered, strings.Join(d.SettingsChanged, ", "))
	}
	scope, err := spec.Resolve(ctx, org)
	if err != nil {
		return 0, err
	}
	runner, err := fleet.New(cfg)
	if err != nil {
		return 0, err
	}
	results, err := fleet.Run(ctx, runner, scope, func(ctx context.Context, t fleet.Target) (*compliance.CoverageReport, error) {
		inv, err := compliance.Inventory(ctx, tagging.NewFromConfig(t.Config))
		if err != nil {
			return nil, err
		}
		plans, err := compliance.LivePlans(ctx, plan.NewClient(awsbackup.NewFromConfig(t.Config)))
		if err != nil {
			return nil, err
		}
		return compliance.Coverage(inv, plans, compliance.CoverageOptions{})
	})
	if err != nil {
		return 0, err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tREGION\tRESOURCES\tUNPROTECTED\tERROR")
	for _, r := range results {
		if r.Err != nil {
			msg := r.Err.Error()
			var ae *fleet.AssumeRoleError
			if errors.As(r.Err, &ae) {
				msg = "cannot assume " + ae.RoleARN
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\t%s\n", r.Account, r.AccountName, r.Region, msg)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t\n", r.Account, r.AccountName, r.Region, len(r.Value.Resources), len(r.Value.Unprotected))
	}
	if err := tw.Flush(); err != nil {
		return 0, err
	}
	fmt.Fprintf(w, "%d targets: %d succeeded, %d failed\n", len(results), results.Succeeded(), results.Failed())
	return results.Failed(), nil
}

// seed gives the embedded emulator an organization (prod: payments, web;
// dev: lab, sandbox — sandbox has no role to assume), resources in two
// Regions, and a plan in payments' us-east-1 for the resources tagged
// backup=daily.
func seed(ctx context.Context, env *exenv.Env) error {
	err := env.Control.SeedOrganization(ctx, backuptest.OrgSpec{
		OUs: []backuptest.OUSpec{{Name: "prod"}, {Name: "dev"}},
		Accounts: []backuptest.AccountSpec{
			{ID: "111111111111", Name: "payments", OU: "prod"},
			{ID: "222222222222", Name: "web", OU: "prod"},
			{ID: "333333333333", Name: "lab", OU: "dev"},
			{ID: "444444444444", Name: "sandbox", OU: "dev", Roles: &[]backuptest.RoleSpec{}},
		},
	})
	if err != nil {
		return err
	}
	for _, r := range []backuptest.Resource{
		{ARN: "arn:aws:ec2:us-east-1:111111111111:volume/vol-pay1", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:dynamodb:us-east-1:111111111111:table/orders", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:ec2:eu-west-1:111111111111:volume/vol-pay2"},
		{ARN: "arn:aws:ec2:us-east-1:222222222222:volume/vol-web1"},
		{ARN: "arn:aws:ec2:eu-west-1:222222222222:volume/vol-web2"},
		{ARN: "arn:aws:ec2:us-east-1:333333333333:volume/vol-lab1"},
	} {
		if err := env.Seed(ctx, r); err != nil {
			return err
		}
	}
	// payments' plan, made in payments through the role the organization
	// created there (the emulator's STS).
	runner, err := fleet.New(env.Config)
	if err != nil {
		return err
	}
	creds, err := runner.Credentials(ctx, "111111111111")
	if err != nil {
		return err
	}
	b := awsbackup.NewFromConfig(env.Config, func(o *awsbackup.Options) { o.Credentials = creds })
	if _, err := b.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")}); err != nil {
		return err
	}
	p, err := b.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &backuptypes.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules:          []backuptypes.BackupRuleInput{{RuleName: aws.String("nightly"), TargetBackupVaultName: aws.String("main"), ScheduleExpression: aws.String("cron(0 5 * * ? *)")}},
	}})
	if err != nil {
		return err
	}
	_, err = b.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: p.BackupPlanId, BackupSelection: &backuptypes.BackupSelection{
		SelectionName: aws.String("tagged"), IamRoleArn: aws.String("arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"),
		ListOfTags: []backuptypes.Condition{{ConditionType: backuptypes.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
	}})
	return err
}
