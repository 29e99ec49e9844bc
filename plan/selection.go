package plan

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/arntype"
	"github.com/backupkit/backupkit/internal/selection"
)

// TagCondition is one ListOfTags entry: the resource must carry tag Key with
// exactly Value (STRINGEQUALS). Key may be written "backup" or
// "aws:ResourceTag/backup".
type TagCondition = selection.Tag

// ConditionOp is the operator of a selection Condition.
type ConditionOp = selection.Op

// Condition operators AWS Backup selections support (case-sensitive).
const (
	StringEquals    = selection.StringEquals
	StringNotEquals = selection.StringNotEquals
	StringLike      = selection.StringLike
	StringNotLike   = selection.StringNotLike
)

// ResourceTagPrefix starts every Condition key.
const ResourceTagPrefix = selection.TagKeyPrefix

// Condition is one entry of a selection's Conditions: Op, Key
// ("aws:ResourceTag/<tag key>") and Value. For the Like operators Value may
// contain '*' wildcards, which match any run of characters.
type Condition = selection.Condition

// Selection assigns resources to a backup plan (a backup selection).
//
// AWS semantics, as Matches implements them: a resource is selected when it
// matches Resources or ListOfTags (OR; when both are empty, every resource
// qualifies), and it matches every Condition (AND), and it matches none of
// NotResources. A selection with none of them assigns every supported
// resource whose type is opted in (API_BackupSelection).
type Selection struct {
	// Name is 1-50 letters, digits, '-', '_' or '.'.
	Name string
	// IAMRole is the ARN of the role AWS Backup assumes.
	IAMRole string
	// Resources are ARNs or ARN patterns; '*' may appear only at the end of
	// the resource part, or as the whole Region or account part, or alone,
	// or right after the service to select the whole service
	// ("arn:aws:ec2:*").
	Resources []string
	// NotResources are excluded, with the same pattern rules.
	NotResources []string
	// ListOfTags selects resources that carry any of these tags.
	ListOfTags []TagCondition
	// Conditions must all hold.
	Conditions []Condition
}

// Clone returns a deep copy of s.
func (s *Selection) Clone() *Selection {
	c := *s
	c.Resources = slices.Clone(s.Resources)
	c.NotResources = slices.Clone(s.NotResources)
	c.ListOfTags = slices.Clone(s.ListOfTags)
	c.Conditions = slices.Clone(s.Conditions)
	return &c
}

// SelectionBuilder assembles a Selection fluently; Build validates it. Like
// Builder, it copies what it is given.
type SelectionBuilder struct {
	s Selection
}

// NewSelection starts a selection named name that AWS Backup runs with the
// IAM role iamRoleARN.
func NewSelection(name, iamRoleARN string) *SelectionBuilder {
	return &SelectionBuilder{s: Selection{Name: name, IAMRole: iamRoleARN}}
}

// Resources adds resource ARNs or ARN patterns (trailing '*').
func (b *SelectionBuilder) Resources(arns ...string) *SelectionBuilder {
	b.s.Resources = append(b.s.Resources, arns...)
	return b
}

// AllResources selects every resource ("*"), usually narrowed with
// conditions.
func (b *SelectionBuilder) AllResources() *SelectionBuilder { return b.Resources("*") }

// ResourceTypePattern returns the ARN pattern that selects every resource of
// the AWS Backup resource type t ("EBS", "RDS", "DynamoDB", …).
func ResourceTypePattern(t backup.ResourceType) (string, bool) {
	return arntype.Pattern(string(t))
}

// AllOfType selects every resource of the AWS Backup resource type t
// ("EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3",
// …: the patterns of internal/arntype, the one list the emulator uses). An
// unknown type is recorded as-is so that Build reports it.
func (b *SelectionBuilder) AllOfType(t backup.ResourceType) *SelectionBuilder {
	if p, ok := arntype.Pattern(string(t)); ok {
		return b.Resources(p)
	}
	return b.Resources("unknown-resource-type:" + string(t))
}

// Exclude adds NotResources ARNs or patterns.
func (b *SelectionBuilder) Exclude(arns ...string) *SelectionBuilder {
	b.s.NotResources = append(b.s.NotResources, arns...)
	return b
}

// Tag adds a ListOfTags entry: resources tagged key=value are selected (OR
// with other tags and Resources).
func (b *SelectionBuilder) Tag(key, value string) *SelectionBuilder {
	b.s.ListOfTags = append(b.s.ListOfTags, TagCondition{Key: key, Value: value})
	return b
}

// Where adds a Condition on tag key ("env", without the aws:ResourceTag/
// prefix) that every selected resource must satisfy.
func (b *SelectionBuilder) Where(op ConditionOp, tagKey, value string) *SelectionBuilder {
	b.s.Conditions = append(b.s.Conditions, Condition{Op: op, Key: ResourceTagPrefix + tagKey, Value: value})
	return b
}

// Selection returns a copy of the selection built so far (unvalidated).
func (b *SelectionBuilder) Selection() *Selection { return b.s.Clone() }

// Build validates and returns a copy of the selection, or an errors.Join
// of *ValidationError.
func (b *SelectionBuilder) Build() (*Selection, error) {
	s := b.s.Clone()
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// Validate checks s against AWS Backup's rules: name pattern, IAM role ARN,
// ARN patterns (wildcard only at the end), at most 500 ARNs per list or 30
// when any has a wildcard, at most 30 ListOfTags and 30 Conditions, and
// condition keys of the form aws:ResourceTag/KEY.
func (s *Selection) Validate() error {
	var pr problems
	s.validate(&pr, "")
	return pr.err()
}

func (s *Selection) validate(pr *problems, prefix string) {
	f := func(x string) string { return join(prefix, x) }
	checkName(pr, prefix, "SelectionName", s.Name, "selection name")
	checkRoleARN(pr, f("IamRoleArn"), s.IAMRole)
	sel := s.rule()
	pr.addProblems(prefix, sel.Check())
}

// rule is s as the shared selection rule reads it; it shares s's slices.
func (s *Selection) rule() selection.Selection {
	return selection.Selection{Resources: s.Resources, NotResources: s.NotResources, ListOfTags: s.ListOfTags, Conditions: s.Conditions}
}

// Matches reports whether AWS Backup would assign the resource with ARN
// resourceARN and tags tags to a plan through s. It does not know whether
// the resource's type is opted in, which AWS also requires unless a
// Resources pattern names the type.
func (s *Selection) Matches(resourceARN string, tags map[string]string) bool {
	sel := s.rule()
	return sel.Matches(resourceARN, tags)
}

// ToSDK converts s to the SDK's selection.
func (s *Selection) ToSDK() *types.BackupSelection {
	out := &types.BackupSelection{
		SelectionName: aws.String(s.Name),
		IamRoleArn:    aws.String(s.IAMRole),
		Resources:     slices.Clone(s.Resources),
		NotResources:  slices.Clone(s.NotResources),
	}
	for _, t := range s.ListOfTags {
		out.ListOfTags = append(out.ListOfTags, types.Condition{ConditionType: types.ConditionTypeStringequals,
			ConditionKey: aws.String(t.Key), ConditionValue: aws.String(t.Value)})
	}
	if len(s.Conditions) > 0 {
		c := &types.Conditions{}
		for _, x := range s.Conditions {
			cp := types.ConditionParameter{ConditionKey: aws.String(x.Key), ConditionValue: aws.String(x.Value)}
			switch x.Op {
			case StringEquals:
				c.StringEquals = append(c.StringEquals, cp)
			case StringNotEquals:
				c.StringNotEquals = append(c.StringNotEquals, cp)
			case StringLike:
				c.StringLike = append(c.StringLike, cp)
			case StringNotLike:
				c.StringNotLike = append(c.StringNotLike, cp)
			}
		}
		out.Conditions = c
	}
	return out
}

// CreateInput returns the CreateBackupSelection request attaching s to the
// plan with ID planID, with a deterministic CreatorRequestId.
func (s *Selection) CreateInput(planID string) *awsbackup.CreateBackupSelectionInput {
	return &awsbackup.CreateBackupSelectionInput{
		BackupPlanId:     aws.String(planID),
		BackupSelection:  s.ToSDK(),
		CreatorRequestId: aws.String(requestID(s.Name, planID, s.ToSDK())),
	}
}

// SelectionFromSDK converts a selection returned by AWS
// (GetBackupSelection) to a Selection. Conditions come back grouped by
// operator in the order StringEquals, StringNotEquals, StringLike,
// StringNotLike.
func SelectionFromSDK(bs *types.BackupSelection) (*Selection, error) {
	if bs == nil {
		return nil, fmt.Errorf("plan: nil backup selection")
	}
	s := &Selection{
		Name:         aws.ToString(bs.SelectionName),
		IAMRole:      aws.ToString(bs.IamRoleArn),
		Resources:    slices.Clone(bs.Resources),
		NotResources: slices.Clone(bs.NotResources),
	}
	for i, t := range bs.ListOfTags {
		if t.ConditionType != selection.TagConditionType && t.ConditionType != "" {
			return nil, &ValidationError{Field: idx("ListOfTags", i) + ".ConditionType",
				Reason: fmt.Sprintf("ListOfTags supports only STRINGEQUALS, got %q", t.ConditionType)}
		}
		s.ListOfTags = append(s.ListOfTags, TagCondition{Key: aws.ToString(t.ConditionKey), Value: aws.ToString(t.ConditionValue)})
	}
	if c := bs.Conditions; c != nil {
		add := func(op ConditionOp, ps []types.ConditionParameter) {
			for _, p := range ps {
				s.Conditions = append(s.Conditions, Condition{Op: op, Key: aws.ToString(p.ConditionKey), Value: aws.ToString(p.ConditionValue)})
			}
		}
		add(StringEquals, c.StringEquals)
		add(StringNotEquals, c.StringNotEquals)
		add(StringLike, c.StringLike)
		add(StringNotLike, c.StringNotLike)
	}
	return s, nil
}

// normalizeConditions orders conditions the way AWS returns them (grouped by
// operator), so that a selection compares equal to its round trip.
func normalizeConditions(cs []Condition) []Condition {
	out := make([]Condition, 0, len(cs))
	for _, op := range selection.Ops() {
		for _, c := range cs {
			if c.Op == op {
				out = append(out, c)
			}
		}
	}
	for _, c := range cs {
		if !slices.Contains(selection.Ops(), c.Op) {
			out = append(out, c)
		}
	}
	return out
}
