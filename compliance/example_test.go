package compliance_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/plan"
)

func ExampleLastRecoveryPointCreated() {
	c := compliance.LastRecoveryPointCreated(24*time.Hour).ForResourceTypes("EBS", "RDS")
	fmt.Println(c.Name, c.Parameters["recoveryPointAgeUnit"], c.Parameters["recoveryPointAgeValue"], c.Scope.ResourceTypes)

	bad := compliance.Framework{Name: "f", Controls: []compliance.Control{compliance.LastRecoveryPointCreated(45 * 24 * time.Hour)}}
	for _, ve := range backup.ValidationErrors(bad.Validate()) {
		fmt.Println(ve.Field)
	}
	// Output:
	// BACKUP_LAST_RECOVERY_POINT_CREATED days 1 [EBS RDS]
	// Controls[0].recoveryPointAge
}

func ExampleClient_EnsureFramework() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c := compliance.New(srv.Client())
	f := compliance.Framework{
		Name: "prod_backups",
		Controls: []compliance.Control{
			compliance.ResourcesProtectedByBackupPlan(),
			compliance.PlanMinFrequencyAndRetention(24*time.Hour, 35*24*time.Hour),
			compliance.RecoveryPointEncrypted(),
		},
	}
	for range 2 {
		_, change, err := c.EnsureFramework(ctx, f)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(change)
	}
	// Output:
	// created
	// unchanged
}

func ExampleBackupRole() {
	role, err := compliance.BackupRole([]backup.ResourceType{"DynamoDB"}, func(o *compliance.RoleOptions) {
		o.AccountID = "123456789012"
		o.TagSelections = false
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(role.Permissions.Actions(), "\n"))
	// Output:
	// backup:DescribeBackupVault
	// dynamodb:CreateBackup
	// dynamodb:DeleteBackup
	// dynamodb:DescribeBackup
	// dynamodb:DescribeTable
	// dynamodb:ListTagsOfResource
	// dynamodb:StartAwsBackupJob
	// kms:CreateGrant
	// kms:Decrypt
	// kms:DescribeKey
	// kms:GenerateDataKey
}

func ExampleActionMatches() {
	fmt.Println(compliance.ActionMatches("ec2:Describe*", "ec2:DescribeSnapshots"))
	fmt.Println(compliance.ActionMatches("ec2:Describe*", "ec2:CreateSnapshot"))
	// Output:
	// true
	// false
}

func ExampleLint() {
	doc, _ := compliance.ParsePolicyDocument([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Sid":"Broad","Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`))
	for _, f := range compliance.Lint(doc, compliance.LintOptions{Types: []backup.ResourceType{"EBS"}}) {
		fmt.Println(f)
	}
	// Output:
	// HIGH Broad ec2:*: grants every action of the service
	// MEDIUM Broad ec2:*: not needed by EBS
}

func ExampleCoverage() {
	inv := []compliance.Resource{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:rds:us-east-1:123456789012:db:orders"},
	}
	plans := []compliance.PlanSelections{{
		Plan:       &plan.Plan{Name: "daily", Rules: []plan.Rule{{Name: "daily", TargetVault: "main", Schedule: "cron(0 5 ? * * *)"}}},
		Selections: []*plan.Selection{{Name: "tagged", ListOfTags: []plan.TagCondition{{Key: "backup", Value: "daily"}}}},
	}}
	rep, err := compliance.Coverage(inv, plans, compliance.CoverageOptions{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rep.Resources {
		fmt.Println(r.ARN, r.Protected(), r.RPO)
	}
	// Output:
	// arn:aws:ec2:us-east-1:123456789012:volume/vol-1 true 24h0m0s
	// arn:aws:rds:us-east-1:123456789012:db:orders false 0s
}

func ExampleConfigClient_EnsureRules() {
	cc := compliance.NewConfigClient(backuptest.NewConfigFake())
	rules := []compliance.ConfigRule{
		compliance.ConfigRecoveryPointEncrypted(),
		compliance.ConfigLastRecoveryPointCreated("RDS", 24*time.Hour),
	}
	for range 2 {
		changes, err := cc.EnsureRules(context.Background(), rules...)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(changes)
	}
	fmt.Println(rules[1].Name, rules[1].Identifier)
	// Output:
	// [created created]
	// [unchanged unchanged]
	// backupkit-rds-last-backup-recovery-point-created RDS_LAST_BACKUP_RECOVERY_POINT_CREATED
}

func ExampleParseReportCSV() {
	csv := "Account ID,Backup Job ID,Job Status,Resource ARN\n" +
		"123456789012,job-1,FAILED,arn:aws:ec2:us-east-1:123456789012:volume/vol-1\n"
	rows, err := compliance.ParseReportCSV(strings.NewReader(csv))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rows[0].AccountID, rows[0].JobID, rows[0].JobStatus)
	// Output:
	// 123456789012 job-1 FAILED
}

func ExampleQueryFailedJobsByAccount() {
	q, err := compliance.QueryFailedJobsByAccount("backup_reports", "backup_jobs", 7)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Split(q, "\n")[0])
	// Output:
	// SELECT item.accountid AS account_id,
}

func ExampleAdvise() {
	findings, err := compliance.Advise(compliance.AdvisorInput{
		Now:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Vaults: []compliance.Vault{{Name: "main", ARN: "arn:aws:backup:us-east-1:123456789012:backup-vault:main", CustomerManagedKey: true}},
	}, compliance.AdvisorOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.Check)
	}
	// Output:
	// MEDIUM vault-not-locked
}
