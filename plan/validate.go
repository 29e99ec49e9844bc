package plan

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/problem"
	"github.com/backupkit/backupkit/internal/selection"
)

// AWS Backup limits the validator encodes. Sources: the AWS Backup API
// reference (patterns, Lifecycle, StartWindowMinutes) and the AWS Backup
// quotas page.
const (
	MaxRulesPerPlan          = 10    // rules per backup plan
	MaxCopyActionsPerRule    = 5     // copy actions per rule
	MaxLifecycleDays         = 36500 // 100 years
	MinColdStorageDays       = 90    // days a recovery point must stay in cold storage
	MaxContinuousDays        = 35    // continuous-backup (PITR) retention
	MinStartWindow           = time.Hour
	MaxWindow                = 52560000 * time.Minute // 100 years
	MinCompletionAfterStart  = time.Hour              // completion window beyond the start window
	MaxRecoveryPointTags     = 10
	MaxPlanTags              = 50
	MaxSelectionTags         = selection.MaxTags
	MaxSelectionConditions   = selection.MaxConditions
	MaxSelectionARNs         = selection.MaxARNs
	MaxSelectionWildcardARNs = selection.MaxWildcardARNs
)

var (
	namePattern      = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)
	vaultPattern     = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
	vaultARNPattern  = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):backup:([a-z]{2,4}(-[a-z]+)+-\d+):(\d{12}|\$account):backup-vault:(.+)$`)
	iamRolePattern   = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::(\d{12}|\$account):role/[\w+=,.@/-]{1,512}$`)
	nameRule         = "must be 1-50 characters of letters, digits, '-', '_' and '.'"
	vaultRule        = "must be 2-50 characters of letters, digits, '-' and '_'"
	advancedSettings = map[backup.ResourceType]map[string]bool{
		"EC2": {"WindowsVSS": true},
		// The SDK's model documents BackupACLs/BackupObjectTags; the current
		// API reference page says S3BackupACLs/S3BackupObjectTags. Both
		// spellings are accepted until AWS settles it.
		"S3": {"BackupACLs": true, "BackupObjectTags": true, "S3BackupACLs": true, "S3BackupObjectTags": true},
	}
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
	checkName(pr, prefix, "Name", p.Name, "plan name")
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
			pr.add(join(rf, "Name"), "duplicate rule name %q (also Rules[%d]); rule names must be unique within a plan", r.Name, j)
		} else {
			seen[r.Name] = i
		}
	}
	types := map[backup.ResourceType]bool{}
	for i, a := range p.AdvancedSettings {
		af := f(idx("AdvancedBackupSettings", i))
		allowed, ok := advancedSettings[a.ResourceType]
		if !ok {
			pr.add(join(af, "ResourceType"), "must be EC2 (Windows VSS) or S3 (ACLs, object tags), got %q", a.ResourceType)
		}
		if types[a.ResourceType] {
			pr.add(join(af, "ResourceType"), "duplicate advanced backup setting for %s", a.ResourceType)
		}
		types[a.ResourceType] = true
		if len(a.Options) == 0 {
			pr.add(join(af, "BackupOptions"), "at least one backup option is required")
		}
		for _, k := range sortedKeys(a.Options) {
			v := a.Options[k]
			if ok && !allowed[k] {
				pr.add(join(af, "BackupOptions", k), "not a backup option for %s; allowed: %s", a.ResourceType, strings.Join(sortedKeys(allowed), ", "))
			}
			if v != "enabled" && v != "disabled" {
				pr.add(join(af, "BackupOptions", k), `must be "enabled" or "disabled", got %q`, v)
			}
		}
	}
	checkTags(pr, prefix, "Tags", p.Tags, MaxPlanTags)
}

func (r Rule) validate(pr *problems, prefix string) {
	f := func(s string) string { return join(prefix, s) }
	checkName(pr, prefix, "Name", r.Name, "rule name")
	switch {
	case r.TargetVault == "":
		pr.add(f("TargetBackupVaultName"), "is required")
	case !vaultPattern.MatchString(r.TargetVault):
		pr.add(f("TargetBackupVaultName"), "%s, got %q", vaultRule, r.TargetVault)
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
	checkWindow(pr, prefix, "StartWindowMinutes", r.StartWindow, MinStartWindow)
	checkWindow(pr, prefix, "CompletionWindowMinutes", r.CompletionWindow, time.Minute)
	if r.StartWindow > 0 && r.CompletionWindow > 0 && r.CompletionWindow < r.StartWindow+MinCompletionAfterStart {
		pr.add(f("CompletionWindowMinutes"), "must be at least 60 minutes longer than the start window (%d min), got %d min",
			r.StartWindow/time.Minute, r.CompletionWindow/time.Minute)
	}
	checkLifecycle(pr, prefix, "Lifecycle", r.Lifecycle)
	if r.ContinuousBackup {
		l := r.Lifecycle
		switch {
		case l.DeleteAfter == backup.KeepForever:
			pr.add(f("Lifecycle.DeleteAfterDays"), "continuous backups are kept at most %d days; backup.KeepForever (-1) is not allowed", MaxContinuousDays)
		case l.DeleteAfter > MaxContinuousDays*backup.Day:
			pr.add(f("Lifecycle.DeleteAfterDays"), "continuous backups are kept 1-%d days, got %d", MaxContinuousDays, daysOf(l.DeleteAfter))
		}
		if l.MoveToColdStorageAfter != 0 {
			pr.add(f("Lifecycle.MoveToColdStorageAfterDays"), "continuous backups cannot move to cold storage; leave it unset")
		}
		if l.OptInToArchive {
			pr.add(f("Lifecycle.OptInToArchiveForSupportedResources"), "continuous backups cannot move to the archive tier")
		}
	}
	if len(r.CopyActions) > MaxCopyActionsPerRule {
		pr.add(f("CopyActions"), "at most %d copy actions per rule, got %d", MaxCopyActionsPerRule, len(r.CopyActions))
	}
	for i, c := range r.CopyActions {
		cf := join(prefix, idx("CopyActions", i))
		checkVaultARN(pr, cf, "DestinationBackupVaultArn", c.DestinationVaultARN)
		checkLifecycle(pr, cf, "Lifecycle", c.Lifecycle)
	}
	if r.AirGappedVaultARN != "" {
		checkVaultARN(pr, prefix, "TargetLogicallyAirGappedBackupVaultArn", r.AirGappedVaultARN)
	}
	checkTags(pr, prefix, "RecoveryPointTags", r.RecoveryPointTags, MaxRecoveryPointTags)
	if len(r.IndexActions) > 1 {
		pr.add(f("IndexActions"), "at most one index action per rule, got %d", len(r.IndexActions))
	}
	for i, a := range r.IndexActions {
		af := join(prefix, idx("IndexActions", i))
		if len(a.ResourceTypes) != 1 {
			pr.add(join(af, "ResourceTypes"), "exactly one resource type per index action, got %d", len(a.ResourceTypes))
		}
		for j, t := range a.ResourceTypes {
			if t != "EBS" && t != "S3" {
				pr.add(join(af, idx("ResourceTypes", j)), `must be "EBS" or "S3" (the types AWS Backup indexes), got %q`, t)
			}
		}
	}
}

func checkName(pr *problems, prefix, field, name, what string) {
	switch {
	case name == "":
		pr.add(join(prefix, field), "%s is required", what)
	case !namePattern.MatchString(name):
		pr.add(join(prefix, field), "%s %s, got %q", what, nameRule, name)
	}
}

func checkWindow(pr *problems, prefix, field string, d, minimum time.Duration) {
	if d == 0 {
		return
	}
	field = join(prefix, field)
	switch {
	case d == 0:
	case d < 0:
		pr.add(field, "must be positive, got %s", d)
	case d%time.Minute != 0:
		pr.add(field, "must be a whole number of minutes, got %s", d)
	case d < minimum:
		pr.add(field, "must be at least %d minutes, got %d", minimum/time.Minute, d/time.Minute)
	case d > MaxWindow:
		pr.add(field, "must be at most 52,560,000 minutes (100 years), got %d", d/time.Minute)
	}
}

func checkDays(pr *problems, prefix, field string, d time.Duration) bool {
	if d == 0 || d == backup.KeepForever || (d > 0 && d%backup.Day == 0 && d <= MaxLifecycleDays*backup.Day) {
		return true
	}
	field = join(prefix, field)
	switch {
	case d%backup.Day != 0:
		pr.add(field, "must be a whole number of days, got %s", d)
	case d < backup.KeepForever:
		pr.add(field, "must be 1-%d days, or -1 to keep forever, got %d", MaxLifecycleDays, daysOf(d))
	case d > MaxLifecycleDays*backup.Day:
		pr.add(field, "must be at most %d days (100 years), got %d", MaxLifecycleDays, daysOf(d))
	default:
		return true
	}
	return false
}

func checkLifecycle(pr *problems, parent, name string, l backup.Lifecycle) {
	if l.IsZero() {
		return
	}
	prefix := join(parent, name)
	okCold := checkDays(pr, prefix, "MoveToColdStorageAfterDays", l.MoveToColdStorageAfter)
	okDel := checkDays(pr, prefix, "DeleteAfterDays", l.DeleteAfter)
	if okCold && okDel && l.MoveToColdStorageAfter > 0 && l.DeleteAfter > 0 &&
		l.DeleteAfter < l.MoveToColdStorageAfter+MinColdStorageDays*backup.Day {
		cold := daysOf(l.MoveToColdStorageAfter)
		pr.add(join(prefix, "DeleteAfterDays"),
			"must be at least %d days after MoveToColdStorageAfterDays (cold storage lasts at least 90 days): cold after %d, so delete after %d or more, got %d",
			MinColdStorageDays, cold, cold+MinColdStorageDays, daysOf(l.DeleteAfter))
	}
}

func checkVaultARN(pr *problems, prefix, field, arn string) {
	if m := vaultARNPattern.FindStringSubmatch(arn); m != nil && vaultPattern.MatchString(m[len(m)-1]) {
		pr.checkPlaceholder(join(prefix, field), arn)
		return
	}
	field = join(prefix, field)
	if arn == "" {
		pr.add(field, "is required")
		return
	}
	m := vaultARNPattern.FindStringSubmatch(arn)
	if m == nil {
		pr.add(field, "must be a backup vault ARN arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME, got %q", arn)
		return
	}
	if name := m[len(m)-1]; !vaultPattern.MatchString(name) {
		pr.add(field, "vault name in the ARN %s, got %q", vaultRule, name)
	}
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
		switch {
		case k == "" || len(k) > 128:
			pr.add(kf(), "tag keys must be 1-128 characters, got %d", len(k))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			pr.add(kf(), `tag keys must not start with "aws:" (reserved for AWS)`)
		}
		if len(v) > 256 {
			pr.add(kf(), "tag values must be at most 256 characters, got %d", len(v))
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

// addProblems adds the problems a shared AWS rule found, under prefix.
func (p *problems) addProblems(prefix string, l problem.List) {
	for _, x := range l {
		p.add(join(prefix, x.Field), "%s", x.Reason)
	}
}
