package plan

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func testSpec() Spec {
	return Spec{Plan: validPlan(), Regions: []string{"us-east-1", "eu-west-1"}, Selections: []*Selection{
		{Name: "sel-1", IAMRole: testRoleARN, Resources: []string{"arn:aws:ec2:*:*:volume/*"},
			NotResources: []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1"},
			ListOfTags:   []TagCondition{{Key: "backup", Value: "yes"}},
			Conditions:   []Condition{{Op: StringEquals, Key: ResourceTagPrefix + "env", Value: "prod"}, {Op: StringLike, Key: ResourceTagPrefix + "o", Value: "t*"}}},
		{Name: "sel-2", IAMRole: testRoleARN, Resources: []string{"*"}},
	}}
}

func TestYAMLRoundTrip(t *testing.T) {
	t.Parallel()
	sp := testSpec()
	data, err := MarshalYAML(sp, Spec{Plan: &Plan{Name: "second", Rules: []Rule{{Name: "r", TargetVault: "Default", StartWindow: 90 * time.Minute}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseYAML(data)
	if err != nil {
		t.Fatalf("ParseYAML: %v\n%s", err, data)
	}
	if len(got) != 2 {
		t.Fatalf("got %d specs; want 2", len(got))
	}
	if !reflect.DeepEqual(got[0], sp) {
		t.Errorf("round trip = %+v; want %+v", got[0], sp)
	}
	if got[1].Plan.Rules[0].StartWindow != 90*time.Minute {
		t.Errorf("90m start window = %s", got[1].Plan.Rules[0].StartWindow)
	}
	again, _ := MarshalYAML(got...)
	if !bytes.Equal(again, data) {
		t.Errorf("second emit differs:\n%s\nvs\n%s", again, data)
	}
	if !strings.Contains(string(data), "startWindow: 1h") || !strings.Contains(string(data), "startWindow: 90m") {
		t.Errorf("durations not written as 1h / 90m:\n%s", data)
	}
}

func TestParseYAMLExampleFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/plans.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs, err := ParseYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 2 {
		t.Fatalf("got %d specs", len(specs))
	}
	for _, sp := range specs {
		if err := sp.Validate(); err != nil {
			t.Errorf("%s: %v", sp.Plan.Name, err)
		}
	}
	r := specs[0].Plan.Rules[0]
	if r.StartWindow != time.Hour || r.CompletionWindow != 8*time.Hour || r.Lifecycle.DeleteAfter != backup.Days(120) ||
		r.CopyActions[0].Lifecycle.DeleteAfter != backup.Days(35) || specs[0].Selections[0].Conditions[0].Op != StringEquals {
		t.Errorf("parsed = %+v", specs[0])
	}
	if specs[1].Selections[0].ListOfTags[0] != (TagCondition{Key: "backup", Value: "pitr"}) {
		t.Errorf("tags = %+v", specs[1].Selections[0].ListOfTags)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"unknown key", "plans:\n  - name: p\n    rulez: []\n", "field rulez not found"},
		{"numeric duration", "plans:\n  - name: p\n    rules:\n      - name: r\n        vault: v\n        startWindow: 60\n", "want a duration such as 60m"},
		{"bad duration", "plans:\n  - name: p\n    rules:\n      - name: r\n        vault: v\n        startWindow: soon\n", `got "soon"`},
		{"no plans", "other: 1\n", "field other not found"},
		{"empty", "", "no plans"},
		{"explicit zero days", "plans:\n  - name: p\n    rules:\n      - name: r\n        vault: v\n        lifecycle: {deleteAfterDays: 0}\n", "line 6: days must be 1-36500"},
		{"fractional days", "plans:\n  - name: p\n    rules:\n      - name: r\n        vault: v\n        lifecycle: {deleteAfterDays: 1.5}\n", "want a whole number of days"},
		{"garbage", "\x00\x01{[", "parse plan YAML"},
		{"wrong type", "plans: 5\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseYAML([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseYAML error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSpecValidate(t *testing.T) {
	t.Parallel()
	sp := testSpec()
	if err := sp.Validate(); err != nil {
		t.Fatal(err)
	}
	sp.Selections[1].Name = "sel-1"
	sp.Selections[0].IAMRole = ""
	fields := func(err error) map[string]bool {
		m := map[string]bool{}
		for _, ve := range backup.ValidationErrors(err) {
			m[ve.Field] = true
		}
		return m
	}
	// A repeated selection name is AWS-valid (selection_names_test.go) and
	// refused only for EnsureSelection.
	if err := sp.Validate(); len(fields(err)) != 1 || !fields(err)["Selections[0].IamRoleArn"] {
		t.Errorf("Validate() = %v; want only Selections[0].IamRoleArn", err)
	}
	if err := sp.ValidateEnsure(); !fields(err)["Selections[1].SelectionName"] || !fields(err)["Selections[0].IamRoleArn"] {
		t.Errorf("ValidateEnsure() = %v; want Selections[1].SelectionName and Selections[0].IamRoleArn", err)
	}
	if err := (Spec{}).Validate(); err == nil {
		t.Errorf("Spec{}.Validate() = nil")
	}
}

func TestSpecSelectionQuota(t *testing.T) {
	t.Parallel()
	sp := Spec{Plan: validPlan()}
	for i := range 101 {
		sp.Selections = append(sp.Selections, &Selection{Name: "s" + strings.Repeat("x", i%40) + string(rune('a'+i%26)) + time.Duration(i).String(), IAMRole: testRoleARN})
	}
	var found bool
	for _, ve := range backup.ValidationErrors(sp.Validate()) {
		if ve.Field == "Selections" && strings.Contains(ve.Reason, "at most 100 selections per plan") {
			found = true
		}
	}
	if !found {
		t.Errorf("Validate() with 101 selections: want Selections: at most 100 selections per plan")
	}
}
