package backuptest

// Start and completion windows of plan jobs, and rules of one plan that
// fire together.
//
// Start window (BackupRule.StartWindowMinutes, API_BackupRule): "During the
// start window, the backup job status remains in CREATED status until it
// has successfully begun or until the start window time has run out ...
// until the job status changes to EXPIRED (which is expected to occur when
// the start window time is over)." A plan job starts at its scheduled time
// plus a seeded delay drawn from [0, min(Options.PlanStartDelay, start
// window)) — the same delay for the same Options.Seed, plan, rule, resource
// and time, whatever else runs. It does not start while another backup job
// of the same resource runs (the emulator's model of why a job waits); it
// starts when that one ends, or ends EXPIRED at StartBy if that is too late.
//
// Completion window (API_StartBackupJob CompleteWindowMinutes): "This value
// begins counting down from when the backup was scheduled. It does not add
// additional time for StartWindowMinutes, or if the backup started later
// than scheduled." A job that would run past it is canceled (ABORTED, as
// the API reference's "AWS Backup will cancel the job" says) at the end of
// the window.
//
// Rules firing together (plan-options-and-configuration.html, "Backup
// rules"): "If you have a backup plan with multiple rules and the time
// frames of the two rules overlap, AWS Backup optimizes the backup and
// takes a backup for the rule with the longer retention time. The
// optimization takes into account the full start window, not just when
// the daily backup is taken." A firing of a snapshot rule is skipped when
// the time frame [fire time, fire time + start window) of a firing of
// another snapshot rule of the same plan overlaps it and that rule keeps
// its points longer (no DeleteAfterDays is longest); on equal retention the
// earlier firing, then the earlier rule, wins. The plan's selections are
// the same for every rule, so this holds per resource. Continuous-backup
// rules are not merged with snapshot rules.

import (
	"encoding/binary"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/lifecycle"
)

// planStartDelay is the seeded delay after its scheduled time at which a
// plan job of rule ruleName of plan planName for resource starts.
func (e *Emulator) planStartDelay(planName, ruleName, resource string, at time.Time, startWin int64) time.Duration {
	limit := min(e.opts.PlanStartDelay, time.Duration(startWin)*time.Minute)
	if limit <= 0 {
		return 0
	}
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], e.opts.Seed)
	h.Write(b[:])
	for _, s := range []string{planName, ruleName, resource} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	binary.LittleEndian.PutUint64(b[:], uint64(at.UnixNano()))
	h.Write(b[:])
	return time.Duration(h.Sum64() % uint64(limit))
}

// ruleStartWindow is a rule's start window in minutes (default 480).
func ruleStartWindow(r *types.BackupRule) int64 {
	if w := aws.ToInt64(r.StartWindowMinutes); w > 0 {
		return w
	}
	return lifecycle.DefaultStartWindow
}

// ruleRetention orders rules by how long they keep their points: days, or
// math.MaxInt64 for no DeleteAfterDays (kept until deleted).
func ruleRetention(r *types.BackupRule) int64 {
	if r.Lifecycle == nil || r.Lifecycle.DeleteAfterDays == nil || *r.Lifecycle.DeleteAfterDays < 0 {
		return 1<<63 - 1
	}
	return *r.Lifecycle.DeleteAfterDays
}

// mergedAway reports whether firing f of rule rules[f.rule] is taken over by
// an overlapping firing of another snapshot rule of the plan that keeps its
// points longer (see the file comment). firingsOf returns a rule's firings
// in a span of time.
func mergedAway(rules []types.BackupRule, f planFiring, firingsOf func(rule int, after, until time.Time) []time.Time) bool {
	r := &rules[f.rule]
	if aws.ToBool(r.EnableContinuousBackup) {
		return false
	}
	end := f.at.Add(time.Duration(ruleStartWindow(r)) * time.Minute)
	mine := ruleRetention(r)
	for i := range rules {
		o := &rules[i]
		if i == f.rule || aws.ToBool(o.EnableContinuousBackup) {
			continue
		}
		win := time.Duration(ruleStartWindow(o)) * time.Minute
		// o's firings t with [t, t+win) overlapping [f.at, end).
		for _, t := range firingsOf(i, f.at.Add(-win), end.Add(-time.Nanosecond)) {
			if !t.Add(win).After(f.at) || !t.Before(end) {
				continue
			}
			theirs := ruleRetention(o)
			switch {
			case theirs > mine:
				return true
			case theirs == mine && (t.Before(f.at) || t.Equal(f.at) && i < f.rule):
				return true
			}
		}
	}
	return false
}

// startPlanJob decides, at now, whether CREATED plan job j starts: it
// reports started when j is RUNNING from j.StartAt on, expired when it ended
// EXPIRED (finished), and neither while it waits. Called with e.mu held.
func (e *Emulator) startPlanJob(rs *regionState, j *backupJob, now time.Time) (started, expired bool) {
	start := rs.resourceFreeAt(j, j.StartAt)
	if !start.Before(j.StartBy) {
		if now.Before(j.StartBy) {
			return false, false
		}
		j.Failure = &JobFailure{State: "EXPIRED", StatusMessage: "Backup job expired because it did not start within the start window"}
		j.EndAt = j.StartBy
		e.finishBackupJob(rs, j)
		return false, true
	}
	if now.Before(start) {
		return false, false
	}
	if d := start.Sub(j.StartAt); d > 0 {
		j.StartAt, j.EndAt = start, j.EndAt.Add(d)
	}
	if !j.CompleteBy.IsZero() && j.EndAt.After(j.CompleteBy) {
		if j.Failure == nil {
			j.Failure = &JobFailure{State: "ABORTED", StatusMessage: "Backup job was canceled because it did not complete within the completion window"}
		}
		j.EndAt = j.CompleteBy
	}
	return true, false
}

// resourceFreeAt returns the first instant at or after t when no other
// backup job of j's resource runs: jobs that started, and plan jobs still
// waiting that are ahead of j (scheduled to start earlier).
func (rs *regionState) resourceFreeAt(j *backupJob, t time.Time) time.Time {
	for moved := true; moved; {
		moved = false
		for _, o := range rs.BackupJobs {
			if o == j || o.ResourceARN != j.ResourceARN {
				continue
			}
			if start, end, ok := rs.runSpan(o, j); ok && !t.Before(start) && t.Before(end) {
				t, moved = end, true
			}
		}
	}
	return t
}

// runSpan is when o runs, as the plan job j waiting behind it sees it.
func (rs *regionState) runSpan(o, j *backupJob) (start, end time.Time, ok bool) {
	switch {
	case o.State == "EXPIRED":
		return start, end, false
	case o.State != "CREATED" || o.BackupPlanID == "":
		return o.startedAt(), o.EndAt, true
	case o.StartAt.After(j.StartAt), o.StartAt.Equal(j.StartAt) && o.ID > j.ID:
		return start, end, false // behind j
	}
	s := rs.resourceFreeAt(o, o.StartAt)
	if !s.Before(o.StartBy) {
		return start, end, false // it will expire
	}
	return s, s.Add(o.EndAt.Sub(o.StartAt)), true
}

// startedAt is when j started running (its creation for jobs saved before
// StartAt existed).
func (j *backupJob) startedAt() time.Time {
	if j.StartAt.IsZero() {
		return j.CreationDate
	}
	return j.StartAt
}

// ruleFirings returns the times in (after, until] rule r fires, by the
// shared AWS cron rule (internal/cron) in the rule's time zone.
func ruleFirings(r *types.BackupRule, after, until time.Time) []time.Time {
	cs, ok := ruleSchedule(r)
	if !ok {
		return nil
	}
	return cs.Between(after, until, maxPlanFiringsPerAdvance)
}
