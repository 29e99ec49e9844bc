package compliance

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

func advisorWorld() AdvisorInput {
	now := time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
	good := "arn:aws:ec2:us-east-1:123456789012:volume/vol-good"
	stale := "arn:aws:ec2:us-east-1:123456789012:volume/vol-stale"
	flaky := "arn:aws:ec2:us-east-1:123456789012:volume/vol-flaky"
	orphan := "arn:aws:rds:us-east-1:123456789012:db:orphan"
	return AdvisorInput{
		Now: now,
		Inventory: []Resource{
			{ARN: good, Tags: map[string]string{"backup": "daily"}},
			{ARN: stale, Tags: map[string]string{"backup": "daily"}},
			{ARN: flaky, Tags: map[string]string{"backup": "daily"}},
			{ARN: orphan},
		},
		Plans: []PlanSelections{
			{PlanID: "p-good", Plan: &plan.Plan{Name: "daily", Tags: map[string]string{"managed-by": "backupkit"}, Rules: []plan.Rule{{
				Name: "daily", TargetVault: "main", Schedule: "cron(0 5 ? * * *)",
				Lifecycle:   backup.Lifecycle{MoveToColdStorageAfter: backup.Days(30), DeleteAfter: backup.Days(365)},
				CopyActions: []plan.CopyAction{{DestinationVaultARN: "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr"}},
			}}}, Selections: []*plan.Selection{{Name: "tagged", IAMRole: "arn:aws:iam::123456789012:role/AWSBackupKitBackupRole", ListOfTags: []plan.TagCondition{{Key: "backup", Value: "daily"}}}}},
			{PlanID: "p-bad", Plan: &plan.Plan{Name: "clickops", Rules: []plan.Rule{
				{Name: "short", TargetVault: "main", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(3)}},
				{Name: "forever", TargetVault: "main"},
			}}, Selections: []*plan.Selection{{Name: "none", IAMRole: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", Resources: []string{"arn:aws:s3:::nothing"}}}},
		},
		Vaults: []Vault{
			{Name: "main", ARN: "arn:aws:backup:us-east-1:123456789012:backup-vault:main", CustomerManagedKey: true, Locked: true, LockDate: now.Add(-24 * time.Hour)},
			{Name: "open", ARN: "arn:aws:backup:us-east-1:123456789012:backup-vault:open"},
			{Name: "gov", ARN: "arn:aws:backup:us-east-1:123456789012:backup-vault:gov", CustomerManagedKey: true, Locked: true},
		},
		RecoveryPoints: []RecoveryPoint{
			{ARN: "rp-good", ResourceARN: good, Vault: "main", Created: now.Add(-6 * time.Hour), Status: "COMPLETED", Encrypted: true},
			{ARN: "rp-stale", ResourceARN: stale, Vault: "main", Created: now.Add(-5 * 24 * time.Hour), Status: "COMPLETED", Encrypted: true},
			{ARN: "rp-flaky", ResourceARN: flaky, Vault: "main", Created: now.Add(-2 * time.Hour), Status: "COMPLETED", Encrypted: false},
		},
		Jobs: []Job{
			{ID: "1", ResourceARN: good, State: "COMPLETED", Created: now.Add(-54 * time.Hour)},
			{ID: "2", ResourceARN: good, State: "COMPLETED", Created: now.Add(-30 * time.Hour)},
			{ID: "3", ResourceARN: good, State: "COMPLETED", Created: now.Add(-6 * time.Hour)},
			{ID: "4", ResourceARN: flaky, State: "COMPLETED", Created: now.Add(-50 * time.Hour)},
			{ID: "5", ResourceARN: flaky, State: "FAILED", Created: now.Add(-26 * time.Hour)},
			{ID: "6", ResourceARN: flaky, State: "COMPLETED", Created: now.Add(-2 * time.Hour)},
		},
		FrameworksChecked:  true,
		ConfigRulesChecked: true,
		ConfigRules:        []string{"backupkit-recovery-point-encrypted"},
	}
}

func TestAdvise(t *testing.T) {
	t.Parallel()
	in := advisorWorld()
	findings, err := Advise(in, AdvisorOptions{RequireCrossAccount: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Finding{}
	for _, f := range findings {
		got[f.Check+" "+f.Resource] = f
		if f.Evidence == "" || f.Fix == "" || f.Category == "" {
			t.Errorf("finding without evidence/fix/category: %+v", f)
		}
	}
	want := []string{
		CheckUnprotected + " arn:aws:rds:us-east-1:123456789012:db:orphan",
		CheckUntagged + " arn:aws:rds:us-east-1:123456789012:db:orphan",
		CheckShortRetention + " clickops/short",
		CheckNoColdStorage + " clickops/forever",
		CheckPlanNotAsCode + " clickops",
		CheckDefaultRole + " clickops/none",
		CheckVaultUnlocked + " arn:aws:backup:us-east-1:123456789012:backup-vault:open",
		CheckVaultAWSKey + " arn:aws:backup:us-east-1:123456789012:backup-vault:open",
		CheckVaultGovernance + " arn:aws:backup:us-east-1:123456789012:backup-vault:gov",
		CheckRecoveryPointPlain + " rp-flaky",
		CheckStaleRecoveryPoint + " arn:aws:ec2:us-east-1:123456789012:volume/vol-stale",
		CheckConsecutive + " arn:aws:ec2:us-east-1:123456789012:volume/vol-flaky",
		CheckConsecutive + " arn:aws:ec2:us-east-1:123456789012:volume/vol-stale",
		CheckNoFramework + " account",
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			t.Errorf("missing finding %q", w)
		}
	}
	notWant := []string{
		CheckNoCrossRegion + " arn:aws:ec2:us-east-1:123456789012:volume/vol-good",
		CheckNoCrossAccount + " arn:aws:ec2:us-east-1:123456789012:volume/vol-good",
		CheckConsecutive + " arn:aws:ec2:us-east-1:123456789012:volume/vol-good",
		CheckStaleRecoveryPoint + " arn:aws:ec2:us-east-1:123456789012:volume/vol-good",
		CheckVaultUnlocked + " arn:aws:backup:us-east-1:123456789012:backup-vault:main",
		CheckPlanNotAsCode + " daily",
		CheckNoConfigRules + " account",
		CheckNoColdStorage + " daily/daily",
	}
	for _, w := range notWant {
		if _, ok := got[w]; ok {
			t.Errorf("unexpected finding %q: %+v", w, got[w])
		}
	}
	for i := 1; i < len(findings); i++ {
		if findings[i].Severity > findings[i-1].Severity {
			t.Fatalf("findings not sorted by severity at %d", i)
		}
	}
	if f := got[CheckConsecutive+" arn:aws:ec2:us-east-1:123456789012:volume/vol-flaky"]; !strings.Contains(f.Evidence, "COMPLETED, FAILED, COMPLETED") {
		t.Errorf("consecutive evidence = %q; want the states newest first", f.Evidence)
	} else if !strings.Contains(f.Fix, "failed jobs") {
		t.Errorf("consecutive fix = %q; want the failed jobs named", f.Fix)
	}
	for _, f := range findings {
		if f.Check == CheckConsecutive && !strings.Contains(f.Evidence, "FAILED") && !strings.Contains(f.Evidence, "ABORTED") && !strings.Contains(f.Evidence, "EXPIRED") &&
			strings.Contains(f.Fix, "failed jobs") {
			t.Errorf("consecutive finding without a failed job says to fix failed jobs: %+v", f)
		}
		if strings.Contains(f.Evidence, "h0m0s") || strings.Contains(f.Evidence, "map[") {
			t.Errorf("finding evidence in Go syntax: %q", f.Evidence)
		}
	}

	var js bytes.Buffer
	if err := WriteFindingsJSON(&js, findings); err != nil {
		t.Fatal(err)
	}
	var back []Finding
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back) != len(findings) || back[0] != findings[0] {
		t.Errorf("JSON round trip: %v, %d findings; want %d equal", err, len(back), len(findings))
	}
	var tbl bytes.Buffer
	if err := WriteFindingsTable(&tbl, findings); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(tbl.String()), "\n")
	if len(lines) != len(findings)+1 || !strings.HasPrefix(lines[0], "SEVERITY") || !strings.HasPrefix(lines[1], "HIGH") {
		t.Errorf("table: %d lines, first %q; want header + %d rows, HIGH first", len(lines), lines[0], len(findings))
	}
}

// TestAdviseSelectsEverything: API_BackupSelection warns that a selection
// naming no conditions, tags or resources makes AWS select every supported,
// opted-in resource, "which could have unintended cost implications";
// Resources "*" with nothing narrowing it selects the same.
func TestAdviseSelectsEverything(t *testing.T) {
	t.Parallel()
	role := "arn:aws:iam::123456789012:role/AWSBackupKitBackupRole"
	p := &plan.Plan{Name: "p", Tags: map[string]string{"managed-by": "backupkit"}, Rules: []plan.Rule{{Name: "r", TargetVault: "main", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(30)}}}}
	sels := []*plan.Selection{
		{Name: "empty", IAMRole: role},
		{Name: "star", IAMRole: role, Resources: []string{"*"}},
		{Name: "star-narrowed", IAMRole: role, Resources: []string{"*"}, Conditions: []plan.Condition{{Op: plan.StringEquals, Key: plan.ResourceTagPrefix + "backup", Value: "yes"}}},
		{Name: "star-excluding", IAMRole: role, Resources: []string{"*"}, NotResources: []string{"arn:aws:s3:::scratch"}},
		{Name: "tagged", IAMRole: role, ListOfTags: []plan.TagCondition{{Key: "backup", Value: "yes"}}},
	}
	findings, err := Advise(AdvisorInput{Plans: []PlanSelections{{PlanID: "p", Plan: p, Selections: sels}}}, AdvisorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		if f.Check == CheckSelectsEverything {
			got = append(got, f.Resource)
		}
	}
	if want := []string{"p/empty", "p/star"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s findings = %v; want %v", CheckSelectsEverything, got, want)
	}
}

func TestAdviseConsecutiveWindow(t *testing.T) {
	t.Parallel()
	in := advisorWorld()
	findings, err := Advise(in, AdvisorOptions{ConsecutiveSuccesses: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Check == CheckConsecutive && !strings.HasSuffix(f.Resource, "vol-stale") {
			t.Errorf("N=1: unexpected %+v (every newest job completed)", f)
		}
		if f.Check == CheckConsecutive && !strings.Contains(f.Evidence, "none") {
			t.Errorf("vol-stale has no jobs: evidence %q; want it to say none", f.Evidence)
		}
		if f.Check == CheckNoCrossAccount {
			t.Errorf("cross-account not required: unexpected %+v", f)
		}
	}
}
