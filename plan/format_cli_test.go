package plan

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backup"
)

func TestCLIRoundTrip(t *testing.T) {
	t.Parallel()
	p := validPlan()
	data, err := MarshalCLI(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCLI(data)
	if err != nil {
		t.Fatalf("ParseCLI(MarshalCLI(p)) = %v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip = %+v; want %+v", got, p)
	}
	again, _ := MarshalCLI(got)
	if !bytes.Equal(again, data) {
		t.Errorf("second emit differs:\n%s\nvs\n%s", again, data)
	}
}

func TestParseCLIForms(t *testing.T) {
	t.Parallel()
	bare := `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default","ScheduleExpression":"cron(0 5 ? * * *)","StartWindowMinutes":60,"Lifecycle":{"DeleteAfterDays":7,"OptInToArchiveForSupportedResources":false}}]}`
	p, err := ParseCLI([]byte(bare))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "p" || p.Rules[0].Lifecycle.DeleteAfter != backup.Days(7) || p.Rules[0].StartWindow.Minutes() != 60 {
		t.Errorf("bare = %+v", p)
	}
	wrapped := `{"BackupPlan":` + bare + `,"BackupPlanTags":{"a":"b"},"CreatorRequestId":"x"}`
	p2, err := ParseCLI([]byte(wrapped))
	if err != nil {
		t.Fatal(err)
	}
	if p2.Tags["a"] != "b" || p2.Rules[0].Name != "r" {
		t.Errorf("wrapped = %+v", p2)
	}
	tests := []struct{ name, in, want string }{
		{"unknown field in bare", `{"BackupPlanName":"p","Rules":[],"Bogus":1}`, `unknown field "Bogus"`},
		{"unknown field in rule", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"v","Bogus":[]}]}`, `unknown field "Bogus"`},
		{"unknown field in wrapper", `{"BackupPlan":{"BackupPlanName":"p","Rules":[]},"Extra":1}`, `unknown field "Extra"`},
		{"null plan", `{"BackupPlan":null}`, "BackupPlan is null"},
		{"trailing data", bare + `{}`, "after top-level value"},
		{"not JSON", `plans: []`, "parse AWS CLI plan JSON"},
		{"wrong type", `{"BackupPlanName":5,"Rules":[]}`, "cannot unmarshal"},
		{"explicit zero days", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"v","Lifecycle":{"DeleteAfterDays":0}}]}`, "Rules[0].Lifecycle.DeleteAfterDays: must be 1-36500 days"},
		{"zero window", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"v","StartWindowMinutes":0}]}`, "Rules[0].StartWindowMinutes: must be a positive number of minutes"},
		{"huge window", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"v","CompletionWindowMinutes":99999999999}]}`, "at most 52,560,000 minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseCLI([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseCLI error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCLISelectionRoundTrip(t *testing.T) {
	t.Parallel()
	s := &Selection{Name: "sel", IAMRole: testRoleARN, Resources: []string{"arn:aws:ec2:*:*:volume/*"},
		NotResources: []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1"},
		ListOfTags:   []TagCondition{{Key: "backup", Value: "yes"}},
		Conditions:   []Condition{{Op: StringEquals, Key: ResourceTagPrefix + "env", Value: "prod"}, {Op: StringNotLike, Key: ResourceTagPrefix + "x", Value: "y*"}}}
	data, err := MarshalCLISelection(s, "plan-1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCLISelection(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip = %+v; want %+v", got, s)
	}
	bare := `{"SelectionName":"s","IamRoleArn":"` + testRoleARN + `","ListOfTags":[{"ConditionType":"STRINGLIKE","ConditionKey":"a","ConditionValue":"b"}]}`
	if _, err := ParseCLISelection([]byte(bare)); err == nil || !strings.Contains(err.Error(), "ListOfTags[0].ConditionType: ListOfTags supports only STRINGEQUALS") {
		t.Errorf("ParseCLISelection(STRINGLIKE) = %v", err)
	}
	if _, err := ParseCLISelection([]byte(`{"SelectionName":"s","Foo":1}`)); err == nil || !strings.Contains(err.Error(), `unknown field "Foo"`) {
		t.Errorf("ParseCLISelection(unknown) = %v", err)
	}
}
