// Package selection is AWS Backup's resource assignment rule: which
// resources a backup selection assigns to a plan (Resources, NotResources,
// ListOfTags, Conditions), and which selections AWS accepts. It is the one
// implementation behind plan.Selection and the backuptest emulator's
// CreateBackupSelection and scheduled plan runs, which cannot import each
// other (plan's tests run against backuptest).
//
// Sources: the AWS Backup API reference (API_BackupSelection,
// API_Conditions, API_Condition) and the developer guide's "Assign
// resources with AWS CLI" (assigning-resources-json).
package selection

import (
	"strings"

	"github.com/backupkit/backupkit/internal/problem"
)

// TagKeyPrefix starts every Conditions key: "aws:ResourceTag/<tag key>".
// ListOfTags keys may be written with or without it.
const TagKeyPrefix = "aws:ResourceTag/"

// TagConditionType is the only ConditionType ListOfTags takes
// (API_Condition: Valid Values STRINGEQUALS).
const TagConditionType = "STRINGEQUALS"

// Limits on one selection (AWS Backup quotas page; the wildcard limit is
// AWS's message for more than 30 patterns).
const (
	MaxTags         = 30  // ListOfTags entries
	MaxConditions   = 30  // Conditions entries, all operators together
	MaxARNs         = 500 // Resources or NotResources entries
	MaxWildcardARNs = 30  // Resources or NotResources entries when any has a wildcard
)

// Op is a Conditions operator. Operators are case-sensitive.
type Op string

// The Conditions operators (API_Conditions).
const (
	StringEquals    Op = "StringEquals"
	StringNotEquals Op = "StringNotEquals"
	StringLike      Op = "StringLike"
	StringNotLike   Op = "StringNotLike"
)

// Ops returns the operators in the order AWS groups them.
func Ops() []Op { return []Op{StringEquals, StringNotEquals, StringLike, StringNotLike} }

// Tag is one ListOfTags entry (STRINGEQUALS on a tag key).
type Tag struct{ Key, Value string }

// Condition is one Conditions entry. Key is "aws:ResourceTag/<tag key>".
type Condition struct {
	Op         Op
	Key, Value string
}

// Selection is the part of a backup selection that decides which resources
// it assigns.
type Selection struct {
	Resources    []string
	NotResources []string
	ListOfTags   []Tag
	Conditions   []Condition
	// ConditionFields, when set, names the field path of each condition in
	// problems (e.g. "Conditions.StringLike[0]" for the wire's grouped
	// form); otherwise "Conditions[i]".
	ConditionFields []string
}

// Match reports whether AWS Backup assigns the resource with ARN
// resourceARN and tags to a plan through s, and whether a Resources pattern
// that names the resource type matched it (byType), which lets AWS back it
// up without the type's opt-in (see NeedsOptIn).
//
// Rules (API_BackupSelection; knowledge-center "backup-assign-resources"):
// Resources and ListOfTags are OR-ed, and with neither every resource is a
// candidate (as the reference describes; AWS refuses to create such a
// selection, see Check); every Condition must hold (AND), StringNotEquals
// and StringNotLike holding when the tag is absent; NotResources removes.
func (s *Selection) Match(resourceARN string, tags map[string]string) (ok, byType bool) {
	for _, p := range s.NotResources {
		if MatchARN(p, resourceARN) {
			return false, false
		}
	}
	candidate := len(s.Resources) == 0 && len(s.ListOfTags) == 0
	for _, p := range s.Resources {
		if MatchARN(p, resourceARN) {
			candidate = true
			if NamesResourceType(p) {
				byType = true
				break
			}
		}
	}
	for i := 0; i < len(s.ListOfTags) && !candidate; i++ {
		t := s.ListOfTags[i]
		v, has := tags[strings.TrimPrefix(t.Key, TagKeyPrefix)]
		candidate = has && v == t.Value
	}
	if !candidate {
		return false, false
	}
	for _, c := range s.Conditions {
		if !c.holds(tags) {
			return false, false
		}
	}
	return true, byType
}

// Matches is Match without byType.
func (s *Selection) Matches(resourceARN string, tags map[string]string) bool {
	ok, _ := s.Match(resourceARN, tags)
	return ok
}

func (c Condition) holds(tags map[string]string) bool {
	v, has := tags[strings.TrimPrefix(c.Key, TagKeyPrefix)]
	switch c.Op {
	case StringEquals:
		return has && v == c.Value
	case StringNotEquals:
		return !has || v != c.Value
	case StringLike:
		return has && Like(c.Value, v)
	case StringNotLike:
		return !has || !Like(c.Value, v)
	}
	return false
}

// Like matches value against a StringLike pattern. Per API_Conditions the
// one wildcard is '*', "anywhere in the string" ("prod*" and "*rod*" match
// "production"); every other character, '?' included, matches itself.
func Like(pattern, value string) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(value) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == value[i]:
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

// NeedsOptIn reports whether AWS backs up a resource of resourceType that
// a selection assigned only with the type's opt-in (UpdateRegionSettings).
// A pattern naming the resource type (byType) bypasses the opt-in, except
// for the types that share their ARN format with another type: Aurora,
// DocumentDB and Neptune share rds cluster ARNs, FSx and FSx for OpenZFS
// share fsx file-system ARNs (assigning-resources-json, "Filter by services
// or resource types").
func NeedsOptIn(resourceType string, byType bool) bool {
	switch resourceType {
	case "Aurora", "DocumentDB", "Neptune", "FSx":
		return true
	}
	return !byType
}

// splitARN splits s into at most six colon-separated parts without
// allocating; the resource part keeps any further colons.
func splitARN(s string) (parts [6]string, n int) {
	for n < 5 {
		before, after, found := strings.Cut(s, ":")
		if !found {
			break
		}
		parts[n], s = before, after
		n++
	}
	parts[n] = s
	return parts, n + 1
}

// MatchARN matches a resource ARN against a Resources or NotResources
// pattern (see CheckPattern for the forms).
func MatchARN(pattern, resourceARN string) bool {
	if pattern == "*" {
		return true
	}
	pp, pn := splitARN(pattern)
	ap, an := splitARN(resourceARN)
	if an != 6 {
		return pattern == resourceARN
	}
	if pn < 6 {
		// "arn:aws:ec2:*": every resource of the service.
		if pp[pn-1] != "*" {
			return false
		}
		for i := range pn - 1 {
			if !partMatches(i, pp[i], ap[i]) {
				return false
			}
		}
		return true
	}
	for i := range 5 {
		if !partMatches(i, pp[i], ap[i]) {
			return false
		}
	}
	if prefix, ok := strings.CutSuffix(pp[5], "*"); ok {
		return strings.HasPrefix(ap[5], prefix)
	}
	return pp[5] == ap[5]
}

// partMatches matches ARN part i: "*" matches any; an empty Region or
// account matches any, as in the developer guide's type-wide patterns
// arn:aws:ec2:::instance/* and arn:aws:rds:::cluster:*.
func partMatches(i int, pat, part string) bool {
	return pat == "*" || pat == part || (pat == "" && (i == 3 || i == 4))
}

// NamesResourceType reports whether pattern names a resource type (it has
// a resource part, as arn:aws:ec2:::instance/* has) rather than a whole
// service (arn:aws:ec2:*) or everything ("*"). An S3 ARN's resource part is
// the bucket name, so every full S3 pattern (arn:aws:s3:::*) names buckets.
func NamesResourceType(pattern string) bool {
	pp, n := splitARN(pattern)
	return n == 6 && pp[5] != "" && (pp[2] == "s3" || !strings.HasPrefix(pp[5], "*"))
}

// CheckPattern returns why p is not a Resources or NotResources pattern
// AWS accepts, or "". The forms: "*"; a full ARN; an ARN whose Region or
// account part is "*" (or empty) and whose resource part may end in "*"
// (arn:aws:ec2:*:*:volume/*); and a service-wide prefix ending in "*"
// (arn:aws:ec2:*), which the developer guide documents as "selection by
// service name".
func CheckPattern(p string) string {
	if p == "*" {
		return ""
	}
	parts, n := splitARN(p)
	if parts[0] != "arn" || n < 4 || parts[1] == "" || parts[2] == "" {
		return `must be an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or "*"`
	}
	if strings.Contains(parts[1]+parts[2], "*") {
		return "wildcards are not allowed in the partition or service"
	}
	if n < 6 {
		if parts[n-1] != "*" {
			return `must be an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or "*"`
		}
		n-- // the final "*" is the service-wide wildcard
	}
	for i := 3; i < min(n, 5); i++ {
		if strings.Contains(parts[i], "*") && parts[i] != "*" {
			return `the Region and account parts take "*" only as a whole`
		}
	}
	if n == 6 {
		if parts[5] == "" {
			return `must be an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or "*"`
		}
		if i := strings.IndexByte(parts[5], '*'); i >= 0 && i != len(parts[5])-1 {
			return "a wildcard may only appear at the end of the ARN"
		}
	}
	return ""
}

// EmptyReason is AWS's answer to a selection with neither Resources nor
// ListOfTags.
const EmptyReason = "Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty."

// Check returns every rule s breaks, with field paths relative to the
// selection.
//
// AWS is stricter here than its API reference: API_BackupSelection says a
// selection without conditions, tags or resources makes AWS "select all
// supported and opted-in storage resources", but CreateBackupSelection
// refuses any selection whose Resources and ListOfTags are both empty,
// Conditions or not, with EmptyReason (hashicorp/terraform-provider-aws#24235
// and the provider's documentation fix #25436; also seen in 2023,
// ministryofjustice/modernisation-platform-terraform-baselines#293). To
// select everything, give Resources ["*"].
func (s *Selection) Check() problem.List {
	var l problem.List
	if len(s.Resources) == 0 && len(s.ListOfTags) == 0 {
		l.Invalid("", "%s", EmptyReason)
	}
	checkPatterns(&l, "Resources", s.Resources)
	checkPatterns(&l, "NotResources", s.NotResources)
	if len(s.ListOfTags) > MaxTags {
		l.Limit("ListOfTags", "at most %d tags per selection, got %d", MaxTags, len(s.ListOfTags))
	}
	for i, t := range s.ListOfTags {
		if strings.TrimPrefix(t.Key, TagKeyPrefix) == "" {
			l.Missing(problem.Index("ListOfTags", i) + ".ConditionKey")
		}
	}
	if len(s.Conditions) > MaxConditions {
		l.Limit("Conditions", "at most %d conditions per selection, got %d", MaxConditions, len(s.Conditions))
	}
	for i, c := range s.Conditions {
		cf := problem.Index("Conditions", i)
		if i < len(s.ConditionFields) {
			cf = s.ConditionFields[i]
		}
		if !validOp(c.Op) {
			l.Invalid(cf+".Op", "must be StringEquals, StringNotEquals, StringLike or StringNotLike, got %q", c.Op)
		}
		if !strings.HasPrefix(c.Key, TagKeyPrefix) || len(c.Key) == len(TagKeyPrefix) {
			l.Invalid(cf+".ConditionKey", "must be %s<tag key>, got %q", TagKeyPrefix, c.Key)
		}
	}
	return l
}

func validOp(op Op) bool {
	switch op {
	case StringEquals, StringNotEquals, StringLike, StringNotLike:
		return true
	}
	return false
}

func checkPatterns(l *problem.List, field string, patterns []string) {
	wild := false
	for i, p := range patterns {
		wild = wild || strings.Contains(p, "*")
		if reason := CheckPattern(p); reason != "" {
			l.Invalid(problem.Index(field, i), "%s, got %q", reason, p)
		}
	}
	switch {
	case wild && len(patterns) > MaxWildcardARNs:
		l.Limit(field, "at most %d ARNs when any has a wildcard, got %d", MaxWildcardARNs, len(patterns))
	case len(patterns) > MaxARNs:
		l.Limit(field, "at most %d ARNs, got %d", MaxARNs, len(patterns))
	}
}

// Prefix returns a string every ARN that pattern matches starts with, for
// indexes of ARNs; "" when any ARN may match.
func Prefix(pattern string) string {
	pp, n := splitARN(pattern)
	var b strings.Builder
	for i := range n {
		part := pp[i]
		if (i == 3 || i == 4) && part == "" {
			break
		}
		if j := strings.IndexByte(part, '*'); j >= 0 {
			b.WriteString(part[:j])
			break
		}
		b.WriteString(part)
		if i < n-1 {
			b.WriteByte(':')
		}
	}
	return b.String()
}
