package audit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/backupkit/backupkit/internal/lifecycle"
)

// param is one input parameter of a Backup Audit Manager control.
type param struct {
	lo, hi   int            // a whole number lo–hi (hi 0: not a number)
	byUnit   string         // the unit parameter whose value sets hi
	hiByUnit map[string]int // unit value → hi
	enum     []string       // allowed values
	maxItems int            // a comma-separated list of at most maxItems (0: any)
}

// AWS Config's managed rules behind the controls (developer guide
// "backup-plan-min-frequency-and-min-retention-check":
// requiredFrequencyValue "Maximum of 24 for hours, 31 for days",
// requiredFrequencyUnit 'hours' or 'days', default days;
// "backup-recovery-point-manual-deletion-disabled": principalArnList;
// the recovery point age controls take recoveryPointAgeUnit hours or days,
// with values 1–744 hours or 1–31 days). Retention days are
// internal/lifecycle's 1–36500.
var (
	frequencyUnit = param{enum: []string{"hours", "days"}}
	ageUnit       = param{enum: []string{"hours", "days"}}
	retention     = param{lo: 1, hi: lifecycle.MaxDays}
	controls      = map[string]map[string]param{
		"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN": {},
		"BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK": {
			"requiredFrequencyUnit":  frequencyUnit,
			"requiredFrequencyValue": {lo: 1, byUnit: "requiredFrequencyUnit", hiByUnit: map[string]int{"hours": 24, "days": 31}},
			"requiredRetentionDays":  retention,
		},
		"BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK":  {"requiredRetentionDays": retention},
		"BACKUP_RECOVERY_POINT_ENCRYPTED":                {},
		"BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED": {"principalArnList": {maxItems: MaxExemptPrincipals}},
		"BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION":     {"crossRegionList": {}},
		"BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT":    {"crossAccountList": {}},
		"BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK": {
			"minRetentionDays": retention,
			"maxRetentionDays": retention,
		},
		"BACKUP_LAST_RECOVERY_POINT_CREATED": {
			"recoveryPointAgeUnit":  ageUnit,
			"recoveryPointAgeValue": {lo: 1, byUnit: "recoveryPointAgeUnit", hiByUnit: map[string]int{"hours": 744, "days": 31}},
		},
		"RESTORE_TIME_FOR_RESOURCES_MEET_TARGET": {"maxRestoreTime": {lo: 1, hi: 1 << 30}},
		"RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT": {
			"recoveryPointAgeUnit":  ageUnit,
			"recoveryPointAgeValue": {lo: 1, byUnit: "recoveryPointAgeUnit", hiByUnit: map[string]int{"hours": 744, "days": 31}},
		},
	}
)

// MaxExemptPrincipals is the most principals principalArnList takes.
const MaxExemptPrincipals = 5

// ControlNames returns the Backup Audit Manager control names, sorted.
func ControlNames() []string {
	names := make([]string, 0, len(controls))
	for n := range controls {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// IsControl reports whether name is a Backup Audit Manager control.
func IsControl(name string) bool {
	_, ok := controls[name]
	return ok
}

// ControlParam checks input parameter name = value of control, whose
// parameters are all (a value bounded by a unit reads the unit there;
// AWS's default unit is days). known is false when the control has no
// such parameter; problem is "" when the value is valid.
func ControlParam(control, name, value string, all map[string]string) (problem string, known bool) {
	p, ok := controls[control][name]
	if !ok {
		return "", false
	}
	hi := p.hi
	if p.byUnit != "" {
		unit := all[p.byUnit]
		if unit == "" {
			unit = "days"
		}
		hi = p.hiByUnit[unit]
		if hi == 0 {
			return "", true // the unit parameter reports its own problem
		}
	}
	switch {
	case p.enum != nil:
		if !slices.Contains(p.enum, value) {
			return fmt.Sprintf("%q is not one of %s", value, strings.Join(p.enum, ", ")), true
		}
	case hi > 0:
		n, err := strconv.Atoi(value)
		if err != nil || n < p.lo || n > hi {
			unit := ""
			if p.byUnit != "" {
				unit = " " + all[p.byUnit]
				if all[p.byUnit] == "" {
					unit = " days"
				}
			}
			return fmt.Sprintf("%q: want a whole number %d to %d%s", value, p.lo, hi, unit), true
		}
	case p.maxItems > 0:
		if n := len(strings.Split(value, ",")); n > p.maxItems {
			return fmt.Sprintf("lists %d items: at most %d allowed", n, p.maxItems), true
		}
	}
	return "", true
}

// ControlParamsAgree checks the rules between a control's parameters:
// maxRetentionDays is not less than minRetentionDays. It returns "" when
// they agree.
func ControlParamsAgree(all map[string]string) string {
	lo, err1 := strconv.Atoi(all["minRetentionDays"])
	hi, err2 := strconv.Atoi(all["maxRetentionDays"])
	if err1 == nil && err2 == nil && hi < lo {
		return fmt.Sprintf("maxRetentionDays %d is less than minRetentionDays %d", hi, lo)
	}
	return ""
}
