package lifecycle

import (
	"strings"
	"testing"

	"github.com/backupkit/backupkit/internal/problem"
)

func d(n int64) *int64 { return &n }

// TestCheck is the lifecycle rule.
func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		l          *Lifecycle
		continuous bool
		field      string // "" means valid
		reason     string
	}{
		{"no lifecycle", nil, false, "", ""},
		// hashicorp/terraform-provider-aws#7350 (comment): DeleteAfterDays
		// alone, without cold storage, is accepted by AWS.
		{"delete only", &Lifecycle{DeleteAfterDays: d(15)}, false, "", ""},
		// API_Lifecycle: DeleteAfterDays "must be at least 90 days after"
		// MoveToColdStorageAfterDays.
		{"cold then delete 90 later", &Lifecycle{MoveToColdStorageAfterDays: d(30), DeleteAfterDays: d(120)}, false, "", ""},
		{"delete too soon after cold", &Lifecycle{MoveToColdStorageAfterDays: d(30), DeleteAfterDays: d(119)}, false, "DeleteAfterDays", "at least 90 days after"},
		// AWS's answer "DeleteAfterDays cannot be less than 1 or more than
		// 36500 days" (hashicorp/terraform-provider-aws#24960).
		{"zero days", &Lifecycle{DeleteAfterDays: d(0)}, false, "DeleteAfterDays", "must be 1-36500"},
		{"over 100 years", &Lifecycle{DeleteAfterDays: d(36501)}, false, "DeleteAfterDays", "must be 1-36500"},
		{"cold over 100 years", &Lifecycle{MoveToColdStorageAfterDays: d(36501)}, false, "MoveToColdStorageAfterDays", "must be 1-36500"},
		// API_Lifecycle: "specify -1 for MoveToColdStorageAfterDays and
		// DeleteAfterDays" to keep recovery points indefinitely.
		{"-1 in both", &Lifecycle{MoveToColdStorageAfterDays: d(-1), DeleteAfterDays: d(-1)}, false, "", ""},
		{"-1 delete alone", &Lifecycle{DeleteAfterDays: d(-1)}, false, "DeleteAfterDays", "only with -1 in both"},
		{"-1 cold with delete 30", &Lifecycle{MoveToColdStorageAfterDays: d(-1), DeleteAfterDays: d(30)}, false, "MoveToColdStorageAfterDays", "only with -1 in both"},
		{"-2", &Lifecycle{DeleteAfterDays: d(-2)}, false, "DeleteAfterDays", "must be 1-36500"},
		// API_Lifecycle DeleteAfterEvent: "Not valid as an input."
		{"DeleteAfterEvent", &Lifecycle{DeleteAfterDays: d(7), DeleteAfterEvent: "DELETE_AFTER_COPY"}, false, "DeleteAfterEvent", "not valid as an input"},
		// point-in-time-recovery-retention-period: 1 to 35 days.
		{"continuous 35 days", &Lifecycle{DeleteAfterDays: d(35)}, true, "", ""},
		{"continuous 36 days", &Lifecycle{DeleteAfterDays: d(36)}, true, "DeleteAfterDays", "kept 1-35 days"},
		{"continuous forever", &Lifecycle{MoveToColdStorageAfterDays: d(-1), DeleteAfterDays: d(-1)}, true, "DeleteAfterDays", "kept 1-35 days"},
		// aws/aws-cdk#17602: CloudFormation answers "Lifecycle must be
		// specified for backup rule enabled continuous backup".
		{"continuous without lifecycle", nil, true, "DeleteAfterDays", "Lifecycle must be specified"},
		{"continuous without DeleteAfterDays", &Lifecycle{}, true, "DeleteAfterDays", "Lifecycle must be specified"},
		// lgallard/terraform-aws-backup#40: "Invalid lifecycle.
		// MoveToColdStorageAfterDays is unavailable" for a continuous rule.
		{"continuous cold storage", &Lifecycle{MoveToColdStorageAfterDays: d(7), DeleteAfterDays: d(30)}, true, "MoveToColdStorageAfterDays", "is unavailable"},
		// The archive tier follows cold storage (API_Lifecycle
		// OptInToArchiveForSupportedResources), which continuous backups
		// do not have.
		{"continuous archive", &Lifecycle{DeleteAfterDays: d(30), OptInToArchive: true}, true, "OptInToArchiveForSupportedResources", "archive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expect(t, Check(tt.l, tt.continuous), tt.field, tt.reason)
		})
	}
}

// TestRuleWindows is the window rule of backup plan rules.
func TestRuleWindows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		start, completion *int64
		field, reason     string
	}{
		{"defaults", nil, nil, "", ""},
		// cloudposse/terraform-aws-backup (README, completion_window):
		// "Must be at least 60 minutes greater than start_window".
		{"60 more than start", d(60), d(120), "", ""},
		{"60/60", d(60), d(60), "CompletionWindowMinutes", "at least 60 minutes longer"},
		// The same rule against AWS's default start window of 480 minutes
		// (API_BackupRuleInput StartWindowMinutes).
		{"1 minute with the default start window", nil, d(1), "CompletionWindowMinutes", "480 minutes, AWS's default"},
		{"540 with the default start window", nil, d(540), "", ""},
		// API_BackupRuleInput StartWindowMinutes: "at least 60 minutes".
		{"start 59", d(59), nil, "StartWindowMinutes", "at least 60"},
		// A start window longer than the default completion window needs
		// its own completion window.
		{"start beyond the default completion", d(10080), nil, "CompletionWindowMinutes", "at least 60 minutes longer"},
		{"100 years", d(60), d(MaxWindow + 1), "CompletionWindowMinutes", "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expect(t, CheckRuleWindows(tt.start, tt.completion), tt.field, tt.reason)
		})
	}
}

// TestJobWindows is the window rule of on-demand jobs (API_StartBackupJob).
func TestJobWindows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		start, completion *int64
		field, reason     string
	}{
		{"none", nil, nil, "", ""},
		{"completion alone", nil, d(30), "", ""},
		// "If this value is included, it must be at least 60 minutes".
		{"start 30", d(30), nil, "StartWindowMinutes", "at least 60"},
		// The completion window counts from the scheduled time.
		{"completion shorter than start", d(120), d(60), "CompleteWindowMinutes", "not be shorter"},
		{"completion zero", nil, d(0), "CompleteWindowMinutes", "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expect(t, CheckJobWindows(tt.start, tt.completion), tt.field, tt.reason)
		})
	}
}

func expect(t *testing.T, got problem.List, field, reason string) {
	t.Helper()
	if field == "" {
		if len(got) != 0 {
			t.Fatalf("problems = %v; want none", got)
		}
		return
	}
	for _, p := range got {
		if p.Field == field && strings.Contains(p.Reason, reason) {
			return
		}
	}
	t.Fatalf("problems = %v; want %s: …%s…", got, field, reason)
}

// TestLock is the Vault Lock rule (API_PutBackupVaultLockConfiguration).
func TestLock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		minD, maxD, changeFor *int64
		field, reason         string
	}{
		// MinRetentionDays and MaxRetentionDays: "Required: No"; "If this
		// parameter is not specified, Vault Lock will not enforce a minimum
		// retention period."
		{"neither bound", nil, nil, nil, "", ""},
		{"minimum only", d(7), nil, nil, "", ""},
		{"maximum only", nil, d(365), nil, "", ""},
		// "The shortest minimum retention period you can specify is 1 day."
		{"minimum 0", d(0), nil, nil, "MinRetentionDays", "must be 1-36500"},
		{"maximum below minimum", d(30), d(7), nil, "MaxRetentionDays", "not be less than MinRetentionDays"},
		{"maximum over 100 years", nil, d(36501), nil, "MaxRetentionDays", "must be 1-36500"},
		// ChangeableForDays: "you must set ChangeableForDays to 3 or greater."
		{"changeable 2 days", nil, nil, d(2), "ChangeableForDays", "must be 3-36500"},
		{"compliance", d(7), d(35), d(3), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expect(t, CheckLock(tt.minD, tt.maxD, tt.changeFor), tt.field, tt.reason)
		})
	}
}

// TestAirGapped is the retention rule of logically air-gapped vaults
// (API_CreateLogicallyAirGappedBackupVault: both bounds required, the
// minimum at least 7 days).
func TestAirGapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		minD, maxD    *int64
		field, reason string
	}{
		{"7 to 35", d(7), d(35), "", ""},
		{"no minimum", nil, d(35), "MinRetentionDays", "is required"},
		{"no maximum", d(7), nil, "MaxRetentionDays", "is required"},
		{"minimum 6", d(6), d(35), "MinRetentionDays", "must be 7-36500"},
		{"maximum below minimum", d(30), d(10), "MaxRetentionDays", "not be less than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expect(t, CheckAirGapped(tt.minD, tt.maxD), tt.field, tt.reason)
		})
	}
}
