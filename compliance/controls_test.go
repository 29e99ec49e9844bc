package compliance

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func TestControlParameters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		control Control
		want    map[string]string
		wantErr string // substring of a field with a problem; "" = valid
	}{
		{"age 24h is 1 day", LastRecoveryPointCreated(24 * time.Hour), map[string]string{"recoveryPointAgeUnit": "days", "recoveryPointAgeValue": "1"}, ""},
		{"age 36h in hours", LastRecoveryPointCreated(36 * time.Hour), map[string]string{"recoveryPointAgeUnit": "hours", "recoveryPointAgeValue": "36"}, ""},
		{"age 31 days", LastRecoveryPointCreated(31 * 24 * time.Hour), map[string]string{"recoveryPointAgeUnit": "days", "recoveryPointAgeValue": "31"}, ""},
		{"age 32 days too long", LastRecoveryPointCreated(32 * 24 * time.Hour), nil, "recoveryPointAge"},
		{"age 745h too long", LastRecoveryPointCreated(745 * time.Hour), nil, "recoveryPointAge"},
		{"age 90m not whole hours", LastRecoveryPointCreated(90 * time.Minute), nil, "recoveryPointAge"},
		{"age zero", LastRecoveryPointCreated(0), nil, "recoveryPointAge"},
		{"air gap", ResourcesInLogicallyAirGappedVault(2 * time.Hour), map[string]string{"recoveryPointAgeUnit": "hours", "recoveryPointAgeValue": "2"}, ""},
		{"frequency and retention", PlanMinFrequencyAndRetention(12*time.Hour, 35*24*time.Hour), map[string]string{"requiredFrequencyUnit": "hours", "requiredFrequencyValue": "12", "requiredRetentionDays": "35"}, ""},
		{"retention partial day", PlanMinFrequencyAndRetention(24*time.Hour, 36*time.Hour), nil, "retention"},
		{"rp retention", RecoveryPointMinimumRetention(7 * 24 * time.Hour), map[string]string{"requiredRetentionDays": "7"}, ""},
		{"encrypted", RecoveryPointEncrypted(), nil, ""},
		{"protected", ResourcesProtectedByBackupPlan().ForResourceTypes("EBS"), nil, ""},
		{"deletion principals", RecoveryPointManualDeletionDisabled("arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"), map[string]string{"principalArnList": "arn:aws:iam::123456789012:role/a,arn:aws:iam::123456789012:role/b"}, ""},
		{"deletion 6 principals", RecoveryPointManualDeletionDisabled("arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b", "arn:aws:iam::1:role/c", "arn:aws:iam::1:role/d", "arn:aws:iam::1:role/e", "arn:aws:iam::1:role/f"), nil, "principalArnList"},
		{"deletion bad arn", RecoveryPointManualDeletionDisabled("role/a"), nil, "principalArnList[0]"},
		{"cross region", ResourcesProtectedByCrossRegion("eu-west-1", "us-west-2"), map[string]string{"crossRegionList": "eu-west-1,us-west-2"}, ""},
		{"cross region bad", ResourcesProtectedByCrossRegion("mars"), nil, "crossRegionList[0]"},
		{"cross account", ResourcesProtectedByCrossAccount("111122223333"), map[string]string{"crossAccountList": "111122223333"}, ""},
		{"cross account bad", ResourcesProtectedByCrossAccount("1111"), nil, "crossAccountList[0]"},
		{"vault lock", ResourcesProtectedByVaultLock(7*24*time.Hour, 2555*24*time.Hour), map[string]string{"minRetentionDays": "7", "maxRetentionDays": "2555"}, ""},
		{"vault lock min only", ResourcesProtectedByVaultLock(24*time.Hour, 0), map[string]string{"minRetentionDays": "1"}, ""},
		{"vault lock max < min", ResourcesProtectedByVaultLock(30*24*time.Hour, 7*24*time.Hour), nil, "maxRetentionDays"},
		{"restore time", RestoreTimeMeetsTarget(12 * time.Hour), map[string]string{"maxRestoreTime": "720"}, ""},
		{"restore time seconds", RestoreTimeMeetsTarget(90 * time.Second), nil, "maxRestoreTime"},
		{"scope two kinds", Control{Name: "X", Scope: Scope{ResourceTypes: []backup.ResourceType{"EBS"}, TagKey: "k"}}, nil, "Scope"},
		{"scope unknown type", ResourcesProtectedByBackupPlan().ForResourceTypes("EBS", "Floppy"), nil, "Scope.ResourceTypes[1]"},
		{"scope ids need one type", Control{Name: "X", Scope: Scope{ResourceIDs: []string{"vol-1"}}}, nil, "Scope.ResourceTypes"},
		{"scope 101 ids", ResourcesProtectedByBackupPlan().ForResources("EBS", make([]string, 101)...), nil, "Scope.ResourceIDs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Framework{Name: "F", Controls: []Control{tt.control}}.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: got %v; want nil", err)
				}
				if tt.want != nil && !maps.Equal(tt.control.Parameters, tt.want) {
					t.Errorf("Parameters = %v; want %v", tt.control.Parameters, tt.want)
				}
				return
			}
			found := false
			for _, ve := range backup.ValidationErrors(err) {
				if strings.Contains(ve.Field, tt.wantErr) {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate: got %v; want a problem in field %q", err, tt.wantErr)
			}
		})
	}
}

func TestFrameworkValidateNameAndLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    Framework
		want []string
	}{
		{"ok", Framework{Name: "prod_backup1", Controls: []Control{RecoveryPointEncrypted()}}, nil},
		{"digit first", Framework{Name: "1prod", Controls: []Control{RecoveryPointEncrypted()}}, []string{"Name"}},
		{"dash", Framework{Name: "prod-backup", Controls: []Control{RecoveryPointEncrypted()}}, []string{"Name"}},
		{"too long", Framework{Name: "a" + strings.Repeat("b", 256), Controls: []Control{RecoveryPointEncrypted()}}, []string{"Name"}},
		{"no controls", Framework{Name: "a"}, []string{"Controls"}},
		{"51 controls", Framework{Name: "a", Controls: make([]Control, 51)}, []string{"Controls"}},
		{"everything", Framework{Name: "", Description: strings.Repeat("x", 1025)}, []string{"Name", "Description", "Controls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for i := range tt.f.Controls {
				if tt.f.Controls[i].Name == "" {
					tt.f.Controls[i] = RecoveryPointEncrypted()
				}
			}
			var got []string
			for _, ve := range backup.ValidationErrors(tt.f.Validate()) {
				got = append(got, ve.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("problem fields = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestControlRoundTripSDK(t *testing.T) {
	t.Parallel()
	c := LastRecoveryPointCreated(48*time.Hour).ForTag("env", "prod")
	back := ControlFromSDK(c.toSDK())
	if back.key() != c.key() {
		t.Errorf("round trip: got %s; want %s", back.key(), c.key())
	}
	scoped := c.ForResourceTypes("EBS", "RDS")
	if c.Scope.TagKey != "env" {
		t.Error("ForResourceTypes changed the original control")
	}
	if got := ControlFromSDK(scoped.toSDK()).Scope.ResourceTypes; joinTypes(got) != "EBS, RDS" {
		t.Errorf("resource types = %v; want EBS,RDS", got)
	}
}

func TestReportPlanValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    ReportPlan
		want []string
	}{
		{"job report", ReportPlan{Name: "jobs", Template: BackupJobReport, Bucket: "audit-bucket", Formats: []string{"CSV", "JSON"}}, nil},
		{"compliance needs frameworks", ReportPlan{Name: "c", Template: ControlComplianceReport, Bucket: "audit-bucket"}, []string{"FrameworkARNs"}},
		{"job report with frameworks", ReportPlan{Name: "c", Template: CopyJobReport, Bucket: "audit-bucket", FrameworkARNs: []string{"arn"}}, []string{"FrameworkARNs"}},
		{"json cross account", ReportPlan{Name: "x", Template: RestoreJobReport, Bucket: "audit-bucket", Formats: []string{"JSON"}, Accounts: []string{"123456789012"}}, []string{"Formats[0]"}},
		{"bad bucket", ReportPlan{Name: "x", Template: BackupJobReport, Bucket: "My_Bucket"}, []string{"Bucket"}},
		{"bad everything", ReportPlan{Name: "-", Template: "NOPE", Formats: []string{"XML"}, Regions: []string{"moon"}}, []string{"Name", "Bucket", "Formats[0]", "Template", "Regions[0]"}},
		// Organization-wide reports (API_ReportSetting: Accounts "ROOT",
		// Regions "*"; FrameworkArns not required) cover the organization's
		// frameworks, and AWS refuses one that names frameworks too:
		// "For multi-account, multi-Region reports, use Accounts,
		// OrganizationUnits and Regions" (terraform-provider-aws #32235).
		{"org-wide compliance report", ReportPlan{Name: "org", Template: ResourceComplianceReport, Bucket: "audit-bucket", Accounts: []string{"ROOT"}, Regions: []string{"*"}}, nil},
		{"org-wide control report by OU", ReportPlan{Name: "org", Template: ControlComplianceReport, Bucket: "audit-bucket", OrganizationUnits: []string{"ou-ab12-cd34ef56"}}, nil},
		{"org-wide compliance report with frameworks", ReportPlan{Name: "org", Template: ControlComplianceReport, Bucket: "audit-bucket", FrameworkARNs: []string{"arn"}, Accounts: []string{"123456789012"}}, []string{"FrameworkARNs"}},
		{"org-wide job report", ReportPlan{Name: "org", Template: BackupJobReport, Bucket: "audit-bucket", Accounts: []string{"ROOT"}, Regions: []string{"*"}}, nil},
		{"bad OU", ReportPlan{Name: "org", Template: BackupJobReport, Bucket: "audit-bucket", OrganizationUnits: []string{"prod"}}, []string{"OrganizationUnits[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, ve := range backup.ValidationErrors(tt.p.Validate()) {
				got = append(got, ve.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("problem fields = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestReportPlanMultiAccountMessage: the refusal of frameworks in an
// organization-wide compliance report carries AWS's own words
// (terraform-provider-aws #32235), so the library's error reads like AWS's.
func TestReportPlanMultiAccountMessage(t *testing.T) {
	t.Parallel()
	err := ReportPlan{Name: "org", Template: ResourceComplianceReport, Bucket: "audit-bucket",
		FrameworkARNs: []string{"arn:aws:backup:us-east-1:123456789012:framework:f"}, Regions: []string{"*"}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "FrameworkARNs: For multi-account, multi-Region reports, use Accounts, OrganizationUnits and Regions") {
		t.Errorf("Validate() = %v; want AWS's multi-account message on FrameworkARNs", err)
	}
}
