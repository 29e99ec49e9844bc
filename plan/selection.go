package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
)

// TagCondition is one ListOfTags entry: the resource must carry tag Key with
// exactly Value (STRINGEQUALS). Key may be written "backup" or
// "aws:ResourceTag/backup".
type TagCondition struct {
	Key   string
	Value string
}

// ConditionOp is the operator of a selection Condition.
type ConditionOp string

// Condition operators AWS Backup selections support (case-sensitive).
const (
	StringEquals    ConditionOp = "StringEquals"
	StringNotEquals ConditionOp = "StringNotEquals"
	StringLike      ConditionOp = "StringLike"
	StringNotLike   ConditionOp = "StringNotLike"
)

var conditionOps = []ConditionOp{StringEquals, StringNotEquals, StringLike, StringNotLike}

// ResourceTagPrefix starts every Condition key.
const ResourceTagPrefix = "aws:ResourceTag/"

// Condition is one entry of a selection's Conditions. Key is
// "aws:ResourceTag/<tag key>"; for the Like operators Value may contain
// '*' wildcards.
type Condition struct {
	Op    ConditionOp
	Key   string
	Value string
}

// Selection assigns resources to a backup plan (a backup selection).
//
// AWS semantics, as Matches implements them: a resource is selected when it
// matches Resources or ListOfTags (OR; when both are empty, every resource
// qualifies), and it matches every Condition (AND), and it matches none of
// NotResources.
type Selection struct {
	// Name is 1-50 letters, digits, '-', '_' or '.'.
	Name string
	// IAMRole is the ARN of the role AWS Backup assumes.
	IAMRole string
	// Resources are ARNs or ARN patterns; '*' may appear only at the end of
	// the resource part, or as the whole Region or account part, or alone.
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

// resourceTypePatterns are the ARN patterns that select every resource of an
// AWS Backup resource type, as the AWS Backup console writes them.
var resourceTypePatterns = map[string]string{
	"EBS":             "arn:aws:ec2:*:*:volume/*",
	"EC2":             "arn:aws:ec2:*:*:instance/*",
	"RDS":             "arn:aws:rds:*:*:db:*",
	"Aurora":          "arn:aws:rds:*:*:cluster:*",
	"DynamoDB":        "arn:aws:dynamodb:*:*:table/*",
	"EFS":             "arn:aws:elasticfilesystem:*:*:file-system/*",
	"FSx":             "arn:aws:fsx:*:*:file-system/*",
	"S3":              "arn:aws:s3:::*",
	"Redshift":        "arn:aws:redshift:*:*:cluster:*",
	"Storage Gateway": "arn:aws:storagegateway:*:*:gateway/*",
	"Timestream":      "arn:aws:timestream:*:*:database/*",
	"CloudFormation":  "arn:aws:cloudformation:*:*:stack/*",
	// VMware VMs behind AWS Backup gateway and SAP HANA databases
	// registered with Systems Manager for SAP (internal/arntype).
	"VirtualMachine":         "arn:aws:backup-gateway:*:*:vm/*",
	"SAP HANA on Amazon EC2": "arn:aws:ssm-sap:*:*:HANA/*",
}

// ResourceTypePattern returns the ARN pattern that selects every resource of
// the AWS Backup resource type t ("EBS", "RDS", "DynamoDB", …).
func ResourceTypePattern(t backup.ResourceType) (string, bool) {
	p, ok := resourceTypePatterns[string(t)]
	return p, ok
}

// AllOfType selects every resource of the AWS Backup resource type t
// ("EBS", "EC2", "RDS", "Aurora", "DynamoDB", "EFS", "FSx", "S3",
// "Redshift", "Storage Gateway", "Timestream", "CloudFormation",
// "VirtualMachine", "SAP HANA on Amazon EC2"). An
// unknown type is recorded as-is so that Build reports it.
func (b *SelectionBuilder) AllOfType(t backup.ResourceType) *SelectionBuilder {
	if p, ok := resourceTypePatterns[string(t)]; ok {
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
	switch {
	case s.IAMRole == "":
		pr.add(f("IamRoleArn"), "is required")
	case !iamRolePattern.MatchString(s.IAMRole):
		pr.add(f("IamRoleArn"), "must be an IAM role ARN arn:aws:iam::ACCOUNT:role/NAME, got %q", s.IAMRole)
	}
	pr.checkPlaceholder(f("IamRoleArn"), s.IAMRole)
	checkARNList(pr, f("Resources"), s.Resources)
	checkARNList(pr, f("NotResources"), s.NotResources)
	if len(s.ListOfTags) > MaxSelectionTags {
		pr.add(f("ListOfTags"), "at most %d tags per selection, got %d", MaxSelectionTags, len(s.ListOfTags))
	}
	for i, t := range s.ListOfTags {
		if strings.TrimPrefix(t.Key, ResourceTagPrefix) == "" {
			pr.add(f(idx("ListOfTags", i))+".ConditionKey", "is required")
		}
	}
	if len(s.Conditions) > MaxSelectionConditions {
		pr.add(f("Conditions"), "at most %d conditions per selection, got %d", MaxSelectionConditions, len(s.Conditions))
	}
	for i, c := range s.Conditions {
		cf := f(idx("Conditions", i))
		if !slices.Contains(conditionOps, c.Op) {
			pr.add(join(cf, "Op"), "must be StringEquals, StringNotEquals, StringLike or StringNotLike, got %q", c.Op)
		}
		if !strings.HasPrefix(c.Key, ResourceTagPrefix) || len(c.Key) == len(ResourceTagPrefix) {
			pr.add(join(cf, "ConditionKey"), "must be %s<tag key>, got %q", ResourceTagPrefix, c.Key)
		}
	}
}

func checkARNList(pr *problems, field string, arns []string) {
	wild := false
	for i, a := range arns {
		if strings.Contains(a, "*") {
			wild = true
		}
		if reason := arnPatternProblem(a); reason != "" {
			pr.add(idx(field, i), "%s, got %q", reason, a)
		}
	}
	switch {
	case wild && len(arns) > MaxSelectionWildcardARNs:
		pr.add(field, "at most %d ARNs when any has a wildcard, got %d", MaxSelectionWildcardARNs, len(arns))
	case len(arns) > MaxSelectionARNs:
		pr.add(field, "at most %d ARNs, got %d", MaxSelectionARNs, len(arns))
	}
}

// arnPatternProblem returns why a is not a valid selection ARN pattern, or "".
func arnPatternProblem(a string) string {
	if a == "*" {
		return ""
	}
	parts := strings.SplitN(a, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return `must be an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or "*"`
	}
	if strings.Contains(parts[0]+parts[1]+parts[2], "*") {
		return "wildcards are not allowed in the partition or service"
	}
	for _, p := range parts[3:5] {
		if strings.Contains(p, "*") && p != "*" {
			return `the Region and account parts take "*" only as a whole`
		}
	}
	if i := strings.IndexByte(parts[5], '*'); i >= 0 && i != len(parts[5])-1 {
		return "a wildcard may only appear at the end of the ARN"
	}
	return ""
}

// Matches reports whether AWS Backup would assign the resource with ARN
// resourceARN and tags tags to a plan through s.
func (s *Selection) Matches(resourceARN string, tags map[string]string) bool {
	for _, p := range s.NotResources {
		if arnMatches(p, resourceARN) {
			return false
		}
	}
	base := len(s.Resources) == 0 && len(s.ListOfTags) == 0
	for _, p := range s.Resources {
		if base {
			break
		}
		base = arnMatches(p, resourceARN)
	}
	for _, t := range s.ListOfTags {
		if base {
			break
		}
		v, ok := tags[strings.TrimPrefix(t.Key, ResourceTagPrefix)]
		base = ok && v == t.Value
	}
	if !base {
		return false
	}
	for _, c := range s.Conditions {
		v, ok := tags[strings.TrimPrefix(c.Key, ResourceTagPrefix)]
		var hold bool
		switch c.Op {
		case StringEquals:
			hold = ok && v == c.Value
		case StringNotEquals:
			hold = !ok || v != c.Value
		case StringLike:
			hold = ok && likeMatch(c.Value, v)
		case StringNotLike:
			hold = !ok || !likeMatch(c.Value, v)
		}
		if !hold {
			return false
		}
	}
	return true
}

// arnMatches matches an ARN against a selection pattern: "*" matches all;
// a "*" Region or account part matches any; a trailing '*' in the resource
// part matches any suffix.
func arnMatches(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	pp, pok := splitARN(pattern)
	ap, aok := splitARN(arn)
	if !pok || !aok {
		return pattern == arn
	}
	for i := 0; i < 5; i++ {
		if pp[i] != "*" && pp[i] != ap[i] {
			return false
		}
	}
	if strings.HasSuffix(pp[5], "*") {
		return strings.HasPrefix(ap[5], strings.TrimSuffix(pp[5], "*"))
	}
	return pp[5] == ap[5]
}

// splitARN splits an ARN into its six colon-separated parts without
// allocating (the resource part keeps any further colons). ok is false
// when there are fewer than six parts.
func splitARN(s string) (parts [6]string, ok bool) {
	for i := 0; i < 5; i++ {
		before, after, found := strings.Cut(s, ":")
		if !found {
			return parts, false
		}
		parts[i], s = before, after
	}
	parts[5] = s
	return parts, true
}

// likeMatch matches s against pattern where '*' matches any run of
// characters (including none); every other character matches itself.
func likeMatch(pattern, s string) bool {
	// Iterative glob with backtracking to the last star.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
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
		if t.ConditionType != types.ConditionTypeStringequals && t.ConditionType != "" {
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
	for _, op := range conditionOps {
		for _, c := range cs {
			if c.Op == op {
				out = append(out, c)
			}
		}
	}
	for _, c := range cs {
		if !slices.Contains(conditionOps, c.Op) {
			out = append(out, c)
		}
	}
	return out
}
