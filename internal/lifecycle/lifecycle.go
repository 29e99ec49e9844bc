// Package lifecycle holds AWS Backup's retention and window rules: which
// Lifecycle values AWS accepts (days, the 90-day cold-storage minimum, the
// -1 "keep forever" form, continuous backup's 1-35 days), AWS's default
// start and completion windows, and the limits on both. backup.Lifecycle,
// plan rules and the backuptest emulator (CreateBackupPlan,
// StartBackupJob, StartCopyJob) all check with it.
//
// Sources: the AWS Backup API reference (API_Lifecycle,
// API_BackupRuleInput, API_StartBackupJob), the developer guide
// ("Continuous backups and point-in-time recovery", "Changing your
// retention period"), and, where AWS's pages are silent, what AWS answers
// as reported by widely used modules (cited where used).
package lifecycle

import (
	"github.com/backupkit/backupkit/internal/problem"
)

// Limits, in days.
const (
	// MaxDays bounds DeleteAfterDays and MoveToColdStorageAfterDays: AWS
	// answers "DeleteAfterDays cannot be less than 1 or more than 36500
	// days" (hashicorp/terraform-provider-aws#24960).
	MaxDays = 36500
	// MinColdDays is how long a recovery point stays in cold storage at
	// least: DeleteAfterDays "must be at least 90 days after the number of
	// days specified in MoveToColdStorageAfterDays" (API_Lifecycle).
	MinColdDays = 90
	// MaxContinuousDays bounds a continuous backup's retention: "The
	// minimum retention period is 1 day. The maximum retention period is
	// 35 days." (point-in-time-recovery-retention-period).
	MaxContinuousDays = 35
	// Forever is the -1 of "To remove the existing lifecycle and retention
	// periods and keep your recovery points indefinitely, specify -1 for
	// MoveToColdStorageAfterDays and DeleteAfterDays" (API_Lifecycle).
	Forever = -1
)

// Window limits and defaults, in minutes.
const (
	// DefaultStartWindow is AWS's start window when a rule or job sets none
	// (API_BackupRuleInput StartWindowMinutes; API_StartBackupJob: "the
	// default is 8 hours").
	DefaultStartWindow = 480
	// DefaultCompletionWindow is AWS's completion window of a rule that sets
	// none: 7 days (what GetBackupPlan returns for such a rule).
	DefaultCompletionWindow = 10080
	// MinStartWindow: "If this value is included, it must be at least 60
	// minutes to avoid errors" (API_BackupRuleInput, API_StartBackupJob).
	MinStartWindow = 60
	// MinCompletionAfterStart: a rule's completion window must be at least
	// 60 minutes longer than its start window. AWS's API reference does not
	// state it; it is AWS's answer as cloudposse/terraform-aws-backup
	// documents it ("Must be at least 60 minutes greater than
	// start_window").
	MinCompletionAfterStart = 60
	// MaxWindow bounds both windows: 100 years.
	MaxWindow = 100 * 365 * 24 * 60
)

// Lifecycle is a lifecycle as AWS reads it, in days; nil means "not set".
type Lifecycle struct {
	MoveToColdStorageAfterDays *int64
	DeleteAfterDays            *int64
	OptInToArchive             bool
	// DeleteAfterEvent is AWS's output-only member; any value on input is
	// refused.
	DeleteAfterEvent string
}

// Check returns every rule l breaks, with field paths relative to the
// lifecycle. continuous says the lifecycle belongs to a continuous-backup
// rule; l may then be nil, which AWS refuses.
func Check(l *Lifecycle, continuous bool) problem.List {
	var ps problem.List
	if l == nil {
		if continuous {
			// CloudFormation's answer, quoted in aws/aws-cdk#17602.
			ps.Invalid("DeleteAfterDays", "Lifecycle must be specified for backup rule enabled continuous backup: set DeleteAfterDays to 1-%d", MaxContinuousDays)
		}
		return ps
	}
	if l.DeleteAfterEvent != "" {
		// API_Lifecycle DeleteAfterEvent: "Not valid as an input."
		ps.Invalid("DeleteAfterEvent", "is output only (API_Lifecycle: not valid as an input), got %q", l.DeleteAfterEvent)
	}
	cold, del := l.MoveToColdStorageAfterDays, l.DeleteAfterDays
	if continuous {
		checkContinuous(&ps, l)
		return ps
	}
	coldForever := cold != nil && *cold == Forever
	delForever := del != nil && *del == Forever
	switch {
	case coldForever && delForever:
		return ps // the documented "keep indefinitely" form
	case coldForever || delForever:
		ps.Invalid(foreverField(coldForever), "-1 keeps recovery points forever only with -1 in both MoveToColdStorageAfterDays and DeleteAfterDays (API_Lifecycle)")
		return ps
	}
	okCold := checkDays(&ps, "MoveToColdStorageAfterDays", cold)
	okDel := checkDays(&ps, "DeleteAfterDays", del)
	if okCold && okDel && cold != nil && del != nil && *del < *cold+MinColdDays {
		ps.Invalid("DeleteAfterDays", "must be at least %d days after MoveToColdStorageAfterDays (cold storage lasts at least 90 days): cold after %d, so delete after %d or more, got %d",
			MinColdDays, *cold, *cold+MinColdDays, *del)
	}
	return ps
}

func foreverField(cold bool) string {
	if cold {
		return "MoveToColdStorageAfterDays"
	}
	return "DeleteAfterDays"
}

func checkDays(ps *problem.List, field string, d *int64) bool {
	if d == nil {
		return true
	}
	if *d < 1 || *d > MaxDays {
		ps.Invalid(field, "must be 1-%d days, or -1 in both fields to keep forever, got %d", MaxDays, *d)
		return false
	}
	return true
}

// checkContinuous: a continuous rule keeps its points 1-35 days, without
// cold storage (AWS answers "Invalid lifecycle.
// MoveToColdStorageAfterDays is unavailable", lgallard/terraform-aws-backup#40;
// aws/aws-cdk#17602) and so without the archive tier, which follows
// MoveToColdStorageAfterDays (API_Lifecycle OptInToArchiveForSupportedResources).
func checkContinuous(ps *problem.List, l *Lifecycle) {
	switch d := l.DeleteAfterDays; {
	case d == nil:
		ps.Invalid("DeleteAfterDays", "Lifecycle must be specified for backup rule enabled continuous backup: set DeleteAfterDays to 1-%d", MaxContinuousDays)
	case *d < 1 || *d > MaxContinuousDays:
		ps.Invalid("DeleteAfterDays", "continuous backups are kept 1-%d days, got %d", MaxContinuousDays, *d)
	}
	if l.MoveToColdStorageAfterDays != nil {
		ps.Invalid("MoveToColdStorageAfterDays", "Invalid lifecycle. MoveToColdStorageAfterDays is unavailable: continuous backups cannot move to cold storage")
	}
	if l.OptInToArchive {
		ps.Invalid("OptInToArchiveForSupportedResources", "continuous backups cannot move to the archive tier")
	}
}

// CheckRuleWindows checks a backup plan rule's StartWindowMinutes and
// CompletionWindowMinutes (nil: AWS's default). Field paths are the member
// names.
func CheckRuleWindows(start, completion *int64) problem.List {
	var ps problem.List
	okStart := checkWindow(&ps, "StartWindowMinutes", start, MinStartWindow)
	okComp := checkWindow(&ps, "CompletionWindowMinutes", completion, 1)
	if okStart && okComp {
		s, c := orDefault(start, DefaultStartWindow), orDefault(completion, DefaultCompletionWindow)
		if c < s+MinCompletionAfterStart {
			ps.Invalid("CompletionWindowMinutes", "must be at least %d minutes longer than the start window (%d minutes%s), got %d",
				MinCompletionAfterStart, s, defaultNote(start), c)
		}
	}
	return ps
}

// CheckJobWindows checks an on-demand job's StartWindowMinutes and
// CompleteWindowMinutes (nil: not set). API_StartBackupJob: the completion
// window "begins counting down from when the backup was scheduled. It does
// not add additional time for StartWindowMinutes", so when both are set a
// completion window shorter than the start window is refused: it would
// cancel jobs AWS may still start. (The rule of plan rules, 60 minutes
// more than the start window, is not documented for on-demand jobs.)
func CheckJobWindows(start, completion *int64) problem.List {
	var ps problem.List
	okStart := checkWindow(&ps, "StartWindowMinutes", start, MinStartWindow)
	okComp := checkWindow(&ps, "CompleteWindowMinutes", completion, 1)
	if okStart && okComp && start != nil && completion != nil && *completion < *start {
		ps.Invalid("CompleteWindowMinutes", "must not be shorter than the start window (%d minutes), got %d", *start, *completion)
	}
	return ps
}

func checkWindow(ps *problem.List, field string, m *int64, minimum int64) bool {
	switch {
	case m == nil:
	case *m < minimum:
		ps.Invalid(field, "must be at least %d minutes, got %d", minimum, *m)
	case *m > MaxWindow:
		ps.Invalid(field, "must be at most %d minutes (100 years), got %d", MaxWindow, *m)
	default:
		return true
	}
	return m == nil
}

func orDefault(m *int64, def int64) int64 {
	if m == nil {
		return def
	}
	return *m
}

func defaultNote(m *int64) string {
	if m == nil {
		return ", AWS's default"
	}
	return ""
}

// Vault Lock limits, in days (API_PutBackupVaultLockConfiguration).
const (
	// MinChangeableDays: "AWS Backup enforces a 72-hour cooling-off
	// period … you must set ChangeableForDays to 3 or greater."
	MinChangeableDays = 3
)

// CheckLock checks a Vault Lock configuration (nil: not set). Both
// retention bounds are optional: "If this parameter is not specified,
// Vault Lock will not enforce a minimum retention period" (and likewise a
// maximum; API_PutBackupVaultLockConfiguration). Each is 1-36,500 days,
// the maximum not below the minimum; ChangeableForDays is at least 3.
func CheckLock(minDays, maxDays, changeableDays *int64) problem.List {
	var ps problem.List
	checkLockDays(&ps, "MinRetentionDays", minDays, 1)
	okMax := checkLockDays(&ps, "MaxRetentionDays", maxDays, 1)
	if okMax && minDays != nil && maxDays != nil && *maxDays < *minDays {
		ps.Invalid("MaxRetentionDays", "must not be less than MinRetentionDays (%d), got %d", *minDays, *maxDays)
	}
	checkLockDays(&ps, "ChangeableForDays", changeableDays, MinChangeableDays)
	return ps
}

func checkLockDays(ps *problem.List, field string, d *int64, minimum int64) bool {
	if d == nil || (*d >= minimum && *d <= MaxDays) {
		return true
	}
	ps.Invalid(field, "must be %d-%d days, got %d", minimum, MaxDays, *d)
	return false
}

// MinAirGappedDays is the least MinRetentionDays of a logically air-gapped
// vault (API_CreateLogicallyAirGappedBackupVault: "The minimum value
// accepted is 7 days").
const MinAirGappedDays = 7

// CheckAirGapped checks the retention bounds of a logically air-gapped
// vault (API_CreateLogicallyAirGappedBackupVault): both are required,
// MinRetentionDays at least 7, MaxRetentionDays at most 36,500 and not
// below the minimum.
func CheckAirGapped(minDays, maxDays *int64) problem.List {
	var ps problem.List
	if minDays == nil {
		ps.Missing("MinRetentionDays")
	}
	okMin := checkLockDays(&ps, "MinRetentionDays", minDays, MinAirGappedDays)
	if maxDays == nil {
		ps.Missing("MaxRetentionDays")
	}
	okMax := checkLockDays(&ps, "MaxRetentionDays", maxDays, MinAirGappedDays)
	if okMin && okMax && minDays != nil && maxDays != nil && *maxDays < *minDays {
		ps.Invalid("MaxRetentionDays", "must not be less than MinRetentionDays (%d), got %d", *minDays, *maxDays)
	}
	return ps
}
