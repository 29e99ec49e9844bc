package plan

import (
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func scanPlan() *Plan {
	return &Plan{Name: "scanned", Rules: []Rule{{Name: "daily", TargetVault: "vault",
		// API_ScanAction: MalwareScanner GUARDDUTY, ScanMode FULL_SCAN | INCREMENTAL_SCAN.
		ScanActions: []ScanAction{{MalwareScanner: "GUARDDUTY", ScanMode: "INCREMENTAL_SCAN"}}}},
		// API_ScanSetting: MalwareScanner, ResourceTypes, ScannerRoleArn.
		ScanSettings: []ScanSetting{{MalwareScanner: "GUARDDUTY", ResourceTypes: []backup.ResourceType{"EBS", "S3"},
			ScannerRoleARN: "arn:aws:iam::123456789012:role/ScannerRole"}}}
}

// TestScanFieldsRoundTrip: ScanActions and ScanSettings (API_BackupRuleInput,
// API_BackupPlanInput) survive every format that has them and the SDK.
func TestScanFieldsRoundTrip(t *testing.T) {
	t.Parallel()
	p := scanPlan()
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	sdk, err := FromSDKInput(p.ToSDK())
	if err != nil || len(Diff(sdk, p)) != 0 {
		t.Errorf("SDK round trip: %v %v", err, Diff(sdk, p))
	}
	data, _ := MarshalCLI(p)
	cli, err := ParseCLI(data)
	if err != nil || len(Diff(cli, p)) != 0 {
		t.Errorf("CLI round trip: %v %v\n%s", err, Diff(cli, p), data)
	}
	y, _ := MarshalYAML(Spec{Plan: p})
	ys, err := ParseYAML(y)
	if err != nil || len(ys) != 1 || len(Diff(ys[0].Plan, p)) != 0 {
		t.Errorf("YAML round trip: %v\n%s", err, y)
	}
	tf, _ := MarshalTerraform(Spec{Plan: p})
	ts, err := ParseTerraform(tf)
	if err != nil || len(ts) != 1 || len(Diff(ts[0].Plan, p)) != 0 {
		t.Errorf("Terraform round trip: %v\n%s", err, tf)
	}
	if _, err := MarshalOrgPolicy(Spec{Plan: p}); err == nil {
		t.Error("MarshalOrgPolicy dropped scan settings silently; want an error")
	}
	// A live plan with a scan action that the desired plan lacks shows as
	// a removal, never silently.
	bare := p.Clone()
	bare.Rules[0].ScanActions = nil
	if d := Diff(p, bare); len(d) != 1 || d[0].Kind != Removed {
		t.Errorf("Diff without ScanActions = %v; want one removal", d)
	}
	bad := p.Clone()
	bad.Rules[0].ScanActions[0].ScanMode = "QUICK_SCAN"
	if err := bad.Validate(); err == nil {
		t.Error("Validate accepted ScanMode QUICK_SCAN")
	}
}

// TestParseGetBackupPlanOutput: the output of `aws backup get-backup-plan`
// (API_GetBackupPlan Response Syntax) parses; IDs and dates are dropped.
func TestParseGetBackupPlanOutput(t *testing.T) {
	t.Parallel()
	doc := `{"BackupPlan":{"BackupPlanName":"p","Rules":[{"RuleName":"r","RuleId":"1a2b","TargetBackupVaultName":"v",
	"ScheduleExpression":"cron(0 5 ? * * *)","StartWindowMinutes":480,"CompletionWindowMinutes":10080,
	"ScanActions":[{"MalwareScanner":"GUARDDUTY","ScanMode":"FULL_SCAN"}]}]},
	"BackupPlanId":"id","BackupPlanArn":"arn:aws:backup:us-east-1:123456789012:backup-plan:id","VersionId":"v1",
	"CreatorRequestId":"c","CreationDate":"2026-01-01T00:00:00Z","LastExecutionDate":"2026-01-02T00:00:00Z",
	"AdvancedBackupSettings":[{"ResourceType":"EC2","BackupOptions":{"WindowsVSS":"enabled"}}]}`
	p, err := ParseCLI([]byte(doc))
	if err != nil {
		t.Fatalf("ParseCLI(get-backup-plan output) = %v", err)
	}
	if len(p.Rules) != 1 || len(p.Rules[0].ScanActions) != 1 || len(p.AdvancedSettings) != 1 {
		t.Errorf("parsed %+v; want the rule, its scan action and the advanced setting", p)
	}
}

// TestTerraformDefaults: terraform-provider-aws's aws_backup_plan gives a
// rule without windows start_window 60 and completion_window 180 (schema
// Default), not AWS's 480/10080.
func TestTerraformDefaults(t *testing.T) {
	t.Parallel()
	doc := `{"resource":{"aws_backup_plan":{"p":{"name":"p","rule":{"rule_name":"r","target_vault_name":"v"}}}}}`
	specs, err := ParseTerraform([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r := specs[0].Plan.Rules[0]
	if r.StartWindow != 60*time.Minute || r.CompletionWindow != 180*time.Minute {
		t.Errorf("windows = %s/%s; want Terraform's 1h/3h", r.StartWindow, r.CompletionWindow)
	}
}

// TestS3OptionAliases: API_AdvancedBackupSetting (API reference) names the
// S3 options BackupACLs and BackupObjectTags; the developer guide's older
// copy writes S3BackupACLs. The alias is accepted and rendered under the
// current name.
func TestS3OptionAliases(t *testing.T) {
	t.Parallel()
	p := &Plan{Name: "s3", Rules: []Rule{{Name: "r", TargetVault: "vault"}},
		AdvancedSettings: []AdvancedSetting{{ResourceType: backup.S3, Options: map[string]string{"S3BackupACLs": "disabled"}}}}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
	in := p.ToSDK()
	if got := in.AdvancedBackupSettings[0].BackupOptions; got["BackupACLs"] != "disabled" || len(got) != 1 {
		t.Errorf("ToSDK options = %v; want only BackupACLs", got)
	}
}
