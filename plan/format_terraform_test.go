package plan

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func tfSpec() Spec {
	sp := testSpec()
	sp.Regions = nil
	sp.Plan.Rules[1].IndexActions = nil
	return sp
}

func TestTerraformRoundTrip(t *testing.T) {
	t.Parallel()
	sp := tfSpec()
	data, err := MarshalTerraform(sp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseTerraform(data)
	if err != nil {
		t.Fatalf("ParseTerraform: %v\n%s", err, data)
	}
	// MarshalTerraform writes AWS's default windows explicitly, because
	// Terraform's own defaults are 60/180 minutes (aws_backup_plan schema);
	// the parsed plan means the same to AWS.
	if len(got) != 1 || len(Diff(got[0].Plan, sp.Plan)) != 0 || !reflect.DeepEqual(got[0].Selections, sp.Selections) {
		t.Errorf("round trip = %+v; want %+v (diff %v)", got, sp, Diff(got[0].Plan, sp.Plan))
	}
	again, _ := MarshalTerraform(got...)
	if !bytes.Equal(again, data) {
		t.Errorf("second emit differs")
	}
	for _, want := range []string{`"aws_backup_plan": {`, `"prod-plan_v1": {`, `"plan_id": "${aws_backup_plan.prod-plan_v1.id}"`,
		`"cold_storage_after": 30`, `"start_window": 60`, `"selection_tag": [`, `"string_like": [`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Terraform JSON lacks %s:\n%s", want, data)
		}
	}
}

func TestTerraformRejectsIndexActions(t *testing.T) {
	t.Parallel()
	if _, err := MarshalTerraform(testSpec()); err == nil || !strings.Contains(err.Error(), "no argument for index actions") {
		t.Errorf("MarshalTerraform(index actions) = %v", err)
	}
}

func TestParseTerraformHandWritten(t *testing.T) {
	t.Parallel()
	in := `{
  "provider": {"aws": {"region": "us-east-1"}},
  "resource": {
    "aws_backup_vault": {"main": {"name": "main-vault"}},
    "aws_backup_plan": {
      "example": {
        "name": "tf_example_backup_plan",
        "rule": {
          "rule_name": "tf_example_backup_rule",
          "target_vault_name": "${aws_backup_vault.main.name}",
          "schedule": "cron(0 12 * * ? *)",
          "start_window": "60",
          "lifecycle": {"delete_after": 14}
        },
        "advanced_backup_setting": {"backup_options": {"WindowsVSS": "enabled"}, "resource_type": "EC2"}
      }
    },
    "aws_backup_selection": {
      "example": {
        "name": "tf_example_backup_selection",
        "iam_role_arn": "arn:aws:iam::123456789012:role/backup",
        "plan_id": "${aws_backup_plan.example.id}",
        "selection_tag": {"type": "STRINGEQUALS", "key": "foo", "value": "bar"},
        "condition": {"string_equals": {"key": "aws:ResourceTag/Component", "value": "rds"}}
      }
    }
  }
}`
	specs, err := ParseTerraform([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	sp := specs[0]
	if err := sp.Validate(); err != nil {
		t.Errorf("Validate = %v", err)
	}
	r := sp.Plan.Rules[0]
	if r.TargetVault != "main-vault" || r.StartWindow != time.Hour || r.Lifecycle.DeleteAfter != backup.Days(14) ||
		sp.Plan.AdvancedSettings[0].Options["WindowsVSS"] != "enabled" ||
		sp.Selections[0].ListOfTags[0] != (TagCondition{Key: "foo", Value: "bar"}) || sp.Selections[0].Conditions[0].Value != "rds" {
		t.Errorf("parsed = %+v %+v", sp.Plan, sp.Selections[0])
	}
	errs := []struct{ name, in, want string }{
		{"unknown argument", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":[],"bogus":1}}}}`, `unknown field "bogus"`},
		{"unknown rule argument", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":{"rule_name":"r","target_vault_name":"v","index_action":[]}}}}}`, `unknown field "index_action"`},
		{"dangling plan_id", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":[]}},"aws_backup_selection":{"s":{"name":"s","iam_role_arn":"x","plan_id":"abc"}}}}`, "plan_id must reference"},
		{"selection tag type", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":[]}},"aws_backup_selection":{"s":{"name":"s","iam_role_arn":"x","plan_id":"${aws_backup_plan.a.id}","selection_tag":{"type":"STRINGLIKE","key":"k","value":"v"}}}}}`, "must be STRINGEQUALS"},
		{"no plans", `{"resource":{}}`, "no aws_backup_plan"},
		{"bad number", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":{"rule_name":"r","target_vault_name":"v","start_window":"soon"}}}}}`, "want a whole number"},
		{"garbage", `rule "x" {}`, "parse Terraform JSON"},
		{"zero window", `{"resource":{"aws_backup_plan":{"a":{"name":"a","rule":{"rule_name":"r","target_vault_name":"v","start_window":0}}}}}`, "aws_backup_plan.a.rule[0].start_window: must be a positive number of minutes, got 0"},
	}
	for _, tt := range errs {
		if _, err := ParseTerraform([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseTerraform error = %v; want it to contain %q", tt.name, err, tt.want)
		}
	}
}
