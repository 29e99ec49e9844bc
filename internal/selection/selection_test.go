package selection

import (
	"fmt"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/internal/problem"
)

const (
	vol1  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	vol2  = "arn:aws:ec2:eu-west-1:210987654321:volume/vol-2"
	inst  = "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
	table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	db    = "arn:aws:rds:us-east-1:123456789012:db:prod-db"
	bkt   = "arn:aws:s3:::logs-2026"
)

// TestMatch is the assignment rule: which resources a selection assigns,
// and whether a pattern naming the resource type did.
func TestMatch(t *testing.T) {
	t.Parallel()
	prod := map[string]string{"env": "prod", "backup": "daily", "owner": "team-a"}
	dev := map[string]string{"env": "dev", "backup": "daily"}
	type res struct {
		arn        string
		tags       map[string]string
		ok, byType bool
	}
	tests := []struct {
		name string
		sel  Selection
		res  []res
	}{
		// API_BackupSelection: with no conditions, tags or resources AWS
		// "attempts to select all supported and opted-in storage resources".
		{"empty selection assigns everything, subject to opt-in", Selection{},
			[]res{{vol1, nil, true, false}, {table, prod, true, false}}},
		// assigning-resources-json "Use a JSON to define backup plan
		// resource assignment": "Resources": ["*"] assigns all.
		{"star", Selection{Resources: []string{"*"}}, []res{{vol1, nil, true, false}}},
		// API_BackupSelection Resources: "an array of strings that contain
		// ARNs of resources".
		{"exact ARN", Selection{Resources: []string{vol1}}, []res{{vol1, nil, true, true}, {vol2, nil, false, false}}},
		// knowledge-center backup-assign-resources, Example 1:
		// arn:aws:ec2:*:*:volume/* is every EBS volume.
		{"all volumes", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}},
			[]res{{vol1, nil, true, true}, {vol2, nil, true, true}, {inst, nil, false, false}}},
		// assigning-resources-json "Filter by services or resource types",
		// selection by resource type: arn:aws:ec2:::instance/*.
		{"type-wide pattern with empty Region and account", Selection{Resources: []string{"arn:aws:ec2:::instance/*"}},
			[]res{{inst, nil, true, true}, {vol1, nil, false, false}}},
		// Same section, selection by service name: arn:aws:ec2:* depends
		// on each type's opt-in (byType false).
		{"service-wide pattern", Selection{Resources: []string{"arn:aws:ec2:*"}},
			[]res{{inst, nil, true, false}, {vol1, nil, true, false}, {table, nil, false, false}}},
		{"S3 buckets", Selection{Resources: []string{"arn:aws:s3:::logs-*"}},
			[]res{{bkt, nil, true, true}, {"arn:aws:s3:::data", nil, false, false}}},
		{"trailing prefix wildcard", Selection{Resources: []string{"arn:aws:rds:us-east-1:123456789012:db:prod-*"}},
			[]res{{db, nil, true, true}, {"arn:aws:rds:us-east-1:123456789012:db:dev-db", nil, false, false}}},
		// API_BackupSelection NotResources: "a list of ARNs to exclude".
		{"NotResources excludes", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, NotResources: []string{vol2}},
			[]res{{vol1, nil, true, true}, {vol2, nil, false, false}}},
		{"NotResources beats tags", Selection{ListOfTags: []Tag{{"env", "prod"}}, NotResources: []string{"arn:aws:dynamodb:*:*:table/*"}},
			[]res{{table, prod, false, false}, {vol1, prod, true, false}}},
		// API_BackupSelection ListOfTags: "ListOfTags supports only
		// StringEquals"; several tags are OR-ed; the key may carry the
		// aws:ResourceTag/ prefix.
		{"ListOfTags is OR", Selection{ListOfTags: []Tag{{"env", "prod"}, {"aws:ResourceTag/env", "staging"}}},
			[]res{{table, prod, true, false}, {table, map[string]string{"env": "staging"}, true, false}, {table, dev, false, false}, {table, nil, false, false}}},
		{"Resources OR ListOfTags", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, ListOfTags: []Tag{{"backup", "yes"}}},
			[]res{{vol1, nil, true, true}, {table, map[string]string{"backup": "yes"}, true, false}, {table, nil, false, false}}},
		// knowledge-center backup-assign-resources, Example 1: "Resources
		// and Conditions are combined using the boolean value AND";
		// API_BackupSelection Conditions: "the resources must match all
		// conditions (AND logic)".
		{"Resources AND Conditions", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"},
			Conditions: []Condition{{StringEquals, "aws:ResourceTag/env", "prod"}, {StringEquals, "aws:ResourceTag/owner", "team-a"}}},
			[]res{{vol1, prod, true, true}, {vol1, dev, false, false}, {table, prod, false, false}}},
		// API_Conditions StringNotEquals: "negated matching"; a resource
		// without the tag does not have the same value.
		{"StringNotEquals holds without the tag", Selection{Conditions: []Condition{{StringNotEquals, "aws:ResourceTag/env", "dev"}}},
			[]res{{table, prod, true, false}, {table, nil, true, false}, {table, dev, false, false}}},
		// API_Conditions StringLike: "a wildcard character (*) anywhere in
		// the string. For example, "prod*" or "*rod*" matches the tag value
		// "production"".
		{"StringLike", Selection{Conditions: []Condition{{StringLike, "aws:ResourceTag/env", "*rod*"}}},
			[]res{{table, map[string]string{"env": "production"}, true, false}, {table, dev, false, false}, {table, nil, false, false}}},
		// API_Conditions names '*' as the one wildcard: '?' is literal.
		{"StringLike ? is literal", Selection{Conditions: []Condition{{StringLike, "aws:ResourceTag/env", "pr?d"}}},
			[]res{{table, prod, false, false}, {table, map[string]string{"env": "pr?d"}, true, false}}},
		{"StringNotLike", Selection{Conditions: []Condition{{StringNotLike, "aws:ResourceTag/env", "*ev"}}},
			[]res{{table, prod, true, false}, {table, dev, false, false}, {table, nil, true, false}}},
		// API_Conditions: "Conditions are case sensitive."
		{"case sensitive", Selection{Conditions: []Condition{{StringEquals, "aws:ResourceTag/env", "Prod"}}},
			[]res{{table, prod, false, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range tt.res {
				ok, byType := tt.sel.Match(r.arn, r.tags)
				if ok != r.ok || byType != r.byType {
					t.Errorf("Match(%s, %v) = %v, %v; want %v, %v", r.arn, r.tags, ok, byType, r.ok, r.byType)
				}
			}
		})
	}
}

// TestLike is the StringLike rule (API_Conditions, StringLike).
func TestLike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p, s string
		want bool
	}{
		{"prod*", "production", true}, {"*rod*", "production", true}, // the page's own examples
		{"*", "", true}, {"a*c", "abbbc", true}, {"a*b*c", "axbyc", true}, {"a*c", "abcd", false},
		{"abc", "abc", true}, {"abc", "abd", false}, {"", "", true}, {"", "a", false}, {"**", "x", true},
		{"a?c", "abc", false}, {"a?c", "a?c", true},
	}
	for _, tt := range tests {
		if got := Like(tt.p, tt.s); got != tt.want {
			t.Errorf("Like(%q, %q) = %v; want %v", tt.p, tt.s, got, tt.want)
		}
	}
}

// TestNeedsOptIn is the opt-in rule of assigning-resources-json, "Filter
// by services or resource types".
func TestNeedsOptIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ    string
		byType bool
		want   bool
	}{
		{"EC2", false, true},    // selection by service name: needs the opt-in
		{"EC2", true, false},    // selection by resource type: regardless of the opt-in
		{"Aurora", true, true},  // shared type: Aurora and RDS clusters share arn:aws:rds:::cluster:*
		{"Neptune", true, true}, // shares the rds cluster ARN format
		{"FSx", true, true},     // FSx and FSx for OpenZFS share arn:aws:fsx:::file-system/*
	}
	for _, tt := range tests {
		if got := NeedsOptIn(tt.typ, tt.byType); got != tt.want {
			t.Errorf("NeedsOptIn(%s, %v) = %v; want %v", tt.typ, tt.byType, got, tt.want)
		}
	}
}

// TestCheck is the rule on which selections AWS accepts.
func TestCheck(t *testing.T) {
	t.Parallel()
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
		sel    Selection
		field  string // with reason "": valid
		reason string
		kind   problem.Kind
	}{
		// API_BackupSelection says an empty selection selects every
		// supported opted-in resource, but AWS refuses it with this message
		// (hashicorp/terraform-provider-aws#24235, #25436): stricter than
		// the reference.
		{"empty selection", Selection{}, "", "Either 'ListOfTags' or 'Resources' section must be non-empty", problem.Invalid},
		{"conditions only", Selection{Conditions: []Condition{{StringEquals, "aws:ResourceTag/env", "prod"}}}, "", "Either 'ListOfTags' or 'Resources'", problem.Invalid},
		{"everything, spelled out", Selection{Resources: []string{"*"}}, "", "", 0},
		// assigning-resources-json "Filter by services or resource types".
		{"service-wide pattern", Selection{Resources: []string{"arn:aws:ec2:*"}}, "", "", 0},
		{"tags only", Selection{ListOfTags: []Tag{{"backup", "daily"}}}, "", "", 0},
		{"type-wide pattern", Selection{Resources: []string{"arn:aws:ec2:::instance/*", "arn:aws:rds:::cluster:*"}}, "", "", 0},
		{"whole-part wildcards", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*", "arn:aws:s3:::*"}}, "", "", 0},
		{"wildcard in the middle", Selection{Resources: []string{"arn:aws:s3:::*-logs"}}, "Resources[0]", "only appear at the end", problem.Invalid},
		{"partial Region wildcard", Selection{Resources: []string{"arn:aws:ec2:us-*:*:volume/*"}}, "Resources[0]", `take "*" only as a whole`, problem.Invalid},
		{"not an ARN", Selection{NotResources: []string{"vol-1"}}, "NotResources[0]", "must be an ARN", problem.Invalid},
		{"short ARN without a wildcard", Selection{Resources: []string{"arn:aws:ec2"}}, "Resources[0]", "must be an ARN", problem.Invalid},
		{"service wildcard", Selection{Resources: []string{"arn:aws:*:*:*:volume/*"}}, "Resources[0]", "not allowed in the partition or service", problem.Invalid},
		// AWS Backup quotas: 500 ARNs per selection, 30 with wildcards.
		{"more than 500 ARNs", Selection{Resources: many(501, false)}, "Resources", "at most 500 ARNs, got 501", problem.Limit},
		{"more than 30 wildcard ARNs", Selection{NotResources: many(31, true)}, "NotResources", "at most 30 ARNs when any has a wildcard, got 31", problem.Limit},
		// AWS Backup quotas: 30 tags, 30 conditions per selection.
		{"more than 30 tags", Selection{ListOfTags: make([]Tag, 31)}, "ListOfTags", "at most 30 tags per selection, got 31", problem.Limit},
		{"tag key required", Selection{ListOfTags: []Tag{{"aws:ResourceTag/", "v"}}}, "ListOfTags[0].ConditionKey", "is required", problem.Missing},
		{"more than 30 conditions", Selection{Conditions: func() []Condition {
			var cs []Condition
			for i := range 31 {
				cs = append(cs, Condition{StringEquals, TagKeyPrefix + fmt.Sprint(i), "v"})
			}
			return cs
		}()}, "Conditions", "at most 30 conditions per selection, got 31", problem.Limit},
		// API_BackupSelection Conditions example key: aws:ResourceTag/backup.
		{"condition key prefix", Selection{Conditions: []Condition{{StringEquals, "env", "prod"}}}, "Conditions[0].ConditionKey", "must be aws:ResourceTag/<tag key>", problem.Invalid},
		// API_Conditions: four operators, case-sensitive.
		{"condition op", Selection{Conditions: []Condition{{"stringequals", "aws:ResourceTag/env", "prod"}}}, "Conditions[0].Op", "must be StringEquals", problem.Invalid},
		{"wire field names", Selection{Conditions: []Condition{{StringLike, "env", "p*"}}, ConditionFields: []string{"Conditions.StringLike[0]"}},
			"Conditions.StringLike[0].ConditionKey", "must be aws:ResourceTag/", problem.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.sel.Check()
			if tt.reason == "" {
				if len(got) != 0 {
					t.Fatalf("Check() = %v; want no problems", got)
				}
				return
			}
			for _, p := range got {
				if p.Field == tt.field && strings.Contains(p.Reason, tt.reason) && p.Kind == tt.kind {
					return
				}
			}
			t.Fatalf("Check() = %v; want %s: …%s… (kind %d)", got, tt.field, tt.reason, tt.kind)
		})
	}
}

// TestPrefix checks that Prefix bounds every ARN a pattern matches.
func TestPrefix(t *testing.T) {
	t.Parallel()
	arns := []string{vol1, vol2, inst, table, db, bkt}
	for _, p := range []string{"*", "arn:aws:ec2:*", "arn:aws:ec2:::instance/*", "arn:aws:ec2:*:*:volume/*", vol1,
		"arn:aws:s3:::logs-*", "arn:aws:rds:us-east-1:123456789012:db:prod-*", "arn:aws:rds:::cluster:*"} {
		pre := Prefix(p)
		for _, a := range arns {
			if MatchARN(p, a) && !strings.HasPrefix(a, pre) {
				t.Errorf("Prefix(%q) = %q, but the pattern matches %s", p, pre, a)
			}
		}
	}
	if got := Prefix(vol1); got != vol1 {
		t.Errorf("Prefix(%q) = %q; want the ARN itself", vol1, got)
	}
}
