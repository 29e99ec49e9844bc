package plan

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/limits"
)

// CopyAction copies each recovery point a rule creates to another vault,
// possibly in another Region or account.
type CopyAction struct {
	// DestinationVaultARN is the ARN of the destination backup vault,
	// arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME.
	DestinationVaultARN string
	// Lifecycle of the copy; zero means AWS applies the source's lifecycle.
	Lifecycle backup.Lifecycle
}

// IndexAction asks AWS Backup to build a backup index (for search) of the
// recovery points a rule creates. AWS accepts one resource type per action:
// backup.EBS or backup.S3.
type IndexAction struct {
	ResourceTypes []backup.ResourceType
}

// ScanAction asks AWS Backup to scan the recovery points a rule creates for
// malware (API_ScanAction). AWS accepts MalwareScanner "GUARDDUTY" and
// ScanMode "FULL_SCAN" or "INCREMENTAL_SCAN"; the plan's ScanSettings name
// the scanner's role and resource types.
type ScanAction struct {
	MalwareScanner string
	ScanMode       string
}

// ScanSetting configures a malware scanner for the plan (API_ScanSetting):
// the scanner ("GUARDDUTY"), the resource types it scans, and the IAM role
// it uses to read them.
type ScanSetting struct {
	MalwareScanner string
	ResourceTypes  []backup.ResourceType
	ScannerRoleARN string
}

// Rule is one scheduled backup task of a plan.
type Rule struct {
	// Name is the rule name: 1-50 letters, digits, '-', '_' or '.'; unique
	// within the plan.
	Name string
	// TargetVault is the name of the vault that receives recovery points.
	TargetVault string
	// Schedule is an AWS cron expression (see Schedule); empty means AWS's
	// default, DefaultSchedule.
	Schedule string
	// Timezone is the IANA zone Schedule is read in; empty means UTC.
	Timezone string
	// StartWindow is how long after the scheduled time a job may start
	// before AWS cancels it (StartWindowMinutes). Zero means AWS's default,
	// backup.DefaultStartWindow (8 hours). At least 1 hour.
	StartWindow time.Duration
	// CompletionWindow is how long after the scheduled time a job must
	// complete (CompletionWindowMinutes). Zero means AWS's default,
	// backup.DefaultCompletionWindow (7 days).
	CompletionWindow time.Duration
	// Lifecycle of the recovery points the rule creates (in whole days or
	// backup.KeepForever; the zero value: keep warm, forever).
	Lifecycle backup.Lifecycle
	// RecoveryPointTags are copied onto each recovery point.
	RecoveryPointTags map[string]string
	// CopyActions copy each new recovery point elsewhere (at most 5).
	CopyActions []CopyAction
	// ContinuousBackup enables continuous backup for point-in-time restore
	// (EnableContinuousBackup) for the types that support it.
	ContinuousBackup bool
	// IndexActions request backup indexes (at most one, EBS or S3).
	IndexActions []IndexAction
	// ScanActions request malware scans of the rule's recovery points.
	ScanActions []ScanAction
	// AirGappedVaultARN is the ARN of a logically air-gapped vault in the
	// same account and Region to back up to directly
	// (TargetLogicallyAirGappedBackupVaultArn); optional.
	AirGappedVaultARN string
}

// AdvancedSetting is a per-resource-type backup option of a plan
// (AdvancedBackupSettings): "EC2" with {"WindowsVSS": "enabled"|"disabled"},
// or "S3" with {"BackupACLs"|"BackupObjectTags": "enabled"|"disabled"}.
type AdvancedSetting struct {
	ResourceType backup.ResourceType
	Options      map[string]string
}

// currentOptions returns a copy of the options under AWS's current names:
// an older alias (S3BackupACLs, S3BackupObjectTags) is rendered as the
// current name (BackupACLs, BackupObjectTags), API_AdvancedBackupSetting.
func (a AdvancedSetting) currentOptions() map[string]string {
	return limits.AdvancedOptions(string(a.ResourceType), a.Options)
}

// Plan is an AWS Backup plan: a named set of rules. Build one with New, a
// preset, a parser, or FromSDK; check it with Validate.
type Plan struct {
	// Name is the plan name: 1-50 letters, digits, '-', '_' or '.'.
	Name string
	// Rules of the plan, 1 to 10.
	Rules []Rule
	// AdvancedSettings per resource type.
	AdvancedSettings []AdvancedSetting
	// ScanSettings configure the malware scanners the rules' ScanActions
	// use.
	ScanSettings []ScanSetting
	// Tags are the plan's own tags (BackupPlanTags), set at creation.
	Tags map[string]string
}

// Clone returns a deep copy of p.
func (p *Plan) Clone() *Plan {
	if p == nil {
		return nil
	}
	c := *p
	c.Rules = make([]Rule, len(p.Rules))
	for i := range p.Rules {
		c.Rules[i] = p.Rules[i].clone()
	}
	if p.Rules == nil {
		c.Rules = nil
	}
	c.AdvancedSettings = nil
	for _, a := range p.AdvancedSettings {
		c.AdvancedSettings = append(c.AdvancedSettings, AdvancedSetting{ResourceType: a.ResourceType, Options: maps.Clone(a.Options)})
	}
	if p.ScanSettings != nil {
		c.ScanSettings = make([]ScanSetting, len(p.ScanSettings))
		for i, ss := range p.ScanSettings {
			ss.ResourceTypes = slices.Clone(ss.ResourceTypes)
			c.ScanSettings[i] = ss
		}
	}
	c.Tags = maps.Clone(p.Tags)
	return &c
}

func (r Rule) clone() Rule {
	r.RecoveryPointTags = maps.Clone(r.RecoveryPointTags)
	r.CopyActions = slices.Clone(r.CopyActions)
	if r.IndexActions != nil {
		ia := make([]IndexAction, len(r.IndexActions))
		for i, a := range r.IndexActions {
			ia[i] = IndexAction{ResourceTypes: slices.Clone(a.ResourceTypes)}
		}
		r.IndexActions = ia
	}
	r.ScanActions = slices.Clone(r.ScanActions)
	return r
}

// Rule returns the rule named name.
func (p *Plan) Rule(name string) (Rule, bool) {
	for _, r := range p.Rules {
		if r.Name == name {
			return r.clone(), true
		}
	}
	return Rule{}, false
}

// ParsedSchedule parses the rule's schedule (DefaultSchedule when empty) in
// its time zone.
func (r Rule) ParsedSchedule() (*Schedule, error) {
	expr := r.Schedule
	if expr == "" {
		expr = DefaultSchedule
	}
	s, err := ParseSchedule(expr)
	if err != nil {
		return nil, err
	}
	loc, err := loadZone(r.Timezone)
	if err != nil {
		return nil, err
	}
	return s.In(loc), nil
}

// Builder assembles a Plan fluently. Methods record values and never fail;
// Build reports every problem at once. A Builder owns its data: values
// passed in are copied, so builders never share mutable state, and Build
// may be called repeatedly.
type Builder struct {
	p Plan
}

// New starts a plan named name.
func New(name string) *Builder {
	return &Builder{p: Plan{Name: name}}
}

// FromPlan starts a builder from a copy of p.
func FromPlan(p *Plan) *Builder {
	return &Builder{p: *p.Clone()}
}

// AddRule appends a copy of the rule r describes.
func (b *Builder) AddRule(r *RuleBuilder) *Builder {
	b.p.Rules = append(b.p.Rules, r.r.clone())
	return b
}

// AddRules appends copies of rules.
func (b *Builder) AddRules(rules ...Rule) *Builder {
	for _, r := range rules {
		b.p.Rules = append(b.p.Rules, r.clone())
	}
	return b
}

// Tag sets a plan tag (BackupPlanTags).
func (b *Builder) Tag(key, value string) *Builder {
	if b.p.Tags == nil {
		b.p.Tags = map[string]string{}
	}
	b.p.Tags[key] = value
	return b
}

// AdvancedSetting sets the backup options for a resource type, replacing
// any earlier setting for that type.
func (b *Builder) AdvancedSetting(resourceType backup.ResourceType, options map[string]string) *Builder {
	for i, a := range b.p.AdvancedSettings {
		if a.ResourceType == resourceType {
			b.p.AdvancedSettings[i].Options = maps.Clone(options)
			return b
		}
	}
	b.p.AdvancedSettings = append(b.p.AdvancedSettings, AdvancedSetting{ResourceType: resourceType, Options: maps.Clone(options)})
	return b
}

// WindowsVSS turns Windows Volume Shadow Copy Service backups of EC2
// instances on or off (AdvancedBackupSettings EC2/WindowsVSS).
func (b *Builder) WindowsVSS(enabled bool) *Builder {
	return b.AdvancedSetting(backup.EC2, map[string]string{"WindowsVSS": enabledString(enabled)})
}

// S3BackupOptions says whether S3 backups include ACLs and object tags
// (both are included by AWS by default).
func (b *Builder) S3BackupOptions(acls, objectTags bool) *Builder {
	return b.AdvancedSetting(backup.S3, map[string]string{"BackupACLs": enabledString(acls), "BackupObjectTags": enabledString(objectTags)})
}

func enabledString(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}

// Build validates the plan and returns a copy of it, or an errors.Join of
// every *ValidationError found.
func (b *Builder) Build() (*Plan, error) {
	p := b.p.Clone()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// RuleBuilder assembles a Rule fluently; pass it to Builder.AddRule.
type RuleBuilder struct {
	r Rule
}

// NewRule starts a rule named name that stores recovery points in the
// vault named vault.
func NewRule(name, vault string) *RuleBuilder {
	return &RuleBuilder{r: Rule{Name: name, TargetVault: vault}}
}

// Rule returns a copy of the rule built so far (unvalidated).
func (rb *RuleBuilder) Rule() Rule { return rb.r.clone() }

// Name renames the rule.
func (rb *RuleBuilder) Name(name string) *RuleBuilder { rb.r.Name = name; return rb }

// Vault sets the target vault name.
func (rb *RuleBuilder) Vault(name string) *RuleBuilder { rb.r.TargetVault = name; return rb }

// Schedule sets the AWS cron expression, e.g. "cron(0 5 ? * * *)".
func (rb *RuleBuilder) Schedule(expr string) *RuleBuilder { rb.r.Schedule = expr; return rb }

// Timezone sets the IANA time zone the schedule is read in.
func (rb *RuleBuilder) Timezone(tz string) *RuleBuilder { rb.r.Timezone = tz; return rb }

// StartWithin sets the start window (at least one hour).
func (rb *RuleBuilder) StartWithin(d time.Duration) *RuleBuilder { rb.r.StartWindow = d; return rb }

// CompleteWithin sets the completion window.
func (rb *RuleBuilder) CompleteWithin(d time.Duration) *RuleBuilder {
	rb.r.CompletionWindow = d
	return rb
}

// MoveToColdAfter moves recovery points to cold storage after d, a whole
// number of days (backup.Days(n)).
func (rb *RuleBuilder) MoveToColdAfter(d time.Duration) *RuleBuilder {
	rb.r.Lifecycle.MoveToColdStorageAfter = d
	return rb
}

// DeleteAfter deletes recovery points after d, a whole number of days
// (backup.Days(n); backup.KeepForever: never).
func (rb *RuleBuilder) DeleteAfter(d time.Duration) *RuleBuilder {
	rb.r.Lifecycle.DeleteAfter = d
	return rb
}

// OptInToArchive moves supported resource types to the archive tier.
func (rb *RuleBuilder) OptInToArchive() *RuleBuilder {
	rb.r.Lifecycle.OptInToArchive = true
	return rb
}

// Lifecycle replaces the whole lifecycle.
func (rb *RuleBuilder) Lifecycle(l backup.Lifecycle) *RuleBuilder { rb.r.Lifecycle = l; return rb }

// RecoveryPointTag tags each recovery point the rule creates.
func (rb *RuleBuilder) RecoveryPointTag(key, value string) *RuleBuilder {
	if rb.r.RecoveryPointTags == nil {
		rb.r.RecoveryPointTags = map[string]string{}
	}
	rb.r.RecoveryPointTags[key] = value
	return rb
}

// CopyTo copies each recovery point to the vault with ARN vaultARN, kept
// there according to l (zero: the source's lifecycle).
func (rb *RuleBuilder) CopyTo(vaultARN string, l backup.Lifecycle) *RuleBuilder {
	rb.r.CopyActions = append(rb.r.CopyActions, CopyAction{DestinationVaultARN: vaultARN, Lifecycle: l})
	return rb
}

// Continuous enables continuous backup (point-in-time restore); retention
// must then be 1-35 days without cold storage.
func (rb *RuleBuilder) Continuous() *RuleBuilder { rb.r.ContinuousBackup = true; return rb }

// Index asks for a backup index of resourceType (backup.EBS or backup.S3).
func (rb *RuleBuilder) Index(resourceType backup.ResourceType) *RuleBuilder {
	rb.r.IndexActions = append(rb.r.IndexActions, IndexAction{ResourceTypes: []backup.ResourceType{resourceType}})
	return rb
}

// AirGappedVault backs up directly to the logically air-gapped vault with
// ARN arn.
func (rb *RuleBuilder) AirGappedVault(arn string) *RuleBuilder {
	rb.r.AirGappedVaultARN = arn
	return rb
}

// maxWireDays is the largest day count a time.Duration holds (about 292
// years, far above AWS's 36,500-day limit). Parsers refuse larger counts.
const maxWireDays = int64(math.MaxInt64 / int64(backup.Day))

// daysOf returns d in AWS's whole days (backup.KeepForever is -1).
func daysOf(d time.Duration) int64 { return int64(d / backup.Day) }

// durationDays converts a day count from a plan document to a Duration,
// saturating at ±maxWireDays so that a huge count stays too long for
// validation instead of overflowing.
func durationDays(n int64) time.Duration {
	return time.Duration(min(max(n, -maxWireDays), maxWireDays)) * backup.Day
}

func loadZone(tz string) (*time.Location, error) { return cron.LoadZone(tz) }
