package compliance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/backupkit/backupkit/backup"
)

// ConfigAPI is the part of the AWS Config client this package uses.
type ConfigAPI interface {
	PutConfigRule(context.Context, *configservice.PutConfigRuleInput, ...func(*configservice.Options)) (*configservice.PutConfigRuleOutput, error)
	DescribeConfigRules(context.Context, *configservice.DescribeConfigRulesInput, ...func(*configservice.Options)) (*configservice.DescribeConfigRulesOutput, error)
	DeleteConfigRule(context.Context, *configservice.DeleteConfigRuleInput, ...func(*configservice.Options)) (*configservice.DeleteConfigRuleOutput, error)
	GetComplianceDetailsByConfigRule(context.Context, *configservice.GetComplianceDetailsByConfigRuleInput, ...func(*configservice.Options)) (*configservice.GetComplianceDetailsByConfigRuleOutput, error)
}

var _ ConfigAPI = (*configservice.Client)(nil)

// ConfigRule is an AWS Config managed rule about AWS Backup, with its
// parameters. Build it with the Config… constructors; they record invalid
// arguments, which [ConfigRule.Validate] reports.
type ConfigRule struct {
	// Name of the Config rule (1–128 of letters, digits, '-' and '_').
	// The constructors default it to "backupkit-" + the identifier in
	// lower-case kebab form.
	Name string
	// Identifier is the managed rule's source identifier, e.g.
	// BACKUP_RECOVERY_POINT_ENCRYPTED.
	Identifier string
	// Parameters are the rule's input parameters.
	Parameters map[string]string
	// Periodic rules get MaximumExecutionFrequency (default
	// TwentyFour_Hours); change-triggered rules leave it empty.
	Periodic bool
	// Frequency overrides the periodic rule frequency (One_Hour, Three_Hours,
	// Six_Hours, Twelve_Hours, TwentyFour_Hours).
	Frequency string

	problems []*ValidationError
}

// WithName returns the rule renamed.
func (r ConfigRule) WithName(name string) ConfigRule { r.Name = name; return r }

func newConfigRule(identifier string, periodic bool, params map[string]string) ConfigRule {
	return ConfigRule{
		Name:       "backupkit-" + strings.ToLower(strings.ReplaceAll(identifier, "_", "-")),
		Identifier: identifier,
		Parameters: params,
		Periodic:   periodic,
	}
}

func (r ConfigRule) with(field, format string, args ...any) ConfigRule {
	r.problems = append(slices.Clone(r.problems), &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	return r
}

var configRuleNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Validate reports every problem with the rule.
func (r ConfigRule) Validate() error {
	var ps problems
	for _, p := range r.problems {
		ps = append(ps, p)
	}
	if !configRuleNameRE.MatchString(r.Name) {
		ps.add("Name", "must be 1–128 of letters, digits, '-' and '_', got %q", r.Name)
	}
	if r.Identifier == "" {
		ps.add("Identifier", "required")
	}
	if r.Frequency != "" && !slices.Contains(cstypes.MaximumExecutionFrequency("").Values(), cstypes.MaximumExecutionFrequency(r.Frequency)) {
		ps.add("Frequency", "unknown frequency %q", r.Frequency)
	}
	return ps.err()
}

// configTypePrefix maps AWS Backup resource types to the prefixes of the
// per-type AWS Config rules (EBS_RESOURCES_PROTECTED_BY_BACKUP_PLAN, …).
var configTypePrefix = map[backup.ResourceType]string{
	"Aurora": "AURORA", "DynamoDB": "DYNAMODB", "EBS": "EBS", "EC2": "EC2",
	"EFS": "EFS", "FSx": "FSX", "RDS": "RDS", "S3": "S3",
	"Storage Gateway": "STORAGEGATEWAY", "VirtualMachine": "VIRTUALMACHINE",
}

func typePrefix(resourceType backup.ResourceType) (string, bool) {
	for k, v := range configTypePrefix {
		if strings.EqualFold(string(k), string(resourceType)) {
			return v, true
		}
	}
	return "", false
}

// ConfigPlanMinFrequencyAndRetention deploys
// BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: backup plans must run
// at least every frequency (requiredFrequencyValue/Unit, hours or days) and
// keep recovery points at least retention (requiredRetentionDays).
func ConfigPlanMinFrequencyAndRetention(frequency, retention time.Duration) ConfigRule {
	unit, value, perr := unitParams(frequency, 24)
	r := newConfigRule("BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", false, map[string]string{
		"requiredFrequencyUnit": unit, "requiredFrequencyValue": value,
	})
	if perr != "" {
		r = r.with("frequency", "%s", perr)
	}
	days, ok := wholeDays(retention)
	if !ok || days < 1 {
		return r.with("retention", "must be whole days ≥ 1, got %v", retention)
	}
	r.Parameters["requiredRetentionDays"] = strconv.Itoa(days)
	return r
}

// ConfigRecoveryPointEncrypted deploys BACKUP_RECOVERY_POINT_ENCRYPTED.
func ConfigRecoveryPointEncrypted() ConfigRule {
	return newConfigRule("BACKUP_RECOVERY_POINT_ENCRYPTED", false, nil)
}

// ConfigRecoveryPointManualDeletionDisabled deploys
// BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED, exempting up to 5 principals
// (principalArnList).
func ConfigRecoveryPointManualDeletionDisabled(exemptPrincipalARNs ...string) ConfigRule {
	var params map[string]string
	if len(exemptPrincipalARNs) > 0 {
		params = map[string]string{"principalArnList": strings.Join(exemptPrincipalARNs, ",")}
	}
	r := newConfigRule("BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED", false, params)
	if len(exemptPrincipalARNs) > MaxDeletionPrincipals {
		r = r.with("principalArnList", "at most %d principals, got %d", MaxDeletionPrincipals, len(exemptPrincipalARNs))
	}
	return r
}

// ConfigRecoveryPointMinimumRetention deploys
// BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK (requiredRetentionDays;
// AWS's default is 35 days).
func ConfigRecoveryPointMinimumRetention(retention time.Duration) ConfigRule {
	r := newConfigRule("BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", false, map[string]string{})
	days, ok := wholeDays(retention)
	if !ok || days < 1 {
		return r.with("retention", "must be whole days ≥ 1, got %v", retention)
	}
	r.Parameters["requiredRetentionDays"] = strconv.Itoa(days)
	return r
}

// ProtectedOptions are the optional parameters of the
// <TYPE>_RESOURCES_PROTECTED_BY_BACKUP_PLAN rules.
type ProtectedOptions struct {
	// Tags limit the rule to resources with these tags (resourceTags, JSON).
	Tags map[string]string
	// ResourceID limits the rule to one resource (resourceId).
	ResourceID string
	// CrossRegions / CrossAccounts require copies to one of these
	// (crossRegionList / crossAccountList).
	CrossRegions, CrossAccounts []string
	// VaultLock requires backups in a locked vault (backupVaultLockCheck),
	// with lock retention within MinLockRetention..MaxLockRetention when set
	// (minRetentionDays / maxRetentionDays).
	VaultLock                          bool
	MinLockRetention, MaxLockRetention time.Duration
}

// ConfigResourcesProtected deploys <TYPE>_RESOURCES_PROTECTED_BY_BACKUP_PLAN
// for an AWS Backup resource type ("EBS", "RDS", "DynamoDB", …): resources
// of the type must be in a backup plan, optionally with copies and a lock.
func ConfigResourcesProtected(resourceType backup.ResourceType, opts ProtectedOptions) ConfigRule {
	prefix, ok := typePrefix(resourceType)
	params := map[string]string{}
	if len(opts.Tags) > 0 {
		b, _ := json.Marshal(opts.Tags)
		params["resourceTags"] = string(b)
	}
	if opts.ResourceID != "" {
		params["resourceId"] = opts.ResourceID
	}
	if len(opts.CrossRegions) > 0 {
		params["crossRegionList"] = strings.Join(opts.CrossRegions, ",")
	}
	if len(opts.CrossAccounts) > 0 {
		params["crossAccountList"] = strings.Join(opts.CrossAccounts, ",")
	}
	if opts.VaultLock {
		params["backupVaultLockCheck"] = "True"
	}
	r := newConfigRule(prefix+"_RESOURCES_PROTECTED_BY_BACKUP_PLAN", true, params)
	if !ok {
		r = r.with("resourceType", "no AWS Config rule for resource type %q", resourceType)
	}
	for i, a := range opts.CrossAccounts {
		if !isAccountID(a) {
			r = r.with(fmt.Sprintf("CrossAccounts[%d]", i), "not a 12-digit account id: %q", a)
		}
	}
	for _, b := range []struct {
		d    time.Duration
		name string
	}{{opts.MinLockRetention, "minRetentionDays"}, {opts.MaxLockRetention, "maxRetentionDays"}} {
		if b.d == 0 {
			continue
		}
		days, ok := wholeDays(b.d)
		if !ok || days < 1 {
			r = r.with(b.name, "must be whole days ≥ 1, got %v", b.d)
			continue
		}
		r.Parameters[b.name] = strconv.Itoa(days)
	}
	if len(r.Parameters) == 0 {
		r.Parameters = nil
	}
	return r
}

// ConfigLastRecoveryPointCreated deploys
// <TYPE>_LAST_BACKUP_RECOVERY_POINT_CREATED: a recovery point must exist
// younger than maxAge (recoveryPointAgeValue/Unit).
func ConfigLastRecoveryPointCreated(resourceType backup.ResourceType, maxAge time.Duration) ConfigRule {
	prefix, ok := typePrefix(resourceType)
	unit, value, perr := unitParams(maxAge, 744)
	r := newConfigRule(prefix+"_LAST_BACKUP_RECOVERY_POINT_CREATED", true, map[string]string{"recoveryPointAgeUnit": unit, "recoveryPointAgeValue": value})
	if !ok {
		r = r.with("resourceType", "no AWS Config rule for resource type %q", resourceType)
	}
	if perr != "" {
		r = r.with("maxAge", "%s", perr)
	}
	return r
}

// ConfigRestoreTimeMeetsTarget deploys <TYPE>_MEETS_RESTORE_TIME_TARGET:
// the latest restore must take at most maxTime (maxRestoreTime, minutes).
func ConfigRestoreTimeMeetsTarget(resourceType backup.ResourceType, maxTime time.Duration) ConfigRule {
	prefix, ok := typePrefix(resourceType)
	mins := int(maxTime / time.Minute)
	r := newConfigRule(prefix+"_MEETS_RESTORE_TIME_TARGET", true, map[string]string{"maxRestoreTime": strconv.Itoa(mins)})
	if !ok {
		r = r.with("resourceType", "no AWS Config rule for resource type %q", resourceType)
	}
	if maxTime%time.Minute != 0 || mins < 1 {
		r = r.with("maxRestoreTime", "must be whole minutes ≥ 1, got %v", maxTime)
	}
	return r
}

func (r ConfigRule) sdk() *cstypes.ConfigRule {
	cr := &cstypes.ConfigRule{
		ConfigRuleName: aws.String(r.Name),
		Description:    aws.String("AWS Backup managed rule " + r.Identifier + ", deployed by backupkit"),
		Source:         &cstypes.Source{Owner: cstypes.OwnerAws, SourceIdentifier: aws.String(r.Identifier)},
	}
	if len(r.Parameters) > 0 {
		b, _ := json.Marshal(r.Parameters) // map keys are sorted by encoding/json
		cr.InputParameters = aws.String(string(b))
	}
	if r.Periodic {
		f := r.Frequency
		if f == "" {
			f = string(cstypes.MaximumExecutionFrequencyTwentyFourHours)
		}
		cr.MaximumExecutionFrequency = cstypes.MaximumExecutionFrequency(f)
	}
	return cr
}

func sameConfigRule(cur cstypes.ConfigRule, want *cstypes.ConfigRule) bool {
	if cur.Source == nil || aws.ToString(cur.Source.SourceIdentifier) != aws.ToString(want.Source.SourceIdentifier) || cur.Source.Owner != want.Source.Owner {
		return false
	}
	if cur.MaximumExecutionFrequency != want.MaximumExecutionFrequency {
		return false
	}
	parse := func(s *string) map[string]string {
		m := map[string]string{}
		if s != nil {
			_ = json.Unmarshal([]byte(*s), &m)
		}
		return m
	}
	return maps.Equal(parse(cur.InputParameters), parse(want.InputParameters))
}

// ConfigClient deploys AWS Backup Config rules and reads their evaluations.
type ConfigClient struct {
	api ConfigAPI
}

// NewConfigClient returns a ConfigClient over an AWS Config client (or
// backuptest's in-process fake).
func NewConfigClient(api ConfigAPI) *ConfigClient { return &ConfigClient{api: api} }

// EnsureRules deploys the rules: each missing or different rule is put,
// equal ones are left alone. It returns one Change per rule, in order.
func (c *ConfigClient) EnsureRules(ctx context.Context, rules ...ConfigRule) ([]Change, error) {
	var ps problems
	names := map[string]bool{}
	for i, r := range rules {
		for _, ve := range backup.ValidationErrors(r.Validate()) {
			ps.add(fmt.Sprintf("Rules[%d].%s", i, ve.Field), "%s", ve.Reason)
		}
		if names[r.Name] {
			ps.add(fmt.Sprintf("Rules[%d].Name", i), "duplicate rule name %q", r.Name)
		}
		names[r.Name] = true
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	changes := make([]Change, len(rules))
	for i, r := range rules {
		want := r.sdk()
		cur, err := c.describe(ctx, r.Name)
		if err != nil {
			return changes[:i], err
		}
		switch {
		case cur == nil:
			changes[i] = Created
		case sameConfigRule(*cur, want):
			changes[i] = Unchanged
			continue
		default:
			changes[i] = Updated
		}
		if _, err := c.api.PutConfigRule(ctx, &configservice.PutConfigRuleInput{ConfigRule: want}); err != nil {
			return changes[:i], fmt.Errorf("put config rule %s: %w", r.Name, err)
		}
	}
	return changes, nil
}

// describe returns the rule, or nil when it does not exist.
func (c *ConfigClient) describe(ctx context.Context, name string) (*cstypes.ConfigRule, error) {
	out, err := c.api.DescribeConfigRules(ctx, &configservice.DescribeConfigRulesInput{ConfigRuleNames: []string{name}})
	var nf *cstypes.NoSuchConfigRuleException
	if errors.As(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe config rule %s: %w", name, err)
	}
	for _, r := range out.ConfigRules {
		if aws.ToString(r.ConfigRuleName) == name {
			return &r, nil
		}
	}
	return nil, nil
}

// DeleteRule deletes a Config rule by name.
func (c *ConfigClient) DeleteRule(ctx context.Context, name string) error {
	if _, err := c.api.DeleteConfigRule(ctx, &configservice.DeleteConfigRuleInput{ConfigRuleName: aws.String(name)}); err != nil {
		return fmt.Errorf("delete config rule %s: %w", name, err)
	}
	return nil
}

// ConfigFinding is one evaluation of a Config rule for one resource.
type ConfigFinding struct {
	Rule         string    `json:"rule"`
	ResourceType string    `json:"resourceType"` // AWS Config type, e.g. AWS::EC2::Volume
	ResourceID   string    `json:"resourceId"`
	Compliance   string    `json:"compliance"` // COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA
	Annotation   string    `json:"annotation,omitempty"`
	Recorded     time.Time `json:"recorded"`
	Severity     Severity  `json:"severity"`
}

// Findings reads the evaluations of the rules. With onlyNonCompliant it
// asks AWS Config for NON_COMPLIANT results only. NON_COMPLIANT findings are
// HIGH, INSUFFICIENT_DATA LOW, the rest INFO.
func (c *ConfigClient) Findings(ctx context.Context, onlyNonCompliant bool, ruleNames ...string) ([]ConfigFinding, error) {
	var out []ConfigFinding
	for _, name := range ruleNames {
		in := &configservice.GetComplianceDetailsByConfigRuleInput{ConfigRuleName: aws.String(name)}
		if onlyNonCompliant {
			in.ComplianceTypes = []cstypes.ComplianceType{cstypes.ComplianceTypeNonCompliant}
		}
		p := configservice.NewGetComplianceDetailsByConfigRulePaginator(c.api, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("get compliance details of %s: %w", name, err)
			}
			for _, e := range page.EvaluationResults {
				f := ConfigFinding{Rule: name, Compliance: string(e.ComplianceType), Annotation: aws.ToString(e.Annotation), Recorded: aws.ToTime(e.ResultRecordedTime)}
				if id := e.EvaluationResultIdentifier; id != nil && id.EvaluationResultQualifier != nil {
					f.ResourceType = aws.ToString(id.EvaluationResultQualifier.ResourceType)
					f.ResourceID = aws.ToString(id.EvaluationResultQualifier.ResourceId)
				}
				switch e.ComplianceType {
				case cstypes.ComplianceTypeNonCompliant:
					f.Severity = SeverityHigh
				case cstypes.ComplianceTypeInsufficientData:
					f.Severity = SeverityLow
				default:
					f.Severity = SeverityInfo
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// BackupRuleNames lists the deployed AWS Config rules that are AWS
// Backup managed rules (source identifiers BACKUP_*, *_BACKUP_*,
// *_RESOURCES_PROTECTED_BY_BACKUP_PLAN, *_MEETS_RESTORE_TIME_TARGET), for
// [AdvisorInput].ConfigRules.
func (c *ConfigClient) BackupRuleNames(ctx context.Context) ([]string, error) {
	var out []string
	p := configservice.NewDescribeConfigRulesPaginator(c.api, &configservice.DescribeConfigRulesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe config rules: %w", err)
		}
		for _, r := range page.ConfigRules {
			if r.Source == nil || r.Source.Owner != cstypes.OwnerAws {
				continue
			}
			id := aws.ToString(r.Source.SourceIdentifier)
			if strings.HasPrefix(id, "BACKUP_") || strings.Contains(id, "_BACKUP_") || strings.HasSuffix(id, "_MEETS_RESTORE_TIME_TARGET") {
				out = append(out, aws.ToString(r.ConfigRuleName))
			}
		}
	}
	return out, nil
}
