package compliance_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
)

func TestConfigRuleParameters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule       compliance.ConfigRule
		identifier string
		params     map[string]string
	}{
		{compliance.ConfigPlanMinFrequencyAndRetention(24*time.Hour, 35*24*time.Hour), "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
			map[string]string{"requiredFrequencyUnit": "days", "requiredFrequencyValue": "1", "requiredRetentionDays": "35"}},
		{compliance.ConfigRecoveryPointEncrypted(), "BACKUP_RECOVERY_POINT_ENCRYPTED", nil},
		{compliance.ConfigRecoveryPointManualDeletionDisabled("arn:aws:iam::123456789012:role/admin"), "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
			map[string]string{"principalArnList": "arn:aws:iam::123456789012:role/admin"}},
		{compliance.ConfigRecoveryPointMinimumRetention(90 * 24 * time.Hour), "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", map[string]string{"requiredRetentionDays": "90"}},
		{compliance.ConfigResourcesProtected("ebs", compliance.ProtectedOptions{Tags: map[string]string{"env": "prod"}, CrossRegions: []string{"eu-west-1"}, VaultLock: true, MinLockRetention: 7 * 24 * time.Hour}),
			"EBS_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
			map[string]string{"resourceTags": `{"env":"prod"}`, "crossRegionList": "eu-west-1", "backupVaultLockCheck": "True", "minRetentionDays": "7"}},
		{compliance.ConfigLastRecoveryPointCreated("DynamoDB", 12*time.Hour), "DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED",
			map[string]string{"recoveryPointAgeUnit": "hours", "recoveryPointAgeValue": "12"}},
		{compliance.ConfigRestoreTimeMeetsTarget("RDS", 2*time.Hour), "RDS_MEETS_RESTORE_TIME_TARGET", map[string]string{"maxRestoreTime": "120"}},
	}
	for _, tt := range tests {
		if err := tt.rule.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tt.identifier, err)
		}
		if tt.rule.Identifier != tt.identifier {
			t.Errorf("Identifier = %s; want %s", tt.rule.Identifier, tt.identifier)
		}
		if len(tt.rule.Parameters) != len(tt.params) {
			t.Errorf("%s: Parameters = %v; want %v", tt.identifier, tt.rule.Parameters, tt.params)
		}
		for k, v := range tt.params {
			if tt.rule.Parameters[k] != v {
				t.Errorf("%s: Parameters[%s] = %q; want %q", tt.identifier, k, tt.rule.Parameters[k], v)
			}
		}
	}
	bad := []compliance.ConfigRule{
		compliance.ConfigResourcesProtected("Floppy", compliance.ProtectedOptions{}),
		compliance.ConfigLastRecoveryPointCreated("EBS", 90*time.Minute),
		compliance.ConfigRestoreTimeMeetsTarget("EBS", 0),
		compliance.ConfigRecoveryPointMinimumRetention(time.Hour),
		compliance.ConfigRecoveryPointEncrypted().WithName("has space"),
	}
	for i, r := range bad {
		if r.Validate() == nil {
			t.Errorf("bad[%d] %s: Validate = nil; want an error", i, r.Identifier)
		}
	}
}

func TestConfigEnsureRulesAndFindings(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := backuptest.NewConfigFake()
	cc := compliance.NewConfigClient(fake)
	rules := []compliance.ConfigRule{
		compliance.ConfigRecoveryPointEncrypted(),
		compliance.ConfigResourcesProtected("EBS", compliance.ProtectedOptions{}),
		compliance.ConfigLastRecoveryPointCreated("EBS", 24*time.Hour),
	}
	changes, err := cc.EnsureRules(ctx, rules...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changes, []compliance.Change{compliance.Created, compliance.Created, compliance.Created}) {
		t.Errorf("first EnsureRules = %v; want all created", changes)
	}
	r, ok := fake.Rule("backupkit-ebs-last-backup-recovery-point-created")
	if !ok {
		t.Fatal("rule not deployed under its default name")
	}
	var params map[string]string
	if err := json.Unmarshal([]byte(aws.ToString(r.InputParameters)), &params); err != nil || params["recoveryPointAgeUnit"] != "days" {
		t.Errorf("InputParameters = %s; want recoveryPointAgeUnit days", aws.ToString(r.InputParameters))
	}
	if r.MaximumExecutionFrequency != cstypes.MaximumExecutionFrequencyTwentyFourHours {
		t.Errorf("periodic rule frequency = %q; want TwentyFour_Hours", r.MaximumExecutionFrequency)
	}
	puts := func() int {
		n := 0
		for _, c := range fake.Calls() {
			if c == "PutConfigRule" {
				n++
			}
		}
		return n
	}
	before := puts()
	changes, err = cc.EnsureRules(ctx, rules...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(changes, []compliance.Change{compliance.Unchanged, compliance.Unchanged, compliance.Unchanged}) || puts() != before {
		t.Errorf("second EnsureRules = %v with %d new puts; want all unchanged and no puts", changes, puts()-before)
	}
	rules[2] = compliance.ConfigLastRecoveryPointCreated("EBS", 48*time.Hour)
	changes, err = cc.EnsureRules(ctx, rules...)
	if err != nil {
		t.Fatal(err)
	}
	if changes[2] != compliance.Updated || puts() != before+1 {
		t.Errorf("changed rule: changes %v, puts %d; want updated with one put", changes, puts()-before)
	}

	fake.SetEvaluation("backupkit-recovery-point-encrypted-x", "AWS::Backup::RecoveryPoint", "ignored", cstypes.ComplianceTypeNonCompliant, "")
	for i := range 120 {
		c := cstypes.ComplianceTypeCompliant
		if i%3 == 0 {
			c = cstypes.ComplianceTypeNonCompliant
		}
		fake.SetEvaluation(rules[1].Name, "AWS::EC2::Volume", "vol-"+string(rune('a'+i%26))+string(rune('a'+i/26)), c, "evaluated")
	}
	all, err := cc.Findings(ctx, false, rules[1].Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 120 {
		t.Errorf("all findings: got %d; want 120 (across pages)", len(all))
	}
	nc, err := cc.Findings(ctx, true, rules[1].Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(nc) != 40 {
		t.Fatalf("non-compliant findings: got %d; want 40", len(nc))
	}
	if nc[0].Severity != compliance.SeverityHigh || nc[0].ResourceType != "AWS::EC2::Volume" || nc[0].Compliance != "NON_COMPLIANT" {
		t.Errorf("finding = %+v; want HIGH NON_COMPLIANT AWS::EC2::Volume", nc[0])
	}
	if _, err := cc.Findings(ctx, true, "no-such-rule"); !errors.As(err, new(*cstypes.NoSuchConfigRuleException)) {
		t.Errorf("unknown rule: got %v; want NoSuchConfigRuleException", err)
	}
	if _, err := cc.EnsureRules(ctx, rules[0], rules[0]); err == nil {
		t.Error("duplicate names: got nil error")
	}
	fake.FailNext("DescribeConfigRules", errors.New("boom"))
	if _, err := cc.EnsureRules(ctx, rules[0]); err == nil {
		t.Error("injected failure: got nil error")
	}
	names, err := cc.BackupRuleNames(ctx)
	if err != nil || len(names) != 3 {
		t.Errorf("BackupRuleNames = %v, %v; want the 3 deployed rules", names, err)
	}
	if err := cc.DeleteRule(ctx, rules[0].Name); err != nil {
		t.Fatal(err)
	}
	if _, ok := fake.Rule(rules[0].Name); ok {
		t.Error("rule still there after DeleteRule")
	}
}
