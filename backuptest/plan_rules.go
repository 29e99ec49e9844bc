package backuptest

// Backup rules: their checks, AWS's defaults, their schedules and the
// ScheduledRunsPreview of GetBackupPlan.
//
// ScheduleExpression is read by the library's cron rule (internal/cron):
// six fields, exactly one of day-of-month/day-of-week `?`, at most one run
// an hour; rate() and at() expressions are refused. ScheduledRunsPreview
// (GetBackupPlan with MaxScheduledRunsPreview) and scheduled plan runs use
// the same rule in each rule's time zone: a time that falls into a
// daylight-saving gap does not run that day, a repeated time runs once.
//
// Known difference: a continuous-backup rule's preview runs are
// CONTINUOUS_AND_SNAPSHOTS.
//
// Known difference: rules without StartWindowMinutes, CompletionWindowMinutes,
// ScheduleExpression or ScheduleExpressionTimezone come back with AWS's
// defaults filled in (480, 10080, cron(0 5 ? * * *), Etc/UTC).

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/lifecycle"
	"github.com/backupkit/backupkit/internal/limits"
)

func checkRule(rf string, r *types.BackupRuleInput) error {
	if r.RuleName == nil || *r.RuleName == "" {
		return missingParam(rf + ".RuleName")
	}
	if limits.BackupName(*r.RuleName) != "" {
		return invalidParam("%s.RuleName %q is invalid: use 1 to 50 letters, digits, hyphens, underscores and periods", rf, *r.RuleName)
	}
	if r.TargetBackupVaultName == nil || *r.TargetBackupVaultName == "" {
		return missingParam(rf + ".TargetBackupVaultName")
	}
	if limits.VaultName(*r.TargetBackupVaultName) != "" {
		return invalidParam("%s.TargetBackupVaultName %q is invalid: use 2 to 50 letters, digits, hyphens and underscores", rf, *r.TargetBackupVaultName)
	}
	if r.TargetLogicallyAirGappedBackupVaultArn != nil && limits.VaultARN(*r.TargetLogicallyAirGappedBackupVaultArn) != "" {
		return invalidParam("%s.TargetLogicallyAirGappedBackupVaultArn %q is not a backup vault ARN", rf, *r.TargetLogicallyAirGappedBackupVaultArn)
	}
	if r.ScheduleExpression != nil {
		if err := checkCron(*r.ScheduleExpression); err != nil {
			return invalidParam("%s.ScheduleExpression %q is invalid: %v", rf, *r.ScheduleExpression, err)
		}
	}
	if r.ScheduleExpressionTimezone != nil {
		if !validTimezone(*r.ScheduleExpressionTimezone) {
			return invalidParam("%s.ScheduleExpressionTimezone %q is not an IANA time zone name", rf, *r.ScheduleExpressionTimezone)
		}
	}
	if err := problemErr(rf, lifecycle.CheckRuleWindows(r.StartWindowMinutes, r.CompletionWindowMinutes)); err != nil {
		return err
	}
	if err := problemErr(rf+".Lifecycle", lifecycle.Check(ruleLifecycle(r.Lifecycle), aws.ToBool(r.EnableContinuousBackup))); err != nil {
		return err
	}
	if len(r.CopyActions) > maxCopyActionsPerRule {
		return apiErr(CodeLimitExceeded, "%s.CopyActions has %d copy actions: a rule can have at most %d", rf, len(r.CopyActions), maxCopyActionsPerRule)
	}
	for j, ca := range r.CopyActions {
		cf := fmt.Sprintf("%s.CopyActions[%d]", rf, j)
		if ca.DestinationBackupVaultArn == nil || *ca.DestinationBackupVaultArn == "" {
			return missingParam(cf + ".DestinationBackupVaultArn")
		}
		if limits.VaultARN(*ca.DestinationBackupVaultArn) != "" {
			return invalidParam("%s.DestinationBackupVaultArn %q is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)", cf, *ca.DestinationBackupVaultArn)
		}
		if ca.Lifecycle != nil {
			if err := problemErr(cf+".Lifecycle", lifecycle.Check(ruleLifecycle(ca.Lifecycle), false)); err != nil {
				return err
			}
		}
	}
	for j, a := range r.ScanActions {
		if err := problemErr(fmt.Sprintf("%s.ScanActions[%d]", rf, j), limits.CheckScanAction(string(a.MalwareScanner), string(a.ScanMode))); err != nil {
			return err
		}
	}
	var index [][]string
	for _, a := range r.IndexActions {
		index = append(index, a.ResourceTypes)
	}
	if err := problemErr(rf, limits.CheckIndexActions(index)); err != nil {
		return err
	}
	if len(r.RecoveryPointTags) > maxRuleRecoveryPointTags {
		return invalidParam("%s.RecoveryPointTags has %d tags: at most %d allowed", rf, len(r.RecoveryPointTags), maxRuleRecoveryPointTags)
	}
	for k := range r.RecoveryPointTags {
		if k == "" || len(k) > 128 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return invalidParam("%s.RecoveryPointTags: key %q is invalid: 1 to 128 characters, not starting with aws:", rf, k)
		}
	}
	return nil
}

// checkCron validates a ScheduleExpression with the library's cron rule
// (internal/cron).
func checkCron(expr string) error {
	if _, err := cron.Parse(expr); err != nil {
		var ce *cron.Error
		if errors.As(err, &ce) {
			return errors.New(ce.Problem())
		}
		return err
	}
	return nil
}

// validTimezone reports whether tz is a ScheduleExpressionTimezone AWS
// accepts: a non-empty IANA time zone name.
func validTimezone(tz string) bool {
	_, err := cron.LoadZone(tz)
	return tz != "" && err == nil
}

// ruleSchedule is a stored rule's schedule in its time zone; false when
// the rule has none that parses.
func ruleSchedule(r *types.BackupRule) (*cron.Schedule, bool) {
	cs, err := cron.Parse(aws.ToString(r.ScheduleExpression))
	if err != nil {
		return nil, false
	}
	loc, err := cron.LoadZone(aws.ToString(r.ScheduleExpressionTimezone))
	if err != nil {
		loc = time.UTC
	}
	return cs.In(loc), true
}

// ruleLifecycle reads an SDK lifecycle as the library's lifecycle rule
// (internal/lifecycle) does; nil stays nil.
func ruleLifecycle(l *types.Lifecycle) *lifecycle.Lifecycle {
	if l == nil {
		return nil
	}
	return &lifecycle.Lifecycle{MoveToColdStorageAfterDays: l.MoveToColdStorageAfterDays, DeleteAfterDays: l.DeleteAfterDays,
		OptInToArchive: aws.ToBool(l.OptInToArchiveForSupportedResources), DeleteAfterEvent: string(l.DeleteAfterEvent)}
}

// scheduledRuns previews the next n runs of a plan's rules, soonest first.
func scheduledRuns(bp types.BackupPlan, now time.Time, n int) []types.ScheduledPlanExecutionMember {
	var runs []types.ScheduledPlanExecutionMember
	for i := range bp.Rules {
		r := &bp.Rules[i]
		cs, ok := ruleSchedule(r)
		if !ok {
			continue
		}
		kind := types.RuleExecutionTypeSnapshots
		if aws.ToBool(r.EnableContinuousBackup) {
			kind = types.RuleExecutionTypeContinuousAndSnapshots
		}
		for _, t := range cs.Next(now, n) {
			runs = append(runs, types.ScheduledPlanExecutionMember{ExecutionTime: timePtr(t.UTC()), RuleId: aws.String(aws.ToString(r.RuleId)), RuleExecutionType: kind})
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].ExecutionTime.Before(*runs[j].ExecutionTime) })
	if len(runs) > n {
		runs = runs[:n]
	}
	return runs
}
