package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

const (
	testVaultARN = "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr-vault"
	testRoleARN  = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
)

// validPlan exercises every feature in a combination AWS accepts.
func validPlan() *Plan {
	return &Plan{
		Name: "prod-plan.v1",
		Rules: []Rule{
			{Name: "hourly", TargetVault: "Default", Schedule: "cron(15 * * * ? *)", Timezone: "Europe/Berlin",
				StartWindow: time.Hour, CompletionWindow: 2 * time.Hour,
				Lifecycle:         backup.Lifecycle{DeleteAfter: backup.Days(7)},
				RecoveryPointTags: map[string]string{"tier": "hourly"}},
			{Name: "monthly", TargetVault: "Default", Schedule: "cron(0 5 1 * ? *)",
				Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(30), DeleteAfter: backup.Days(120), OptInToArchive: true},
				CopyActions: []CopyAction{{DestinationVaultARN: testVaultARN,
					Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.Days(1), DeleteAfter: backup.Days(91)}}},
				IndexActions: []IndexAction{{ResourceTypes: []backup.ResourceType{"EBS"}}}},
			{Name: "pitr", TargetVault: "pitr_vault", ContinuousBackup: true, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(35)}},
			{Name: "forever", TargetVault: "Default", Lifecycle: backup.Lifecycle{MoveToColdStorageAfter: backup.KeepForever, DeleteAfter: backup.KeepForever}},
		},
		AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}},
			{ResourceType: "S3", Options: map[string]string{"BackupACLs": "disabled", "BackupObjectTags": "enabled"}}},
		Tags: map[string]string{"team": "storage"},
	}
}

func TestValidPlan(t *testing.T) {
	t.Parallel()
	if err := validPlan().Validate(); err != nil {
		t.Fatalf("Validate() = %v; want nil", err)
	}
}

func TestValidateRules(t *testing.T) {
	t.Parallel()
	tags := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	tests := []struct {
		name   string
		mutate func(p *Plan)
		field  string
		reason string
	}{
		{"plan name required", func(p *Plan) { p.Name = "" }, "BackupPlanName", "plan name is required"},
		{"plan name pattern", func(p *Plan) { p.Name = "my plan" }, "BackupPlanName", "must be 1-50 characters"},
		{"plan name too long", func(p *Plan) { p.Name = strings.Repeat("a", 51) }, "BackupPlanName", "must be 1-50 characters"},
		{"no rules", func(p *Plan) { p.Rules = nil }, "Rules", "at least one rule"},
		{"more than 10 rules", func(p *Plan) {
			for i := range 7 {
				p.Rules = append(p.Rules, Rule{Name: fmt.Sprintf("r%d", i), TargetVault: "Default"})
			}
		}, "Rules", "at most 10 rules per plan"},
		{"duplicate rule name", func(p *Plan) { p.Rules[1].Name = "hourly" }, "Rules[1].RuleName", `duplicate rule name "hourly" (also Rules[0])`},
		{"rule name required", func(p *Plan) { p.Rules[0].Name = "" }, "Rules[0].RuleName", "rule name is required"},
		{"rule name pattern", func(p *Plan) { p.Rules[0].Name = "daily/1" }, "Rules[0].RuleName", "must be 1-50 characters"},
		{"vault required", func(p *Plan) { p.Rules[0].TargetVault = "" }, "Rules[0].TargetBackupVaultName", "is required"},
		{"vault pattern (no dots)", func(p *Plan) { p.Rules[0].TargetVault = "my.vault" }, "Rules[0].TargetBackupVaultName", "must be 2-50 characters of letters, digits, '-' and '_'"},
		{"vault too short", func(p *Plan) { p.Rules[0].TargetVault = "v" }, "Rules[0].TargetBackupVaultName", "must be 2-50"},
		{"rate rejected", func(p *Plan) { p.Rules[0].Schedule = "rate(12 hours)" }, "Rules[0].ScheduleExpression", "rate() expressions are not supported"},
		{"sub-hourly rejected", func(p *Plan) { p.Rules[0].Schedule = "cron(0/30 * * * ? *)" }, "Rules[0].ScheduleExpression", "minutes field: fires more than once an hour"},
		{"bad cron", func(p *Plan) { p.Rules[0].Schedule = "cron(0 5 * * * *)" }, "Rules[0].ScheduleExpression", "exactly one of day-of-month and day-of-week must be ?"},
		{"never fires", func(p *Plan) { p.Rules[1].Schedule = "cron(0 5 31 4,6,9,11 ? *)" }, "Rules[1].ScheduleExpression", "never fires"},
		{"timezone", func(p *Plan) { p.Rules[0].Timezone = "Mars/Olympus" }, "Rules[0].ScheduleExpressionTimezone", "must be an IANA time zone name"},
		{"timezone Local", func(p *Plan) { p.Rules[0].Timezone = "Local" }, "Rules[0].ScheduleExpressionTimezone", "must be an IANA time zone name"},
		{"start window < 60 min", func(p *Plan) { p.Rules[0].StartWindow = 59 * time.Minute }, "Rules[0].StartWindowMinutes", "must be at least 60 minutes, got 59"},
		{"start window not whole minutes", func(p *Plan) { p.Rules[0].StartWindow = 90*time.Minute + time.Second }, "Rules[0].StartWindowMinutes", "whole number of minutes"},
		{"start window negative", func(p *Plan) { p.Rules[0].StartWindow = -time.Hour }, "Rules[0].StartWindowMinutes", "must be positive"},
		{"start window > 100 years", func(p *Plan) { p.Rules[0].StartWindow = MaxWindow + time.Minute; p.Rules[0].CompletionWindow = 0 },
			"Rules[0].StartWindowMinutes", "at most 52560000 minutes"},
		{"completion window > 100 years", func(p *Plan) { p.Rules[0].CompletionWindow = MaxWindow + time.Minute }, "Rules[0].CompletionWindowMinutes", "at most 52560000 minutes"},
		// cloudposse/terraform-aws-backup, completion_window: "Must be at
		// least 60 minutes greater than start_window" (AWS's API reference
		// does not state it).
		{"completion window within start + 60", func(p *Plan) { p.Rules[0].CompletionWindow = 119 * time.Minute }, "Rules[0].CompletionWindowMinutes", "at least 60 minutes longer than the start window (60 minutes), got 119"},
		// The same rule against AWS's default start window, 480 minutes.
		{"completion window with the default start window", func(p *Plan) { p.Rules[0].StartWindow = 0; p.Rules[0].CompletionWindow = time.Minute },
			"Rules[0].CompletionWindowMinutes", "(480 minutes, AWS's default), got 1"},
		{"cold 30 delete 90 (roadmap trap)", func(p *Plan) { p.Rules[1].Lifecycle.DeleteAfter = backup.Days(90) }, "Rules[1].Lifecycle.DeleteAfterDays", "cold after 30, so delete after 120 or more, got 90"},
		{"delete > 36500", func(p *Plan) { p.Rules[0].Lifecycle.DeleteAfter = backup.Days(36501) }, "Rules[0].Lifecycle.DeleteAfterDays", "must be 1-36500 days"},
		{"cold > 36500", func(p *Plan) { p.Rules[1].Lifecycle.MoveToColdStorageAfter = backup.Days(36501) }, "Rules[1].Lifecycle.MoveToColdStorageAfterDays", "must be 1-36500 days"},
		// API_Lifecycle: -1 in both MoveToColdStorageAfterDays and
		// DeleteAfterDays keeps recovery points indefinitely; no other -1.
		{"KeepForever delete alone", func(p *Plan) { p.Rules[3].Lifecycle.MoveToColdStorageAfter = 0 }, "Rules[3].Lifecycle.DeleteAfterDays", "only with -1 in both"},
		{"KeepForever cold with delete 30", func(p *Plan) { p.Rules[3].Lifecycle.DeleteAfter = backup.Days(30) }, "Rules[3].Lifecycle.MoveToColdStorageAfterDays", "only with -1 in both"},
		{"delete < -1", func(p *Plan) { p.Rules[0].Lifecycle.DeleteAfter = backup.Days(-2) }, "Rules[0].Lifecycle.DeleteAfterDays", "or -1 in both fields to keep forever"},
		{"continuous > 35 days", func(p *Plan) { p.Rules[2].Lifecycle.DeleteAfter = backup.Days(36) }, "Rules[2].Lifecycle.DeleteAfterDays", "continuous backups are kept 1-35 days, got 36"},
		{"continuous forever", func(p *Plan) { p.Rules[2].Lifecycle.DeleteAfter = backup.KeepForever }, "Rules[2].Lifecycle.DeleteAfterDays", "continuous backups are kept 1-35 days"},
		// aws/aws-cdk#17602: "Lifecycle must be specified for backup rule
		// enabled continuous backup".
		{"continuous without lifecycle", func(p *Plan) { p.Rules[2].Lifecycle = backup.Lifecycle{} }, "Rules[2].Lifecycle.DeleteAfterDays", "Lifecycle must be specified"},
		{"continuous cold", func(p *Plan) { p.Rules[2].Lifecycle.MoveToColdStorageAfter = backup.Days(1) }, "Rules[2].Lifecycle.MoveToColdStorageAfterDays", "MoveToColdStorageAfterDays is unavailable"},
		{"continuous archive", func(p *Plan) { p.Rules[2].Lifecycle.OptInToArchive = true }, "Rules[2].Lifecycle.OptInToArchiveForSupportedResources", "cannot move to the archive tier"},
		{"more than 5 copy actions", func(p *Plan) {
			for range 5 {
				p.Rules[1].CopyActions = append(p.Rules[1].CopyActions, CopyAction{DestinationVaultARN: testVaultARN})
			}
		}, "Rules[1].CopyActions", "at most 5 copy actions per rule, got 6"},
		{"copy ARN required", func(p *Plan) { p.Rules[1].CopyActions[0].DestinationVaultARN = "" }, "Rules[1].CopyActions[0].DestinationBackupVaultArn", "is required"},
		{"copy ARN not a vault", func(p *Plan) {
			p.Rules[1].CopyActions[0].DestinationVaultARN = "arn:aws:s3:::bucket"
		}, "Rules[1].CopyActions[0].DestinationBackupVaultArn", "must be a backup vault ARN"},
		{"copy ARN bad account", func(p *Plan) {
			p.Rules[1].CopyActions[0].DestinationVaultARN = "arn:aws:backup:eu-west-1:1234:backup-vault:v1"
		}, "Rules[1].CopyActions[0].DestinationBackupVaultArn", "must be a backup vault ARN"},
		{"copy ARN bad region", func(p *Plan) {
			p.Rules[1].CopyActions[0].DestinationVaultARN = "arn:aws:backup:europe:210987654321:backup-vault:v1"
		}, "Rules[1].CopyActions[0].DestinationBackupVaultArn", "must be a backup vault ARN"},
		{"copy ARN bad vault name", func(p *Plan) {
			p.Rules[1].CopyActions[0].DestinationVaultARN = "arn:aws:backup:eu-west-1:210987654321:backup-vault:a.b"
		}, "Rules[1].CopyActions[0].DestinationBackupVaultArn", "vault name in the ARN must be 2-50"},
		{"copy lifecycle", func(p *Plan) { p.Rules[1].CopyActions[0].Lifecycle.DeleteAfter = backup.Days(90) }, "Rules[1].CopyActions[0].Lifecycle.DeleteAfterDays", "must be at least 90 days after MoveToColdStorageAfterDays"},
		{"air-gapped vault ARN", func(p *Plan) { p.Rules[0].AirGappedVaultARN = "vault" }, "Rules[0].TargetLogicallyAirGappedBackupVaultArn", "must be a backup vault ARN"},
		{"recovery point tags > 10", func(p *Plan) { p.Rules[0].RecoveryPointTags = tags(11) }, "Rules[0].RecoveryPointTags", "at most 10 tags, got 11"},
		{"recovery point tag aws:", func(p *Plan) { p.Rules[0].RecoveryPointTags = map[string]string{"aws:x": "v"} }, `Rules[0].RecoveryPointTags["aws:x"]`, `must not start with "aws:"`},
		{"tag key too long", func(p *Plan) { p.Tags = map[string]string{strings.Repeat("k", 129): "v"} }, `Tags["` + strings.Repeat("k", 129) + `"]`, "1-128 characters"},
		{"tag value too long", func(p *Plan) { p.Tags = map[string]string{"k": strings.Repeat("v", 257)} }, `Tags["k"]`, "at most 256 characters"},
		{"plan tags > 50", func(p *Plan) { p.Tags = tags(51) }, "Tags", "at most 50 tags"},
		{"two index actions", func(p *Plan) {
			p.Rules[1].IndexActions = append(p.Rules[1].IndexActions, IndexAction{ResourceTypes: []backup.ResourceType{"S3"}})
		}, "Rules[1].IndexActions", "at most one index action per rule"},
		{"index two types", func(p *Plan) { p.Rules[1].IndexActions[0].ResourceTypes = []backup.ResourceType{"EBS", "S3"} }, "Rules[1].IndexActions[0].ResourceTypes", "exactly one resource type"},
		{"index type", func(p *Plan) { p.Rules[1].IndexActions[0].ResourceTypes = []backup.ResourceType{"RDS"} }, "Rules[1].IndexActions[0].ResourceTypes[0]", `must be "EBS" or "S3"`},
		{"advanced type", func(p *Plan) { p.AdvancedSettings[0].ResourceType = "RDS" }, "AdvancedBackupSettings[0].ResourceType", "must be EC2 (Windows VSS) or S3"},
		{"advanced duplicate", func(p *Plan) { p.AdvancedSettings[1] = p.AdvancedSettings[0] }, "AdvancedBackupSettings[1].ResourceType", "duplicate advanced backup setting for EC2"},
		{"advanced option key", func(p *Plan) { p.AdvancedSettings[0].Options = map[string]string{"BackupACLs": "enabled"} }, "AdvancedBackupSettings[0].BackupOptions.BackupACLs", "not a backup option for EC2"},
		{"advanced S3 option key", func(p *Plan) { p.AdvancedSettings[1].Options = map[string]string{"WindowsVSS": "enabled"} }, "AdvancedBackupSettings[1].BackupOptions.WindowsVSS", "allowed: BackupACLs, BackupObjectTags"},
		{"advanced option value", func(p *Plan) { p.AdvancedSettings[0].Options["WindowsVSS"] = "on" }, "AdvancedBackupSettings[0].BackupOptions.WindowsVSS", `must be "enabled" or "disabled"`},
		{"advanced options empty", func(p *Plan) { p.AdvancedSettings[0].Options = nil }, "AdvancedBackupSettings[0].BackupOptions", "is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validPlan()
			tt.mutate(p)
			err := p.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil; want error on %s", tt.field)
			}
			var found bool
			for _, ve := range backup.ValidationErrors(err) {
				if ve.Field == tt.field && strings.Contains(ve.Reason, tt.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate() = %v; want a ValidationError{Field: %q} containing %q", err, tt.field, tt.reason)
			}
		})
	}
}

func TestBuildReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := New("bad name").
		AddRule(NewRule("a", "v").Schedule("rate(1 day)").MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(90))).
		AddRule(NewRule("a", "Default").StartWithin(10 * time.Minute)).
		Build()
	want := []string{"BackupPlanName", "Rules[0].TargetBackupVaultName", "Rules[0].ScheduleExpression",
		"Rules[0].Lifecycle.DeleteAfterDays", "Rules[1].StartWindowMinutes", "Rules[1].RuleName"}
	got := backup.ValidationErrors(err)
	if len(got) != len(want) {
		t.Fatalf("got %d problems %v; want %d", len(got), err, len(want))
	}
	for i, w := range want {
		if got[i].Field != w {
			t.Errorf("problem %d field = %q; want %q", i, got[i].Field, w)
		}
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("errors.As(*ValidationError) = false")
	}
}

func TestBuilderNoSharedState(t *testing.T) {
	t.Parallel()
	rb := NewRule("daily", "Default").RecoveryPointTag("a", "1")
	b1 := New("p1").AddRule(rb).Tag("k", "v")
	rb.RecoveryPointTag("a", "changed").DeleteAfter(backup.Days(3))
	p1, err := b1.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got := p1.Rules[0].RecoveryPointTags["a"]; got != "1" {
		t.Errorf("rule tag after mutating the RuleBuilder = %q; want 1", got)
	}
	if p1.Rules[0].Lifecycle.DeleteAfter != backup.Days(0) {
		t.Errorf("DeleteAfter leaked from RuleBuilder: %d", p1.Rules[0].Lifecycle.DeleteAfter)
	}
	p1.Tags["k"] = "mutated"
	p1.Rules[0].RecoveryPointTags["a"] = "mutated"
	p2, err := b1.Build()
	if err != nil {
		t.Fatal(err)
	}
	if p2.Tags["k"] != "v" || p2.Rules[0].RecoveryPointTags["a"] != "1" {
		t.Errorf("second Build shares maps with the first: %v %v", p2.Tags, p2.Rules[0].RecoveryPointTags)
	}
	opts := map[string]string{"WindowsVSS": "enabled"}
	b3 := New("p3").AddRule(NewRule("r", "Default")).AdvancedSetting("EC2", opts)
	opts["WindowsVSS"] = "bogus"
	if _, err := b3.Build(); err != nil {
		t.Errorf("caller's map leaked into the builder: %v", err)
	}
	c := FromPlan(p2).Tag("k2", "v2")
	if _, ok := p2.Tags["k2"]; ok {
		t.Errorf("FromPlan builder shares the plan's tag map")
	}
	if _, err := c.Build(); err != nil {
		t.Error(err)
	}
}

func TestBuilderMethods(t *testing.T) {
	t.Parallel()
	p, err := New("all").
		AddRule(NewRule("r1", "Default").Schedule("cron(0 3 ? * MON-FRI *)").Timezone("America/New_York").
			StartWithin(time.Hour).CompleteWithin(4*time.Hour).MoveToColdAfter(backup.Days(10)).DeleteAfter(backup.Days(100)).OptInToArchive().
			RecoveryPointTag("k", "v").CopyTo(testVaultARN, backup.Lifecycle{DeleteAfter: backup.Days(30)}).Index("S3").
			AirGappedVault("arn:aws:backup:us-east-1:123456789012:backup-vault:lag")).
		AddRules(Rule{Name: "r2", TargetVault: "Other", Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(5)}}, NewRule("r3", "x").Name("r3b").Vault("Default").Continuous().Lifecycle(backup.Lifecycle{DeleteAfter: backup.Days(10)}).Rule()).
		WindowsVSS(false).S3BackupOptions(true, false).Tag("team", "a").
		Build()
	if err != nil {
		t.Fatal(err)
	}
	r := p.Rules[0]
	if r.Schedule != "cron(0 3 ? * MON-FRI *)" || r.Timezone != "America/New_York" || r.StartWindow != time.Hour ||
		r.CompletionWindow != 4*time.Hour || r.Lifecycle != (backup.Lifecycle{MoveToColdStorageAfter: backup.Days(10), DeleteAfter: backup.Days(100), OptInToArchive: true}) || r.RecoveryPointTags["k"] != "v" ||
		len(r.CopyActions) != 1 || r.IndexActions[0].ResourceTypes[0] != "S3" || r.AirGappedVaultARN == "" {
		t.Errorf("rule = %+v", r)
	}
	if p.Rules[2].Name != "r3b" || p.Rules[2].TargetVault != "Default" || !p.Rules[2].ContinuousBackup {
		t.Errorf("rule 3 = %+v", p.Rules[2])
	}
	if len(p.AdvancedSettings) != 2 || p.AdvancedSettings[0].Options["WindowsVSS"] != "disabled" ||
		p.AdvancedSettings[1].Options["BackupACLs"] != "enabled" || p.AdvancedSettings[1].Options["BackupObjectTags"] != "disabled" {
		t.Errorf("advanced settings = %+v", p.AdvancedSettings)
	}
	if got, ok := p.Rule("r2"); !ok || got.TargetVault != "Other" {
		t.Errorf("Rule(r2) = %+v, %v", got, ok)
	}
	if _, ok := p.Rule("nope"); ok {
		t.Errorf("Rule(nope) found")
	}
	s, err := r.ParsedSchedule()
	if err != nil || s.Location().String() != "America/New_York" {
		t.Errorf("ParsedSchedule = %v, %v", s, err)
	}
	frac := &Plan{Name: "p", Rules: []Rule{{Name: "f", TargetVault: "Default", Lifecycle: backup.Lifecycle{DeleteAfter: 36 * time.Hour}}}}
	if ves := backup.ValidationErrors(frac.Validate()); len(ves) != 1 || ves[0].Field != "Rules[0].Lifecycle.DeleteAfterDays" {
		t.Errorf("Validate(DeleteAfter 36h) = %v; want one error on Rules[0].Lifecycle.DeleteAfterDays", ves)
	}
}

// TestDocumentedPlansAccepted feeds plans from AWS documentation and
// examples (AWS CLI create-backup-plan example, schedule examples from the
// API reference, the Organizations policy example, a continuous S3 rule,
// the CDK README rule) to the validator: none may be refused.
func TestDocumentedPlansAccepted(t *testing.T) {
	t.Parallel()
	docs := []string{
		// AWS CLI reference, create-backup-plan example.
		`{"BackupPlanName":"Example-Backup-Plan","Rules":[{"RuleName":"DailyBackups","ScheduleExpression":"cron(0 5 ? * * *)","StartWindowMinutes":480,"TargetBackupVaultName":"Default","Lifecycle":{"DeleteAfterDays":35}}]}`,
		// API reference schedule examples: hourly at :15, daily at noon.
		`{"BackupPlanName":"hourly","Rules":[{"RuleName":"h","ScheduleExpression":"cron(15 * ? * * *)","TargetBackupVaultName":"Default"},{"RuleName":"noon","ScheduleExpression":"cron(0 12 * * ? *)","TargetBackupVaultName":"Default"}]}`,
		// Organizations policy example schedule and windows (8 h start, 7 d completion), cold 180 / delete 270.
		`{"BackupPlanName":"PII_Backup_Plan","Rules":[{"RuleName":"Hourly","ScheduleExpression":"cron(0 5/1 ? * * *)","StartWindowMinutes":480,"CompletionWindowMinutes":10080,"TargetBackupVaultName":"FortKnox","Lifecycle":{"MoveToColdStorageAfterDays":180,"DeleteAfterDays":270}}]}`,
		// Continuous backup for S3 with 35 days (Terraform issue example).
		`{"BackupPlanName":"s3","Rules":[{"RuleName":"rule_continuous_s3","ScheduleExpression":"cron(0 12 * * ? *)","TargetBackupVaultName":"vault_s3","EnableContinuousBackup":true,"Lifecycle":{"DeleteAfterDays":35}}]}`,
		// CDK README: start 1 h, completion 2 h, on the 15th at 03:30, cold after 30 days.
		`{"BackupPlanName":"cdk","Rules":[{"RuleName":"r","ScheduleExpression":"cron(30 3 15 * ? *)","StartWindowMinutes":60,"CompletionWindowMinutes":120,"TargetBackupVaultName":"Default","Lifecycle":{"MoveToColdStorageAfterDays":30}}]}`,
		// S3 advanced settings in both documented spellings.
		`{"BackupPlanName":"s3opts","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default"}],"AdvancedBackupSettings":[{"ResourceType":"S3","BackupOptions":{"S3BackupACLs":"disabled","BackupObjectTags":"disabled"}}]}`,
		// Copies into other partitions' Region names.
		`{"BackupPlanName":"regions","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default","CopyActions":[{"DestinationBackupVaultArn":"arn:aws-us-gov:backup:us-gov-west-1:123456789012:backup-vault:v1"},{"DestinationBackupVaultArn":"arn:aws-eusc:backup:eusc-de-east-1:123456789012:backup-vault:v2"},{"DestinationBackupVaultArn":"arn:aws-cn:backup:cn-northwest-1:123456789012:backup-vault:v3"}]}]}`,
		// Keep forever; cross-Region copy; Windows VSS; time zone.
		`{"BackupPlanName":"misc","Rules":[{"RuleName":"r","ScheduleExpression":"cron(0 22 ? * 7 *)","ScheduleExpressionTimezone":"Asia/Kolkata","TargetBackupVaultName":"Default","Lifecycle":{"DeleteAfterDays":-1,"MoveToColdStorageAfterDays":-1},"CopyActions":[{"DestinationBackupVaultArn":"arn:aws:backup:us-west-2:123456789012:backup-vault:Default"}]}],"AdvancedBackupSettings":[{"ResourceType":"EC2","BackupOptions":{"WindowsVSS":"enabled"}}]}`,
	}
	for i, d := range docs {
		p, err := ParseCLI([]byte(d))
		if err != nil {
			t.Errorf("doc %d: ParseCLI: %v", i, err)
			continue
		}
		if err := p.Validate(); err != nil {
			t.Errorf("doc %d (%s): Validate() = %v; want nil", i, p.Name, err)
		}
	}
}
