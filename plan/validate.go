package plan

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/lifecycle"
	"github.com/backupkit/backupkit/internal/limits"
	"github.com/backupkit/backupkit/internal/problem"
	"github.com/backupkit/backupkit/internal/selection"
)

// AWS Backup limits the validator encodes. Sources: the AWS Backup API
// reference (patterns, Lifecycle, StartWindowMinutes) and the AWS Backup
// quotas page.
const (
	MaxRulesPerPlan          = limits.MaxRulesPerPlan       // rules per backup plan
	MaxCopyActionsPerRule    = limits.MaxCopyActionsPerRule // copy actions per rule
	MaxLifecycleDays         = lifecycle.MaxDays            // 100 years
	MinColdStorageDays       = lifecycle.MinColdDays        // days a recovery point must stay in cold storage
	MaxContinuousDays        = lifecycle.MaxContinuousDays  // continuous-backup (PITR) retention
	MinStartWindow           = lifecycle.MinStartWindow * time.Minute
	MaxWindow                = lifecycle.MaxWindow * time.Minute               // 100 years
	MinCompletionAfterStart  = lifecycle.MinCompletionAfterStart * time.Minute // completion window beyond the start window
	MaxRecoveryPointTags     = limits.MaxRecoveryPointTags
	MaxPlanTags              = limits.MaxPlanTags
	MaxSelectionsPerPlan     = limits.MaxSelectionsPerPlan
	MaxSelectionTags         = selection.MaxTags
	MaxSelectionConditions   = selection.MaxConditions
	MaxSelectionARNs         = selection.MaxARNs
	MaxSelectionWildcardARNs = selection.MaxWildcardARNs
)

// Validate checks p against every rule AWS Backup enforces (and those it
// documents without a published error) and returns an errors.Join of
// *ValidationError, one per problem, or nil. See the package documentation
// for the list of checks.
func (p *Plan) Validate() error {
	var pr problems
	p.validate(&pr, "")
	return pr.err()
}

func (p *Plan) validate(pr *problems, prefix string) {
	f := func(s string) string { return join(prefix, s) }
	checkName(pr, prefix, "BackupPlanName", p.Name, "plan name")
	switch {
	case len(p.Rules) == 0:
		pr.add(f("Rules"), "a plan needs at least one rule")
	case len(p.Rules) > MaxRulesPerPlan:
		pr.add(f("Rules"), "at most %d rules per plan (AWS quota), got %d", MaxRulesPerPlan, len(p.Rules))
	}
	seen := map[string]int{}
	for i, r := range p.Rules {
		rf := f(idx("Rules", i))
		r.validate(pr, rf)
		if j, ok := seen[r.Name]; ok && r.Name != "" {
			pr.add(join(rf, "RuleName"), "duplicate rule name %q (also Rules[%d]); rule names must be unique within a plan", r.Name, j)
		} else {
			seen[r.Name] = i
		}
	}
	types := map[backup.ResourceType]bool{}
	for i, a := range p.AdvancedSettings {
		af := f(idx("AdvancedBackupSettings", i))
		pr.addProblems(af, limits.CheckAdvancedSetting(string(a.ResourceType), a.Options))
		if types[a.ResourceType] {
			pr.add(join(af, "ResourceType"), "duplicate advanced backup setting for %s", a.ResourceType)
		}
		types[a.ResourceType] = true
	}
	for i, ss := range p.ScanSettings {
		pr.addProblems(f(idx("ScanSettings", i)), limits.CheckScanSetting(ss.MalwareScanner, resourceTypeStrings(ss.ResourceTypes), ss.ScannerRoleARN))
	}
	checkTags(pr, prefix, "Tags", p.Tags, MaxPlanTags)
}

func (r Rule) validate(pr *problems, prefix string) {
	f := func(s string) string { return join(prefix, s) }
	checkName(pr, prefix, "RuleName", r.Name, "rule name")
	switch {
	case r.TargetVault == "":
		pr.add(f("TargetBackupVaultName"), "is required")
	case limits.VaultName(r.TargetVault) != "":
		pr.add(f("TargetBackupVaultName"), "%s, got %q", limits.VaultNameRule, r.TargetVault)
	}
	if r.Schedule != "" {
		if _, err := cron.Parse(r.Schedule); err != nil {
			var ce *cron.Error
			if errors.As(err, &ce) {
				pr.add(f("ScheduleExpression"), "%s", ce.Problem())
			} else {
				pr.add(f("ScheduleExpression"), "%v", err)
			}
		}
	}
	if r.Timezone != "" {
		if _, err := cron.LoadZone(r.Timezone); err != nil {
			pr.add(f("ScheduleExpressionTimezone"), "must be an IANA time zone name such as Europe/Berlin, got %q", r.Timezone)
		}
	}
	checkWindows(pr, prefix, r.StartWindow, r.CompletionWindow)
	if r.ContinuousBackup {
		pr.addErr(r.Lifecycle.ValidateContinuous(f("Lifecycle")))
	} else {
		pr.addErr(r.Lifecycle.Validate(f("Lifecycle")))
	}
	if len(r.CopyActions) > MaxCopyActionsPerRule {
		pr.add(f("CopyActions"), "at most %d copy actions per rule, got %d", MaxCopyActionsPerRule, len(r.CopyActions))
	}
	for i, c := range r.CopyActions {
		cf := join(prefix, idx("CopyActions", i))
		checkVaultARN(pr, cf, "DestinationBackupVaultArn", c.DestinationVaultARN)
		pr.addErr(c.Lifecycle.Validate(join(cf, "Lifecycle")))
	}
	if r.AirGappedVaultARN != "" {
		checkVaultARN(pr, prefix, "TargetLogicallyAirGappedBackupVaultArn", r.AirGappedVaultARN)
	}
	checkTags(pr, prefix, "RecoveryPointTags", r.RecoveryPointTags, MaxRecoveryPointTags)
	for i, a := range r.ScanActions {
		pr.addProblems(join(prefix, idx("ScanActions", i)), limits.CheckScanAction(a.MalwareScanner, a.ScanMode))
	}
	var index [][]string
	for _, a := range r.IndexActions {
		index = append(index, resourceTypeStrings(a.ResourceTypes))
	}
	pr.addProblems(prefix, limits.CheckIndexActions(index))
}

func checkName(pr *problems, prefix, field, name, what string) {
	switch {
	case name == "":
		pr.add(join(prefix, field), "%s is required", what)
	case limits.BackupName(name) != "":
		pr.add(join(prefix, field), "%s %s, got %q", what, limits.BackupNameRule, name)
	}
}

// checkWindows checks a rule's windows, in whole minutes, with AWS's rule
// (internal/lifecycle).
func checkWindows(pr *problems, prefix string, start, completion time.Duration) {
	minutes := func(field string, d time.Duration) (*int64, bool) {
		switch {
		case d == 0:
			return nil, true
		case d < 0:
			pr.add(join(prefix, field), "must be positive, got %s", d)
		case d%time.Minute != 0:
			pr.add(join(prefix, field), "must be a whole number of minutes, got %s", d)
		default:
			m := int64(d / time.Minute)
			return &m, true
		}
		return nil, false
	}
	s, okS := minutes("StartWindowMinutes", start)
	c, okC := minutes("CompletionWindowMinutes", completion)
	if okS && okC {
		pr.addProblems(prefix, lifecycle.CheckRuleWindows(s, c))
	}
}

func checkVaultARN(pr *problems, prefix, field, arn string) {
	field = join(prefix, field)
	if arn == "" {
		pr.add(field, "is required")
		return
	}
	if reason := limits.VaultARN(withoutPlaceholder(arn)); reason != "" {
		pr.add(field, "%s, got %q", reason, arn)
		return
	}
	pr.checkPlaceholder(field, arn)
}

// checkRoleARN checks an IAM role ARN field.
func checkRoleARN(pr *problems, field, arn string) {
	switch {
	case arn == "":
		pr.add(field, "is required")
	case !awsid.RoleARN(withoutPlaceholder(arn)):
		pr.add(field, "%s, got %q", limits.RoleARNRule, arn)
	default:
		pr.checkPlaceholder(field, arn)
	}
}

// withoutPlaceholder puts an account ID where an Organizations backup
// policy writes "$account", so the ARN rules can read the rest;
// checkPlaceholder reports the placeholder where it is not allowed.
func withoutPlaceholder(arn string) string {
	return strings.ReplaceAll(arn, accountPlaceholder, "000000000000")
}

func checkTags(pr *problems, prefix, field string, tags map[string]string, maximum int) {
	if len(tags) == 0 {
		return
	}
	field = join(prefix, field)
	if len(tags) > maximum {
		pr.add(field, "at most %d tags, got %d", maximum, len(tags))
	}
	for _, k := range sortedKeys(tags) {
		v := tags[k]
		kf := func() string { return fmt.Sprintf("%s[%q]", field, k) }
		if reason := limits.TagKey(k); reason != "" {
			pr.add(kf(), "%s", reason)
		}
		if reason := limits.TagValue(v); reason != "" {
			pr.add(kf(), "%s, got %d characters", reason, len(v))
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// addErr adds every *ValidationError in err.
func (p *problems) addErr(err error) {
	for _, ve := range backup.ValidationErrors(err) {
		p.errs = append(p.errs, ve)
	}
}

// addProblems adds the problems a shared AWS rule found, under prefix.
func (p *problems) addProblems(prefix string, l problem.List) {
	for _, x := range l {
		p.add(join(prefix, x.Field), "%s", x.Reason)
	}
}
