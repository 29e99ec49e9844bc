package backuptest

// How jobs progress on the emulator clock: every request (and the clock's
// own advance) steps the jobs that are due, in time order.

import (
	"slices"
	"strconv"
	"time"
)

// advanceLocked moves every active job forward to now, emitting the
// state-change events due by then in time order. It visits only jobs that
// are not yet terminal. Called with e.mu held.
func (e *Emulator) advanceLocked(now time.Time) {
	start := len(e.events)
	defer func() {
		if tail := e.events[start:]; len(tail) > 1 {
			slices.SortStableFunc(tail, func(a, b Event) int { return a.Time.Compare(b.Time) })
		}
	}()
	if e.opts.RunPlans {
		e.runPlansLocked(now)          // plan_runs.go
		e.runRestoreTestingLocked(now) // restore_testing_runs.go
	}
	active := false
	for _, a := range e.st.Accounts {
		for _, rs := range a.Regions {
			if len(rs.Active) > 0 || rs.expiryDue(now) || len(rs.RestoreTests) > 0 {
				active = true
			}
		}
	}
	if !active {
		return
	}
	e.st.allRegions(func(rs *regionState) {
		if len(rs.Active) > 0 {
			e.advanceJobs(rs, now)
		}
	})
	// Expire after the jobs ran, so a job finishing by now has released
	// the points it read.
	e.st.allRegions(func(rs *regionState) {
		if rs.expiryDue(now) {
			e.expireRecoveryPoints(rs, now)
		}
		if len(rs.RestoreTests) > 0 {
			e.advanceRestoreTests(rs, now) // restore_testing_runs.go
		}
	})
}

// advanceJobs moves the active jobs of one Region forward to now.
func (e *Emulator) advanceJobs(rs *regionState, now time.Time) {
	// Jobs started while stepping (a plan rule's copy actions) are appended
	// to a fresh rs.Active and stepped in the next round.
	first := rs.Active
	todo := first
	rs.Active = nil
	keep := first[:0]
	for len(todo) > 0 {
		keep = e.stepJobs(rs, todo, keep, now)
		todo, rs.Active = rs.Active, nil
	}
	clear(first[min(len(keep), len(first)):])
	rs.Active = keep
	if len(rs.Active) == 0 {
		rs.Active = nil
	}
}

// stepJobs steps the jobs of todo and appends those not yet terminal to keep.
func (e *Emulator) stepJobs(rs *regionState, todo, keep []activeJob, now time.Time) []activeJob {
	for _, a := range todo {
		var done bool
		switch a.Kind {
		case jobBackup:
			done = e.stepBackupJob(rs, rs.BackupJobs[a.ID], now)
		case jobCopy:
			done = e.stepCopyJob(rs, rs.CopyJobs[a.ID], now)
		case jobRestore:
			done = e.stepRestoreJob(rs, rs.RestoreJobs[a.ID], now)
		default:
			done = true
		}
		if !done {
			keep = append(keep, a)
		} else if a.Kind != jobBackup {
			rs.recheckKept() // the job no longer reads its recovery point
		}
	}
	return keep
}

func (e *Emulator) recoveryPointEvent(rs *regionState, rp *recoveryPoint, at time.Time) {
	detail := map[string]any{
		"backupVaultArn":    rp.VaultARN,
		"backupVaultName":   rp.VaultName,
		"recoveryPointArn":  rp.ARN,
		"resourceArn":       rp.ResourceARN,
		"resourceType":      rp.ResourceType,
		"status":            rp.Status,
		"creationDate":      isoTime(rp.CreationDate),
		"completionDate":    isoTime(rp.CompletionDate),
		"backupSizeInBytes": strconv.FormatInt(rp.BackupSizeInBytes, 10),
		"iamRoleArn":        rp.IAMRoleArn,
	}
	e.emit(rs.Account, rs.Region, "Recovery Point State Change", at, []string{rp.ARN}, detail)
}
