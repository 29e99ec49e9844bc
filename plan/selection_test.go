package plan

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backup"
)

// TestSelectionMatches checks that Matches reads every field of the
// selection; the assignment rule itself is tested in internal/selection.
func TestSelectionMatches(t *testing.T) {
	t.Parallel()
	const (
		vol   = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
		table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	)
	prod := map[string]string{"env": "prod", "owner": "team-a"}
	tests := []struct {
		name string
		sel  *Selection
		arn  string
		tags map[string]string
		want bool
	}{
		{"empty selection selects everything", &Selection{}, table, nil, true},
		{"Resources", &Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}}, table, nil, false},
		{"NotResources", &Selection{NotResources: []string{vol}}, vol, nil, false},
		{"ListOfTags", &Selection{ListOfTags: []TagCondition{{Key: "env", Value: "prod"}}}, table, prod, true},
		{"Conditions", &Selection{Conditions: []Condition{{Op: StringLike, Key: ResourceTagPrefix + "owner", Value: "team-*"}}}, table, prod, true},
		{"Conditions fail", &Selection{Conditions: []Condition{{Op: StringNotEquals, Key: ResourceTagPrefix + "env", Value: "prod"}}}, table, prod, false},
	}
	for _, tt := range tests {
		if got := tt.sel.Matches(tt.arn, tt.tags); got != tt.want {
			t.Errorf("%s: Matches(%s, %v) = %v; want %v", tt.name, tt.arn, tt.tags, got, tt.want)
		}
	}
}

func TestSelectionValidate(t *testing.T) {
	t.Parallel()
	valid := func() *Selection {
		s, err := NewSelection("prod-ebs", testRoleARN).AllOfType("EBS").Resources("arn:aws:s3:::my-bucket-*").
			Exclude("arn:aws:ec2:us-east-1:123456789012:volume/vol-scratch").Tag("backup", "daily").
			Where(StringEquals, "env", "prod").Where(StringLike, "owner", "team-*").Build()
		if err != nil {
			t.Fatalf("Build() = %v", err)
		}
		return s
	}
	many := func(n int, wildcard bool) []string {
		var out []string
		for i := range n {
			a := fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%d", i)
			if wildcard && i == 0 {
				a += "*"
			}
			out = append(out, a)
		}
		return out
	}
	tests := []struct {
		name   string
		mutate func(s *Selection)
		field  string
		reason string
	}{
		{"name required", func(s *Selection) { s.Name = "" }, "SelectionName", "selection name is required"},
		{"name pattern", func(s *Selection) { s.Name = "a b" }, "SelectionName", "must be 1-50 characters"},
		{"role required", func(s *Selection) { s.IAMRole = "" }, "IamRoleArn", "is required"},
		{"role ARN", func(s *Selection) { s.IAMRole = "AWSBackupDefaultServiceRole" }, "IamRoleArn", "must be an IAM role ARN"},
		{"wildcard in the middle", func(s *Selection) { s.Resources = []string{"arn:aws:s3:::*-logs"} }, "Resources[0]", "only appear at the end"},
		{"partial region wildcard", func(s *Selection) { s.Resources = []string{"arn:aws:ec2:us-*:*:volume/*"} }, "Resources[0]", `take "*" only as a whole`},
		{"not an ARN", func(s *Selection) { s.NotResources = []string{"vol-1"} }, "NotResources[0]", "must be an ARN"},
		{"service wildcard", func(s *Selection) { s.Resources = []string{"arn:aws:*:*:*:volume/*"} }, "Resources[0]", "not allowed in the partition or service"},
		{"more than 500 ARNs", func(s *Selection) { s.Resources = many(501, false) }, "Resources", "at most 500 ARNs, got 501"},
		{"more than 30 wildcard ARNs", func(s *Selection) { s.NotResources = many(31, true) }, "NotResources", "at most 30 ARNs when any has a wildcard, got 31"},
		{"more than 30 tags", func(s *Selection) {
			for i := range 30 {
				s.ListOfTags = append(s.ListOfTags, TagCondition{Key: fmt.Sprint(i), Value: "v"})
			}
		}, "ListOfTags", "at most 30 tags per selection, got 31"},
		{"tag key required", func(s *Selection) { s.ListOfTags[0].Key = "" }, "ListOfTags[0].ConditionKey", "is required"},
		{"more than 30 conditions", func(s *Selection) {
			for i := range 29 {
				s.Conditions = append(s.Conditions, Condition{Op: StringEquals, Key: ResourceTagPrefix + fmt.Sprint(i), Value: "v"})
			}
		}, "Conditions", "at most 30 conditions per selection, got 31"},
		{"condition key prefix", func(s *Selection) { s.Conditions[0].Key = "env" }, "Conditions[0].ConditionKey", "must be aws:ResourceTag/<tag key>"},
		{"condition op", func(s *Selection) { s.Conditions[0].Op = "StringContains" }, "Conditions[0].Op", "must be StringEquals, StringNotEquals, StringLike or StringNotLike"},
		// AWS refuses a selection with neither Resources nor ListOfTags,
		// Conditions or not, although API_BackupSelection describes such a
		// selection as selecting everything (hashicorp/terraform-provider-aws#24235).
		{"conditions only", func(s *Selection) { s.Resources, s.ListOfTags = nil, nil }, "", "Either 'ListOfTags' or 'Resources' section must be non-empty"},
		{"unknown resource type", func(s *Selection) {
			s.Resources = NewSelection("x", testRoleARN).AllOfType("Floppy").Selection().Resources
		}, "Resources[0]", "must be an ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := valid()
			tt.mutate(s)
			err := s.Validate()
			var found bool
			for _, ve := range backup.ValidationErrors(err) {
				if ve.Field == tt.field && strings.Contains(ve.Reason, tt.reason) {
					found = true
				}
			}
			if !found {
				t.Errorf("Validate() = %v; want %s: …%s…", err, tt.field, tt.reason)
			}
		})
	}
}

func TestSelectionSDKRoundTrip(t *testing.T) {
	t.Parallel()
	s := &Selection{Name: "s", IAMRole: testRoleARN, Resources: []string{"*"}, NotResources: []string{"arn:aws:s3:::b"},
		ListOfTags: []TagCondition{{Key: "backup", Value: "yes"}},
		Conditions: normalizeConditions([]Condition{{Op: StringNotLike, Key: ResourceTagPrefix + "a", Value: "x*"}, {Op: StringEquals, Key: ResourceTagPrefix + "b", Value: "y"},
			{Op: StringLike, Key: ResourceTagPrefix + "c", Value: "z*"}, {Op: StringNotEquals, Key: ResourceTagPrefix + "d", Value: "w"}})}
	got, err := SelectionFromSDK(s.ToSDK())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip = %+v; want %+v", got, s)
	}
	if !SelectionsEqual(got, s) {
		t.Errorf("SelectionsEqual = false")
	}
	other := s.Clone()
	other.Conditions[0].Value = "changed"
	if SelectionsEqual(other, s) {
		t.Errorf("SelectionsEqual ignores condition values")
	}
	in := s.CreateInput("plan-1")
	if *in.BackupPlanId != "plan-1" || *in.CreatorRequestId != *s.CreateInput("plan-1").CreatorRequestId ||
		*in.CreatorRequestId == *s.CreateInput("plan-2").CreatorRequestId {
		t.Errorf("selection CreatorRequestId not deterministic per plan: %s", *in.CreatorRequestId)
	}
	if _, err := SelectionFromSDK(nil); err == nil {
		t.Errorf("SelectionFromSDK(nil) = nil error")
	}
}
