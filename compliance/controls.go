package compliance

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/audit"
	"github.com/backupkit/backupkit/internal/awsid"
)

// AWS Backup Audit Manager control names.
const (
	ControlResourcesProtectedByBackupPlan      = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"
	ControlPlanMinFrequencyAndMinRetention     = "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"
	ControlRecoveryPointMinimumRetention       = "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
	ControlRecoveryPointEncrypted              = "BACKUP_RECOVERY_POINT_ENCRYPTED"
	ControlRecoveryPointManualDeletionDisabled = "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED"
	ControlResourcesProtectedByCrossRegion     = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"
	ControlResourcesProtectedByCrossAccount    = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT"
	ControlResourcesProtectedByVaultLock       = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"
	ControlLastRecoveryPointCreated            = "BACKUP_LAST_RECOVERY_POINT_CREATED"
	ControlRestoreTimeMeetsTarget              = "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"
	ControlResourcesInLogicallyAirGappedVault  = "RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT"
)

// Audit Manager limits.
const (
	// MaxControlsPerAccount is AWS's limit of controls per account and
	// Region; the same control in two frameworks counts twice.
	MaxControlsPerAccount = 50
	// MaxFrameworksPerAccount is the frameworks quota per account and Region.
	MaxFrameworksPerAccount = 15
	// MaxReportPlansPerAccount is the report plans quota per account.
	MaxReportPlansPerAccount = 20
	// MaxScopeResourceIDs is how many resource ids one control scope may name.
	MaxScopeResourceIDs = 100
	// MaxDeletionPrincipals is how many principals
	// BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED may exempt.
	MaxDeletionPrincipals = 5
)

// Control is one Audit Manager control with typed parameters and a scope.
// Build it with the constructor named after the control
// ([LastRecoveryPointCreated], …); constructors record invalid arguments,
// which [Framework.Validate] (and every call that sends the framework)
// reports. Control values are immutable: scope methods return a copy.
type Control struct {
	// Name is the AWS control name, e.g. BACKUP_LAST_RECOVERY_POINT_CREATED.
	Name string
	// Parameters are the control's input parameters as AWS receives them.
	Parameters map[string]string
	// Scope limits what the control evaluates; zero means AWS's default.
	Scope Scope

	problems []*ValidationError
}

// Scope limits the resources a control evaluates: resource ids (1–100,
// with exactly one resource type), resource types, or one tag — at most one
// of the three.
type Scope struct {
	ResourceIDs   []string
	ResourceTypes []backup.ResourceType
	// TagKey and TagValue select resources with that tag; an empty
	// TagValue matches any value of the key.
	TagKey, TagValue string
}

// IsZero reports whether the scope is unset.
func (s Scope) IsZero() bool {
	return len(s.ResourceIDs) == 0 && len(s.ResourceTypes) == 0 && s.TagKey == ""
}

func newControl(name string, params map[string]string) Control {
	return Control{Name: name, Parameters: params}
}

func (c Control) with(field, format string, args ...any) Control {
	c.problems = append(slices.Clone(c.problems), &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	return c
}

// ForResources scopes the control to resource ids (1–100) of one AWS
// Backup resource type, as AWS requires for a resource-id scope.
func (c Control) ForResources(resourceType backup.ResourceType, ids ...string) Control {
	c.Scope = Scope{ResourceTypes: []backup.ResourceType{resourceType}, ResourceIDs: slices.Clone(ids)}
	return c
}

// ForResourceTypes scopes the control to AWS Backup resource types
// ("EBS", "RDS", …).
func (c Control) ForResourceTypes(types ...backup.ResourceType) Control {
	c.Scope = Scope{ResourceTypes: slices.Clone(types)}
	return c
}

// ForTag scopes the control to resources tagged key (=value, when value is
// not empty).
func (c Control) ForTag(key, value string) Control {
	c.Scope = Scope{TagKey: key, TagValue: value}
	return c
}

// ResourcesProtectedByBackupPlan evaluates whether resources are included in
// at least one backup plan. No parameters.
func ResourcesProtectedByBackupPlan() Control {
	return newControl(ControlResourcesProtectedByBackupPlan, nil)
}

// RecoveryPointEncrypted evaluates whether recovery points are encrypted.
func RecoveryPointEncrypted() Control {
	return newControl(ControlRecoveryPointEncrypted, nil)
}

// PlanMinFrequencyAndRetention evaluates whether backup plans back up at
// least every frequency and retain for at least retention. frequency becomes
// requiredFrequencyUnit/Value (whole days 1–31 as "days", else whole hours
// 1–24 as "hours", AWS Config's limits for the rule behind the control);
// retention becomes requiredRetentionDays (whole days 1–36500).
func PlanMinFrequencyAndRetention(frequency, retention time.Duration) Control {
	unit, value, perr := unitParams(frequency, 24)
	c := newControl(ControlPlanMinFrequencyAndMinRetention, map[string]string{
		"requiredFrequencyUnit":  unit,
		"requiredFrequencyValue": value,
	})
	if perr != "" {
		c = c.with("frequency", "%s", perr)
	}
	days, ok := wholeDays(retention)
	if !ok || days < 1 || days > 36500 {
		return c.with("retention", "must be whole days between 1 and 36500, got %v", retention)
	}
	c.Parameters["requiredRetentionDays"] = strconv.Itoa(days)
	return c
}

// RecoveryPointMinimumRetention evaluates whether recovery points are kept at
// least retention (requiredRetentionDays, whole days ≥ 1).
func RecoveryPointMinimumRetention(retention time.Duration) Control {
	c := newControl(ControlRecoveryPointMinimumRetention, map[string]string{})
	days, ok := wholeDays(retention)
	if !ok || days < 1 || days > 36500 {
		return c.with("retention", "must be whole days between 1 and 36500, got %v", retention)
	}
	c.Parameters["requiredRetentionDays"] = strconv.Itoa(days)
	return c
}

// RecoveryPointManualDeletionDisabled evaluates whether vaults prevent manual
// deletion of recovery points, except by up to 5 exempt IAM principals
// (principalArnList).
func RecoveryPointManualDeletionDisabled(exemptPrincipalARNs ...string) Control {
	var params map[string]string
	if len(exemptPrincipalARNs) > 0 {
		params = map[string]string{"principalArnList": strings.Join(exemptPrincipalARNs, ",")}
	}
	c := newControl(ControlRecoveryPointManualDeletionDisabled, params)
	if len(exemptPrincipalARNs) > MaxDeletionPrincipals {
		c = c.with("principalArnList", "at most %d principals, got %d", MaxDeletionPrincipals, len(exemptPrincipalARNs))
	}
	for i, a := range exemptPrincipalARNs {
		if !strings.HasPrefix(a, "arn:") || !strings.Contains(a, ":iam::") {
			c = c.with(fmt.Sprintf("principalArnList[%d]", i), "not an IAM principal ARN: %q", a)
		}
	}
	return c
}

// ResourcesProtectedByCrossRegion evaluates whether resources have copies
// scheduled to one of the Regions (crossRegionList).
func ResourcesProtectedByCrossRegion(regions ...string) Control {
	c := newControl(ControlResourcesProtectedByCrossRegion, map[string]string{"crossRegionList": strings.Join(regions, ",")})
	if len(regions) == 0 {
		c = c.with("crossRegionList", "at least one Region is required")
	}
	for i, r := range regions {
		if !awsid.Region(r) {
			c = c.with(fmt.Sprintf("crossRegionList[%d]", i), "not a Region name: %q", r)
		}
	}
	return c
}

// ResourcesProtectedByCrossAccount evaluates whether resources have copies
// scheduled to one of the accounts (crossAccountList).
func ResourcesProtectedByCrossAccount(accounts ...string) Control {
	c := newControl(ControlResourcesProtectedByCrossAccount, map[string]string{"crossAccountList": strings.Join(accounts, ",")})
	if len(accounts) == 0 {
		c = c.with("crossAccountList", "at least one account is required")
	}
	for i, a := range accounts {
		if !isAccountID(a) {
			c = c.with(fmt.Sprintf("crossAccountList[%d]", i), "not a 12-digit account id: %q", a)
		}
	}
	return c
}

// ResourcesProtectedByVaultLock evaluates whether resources have backups in
// a locked vault whose lock retention lies within [minRetention,
// maxRetention] (minRetentionDays / maxRetentionDays; a zero bound is left
// to AWS's default).
func ResourcesProtectedByVaultLock(minRetention, maxRetention time.Duration) Control {
	c := newControl(ControlResourcesProtectedByVaultLock, map[string]string{})
	var minD, maxD int
	if minRetention != 0 {
		d, ok := wholeDays(minRetention)
		if !ok || d < 1 {
			c = c.with("minRetentionDays", "must be whole days ≥ 1, got %v", minRetention)
		}
		minD = d
		c.Parameters["minRetentionDays"] = strconv.Itoa(d)
	}
	if maxRetention != 0 {
		d, ok := wholeDays(maxRetention)
		if !ok || d < 1 || d > 36500 {
			c = c.with("maxRetentionDays", "must be whole days between 1 and 36500, got %v", maxRetention)
		}
		maxD = d
		c.Parameters["maxRetentionDays"] = strconv.Itoa(d)
	}
	if minD > 0 && maxD > 0 && maxD < minD {
		c = c.with("maxRetentionDays", "must be ≥ minRetentionDays (%d), got %d", minD, maxD)
	}
	if len(c.Parameters) == 0 {
		c.Parameters = nil
	}
	return c
}

// LastRecoveryPointCreated evaluates whether a recovery point was created
// within maxAge (recoveryPointAgeUnit/Value: whole days 1–31 as "days",
// else whole hours 1–744 as "hours").
func LastRecoveryPointCreated(maxAge time.Duration) Control {
	return ageControl(ControlLastRecoveryPointCreated, maxAge)
}

// ResourcesInLogicallyAirGappedVault evaluates whether resources have a
// recovery point in a logically air-gapped vault created within maxAge.
func ResourcesInLogicallyAirGappedVault(maxAge time.Duration) Control {
	return ageControl(ControlResourcesInLogicallyAirGappedVault, maxAge)
}

func ageControl(name string, maxAge time.Duration) Control {
	unit, value, perr := unitParams(maxAge, 744)
	c := newControl(name, map[string]string{"recoveryPointAgeUnit": unit, "recoveryPointAgeValue": value})
	if perr != "" {
		c = c.with("recoveryPointAge", "%s", perr)
	}
	return c
}

// RestoreTimeMeetsTarget evaluates whether restores finish within maxTime
// (maxRestoreTime, whole minutes ≥ 1).
func RestoreTimeMeetsTarget(maxTime time.Duration) Control {
	mins := int(maxTime / time.Minute)
	c := newControl(ControlRestoreTimeMeetsTarget, map[string]string{"maxRestoreTime": strconv.Itoa(mins)})
	if maxTime%time.Minute != 0 || mins < 1 {
		c = c.with("maxRestoreTime", "must be whole minutes ≥ 1, got %v", maxTime)
	}
	return c
}

// unitParams maps a duration to AWS's unit/value pair: whole days 1–31 →
// "days", else whole hours 1–maxHours → "hours".
func unitParams(d time.Duration, maxHours int) (unit, value, problem string) {
	if days, ok := wholeDays(d); ok && days >= 1 && days <= 31 {
		return "days", strconv.Itoa(days), ""
	}
	if d%time.Hour == 0 && d >= time.Hour && d <= time.Duration(maxHours)*time.Hour {
		return "hours", strconv.Itoa(int(d / time.Hour)), ""
	}
	return "hours", strconv.Itoa(int(d / time.Hour)), fmt.Sprintf("must be whole hours 1–%d or whole days 1–31, got %v", maxHours, d)
}

func wholeDays(d time.Duration) (int, bool) {
	const day = 24 * time.Hour
	if d%day != 0 {
		return int(d / day), false
	}
	return int(d / day), true
}

// validate checks the control (at index i) and its scope.
func (c Control) validate(i int, ps *problems) {
	prefix := fmt.Sprintf("Controls[%d]", i)
	for _, p := range c.problems {
		*ps = append(*ps, &ValidationError{Field: prefix + "." + p.Field, Reason: p.Reason})
	}
	// AWS's rules for the parameters as sent (internal/audit, which the
	// emulator's CreateFramework uses too); the typed constructors above
	// name their own problems first.
	if len(c.problems) == 0 && c.Name != "" {
		if !audit.IsControl(c.Name) {
			ps.add(prefix+".Name", "%q is not a Backup Audit Manager control: allowed %s", c.Name, strings.Join(audit.ControlNames(), ", "))
		}
		for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
			problem, known := audit.ControlParam(c.Name, name, c.Parameters[name], c.Parameters)
			switch {
			case audit.IsControl(c.Name) && !known:
				ps.add(prefix+".Parameters."+name, "is not a parameter of %s", c.Name)
			case problem != "":
				ps.add(prefix+".Parameters."+name, "%s", problem)
			}
		}
		if problem := audit.ControlParamsAgree(c.Parameters); problem != "" {
			ps.add(prefix+".Parameters", "%s", problem)
		}
	}
	if c.Name == "" || len(c.Name) > 256 {
		ps.add(prefix+".Name", "must be 1–256 characters")
	}
	s := c.Scope
	set := 0
	if len(s.ResourceIDs) > 0 && len(s.ResourceTypes) != 1 {
		ps.add(prefix+".Scope.ResourceTypes", "resource ids need exactly one resource type, got %d", len(s.ResourceTypes))
	}
	if len(s.ResourceIDs) > 0 || len(s.ResourceTypes) > 0 {
		set++
	}
	if s.TagKey != "" {
		set++
	}
	if set > 1 {
		ps.add(prefix+".Scope", "use one of resource ids, resource types or a tag")
	}
	if len(s.ResourceIDs) > MaxScopeResourceIDs {
		ps.add(prefix+".Scope.ResourceIDs", "at most %d, got %d", MaxScopeResourceIDs, len(s.ResourceIDs))
	}
	for j, t := range s.ResourceTypes {
		if _, err := backup.ParseResourceType(string(t)); err != nil {
			ps.add(fmt.Sprintf("%s.Scope.ResourceTypes[%d]", prefix, j), "unknown AWS Backup resource type %q", t)
		}
	}
	if s.TagKey == "" && s.TagValue != "" {
		ps.add(prefix+".Scope.TagKey", "required with a tag value")
	}
}

// toSDK renders the control for CreateFramework/UpdateFramework, with
// parameters sorted by name so equal controls render equally.
func (c Control) toSDK() types.FrameworkControl {
	fc := types.FrameworkControl{ControlName: aws.String(c.Name)}
	keys := slices.Sorted(maps.Keys(c.Parameters))
	for _, k := range keys {
		fc.ControlInputParameters = append(fc.ControlInputParameters, types.ControlInputParameter{ParameterName: aws.String(k), ParameterValue: aws.String(c.Parameters[k])})
	}
	if !c.Scope.IsZero() {
		sc := &types.ControlScope{ComplianceResourceIds: slices.Clone(c.Scope.ResourceIDs), ComplianceResourceTypes: typeStrings(c.Scope.ResourceTypes)}
		if c.Scope.TagKey != "" {
			sc.Tags = map[string]string{c.Scope.TagKey: c.Scope.TagValue}
		}
		fc.ControlScope = sc
	}
	return fc
}

// ControlFromSDK converts a control read back from DescribeFramework.
func ControlFromSDK(fc types.FrameworkControl) Control {
	c := Control{Name: aws.ToString(fc.ControlName)}
	for _, p := range fc.ControlInputParameters {
		if c.Parameters == nil {
			c.Parameters = map[string]string{}
		}
		c.Parameters[aws.ToString(p.ParameterName)] = aws.ToString(p.ParameterValue)
	}
	if sc := fc.ControlScope; sc != nil {
		c.Scope.ResourceIDs = slices.Clone(sc.ComplianceResourceIds)
		c.Scope.ResourceTypes = typesOf(sc.ComplianceResourceTypes)
		for k, v := range sc.Tags {
			c.Scope.TagKey, c.Scope.TagValue = k, v
		}
	}
	return c
}

// key is a canonical string for comparing controls regardless of parameter
// and scope order.
func (c Control) key() string {
	var b strings.Builder
	b.WriteString(c.Name)
	for _, k := range slices.Sorted(maps.Keys(c.Parameters)) {
		fmt.Fprintf(&b, "|%s=%s", k, c.Parameters[k])
	}
	ids := slices.Clone(c.Scope.ResourceIDs)
	sort.Strings(ids)
	ts := typeStrings(c.Scope.ResourceTypes)
	sort.Strings(ts)
	fmt.Fprintf(&b, "|ids=%s|types=%s|tag=%s=%s", strings.Join(ids, ","), strings.Join(ts, ","), c.Scope.TagKey, c.Scope.TagValue)
	return b.String()
}

func typeStrings(ts []backup.ResourceType) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func typesOf(ss []string) []backup.ResourceType {
	if ss == nil {
		return nil
	}
	out := make([]backup.ResourceType, len(ss))
	for i, s := range ss {
		out[i] = backup.ResourceType(s)
	}
	return out
}
