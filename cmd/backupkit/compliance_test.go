package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/plan"
)

func runCompliance(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	code := run(args, &o, &e)
	if s := o.String() + e.String(); strings.Contains(s, "internal error") || strings.Contains(s, "goroutine ") {
		t.Fatalf("backupkit %v crashed:\n%s", args, s)
	}
	return code, o.String(), e.String()
}

func TestIAMCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := runCompliance(t, "iam", "--types", "EBS,RDS,DynamoDB", "--account", "123456789012")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		RoleName          string                    `json:"roleName"`
		Types             []string                  `json:"types"`
		TrustPolicy       compliance.PolicyDocument `json:"trustPolicy"`
		PermissionsPolicy compliance.PolicyDocument `json:"permissionsPolicy"`
		PassRolePolicy    compliance.PolicyDocument `json:"passRolePolicy"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if strings.Join(got.Types, ",") != "DynamoDB,EBS,RDS" || len(got.PermissionsPolicy.Statement) == 0 {
		t.Errorf("types %v, %d statements; want DynamoDB,EBS,RDS and some statements", got.Types, len(got.PermissionsPolicy.Statement))
	}
	for _, a := range got.PermissionsPolicy.Actions() {
		if strings.Contains(a, "*") {
			t.Errorf("wildcard action %q", a)
		}
	}
	if p := got.TrustPolicy.Statement[0].Principal["Service"]; len(p) != 1 || p[0] != "backup.amazonaws.com" {
		t.Errorf("trust principal = %v", p)
	}

	code, out, _ = runCompliance(t, "iam", "--types", "EBS", "--account", "123456789012", "--restore")
	if code != 0 || !strings.Contains(out, "ec2:CreateVolume") || strings.Contains(out, "ec2:CreateSnapshot") {
		t.Errorf("restore role: exit %d, output lacks ec2:CreateVolume or has ec2:CreateSnapshot:\n%s", code, out)
	}

	code, _, errOut = runCompliance(t, "iam", "--types", "EBS,Floppy")
	if code != 1 || !strings.Contains(errOut, `unknown resource type "Floppy"`) {
		t.Errorf("bad input: exit %d, stderr %q; want 1 naming Floppy", code, errOut)
	}

	dir := t.TempDir()
	broad := filepath.Join(dir, "broad.json")
	if err := os.WriteFile(broad, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*","rds:CreateDBSnapshot"],"Resource":"*"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCompliance(t, "iam", "--lint", broad, "--types", "EBS")
	if code != 2 || !strings.Contains(out, "ec2:*") || !strings.Contains(out, "rds:CreateDBSnapshot") {
		t.Errorf("lint broad: exit %d\n%s; want 2 with ec2:* and rds:CreateDBSnapshot", code, out)
	}
	role, err := compliance.BackupRole([]backup.ResourceType{"EBS"}, func(o *compliance.RoleOptions) { o.AccountID = "123456789012" })
	if err != nil {
		t.Fatal(err)
	}
	narrow := filepath.Join(dir, "narrow.json")
	if err := os.WriteFile(narrow, role.Permissions.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ = runCompliance(t, "iam", "--lint", narrow, "--types", "EBS"); code != 0 || !strings.Contains(out, "no findings") {
		t.Errorf("lint generated: exit %d\n%s; want 0, no findings", code, out)
	}
}

func TestComplianceApplyCommand(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	file := "../../compliance/testdata/compliance.yaml"
	code, _, errOut := runCompliance(t, "compliance", "apply", file, "--endpoint", srv.URL)
	if code != 1 || !strings.Contains(errOut, "--skip-config-rules") {
		t.Errorf("config rules against the emulator: exit %d, %q; want 1 suggesting --skip-config-rules", code, errOut)
	}
	code, out, errOut := runCompliance(t, "compliance", "apply", file, "--endpoint", srv.URL, "--skip-config-rules")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s", code, errOut)
	}
	if strings.Count(out, "created") != 4 {
		t.Errorf("first apply: want 4 created (1 framework, 3 report plans):\n%s", out)
	}
	code, out, errOut = runCompliance(t, "compliance", "apply", file, "--endpoint", srv.URL, "--skip-config-rules")
	if code != 0 || strings.Count(out, "unchanged") != 4 || strings.Contains(out, "created") {
		t.Errorf("second apply: exit %d %s\n%s; want 4 unchanged", code, errOut, out)
	}
	if n := srv.CallCount("CreateFramework"); n != 1 {
		t.Errorf("CreateFramework called %d times; want 1", n)
	}
	if code, out, _ = runCompliance(t, "compliance", "apply", "--check", file); code != 0 || !strings.Contains(out, "7 Config rules: valid") {
		t.Errorf("--check: exit %d\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("frameworks:\n  - name: 9lives\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut = runCompliance(t, "compliance", "apply", "--check", bad); code != 1 || !strings.Contains(errOut, "frameworks[0].Name") {
		t.Errorf("bad file: exit %d, %q; want 1 naming frameworks[0].Name", code, errOut)
	}
}

// seedCoverage puts three resources in the emulator and one plan that
// protects the tagged two, with a copy to another Region.
func seedCoverage(t *testing.T, srv *backuptest.Server) {
	t.Helper()
	ctx := t.Context()
	for _, r := range []backuptest.Resource{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-prod", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", Tags: map[string]string{"backup": "daily"}},
		{ARN: "arn:aws:rds:us-east-1:123456789012:db:forgotten"},
	} {
		if err := srv.PutResource(r); err != nil {
			t.Fatal(err)
		}
	}
	client := srv.Client()
	if _, err := client.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")}); err != nil {
		t.Fatal(err)
	}
	pc := plan.NewClient(client)
	p := &plan.Plan{Name: "daily", Rules: []plan.Rule{{Name: "daily", TargetVault: "main", Schedule: "cron(0 5 ? * * *)",
		Lifecycle:   backup.Lifecycle{DeleteAfter: backup.Days(35)},
		CopyActions: []plan.CopyAction{{DestinationVaultARN: "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"}}}}}
	live, err := pc.Create(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.CreateSelection(ctx, live.ID, &plan.Selection{Name: "tagged", IAMRole: "arn:aws:iam::123456789012:role/AWSBackupKitBackupRole",
		ListOfTags: []plan.TagCondition{{Key: "backup", Value: "daily"}}}); err != nil {
		t.Fatal(err)
	}
}

func TestCoverageCommand(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedCoverage(t, srv)
	code, out, errOut := runCompliance(t, "coverage", "--endpoint", srv.URL, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Resources []struct {
			ARN          string   `json:"arn"`
			RPOSeconds   *float64 `json:"rpoSeconds"`
			CrossRegion  bool     `json:"crossRegion"`
			CrossAccount bool     `json:"crossAccount"`
			Protections  []any    `json:"protections"`
		} `json:"resources"`
		Unprotected []string `json:"unprotected"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(rep.Resources) != 3 || len(rep.Unprotected) != 1 || rep.Unprotected[0] != "arn:aws:rds:us-east-1:123456789012:db:forgotten" {
		t.Fatalf("report: %d resources, unprotected %v; want 3 and the RDS db", len(rep.Resources), rep.Unprotected)
	}
	for _, r := range rep.Resources {
		if len(r.Protections) > 0 && (r.RPOSeconds == nil || *r.RPOSeconds != 86400 || !r.CrossRegion || r.CrossAccount) {
			t.Errorf("%s: RPO %v s cross-region %v cross-account %v; want 86400, true, false", r.ARN, r.RPOSeconds, r.CrossRegion, r.CrossAccount)
		}
	}
	code, out, _ = runCompliance(t, "coverage", "--endpoint", srv.URL)
	if code != 0 || !strings.Contains(out, "2 of 3 resources protected; 1 unprotected") || !strings.Contains(out, "daily/daily") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, _ = runCompliance(t, "coverage", "--endpoint", srv.URL, "--fail-on-unprotected"); code != 2 {
		t.Errorf("--fail-on-unprotected: exit %d; want 2", code)
	}
	if code, out, _ = runCompliance(t, "coverage", "--endpoint", srv.URL, "--resource-types", "dynamodb:table", "--fail-on-unprotected"); code != 0 || !strings.Contains(out, "1 of 1 resources protected") {
		t.Errorf("filtered to dynamodb: exit %d\n%s", code, out)
	}
}

func TestAdviseCommand(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedCoverage(t, srv)
	code, out, errOut := runCompliance(t, "advise", "--endpoint", srv.URL, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var findings []compliance.Finding
	if err := json.Unmarshal([]byte(out), &findings); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	checks := map[string]bool{}
	for _, f := range findings {
		checks[f.Check+" "+f.Resource] = true
	}
	for _, want := range []string{
		compliance.CheckUnprotected + " arn:aws:rds:us-east-1:123456789012:db:forgotten",
		compliance.CheckNoRecoveryPoint + " arn:aws:ec2:us-east-1:123456789012:volume/vol-prod",
		compliance.CheckNoFramework + " account",
		compliance.CheckPlanNotAsCode + " daily",
	} {
		if !checks[want] {
			t.Errorf("missing finding %q in %v", want, checks)
		}
	}
	if checks[compliance.CheckNoCrossRegion+" arn:aws:ec2:us-east-1:123456789012:volume/vol-prod"] {
		t.Error("vol-prod is copied to eu-west-1 but was flagged for no cross-Region copy")
	}
	code, out, _ = runCompliance(t, "advise", "--endpoint", srv.URL, "--min-severity", "high", "--fail-on", "high")
	if code != 2 || !strings.HasPrefix(out, "SEVERITY") || strings.Contains(out, "MEDIUM") {
		t.Errorf("--fail-on high: exit %d\n%s; want 2 and only HIGH rows", code, out)
	}
	if code, _, errOut = runCompliance(t, "advise", "--endpoint", srv.URL, "--min-severity", "urgent"); code != 1 || !strings.Contains(errOut, "urgent") {
		t.Errorf("bad severity: exit %d %q", code, errOut)
	}
}

func TestComplianceReportAndAthenaCommands(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	file := "../../compliance/testdata/compliance.yaml"
	if code, _, errOut := runCompliance(t, "compliance", "apply", file, "--endpoint", srv.URL, "--skip-config-rules"); code != 0 {
		t.Fatalf("apply: %s", errOut)
	}
	code, out, errOut := runCompliance(t, "compliance", "report", "daily_backup_jobs", "--endpoint", srv.URL)
	if code != 0 || !strings.Contains(out, "COMPLETED") || strings.Count(out, "s3://audit-reports/") != 2 {
		t.Errorf("report: exit %d %s\n%s; want COMPLETED and 2 keys (CSV, JSON)", code, errOut, out)
	}
	if code, _, errOut = runCompliance(t, "compliance", "report", "nope", "--endpoint", srv.URL); code != 1 || !strings.Contains(errOut, "nope") {
		t.Errorf("unknown plan: exit %d %q", code, errOut)
	}
	code, out, _ = runCompliance(t, "compliance", "athena", "--location", "s3://audit-reports/backup/", "--template", "RESTORE_JOB_REPORT", "--table", "restores")
	if code != 0 || !strings.Contains(out, "CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.restores") || !strings.Contains(out, "-- restore time per resource") || !strings.Contains(out, "-- failed jobs by account over 7 days") {
		t.Errorf("athena restore: exit %d\n%s", code, out)
	}
	code, out, _ = runCompliance(t, "compliance", "athena", "--location", "s3://audit-reports/c/", "--template", "resource_compliance_report", "--table", "rc")
	if code != 0 || !strings.Contains(out, "-- non-compliant resources per control") || strings.Contains(out, "failed jobs") {
		t.Errorf("athena compliance: exit %d\n%s", code, out)
	}
	if code, _, errOut = runCompliance(t, "compliance", "athena", "--location", "http://x"); code != 1 || !strings.Contains(errOut, "--location: must be an s3:// URI") {
		t.Errorf("bad location: exit %d %q", code, errOut)
	}
}
