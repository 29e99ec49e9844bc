package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience/resiliencetest"
	"github.com/backupkit/backupkit/restore"
)

func TestDrillPolicyFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	const pol = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/p"
	const app = "arn:aws:resiliencehub:us-east-1:123456789012:app/a"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--resiliency-policy", pol, "--resilience-app", app}, "exclude each other"},
		{[]string{"--resiliency-policy", pol, "--max-rto", "1h"}, "cannot be combined"},
		{[]string{"--resiliency-policy", "arn:aws:iam::123456789012:role/x"}, "--resiliency-policy: \"arn:aws:iam::123456789012:role/x\" is not a Resilience Hub resiliency-policy ARN"},
		{[]string{"--resilience-app", "app/a"}, "--resilience-app"},
		{[]string{"--resiliency-policy", pol}, "use --aws"},
		{[]string{"--history", "s3://Bad_Bucket/x"}, "--history"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		code, out, errOut := runDrillCLI(t, append([]string{"drill", "--out", dir}, tt.args...)...)
		if code == 0 || !strings.Contains(errOut, tt.want) || strings.Contains(out, "Demo:") {
			t.Errorf("drill %v: exit %d, stderr %q, stdout %q; want an error naming %q before anything runs", tt.args, code, errOut, out, tt.want)
		}
	}
}

// TestDrillResilienceApp drills a Resilience Hub app's resources on an
// emulator: the app's policy sets the objectives, the report names the
// policy and the objective per target, and the report lands in the history.
func TestDrillResilienceApp(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	api := srv.Client()
	ctx := t.Context()
	role := "arn:aws:iam::123456789012:role/drill"
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("app-vault")}); err != nil {
		t.Fatal(err)
	}
	arns := []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-app1", "arn:aws:dynamodb:us-east-1:123456789012:table/app-table"}
	for _, a := range arns {
		if err := srv.PutResource(backuptest.Resource{ARN: a}); err != nil {
			t.Fatal(err)
		}
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("app-vault"), ResourceArn: aws.String(a), IamRoleArn: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond }).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	hub := &resiliencetest.Hub{}
	const polARN = "arn:aws:resiliencehub:us-east-1:123456789012:resiliency-policy/gold"
	hub.PutPolicy(polARN, "gold", "Critical", map[string]resiliencetest.Objective{
		"AZ": {RTO: time.Hour, RPO: 24 * time.Hour}, "Hardware": {RTO: 2 * time.Hour, RPO: 24 * time.Hour}, "Region": {RTO: 4 * time.Hour, RPO: 48 * time.Hour},
	})
	const appARN = "arn:aws:resiliencehub:us-east-1:123456789012:app/shop"
	hub.PutApp(appARN, "shop", polARN,
		resiliencetest.Resource{Type: "AWS::EC2::Volume", Identifier: "vol-app1"},
		resiliencetest.Resource{Type: "AWS::DynamoDB::Table", Identifier: "app-table"},
		resiliencetest.Resource{Type: "AWS::Lambda::Function", Identifier: "checkout"})
	dir := filepath.Join(t.TempDir(), "report")
	hist := filepath.Join(t.TempDir(), "hist")
	f := &drillFlags{out: dir, role: role, concurrency: 2, demoTargets: 1, appARN: appARN, history: hist, hub: hub}
	f.af.endpoint, f.af.region = srv.URL, "us-east-1"
	var out, errOut bytes.Buffer
	if err := runDrill(ctx, &out, &errOut, f); err != nil {
		t.Fatalf("runDrill: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{"Resilience Hub app shop: 2 resources", "Resiliency policy gold (tier Critical): same-Region restores judged against AZ (RTO 1h00m, RPO 24h00m), cross-Region copies against Region (RTO 4h00m, RPO 48h00m)", "History: " + hist} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	names, err := history.NewDir(hist).List(ctx)
	if err != nil || len(names) != 1 {
		t.Fatalf("history holds %v, %v; want one report", names, err)
	}
	b, _ := os.ReadFile(filepath.Join(hist, names[0]))
	rep, err := history.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Policy == nil || rep.Policy.Name != "gold" || rep.Policy.Tier != "Critical" || len(rep.Targets) != 2 {
		t.Fatalf("history report policy %+v, %d targets; want gold/Critical and the app's 2 resources", rep.Policy, len(rep.Targets))
	}
	for _, tr := range rep.Targets {
		if tr.Objective != "AZ" || tr.MaxRTO != time.Hour || tr.Status != restore.Passed {
			t.Errorf("%s: objective %q maxRTO %v status %s; want AZ, 1h, passed", tr.ResourceARN, tr.Objective, tr.MaxRTO, tr.Status)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !strings.Contains(string(md), "resiliency policy **gold** (tier Critical)") {
		t.Errorf("report.md lacks the policy:\n%s", md)
	}
}
