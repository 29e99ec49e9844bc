package compliance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
)

func allControls() []compliance.Control {
	day := 24 * time.Hour
	return []compliance.Control{
		compliance.ResourcesProtectedByBackupPlan().ForResourceTypes("EBS", "RDS"),
		compliance.PlanMinFrequencyAndRetention(day, 35*day).ForTag("env", "prod"),
		compliance.RecoveryPointMinimumRetention(35 * day),
		compliance.RecoveryPointEncrypted(),
		compliance.RecoveryPointManualDeletionDisabled("arn:aws:iam::123456789012:role/BreakGlass"),
		compliance.ResourcesProtectedByCrossRegion("eu-west-1"),
		compliance.ResourcesProtectedByCrossAccount("210987654321"),
		compliance.ResourcesProtectedByVaultLock(7*day, 2555*day),
		compliance.LastRecoveryPointCreated(24*time.Hour).ForResources("RDS", "orders"),
		compliance.RestoreTimeMeetsTarget(4 * time.Hour),
		compliance.ResourcesInLogicallyAirGappedVault(48 * time.Hour),
	}
}

func TestFrameworkLifecycleAgainstEmulator(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := backuptest.NewServer(t)
	c := compliance.New(srv.Client())
	f := compliance.Framework{Name: "prod_backup_policy", Description: "every control", Controls: allControls(), Tags: map[string]string{"owner": "platform"}}

	arn, change, err := c.EnsureFramework(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if change != compliance.Created || arn == "" {
		t.Fatalf("first Ensure = %q, %s; want created with an ARN", arn, change)
	}
	st, err := c.WaitFrameworkDeployed(ctx, f.Name, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if st.ARN != arn || len(st.Controls) != len(f.Controls) {
		t.Errorf("Describe = %s with %d controls; want %s with %d", st.ARN, len(st.Controls), arn, len(f.Controls))
	}
	creates, updates := srv.CallCount("CreateFramework"), srv.CallCount("UpdateFramework")
	_, change, err = c.EnsureFramework(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if change != compliance.Unchanged || srv.CallCount("CreateFramework") != creates || srv.CallCount("UpdateFramework") != updates {
		t.Errorf("second Ensure = %s; want unchanged with no write calls", change)
	}

	f.Controls[8] = compliance.LastRecoveryPointCreated(12*time.Hour).ForResources("RDS", "orders")
	_, change, err = c.EnsureFramework(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if change != compliance.Updated || srv.CallCount("UpdateFramework") != updates+1 {
		t.Errorf("changed Ensure = %s; want updated with one UpdateFramework", change)
	}
	st, err = c.WaitFrameworkDeployed(ctx, f.Name, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ctl := range st.Controls {
		if ctl.Name == compliance.ControlLastRecoveryPointCreated {
			found = ctl.Parameters["recoveryPointAgeValue"] == "12" && ctl.Parameters["recoveryPointAgeUnit"] == "hours"
		}
	}
	if !found {
		t.Errorf("controls after update = %+v; want recoveryPointAge 12 hours", st.Controls)
	}

	list, err := c.ListFrameworks(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("ListFrameworks = %d, %v; want 1", len(list), err)
	}
	if err := c.DeleteFramework(ctx, f.Name); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeFramework(ctx, f.Name)
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("Describe after delete: got %v; want ResourceNotFoundException", err)
	}

	before := len(srv.Calls())
	if _, _, err := c.EnsureFramework(ctx, compliance.Framework{Name: "bad-name", Controls: []compliance.Control{compliance.LastRecoveryPointCreated(0)}}); len(backup.ValidationErrors(err)) != 2 {
		t.Errorf("invalid framework: got %v; want 2 validation errors", err)
	}
	if len(srv.Calls()) != before {
		t.Error("an invalid framework reached AWS")
	}
}

func TestWaitFrameworkDeployedWithClock(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = 2 * time.Minute })
	sleeps := 0
	c := compliance.New(srv.Client(), func(o *compliance.Options) {
		o.PollInterval = 30 * time.Second
		o.Sleep = func(_ context.Context, d time.Duration) error { sleeps++; clk.Advance(d); return nil }
	})
	f := compliance.Framework{Name: "slow", Controls: []compliance.Control{compliance.RecoveryPointEncrypted()}}
	if _, err := c.CreateFramework(ctx, f); err != nil {
		t.Fatal(err)
	}
	st, err := c.DescribeFramework(ctx, "slow")
	if err != nil {
		t.Fatal(err)
	}
	if st.DeploymentStatus != "CREATE_IN_PROGRESS" {
		t.Fatalf("deployment status = %s; want CREATE_IN_PROGRESS", st.DeploymentStatus)
	}
	if _, err := c.WaitFrameworkDeployed(ctx, "slow", time.Minute); !errors.Is(err, compliance.ErrWaitTimeout) {
		t.Errorf("short wait: got %v; want ErrWaitTimeout", err)
	}
	st, err = c.WaitFrameworkDeployed(ctx, "slow", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if st.DeploymentStatus != "COMPLETED" || sleeps < 4 {
		t.Errorf("status %s after %d sleeps; want COMPLETED after ≥ 4", st.DeploymentStatus, sleeps)
	}
}

func TestReportPlansAndJobsAgainstEmulator(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := backuptest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk; o.JobDuration = time.Minute })
	c := compliance.New(srv.Client(), func(o *compliance.Options) {
		o.PollInterval = 20 * time.Second
		o.Sleep = func(_ context.Context, d time.Duration) error { clk.Advance(d); return nil }
	})
	fwARN, err := c.CreateFramework(ctx, compliance.Framework{Name: "fw", Controls: []compliance.Control{compliance.RecoveryPointEncrypted()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFrameworkDeployed(ctx, "fw", time.Hour); err != nil {
		t.Fatal(err)
	}
	plans := []compliance.ReportPlan{
		{Name: "jobs", Template: compliance.BackupJobReport, Bucket: "reports", Prefix: "audit", Formats: []string{"CSV", "JSON"}},
		{Name: "copies", Template: compliance.CopyJobReport, Bucket: "reports", Regions: []string{"us-east-1", "eu-west-1"}},
		{Name: "restores", Template: compliance.RestoreJobReport, Bucket: "reports"},
		{Name: "resources", Template: compliance.ResourceComplianceReport, Bucket: "reports", FrameworkARNs: []string{fwARN}},
		{Name: "controls", Template: compliance.ControlComplianceReport, Bucket: "reports", FrameworkARNs: []string{fwARN}, Formats: []string{"JSON"}},
	}
	for _, p := range plans {
		if _, ch, err := c.EnsureReportPlan(ctx, p); err != nil || ch != compliance.Created {
			t.Fatalf("Ensure %s = %s, %v; want created", p.Name, ch, err)
		}
	}
	clk.Advance(2 * time.Minute)
	for _, p := range plans {
		if _, ch, err := c.EnsureReportPlan(ctx, p); err != nil || ch != compliance.Unchanged {
			t.Errorf("second Ensure %s = %s, %v; want unchanged", p.Name, ch, err)
		}
	}
	if n := srv.CallCount("UpdateReportPlan"); n != 0 {
		t.Errorf("UpdateReportPlan called %d times; want 0", n)
	}
	plans[0].Prefix = "audit2"
	if _, ch, err := c.EnsureReportPlan(ctx, plans[0]); err != nil || ch != compliance.Updated {
		t.Errorf("changed Ensure = %s, %v; want updated", ch, err)
	}
	clk.Advance(2 * time.Minute)
	st, err := c.DescribeReportPlan(ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	if st.Prefix != "audit2" || st.Template != compliance.BackupJobReport || len(st.Formats) != 2 {
		t.Errorf("report plan = %+v; want prefix audit2, BACKUP_JOB_REPORT, 2 formats", st.ReportPlan)
	}
	job, err := c.RunReport(ctx, "jobs", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != "COMPLETED" || job.Bucket != "reports" || len(job.Keys) != 2 {
		t.Errorf("report job = %+v; want COMPLETED in bucket reports with 2 keys", job)
	}
	if err := c.DeleteReportPlan(ctx, "restores"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeReportPlan(ctx, "restores"); !errors.As(err, new(*types.ResourceNotFoundException)) {
		t.Errorf("after delete: got %v; want ResourceNotFoundException", err)
	}
}
