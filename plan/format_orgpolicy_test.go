package plan

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func orgSpec() Spec {
	return Spec{
		Regions: []string{"eu-north-1", "us-east-1"},
		Plan: &Plan{Name: "PII_Backup_Plan",
			Rules: []Rule{
				{Name: "Daily", TargetVault: "FortKnox", Schedule: "cron(0 5 ? * * *)", Timezone: "Europe/Stockholm",
					StartWindow: 8 * time.Hour, CompletionWindow: 7 * 24 * time.Hour,
					Lifecycle:         backup.Lifecycle{MoveToColdStorageAfter: backup.Days(180), DeleteAfter: backup.Days(270), OptInToArchive: true},
					RecoveryPointTags: map[string]string{"Owner": "Backup"},
					CopyActions: []CopyAction{{DestinationVaultARN: "arn:aws:backup:us-west-2:$account:backup-vault:Default",
						Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(30)}}}},
				{Name: "Pitr", TargetVault: "FortKnox", ContinuousBackup: true, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(35)}},
			},
			AdvancedSettings: []AdvancedSetting{{ResourceType: "EC2", Options: map[string]string{"WindowsVSS": "enabled"}}},
			Tags:             map[string]string{"Stage": "Beta"},
		},
		Selections: []*Selection{{Name: "datatype", IAMRole: "arn:aws:iam::$account:role/MyIamRole",
			ListOfTags: []TagCondition{{Key: "dataType", Value: "PII"}, {Key: "dataType", Value: "RED"}}}},
	}
}

func TestOrgPolicyRoundTrip(t *testing.T) {
	t.Parallel()
	sp := orgSpec()
	if err := sp.ValidateOrgPolicy(); err != nil {
		t.Fatalf("org spec with $account does not validate: %v", err)
	}
	// Sent straight to AWS, "$account" is wrong: Validate says so for each ARN.
	var fields []string
	for _, ve := range backup.ValidationErrors(sp.Validate()) {
		if strings.Contains(ve.Reason, `"$account" is an Organizations backup policy placeholder`) {
			fields = append(fields, ve.Field)
		}
	}
	if want := []string{"Rules[0].CopyActions[0].DestinationBackupVaultArn", "Selections[0].IamRoleArn"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("Validate() placeholder problems on %v; want %v", fields, want)
	}
	data, err := MarshalOrgPolicy(sp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseOrgPolicy(data)
	if err != nil {
		t.Fatalf("ParseOrgPolicy: %v\n%s", err, data)
	}
	if len(got) != 1 || !reflect.DeepEqual(got[0], sp) {
		t.Errorf("round trip = %+v\nwant %+v", got[0], sp)
	}
	again, _ := MarshalOrgPolicy(got...)
	if !bytes.Equal(again, data) {
		t.Errorf("second emit differs")
	}
	for _, want := range []string{`"start_backup_window_minutes": {
            "@@assign": "480"`, `"arn:aws:backup:us-west-2:$account:backup-vault:Default": {`,
		`"PII",`, `"RED"`, `"owner": {`, `"windows_vss": {`, `"regions": {`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("policy lacks %s:\n%s", want, data)
		}
	}
}

func TestParseOrgPolicyDocExample(t *testing.T) {
	t.Parallel()
	// Shaped like the Organizations user guide example.
	in := `{"plans": {"PII_Backup_Plan": {
	  "regions": {"@@assign": ["ap-northeast-2", "us-east-1", "eu-north-1"]},
	  "rules": {"Hourly": {
	    "schedule_expression": {"@@assign": "cron(0 5/1 ? * * *)"},
	    "start_backup_window_minutes": {"@@assign": "480"},
	    "complete_backup_window_minutes": {"@@assign": "10080"},
	    "lifecycle": {"move_to_cold_storage_after_days": {"@@assign": "180"}, "delete_after_days": {"@@assign": "270"}},
	    "target_backup_vault_name": {"@@assign": "FortKnox"},
	    "copy_actions": {"arn:aws:backup:us-west-2:$account:backup-vault:S3-Vault": {
	      "target_backup_vault_arn": {"@@assign": "arn:aws:backup:us-west-2:$account:backup-vault:S3-Vault"},
	      "lifecycle": {"delete_after_days": {"@@assign": "28"}}}}}},
	  "selections": {"tags": {"datatype": {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/MyIamRole"},
	    "tag_key": {"@@assign": "dataType"}, "tag_value": {"@@assign": ["PII", "RED"]}}}},
	  "advanced_backup_settings": {"ec2": {"windows_vss": {"@@assign": "enabled"}}},
	  "@@operators_allowed_for_child_policies": ["@@none"]}}}`
	specs, err := ParseOrgPolicy([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	sp := specs[0]
	if err := sp.ValidateOrgPolicy(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	r := sp.Plan.Rules[0]
	if len(sp.Regions) != 3 || r.Name != "Hourly" || r.StartWindow != 8*time.Hour || r.Lifecycle.DeleteAfter != backup.Days(270) ||
		r.CopyActions[0].Lifecycle.DeleteAfter != backup.Days(28) || len(sp.Selections[0].ListOfTags) != 2 {
		t.Errorf("parsed = %+v", sp)
	}
}

func TestOrgPolicyErrors(t *testing.T) {
	t.Parallel()
	parse := []struct{ name, in, want string }{
		{"append", `{"plans":{"p":{"regions":{"@@append":["us-east-1"]}}}}`, "@@append is an inheritance operator"},
		{"unknown key", `{"plans":{"p":{"rulez":{}}}}`, `unknown key "rulez"`},
		{"unknown rule key", `{"plans":{"p":{"rules":{"r":{"index_actions":{}}}}}}`, `plans.p.rules.r: unknown key "index_actions"`},
		{"not a number", `{"plans":{"p":{"rules":{"r":{"start_backup_window_minutes":{"@@assign":"soon"}}}}}}`, "want a whole number"},
		{"zero days", `{"plans":{"p":{"rules":{"r":{"lifecycle":{"delete_after_days":{"@@assign":"0"}}}}}}}`, "must be 1-36500 days"},
		{"bad bool", `{"plans":{"p":{"rules":{"r":{"enable_continuous_backup":{"@@assign":"yes"}}}}}}`, `want "true" or "false"`},
		{"copy key mismatch", `{"plans":{"p":{"rules":{"r":{"copy_actions":{"a":{"target_backup_vault_arn":{"@@assign":"b"}}}}}}}}`, "must equal the copy action's key"},
		{"missing tag_key", `{"plans":{"p":{"selections":{"tags":{"s":{"iam_role_arn":{"@@assign":"x"}}}}}}}`, "tag_key: is required"},
		{"no plans key", `{"policies":{}}`, `unknown key "policies"`},
		{"not an object", `[1,2]`, "want a JSON object"},
		{"bare value", `{"plans":{"p":{"regions":["us-east-1"]}}}`, "want a JSON object"},
	}
	for _, tt := range parse {
		if _, err := ParseOrgPolicy([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseOrgPolicy error = %v; want %q", tt.name, err, tt.want)
		}
	}
	marshal := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"index", func(s *Spec) {
			s.Plan.Rules[0].IndexActions = []IndexAction{{ResourceTypes: []backup.ResourceType{"EBS"}}}
		}, "no index actions"},
		{"air gap", func(s *Spec) { s.Plan.Rules[0].AirGappedVaultARN = testVaultARN }, "no air-gapped"},
		{"s3 settings", func(s *Spec) {
			s.Plan.AdvancedSettings = []AdvancedSetting{{ResourceType: "S3", Options: map[string]string{"BackupACLs": "enabled"}}}
		}, "only the EC2 WindowsVSS"},
		{"resources", func(s *Spec) { s.Selections[0].Resources = []string{"*"} }, "select by tag only"},
		{"two keys", func(s *Spec) { s.Selections[0].ListOfTags[1].Key = "other" }, "one tag key per selection"},
		{"tag collision", func(s *Spec) { s.Plan.Tags = map[string]string{"A": "1", "a": "2"} }, "collide when lower-cased"},
	}
	for _, tt := range marshal {
		sp := orgSpec()
		tt.mutate(&sp)
		if _, err := MarshalOrgPolicy(sp); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: MarshalOrgPolicy error = %v; want %q", tt.name, err, tt.want)
		}
	}
}
