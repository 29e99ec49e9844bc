package compliance

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/backupkit/backupkit/backup"
)

// Declaration is a compliance setup declared in one YAML file: Audit
// Manager frameworks, report plans and AWS Config rules. [Apply] makes AWS
// match it, idempotently.
//
//	frameworks:
//	  - name: prod_backup_policy
//	    description: Daily backups kept 35 days, encrypted, locked
//	    controls:
//	      - control: last-recovery-point-created
//	        maxAge: 24h
//	        scope: {resourceTypes: [EBS, RDS]}
//	      - control: plan-min-frequency-and-retention
//	        frequency: 1d
//	        retention: 35d
//	      - control: recovery-point-encrypted
//	reportPlans:
//	  - name: daily_jobs
//	    template: BACKUP_JOB_REPORT
//	    bucket: my-audit-bucket
//	    prefix: backup
//	    formats: [CSV, JSON]
//	  - name: prod_compliance
//	    template: CONTROL_COMPLIANCE_REPORT
//	    bucket: my-audit-bucket
//	    frameworks: [prod_backup_policy]   # names of frameworks above, or ARNs
//	configRules:
//	  - rule: recovery-point-encrypted
//	  - rule: resources-protected
//	    resourceType: EBS
//	    crossRegions: [eu-west-1]
//
// Durations are Go durations ("36h", "90m") or whole days ("35d").
type Declaration struct {
	Frameworks  []FrameworkDecl  `yaml:"frameworks"`
	ReportPlans []ReportPlanDecl `yaml:"reportPlans"`
	ConfigRules []ConfigRuleDecl `yaml:"configRules"`
}

// FrameworkDecl declares a framework.
type FrameworkDecl struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Tags        map[string]string `yaml:"tags"`
	Controls    []ControlDecl     `yaml:"controls"`
}

// ControlDecl declares a control by its short name (see [ControlKinds])
// with typed parameters.
type ControlDecl struct {
	Control      string    `yaml:"control"`
	MaxAge       Duration  `yaml:"maxAge"`
	Frequency    Duration  `yaml:"frequency"`
	Retention    Duration  `yaml:"retention"`
	MinRetention Duration  `yaml:"minRetention"`
	MaxRetention Duration  `yaml:"maxRetention"`
	MaxTime      Duration  `yaml:"maxRestoreTime"`
	Principals   []string  `yaml:"principals"`
	Regions      []string  `yaml:"regions"`
	Accounts     []string  `yaml:"accounts"`
	Scope        ScopeDecl `yaml:"scope"`
}

// ScopeDecl declares a control scope.
type ScopeDecl struct {
	ResourceIDs   []string              `yaml:"resourceIds"`
	ResourceTypes []backup.ResourceType `yaml:"resourceTypes"`
	TagKey        string                `yaml:"tagKey"`
	TagValue      string                `yaml:"tagValue"`
}

// ReportPlanDecl declares a report plan. Frameworks are names of declared
// frameworks (resolved to their ARNs) or ARNs.
type ReportPlanDecl struct {
	Name              string            `yaml:"name"`
	Description       string            `yaml:"description"`
	Template          string            `yaml:"template"`
	Bucket            string            `yaml:"bucket"`
	Prefix            string            `yaml:"prefix"`
	Formats           []string          `yaml:"formats"`
	Frameworks        []string          `yaml:"frameworks"`
	Accounts          []string          `yaml:"accounts"`
	OrganizationUnits []string          `yaml:"organizationUnits"`
	Regions           []string          `yaml:"regions"`
	Tags              map[string]string `yaml:"tags"`
}

// ConfigRuleDecl declares an AWS Config rule by short name (see
// [ConfigRuleKinds]).
type ConfigRuleDecl struct {
	Rule         string              `yaml:"rule"`
	Name         string              `yaml:"name"`
	ResourceType backup.ResourceType `yaml:"resourceType"`
	Frequency    Duration            `yaml:"frequency"`
	Retention    Duration            `yaml:"retention"`
	MaxAge       Duration            `yaml:"maxAge"`
	MaxTime      Duration            `yaml:"maxRestoreTime"`
	Principals   []string            `yaml:"principals"`
	Tags         map[string]string   `yaml:"tags"`
	ResourceID   string              `yaml:"resourceId"`
	CrossRegions []string            `yaml:"crossRegions"`
	CrossAccts   []string            `yaml:"crossAccounts"`
	VaultLock    bool                `yaml:"vaultLock"`
	MinLock      Duration            `yaml:"minLockRetention"`
	MaxLock      Duration            `yaml:"maxLockRetention"`
}

// Duration is a time.Duration that YAML spells "36h", "90m" or "35d".
type Duration time.Duration

// UnmarshalYAML parses a Go duration or whole days ("35d").
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration parses a Go duration ("36h") or a whole number of days
// ("35d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, fmt.Errorf("duration %q: want whole days 0–36500 like \"35d\"", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want like \"36h\", \"90m\" or \"35d\"", s)
	}
	return d, nil
}

// ControlKinds returns the map from the declaration's short control names
// to AWS control names (a new map on each call).
func ControlKinds() map[string]string { return maps.Clone(controlKinds) }

var controlKinds = map[string]string{
	"resources-protected-by-backup-plan":      ControlResourcesProtectedByBackupPlan,
	"plan-min-frequency-and-retention":        ControlPlanMinFrequencyAndMinRetention,
	"recovery-point-minimum-retention":        ControlRecoveryPointMinimumRetention,
	"recovery-point-encrypted":                ControlRecoveryPointEncrypted,
	"recovery-point-manual-deletion-disabled": ControlRecoveryPointManualDeletionDisabled,
	"resources-protected-by-cross-region":     ControlResourcesProtectedByCrossRegion,
	"resources-protected-by-cross-account":    ControlResourcesProtectedByCrossAccount,
	"resources-protected-by-vault-lock":       ControlResourcesProtectedByVaultLock,
	"last-recovery-point-created":             ControlLastRecoveryPointCreated,
	"restore-time-meets-target":               ControlRestoreTimeMeetsTarget,
	"resources-in-logically-air-gapped-vault": ControlResourcesInLogicallyAirGappedVault,
}

// ConfigRuleKinds returns the declaration's short Config rule names (a new
// slice on each call).
func ConfigRuleKinds() []string {
	return []string{
		"plan-min-frequency-and-retention", "recovery-point-encrypted", "recovery-point-manual-deletion-disabled",
		"recovery-point-minimum-retention", "resources-protected", "last-recovery-point-created", "restore-time-meets-target",
	}
}

// ParseDeclaration parses and validates a declaration; every problem is
// reported at once.
func ParseDeclaration(b []byte) (*Declaration, error) {
	var d Declaration
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("parse compliance declaration: %w", err)
	}
	if _, _, _, err := d.Build(); err != nil {
		return nil, err
	}
	return &d, nil
}

func (c ControlDecl) build() (Control, error) {
	name, ok := controlKinds[c.Control]
	if !ok {
		name = c.Control // also accept the AWS name
		for _, v := range controlKinds {
			ok = ok || v == name
		}
	}
	if !ok {
		return Control{}, fmt.Errorf("unknown control %q", c.Control)
	}
	var ctl Control
	switch name {
	case ControlResourcesProtectedByBackupPlan:
		ctl = ResourcesProtectedByBackupPlan()
	case ControlPlanMinFrequencyAndMinRetention:
		ctl = PlanMinFrequencyAndRetention(time.Duration(c.Frequency), time.Duration(c.Retention))
	case ControlRecoveryPointMinimumRetention:
		ctl = RecoveryPointMinimumRetention(time.Duration(c.Retention))
	case ControlRecoveryPointEncrypted:
		ctl = RecoveryPointEncrypted()
	case ControlRecoveryPointManualDeletionDisabled:
		ctl = RecoveryPointManualDeletionDisabled(c.Principals...)
	case ControlResourcesProtectedByCrossRegion:
		ctl = ResourcesProtectedByCrossRegion(c.Regions...)
	case ControlResourcesProtectedByCrossAccount:
		ctl = ResourcesProtectedByCrossAccount(c.Accounts...)
	case ControlResourcesProtectedByVaultLock:
		ctl = ResourcesProtectedByVaultLock(time.Duration(c.MinRetention), time.Duration(c.MaxRetention))
	case ControlLastRecoveryPointCreated:
		ctl = LastRecoveryPointCreated(time.Duration(c.MaxAge))
	case ControlRestoreTimeMeetsTarget:
		ctl = RestoreTimeMeetsTarget(time.Duration(c.MaxTime))
	case ControlResourcesInLogicallyAirGappedVault:
		ctl = ResourcesInLogicallyAirGappedVault(time.Duration(c.MaxAge))
	}
	ctl.Scope = Scope{ResourceIDs: c.Scope.ResourceIDs, ResourceTypes: c.Scope.ResourceTypes, TagKey: c.Scope.TagKey, TagValue: c.Scope.TagValue}
	return ctl, nil
}

func (r ConfigRuleDecl) build() (ConfigRule, error) {
	var cr ConfigRule
	switch r.Rule {
	case "plan-min-frequency-and-retention":
		cr = ConfigPlanMinFrequencyAndRetention(time.Duration(r.Frequency), time.Duration(r.Retention))
	case "recovery-point-encrypted":
		cr = ConfigRecoveryPointEncrypted()
	case "recovery-point-manual-deletion-disabled":
		cr = ConfigRecoveryPointManualDeletionDisabled(r.Principals...)
	case "recovery-point-minimum-retention":
		cr = ConfigRecoveryPointMinimumRetention(time.Duration(r.Retention))
	case "resources-protected":
		cr = ConfigResourcesProtected(r.ResourceType, ProtectedOptions{Tags: r.Tags, ResourceID: r.ResourceID, CrossRegions: r.CrossRegions, CrossAccounts: r.CrossAccts,
			VaultLock: r.VaultLock, MinLockRetention: time.Duration(r.MinLock), MaxLockRetention: time.Duration(r.MaxLock)})
	case "last-recovery-point-created":
		cr = ConfigLastRecoveryPointCreated(r.ResourceType, time.Duration(r.MaxAge))
	case "restore-time-meets-target":
		cr = ConfigRestoreTimeMeetsTarget(r.ResourceType, time.Duration(r.MaxTime))
	default:
		return ConfigRule{}, fmt.Errorf("unknown Config rule %q (known: %s)", r.Rule, strings.Join(ConfigRuleKinds(), ", "))
	}
	if r.Name != "" {
		cr = cr.WithName(r.Name)
	}
	return cr, nil
}

// Build turns the declaration into typed values, validating everything.
// Report plans' framework references that name a declared framework are
// left as names; [Apply] resolves them to ARNs.
func (d *Declaration) Build() ([]Framework, []ReportPlan, []ConfigRule, error) {
	var ps problems
	var fws []Framework
	names := map[string]bool{}
	for i, fd := range d.Frameworks {
		f := Framework{Name: fd.Name, Description: fd.Description, Tags: fd.Tags}
		for j, cd := range fd.Controls {
			ctl, err := cd.build()
			if err != nil {
				ps.add(fmt.Sprintf("frameworks[%d].controls[%d]", i, j), "%v", err)
				continue
			}
			f.Controls = append(f.Controls, ctl)
		}
		for _, ve := range backup.ValidationErrors(f.Validate()) {
			ps.add(fmt.Sprintf("frameworks[%d].%s", i, ve.Field), "%s", ve.Reason)
		}
		if names[f.Name] {
			ps.add(fmt.Sprintf("frameworks[%d].name", i), "duplicate framework %q", f.Name)
		}
		names[f.Name] = true
		fws = append(fws, f)
	}
	total := 0
	for _, f := range fws {
		total += len(f.Controls)
	}
	if len(fws) > MaxFrameworksPerAccount {
		ps.add("frameworks", "at most %d frameworks per account and Region, got %d", MaxFrameworksPerAccount, len(fws))
	}
	if total > MaxControlsPerAccount {
		ps.add("frameworks", "at most %d controls per account and Region across all frameworks, got %d", MaxControlsPerAccount, total)
	}
	if len(d.ReportPlans) > MaxReportPlansPerAccount {
		ps.add("reportPlans", "at most %d report plans per account, got %d", MaxReportPlansPerAccount, len(d.ReportPlans))
	}
	var rps []ReportPlan
	for i, rd := range d.ReportPlans {
		p := ReportPlan{Name: rd.Name, Description: rd.Description, Template: ReportTemplate(rd.Template), Bucket: rd.Bucket, Prefix: rd.Prefix,
			Formats: slices.Clone(rd.Formats), FrameworkARNs: slices.Clone(rd.Frameworks), Accounts: rd.Accounts, OrganizationUnits: rd.OrganizationUnits, Regions: rd.Regions, Tags: rd.Tags}
		for _, ve := range backup.ValidationErrors(p.Validate()) {
			ps.add(fmt.Sprintf("reportPlans[%d].%s", i, ve.Field), "%s", ve.Reason)
		}
		for j, f := range rd.Frameworks {
			if !strings.HasPrefix(f, "arn:") && !names[f] {
				ps.add(fmt.Sprintf("reportPlans[%d].frameworks[%d]", i, j), "%q is neither an ARN nor a framework declared here", f)
			}
		}
		rps = append(rps, p)
	}
	var crs []ConfigRule
	for i, rd := range d.ConfigRules {
		cr, err := rd.build()
		if err != nil {
			ps.add(fmt.Sprintf("configRules[%d].rule", i), "%v", err)
			continue
		}
		for _, ve := range backup.ValidationErrors(cr.Validate()) {
			ps.add(fmt.Sprintf("configRules[%d].%s", i, ve.Field), "%s", ve.Reason)
		}
		crs = append(crs, cr)
	}
	if err := ps.err(); err != nil {
		return nil, nil, nil, err
	}
	return fws, rps, crs, nil
}

// FrameworkDeployWait bounds how long [Apply] waits for a created or
// updated framework to deploy before creating report plans that refer to it.
const FrameworkDeployWait = 15 * time.Minute

// ApplyResult is one thing [Apply] ensured.
type ApplyResult struct {
	Kind   string `json:"kind"` // framework, report-plan, config-rule
	Name   string `json:"name"`
	Change Change `json:"change"`
	ARN    string `json:"arn,omitempty"`
}

// Apply ensures every framework, report plan and (when cc is not nil)
// Config rule of the declaration, in that order. Report plans referring to
// declared frameworks by name get their ARNs, after those frameworks, when
// created or updated, finish deploying. A second Apply of the same
// declaration changes nothing.
func Apply(ctx context.Context, d *Declaration, c *Client, cc *ConfigClient) ([]ApplyResult, error) {
	fws, rps, crs, err := d.Build()
	if err != nil {
		return nil, err
	}
	if len(crs) > 0 && cc == nil {
		return nil, fmt.Errorf("the declaration has %d AWS Config rules but no Config client was given", len(crs))
	}
	var out []ApplyResult
	arns := map[string]string{}
	changed := map[string]bool{}
	for _, f := range fws {
		arn, ch, err := c.EnsureFramework(ctx, f)
		if err != nil {
			return out, err
		}
		arns[f.Name] = arn
		changed[f.Name] = ch != Unchanged
		out = append(out, ApplyResult{Kind: "framework", Name: f.Name, Change: ch, ARN: arn})
	}
	waited := map[string]bool{}
	for _, p := range rps {
		for i, f := range p.FrameworkARNs {
			a, ok := arns[f]
			if !ok {
				continue
			}
			p.FrameworkARNs[i] = a
			if changed[f] && !waited[f] { // a report plan needs its frameworks deployed
				if _, err := c.WaitFrameworkDeployed(ctx, f, FrameworkDeployWait); err != nil {
					return out, err
				}
				waited[f] = true
			}
		}
		arn, ch, err := c.EnsureReportPlan(ctx, p)
		if err != nil {
			return out, err
		}
		out = append(out, ApplyResult{Kind: "report-plan", Name: p.Name, Change: ch, ARN: arn})
	}
	if len(crs) > 0 {
		chs, err := cc.EnsureRules(ctx, crs...)
		for i, ch := range chs {
			out = append(out, ApplyResult{Kind: "config-rule", Name: crs[i].Name, Change: ch})
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
