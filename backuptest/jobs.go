package backuptest

// Backup, copy and restore jobs: what the three kinds share (durations,
// failures, vault lock checks, listing across accounts) and how they
// progress on the emulator clock (job_progress.go). Each kind has its own
// file: backup_jobs.go, copy_jobs.go, restore_jobs.go.
//
// Known difference: every job runs for Options.JobDurations[type] (or
// Options.JobDuration) from its creation; a zero duration completes the job on
// the next request. CREATED (PENDING for restores) becomes RUNNING on the
// first request after the start, at the creation time. Jobs never wait for
// their start window, except plan jobs (plan_timing.go).
//
// Known difference: injected job failures (FailJobs) end the job at its
// expected completion time; EXPIRED ends a backup job from CREATED without
// RUNNING, and a PARTIAL backup or copy still produces a PARTIAL recovery
// point. A CompleteWindowMinutes shorter than the job's duration ends the
// job ABORTED at the end of the window.
//
// Known difference: the vault lock is checked when a job starts: a
// retention outside the lock's min/max (or no retention under a lock with a
// maximum) makes the job end FAILED, like AWS, but with the emulator's own
// status message.
//
// Known difference: ListBackupJobs/ListCopyJobs/ListRestoreJobs with
// another account's ByAccountId, or "*", answer only the organization's
// management account or AWS Backup's delegated administrator (as AWS
// does; see org_access.go), but list every account in the Region without
// checking membership, and without needing cross-account monitoring
// turned on.
//
// Known difference: MessageCategory is "SUCCESS" for completed jobs,
// "ACCESS_DENIED" for failures whose message mentions access, and "UNKNOWN"
// for other failures.

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/lifecycle"
	"github.com/backupkit/backupkit/internal/limits"
)

// AWS limits on jobs.
const (
	maxRecoveryPointTags = limits.MaxRecoveryPointTags
	eventTimeLayout      = "2006-01-02T15:04:05.000Z"
)

func (e *Emulator) registerJobs() {
	e.registerBackupJobs()
	e.registerCopyJobs()
	e.registerRestoreJobs()
}

// registerJobAreas registers every area of this part of the emulator: jobs,
// recovery points, protected resources, legal holds, tags, settings and job
// summaries.
func (e *Emulator) registerJobAreas() {
	e.registerJobs()
	e.registerRecoveryPoints()
	e.registerProtectedResources()
	e.registerLegalHolds()
	e.registerTags()
	e.registerSettings()
	e.registerSummaries()
}

// jobDuration is how long a job on a resource of typ runs.
func (e *Emulator) jobDuration(typ string) time.Duration {
	if d, ok := e.opts.JobDurations[typ]; ok {
		return max(d, 0)
	}
	return max(e.opts.JobDuration, 0)
}

func checkIAMRole(v *string) error {
	if v == nil || *v == "" {
		return missingParam("IamRoleArn")
	}
	if !awsid.RoleARN(*v) {
		return invalidParam("IamRoleArn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", *v)
	}
	return nil
}

// checkLifecycle applies the library's lifecycle rule (internal/lifecycle)
// to a job's Lifecycle.
func checkLifecycle(field string, lc *types.Lifecycle) error {
	if lc == nil {
		return nil
	}
	return problemErr(field, lifecycle.Check(ruleLifecycle(lc), false))
}

func cloneLifecycle(lc *types.Lifecycle) *types.Lifecycle {
	if lc == nil {
		return nil
	}
	cp := *lc
	if lc.DeleteAfterDays != nil {
		cp.DeleteAfterDays = aws.Int64(*lc.DeleteAfterDays)
	}
	if lc.MoveToColdStorageAfterDays != nil {
		cp.MoveToColdStorageAfterDays = aws.Int64(*lc.MoveToColdStorageAfterDays)
	}
	if lc.OptInToArchiveForSupportedResources != nil {
		cp.OptInToArchiveForSupportedResources = aws.Bool(*lc.OptInToArchiveForSupportedResources)
	}
	return &cp
}

// lockViolation explains why a retention breaks the vault's lock, or "".
func lockViolation(v *vault, lc *types.Lifecycle) string {
	if v == nil || !v.LockConfigured {
		return ""
	}
	var del *int64
	if lc != nil && lc.DeleteAfterDays != nil && *lc.DeleteAfterDays != -1 {
		del = lc.DeleteAfterDays
	}
	if v.MaxRetentionDays != nil && del == nil {
		return fmt.Sprintf("The recovery point has no retention period but backup vault %s is locked with a maximum retention of %d days", v.Name, *v.MaxRetentionDays)
	}
	if del == nil {
		return ""
	}
	if v.MinRetentionDays != nil && *del < *v.MinRetentionDays {
		return fmt.Sprintf("The retention period (%d days) is shorter than the minimum retention (%d days) of locked backup vault %s", *del, *v.MinRetentionDays, v.Name)
	}
	if v.MaxRetentionDays != nil && *del > *v.MaxRetentionDays {
		return fmt.Sprintf("The retention period (%d days) is longer than the maximum retention (%d days) of locked backup vault %s", *del, *v.MaxRetentionDays, v.Name)
	}
	return ""
}

// randHex returns n lowercase hex digits for EC2-style ids.
func randHex(n int) string {
	id := strings.ReplaceAll(newID()+newID(), "-", "")
	return id[:n]
}

// newRecoveryPointARN builds a recovery point ARN the way AWS does for the
// resource type: EBS snapshots, EC2 AMIs, RDS snapshots, FSx backups, and
// AWS Backup recovery points for the fully managed types. jobID, when set,
// is the backup job that creates the point: AWS names an RDS or Aurora
// snapshot after it (snapshot:awsbackup:job-<backup job id>, as AWS's job
// records show); without it a fresh id is used.
func newRecoveryPointARN(typ, account, region, jobID string) string {
	if jobID == "" {
		jobID = newID()
	}
	switch typ {
	case "EBS":
		return fmt.Sprintf("arn:aws:ec2:%s::snapshot/snap-%s", region, randHex(17))
	case "EC2":
		return fmt.Sprintf("arn:aws:ec2:%s::image/ami-%s", region, randHex(17))
	case "RDS":
		return fmt.Sprintf("arn:aws:rds:%s:%s:snapshot:awsbackup:job-%s", region, account, jobID)
	case "Aurora", "DocumentDB", "Neptune":
		return fmt.Sprintf("arn:aws:rds:%s:%s:cluster-snapshot:awsbackup:job-%s", region, account, jobID)
	case "FSx":
		return fmt.Sprintf("arn:aws:fsx:%s:%s:backup/backup-%s", region, account, randHex(17))
	}
	return fmt.Sprintf("arn:aws:backup:%s:%s:recovery-point:%s", region, account, strings.ToUpper(newID()))
}

func messageCategory(state, msg string) string {
	switch state {
	case "COMPLETED":
		return "SUCCESS"
	case "FAILED", "ABORTED", "EXPIRED", "PARTIAL":
		if strings.Contains(strings.ToLower(msg), "access") {
			return "ACCESS_DENIED"
		}
		return "UNKNOWN"
	}
	return ""
}

func percentDone(created, end, now time.Time, state string) string {
	switch state {
	case "COMPLETED", "PARTIAL":
		return "100.0"
	case "CREATED", "PENDING":
		return "0.0"
	}
	total := end.Sub(created)
	if total <= 0 || !now.Before(end) {
		return "99.0"
	}
	p := float64(now.Sub(created)) / float64(total) * 100
	return strconv.FormatFloat(min(p, 99), 'f', 1, 64)
}

// progressAt is the time a job's progress is measured at: now, or when it
// ended.
func progressAt(now, completed time.Time) time.Time {
	if !completed.IsZero() && completed.Before(now) {
		return completed
	}
	return now
}

func isoTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(eventTimeLayout)
}

// jobRegions returns the region states a job listing covers: the
// caller's, or with ByAccountId another account's or ("*") every
// account's in the caller's Region.
func (c *opCtx) jobRegions(byAccount *string) ([]*regionState, error) {
	if byAccount == nil || *byAccount == "" || *byAccount == c.account {
		return []*regionState{c.rs()}, nil
	}
	if err := c.crossAccountAllowed(); err != nil {
		return nil, err
	}
	if *byAccount == "*" {
		var out []*regionState
		c.e.st.allRegions(func(rs *regionState) {
			if rs.Region == c.region {
				out = append(out, rs)
			}
		})
		return out, nil
	}
	if !awsid.AccountID(*byAccount) {
		return nil, invalidParam("ByAccountId %q is not a 12-digit account id or *", *byAccount)
	}
	if a, ok := c.e.st.Accounts[*byAccount]; ok {
		if rs, ok := a.Regions[c.region]; ok {
			return []*regionState{rs}, nil
		}
	}
	return nil, nil
}

func timeFilter(t time.Time, after, before *time.Time) bool {
	if after != nil && !t.After(*after) {
		return false
	}
	if before != nil && !t.Before(*before) {
		return false
	}
	return true
}

func completeFilter(t time.Time, after, before *time.Time) bool {
	if after == nil && before == nil {
		return true
	}
	return !t.IsZero() && timeFilter(t, after, before)
}

func categoryMatches(cat string, want *string) bool {
	if want == nil || *want == "" || *want == "ANY" || *want == "AGGREGATE_ALL" {
		return true
	}
	return strings.EqualFold(cat, *want)
}

// newestFirst orders jobs like AWS lists them: newest first.
func newestFirst(at, bt time.Time, aid, bid string) int {
	if c := bt.Compare(at); c != 0 {
		return c
	}
	return cmp.Compare(aid, bid)
}
