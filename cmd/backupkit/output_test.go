package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
)

// protectVol makes a daily plan whose selection protects cliVol only.
func protectVol(t *testing.T, srv *backuptest.Server) {
	t.Helper()
	ctx := t.Context()
	pl, err := srv.Client().CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("daily"),
		Rules: []types.BackupRuleInput{{RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("cli-vault"),
			ScheduleExpression: aws.String("cron(0 5 ? * * *)"), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(35)}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client().CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: pl.BackupPlanId,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("vol"), IamRoleArn: aws.String(cliRole), Resources: []string{cliVol}}}); err != nil {
		t.Fatal(err)
	}
}

// TestJSONDurationsInSeconds: coverage and status print durations as
// seconds, never nanoseconds, and no RPO for an unprotected resource.
func TestJSONDurationsInSeconds(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 20*time.Millisecond)
	protectVol(t, srv)
	if res := runBin(t, "backup", "start", "--endpoint", srv.URL, "--vault", "cli-vault", "--resource", cliVol, "--role", cliRole,
		"--wait", "--min-delay", "20ms", "--max-delay", "50ms", "--max-wait", "30s"); res.code != exitOK {
		t.Fatalf("backup start: %s", res)
	}
	res := runBin(t, "coverage", "--endpoint", srv.URL, "--json")
	if res.code != exitOK {
		t.Fatalf("coverage --json: %s", res)
	}
	var cov struct {
		Resources []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &cov); err != nil {
		t.Fatalf("coverage --json: %v\n%s", err, res.stdout)
	}
	for _, k := range []string{`"rpo"`, `"horizon"`, "000000000"} {
		if strings.Contains(res.stdout, k) {
			t.Errorf("coverage --json has %s (a duration in nanoseconds):\n%s", k, res.stdout)
		}
	}
	for _, r := range cov.Resources {
		rpo, has := r["rpoSeconds"]
		switch r["arn"] {
		case cliVol:
			if rpo != 86400.0 {
				t.Errorf("protected %s: rpoSeconds = %v; want 86400 (daily)", cliVol, rpo)
			}
		default:
			if has {
				t.Errorf("unprotected %s: rpoSeconds = %v; want none", r["arn"], rpo)
			}
		}
	}
	res = runBin(t, "status", "--endpoint", srv.URL, "--json")
	if res.code != exitOK || strings.Contains(res.stdout, "Nanos") || !strings.Contains(res.stdout, `"ageSeconds"`) {
		t.Errorf("status --json: %s\nwant ageSeconds, no nanoseconds", res)
	}
}

// TestAdviseFitsTable: advise's table fits 120 columns, counts its findings
// in English and shows no Go syntax.
func TestAdviseFitsTable(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 20*time.Millisecond)
	protectVol(t, srv)
	res := runBin(t, "advise", "--endpoint", srv.URL)
	if res.code != exitOK {
		t.Fatalf("advise: %s", res)
	}
	for _, l := range strings.Split(res.stdout, "\n") {
		if n := utf8.RuneCountInString(l); n > tableWidth {
			t.Errorf("advise line of %d columns:\n%s", n, l)
		}
	}
	for _, bad := range []string{"map[", "h0m0s", " 1 findings"} {
		if strings.Contains(res.stdout, bad) {
			t.Errorf("advise output has %q:\n%s", bad, res.stdout)
		}
	}
	res = runBin(t, "advise", "--endpoint", srv.URL, "--min-severity", "high")
	if !strings.HasSuffix(res.stdout, "\n1 finding\n") && !strings.Contains(res.stdout, "\n2 findings\n") {
		t.Errorf("advise --min-severity high: %s\nwant a count in English", res)
	}
}

func TestMiddle(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-demo0004"
	got := middle(arn, 40)
	if utf8.RuneCountInString(got) != 40 || !strings.HasPrefix(got, "arn:aws:elast") || !strings.HasSuffix(got, "fs-demo0004") || !strings.Contains(got, "…") {
		t.Errorf("middle(%q, 40) = %q", arn, got)
	}
	if middle("short", 40) != "short" {
		t.Error("middle shortened a short string")
	}
}
