package backuptest

// Continuous backups and point-in-time restore, as the developer guide's
// "Continuous backups and point-in-time recovery (PITR)" page
// (point-in-time-recovery.html) describes them: "The continuous backup plan
// creates one continuous recovery point and updates that recovery point
// whenever the job runs", and a restore can rewind "to a specific time that
// you choose ... going back a maximum of 35 days".
//
// A plan rule with EnableContinuousBackup backs up the types that support
// continuous backup (RDS, Aurora, S3, SAP HANA on Amazon EC2) with
// continuous backup jobs: the first creates one continuous recovery point
// per resource and vault (ARN …:recovery-point:continuous:NAME-ID), later
// runs update that point instead of creating new ones. Other types get
// snapshot jobs, as AWS falls back to snapshots. The point's restorable
// window runs from its first backup, or the rule's DeleteAfterDays (1–35)
// before now if later, to now while the resource exists (the transaction
// logs keep it current), else to its last backup.
//
// StartRestoreJob of a continuous point reads the point-in-time keys
// (internal/restoremeta: restoreTime / restoreToTime, or
// useLatestRestorableTime "true"; none means the latest time) and answers
// InvalidParameterValueException for a time outside the window; a snapshot
// point refuses them.
//
// Known difference: the window's latest time is now (AWS's lags a few
// minutes); AWS's exact error for a time outside the window is not
// documented. A continuous point does not expire by its lifecycle while
// the emulator runs; it stays until deleted.

import (
	"fmt"
	"hash/fnv"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/restoremeta"
)

// continuousTypes are the resource types AWS Backup backs up continuously
// (point-in-time-recovery.html, "Supported services for continuous backup").
var continuousTypes = map[string]bool{"RDS": true, "Aurora": true, "S3": true, "SAP HANA on Amazon EC2": true}

// maxContinuousDays is how far back a point-in-time restore can go.
const maxContinuousDays = 35

// restorableWindow is the span of time a continuous recovery point can
// restore to: from its earliest retained change to its latest.
type restorableWindow struct {
	earliest, latest time.Time
}

// continuousPoint is what makes a recovery point continuous: the window of
// point-in-time restores it covers.
type continuousPoint struct {
	// Earliest is the first backup; Latest the last backup job's end.
	Earliest, Latest time.Time
	// RetentionDays is the rule's DeleteAfterDays (at most 35).
	RetentionDays int64 `json:",omitempty"`
}

// continuousWindow returns the restorable window of a continuous recovery
// point at now, nil for a snapshot.
func (e *Emulator) continuousWindow(rs *regionState, rp *recoveryPoint, now time.Time) *restorableWindow {
	cp := rs.Continuous[rp.ARN]
	if cp == nil {
		return nil
	}
	w := &restorableWindow{earliest: cp.Earliest, latest: cp.Latest}
	if _, ok := e.st.Resources[rp.ResourceARN]; ok && now.After(w.latest) {
		w.latest = now
	}
	days := cp.RetentionDays
	if days <= 0 || days > maxContinuousDays {
		days = maxContinuousDays
	}
	if from := w.latest.Add(-time.Duration(days) * 24 * time.Hour); from.After(w.earliest) {
		w.earliest = from
	}
	return w
}

// continuousRecoveryPointARN is the ARN of the continuous recovery point
// of resource res in the vault vaultName: one per resource and vault, so
// every continuous job of the pair, even those started together when the
// clock jumps, updates the same point.
func continuousRecoveryPointARN(account, region, vaultName string, res *Resource) string {
	h := fnv.New32a()
	h.Write([]byte(res.ARN + "\x00" + vaultName))
	return fmt.Sprintf("arn:aws:backup:%s:%s:recovery-point:continuous:%s-%08x", region, account, res.Name, h.Sum32())
}

// updateContinuousPoint records a completed continuous backup job j in the
// continuous point it updates; false when the job created a new point.
func (e *Emulator) updateContinuousPoint(rs *regionState, j *backupJob, at time.Time) bool {
	rp := rs.RecoveryPoints[j.RecoveryPointARN]
	cp := rs.Continuous[j.RecoveryPointARN]
	if rp == nil || cp == nil {
		return false
	}
	cp.Latest = at
	cp.RetentionDays = aws.ToInt64(lifecycleDeleteAfter(j.Lifecycle))
	rp.CompletionDate, rp.BackupJobID = at, j.ID
	rp.Fingerprint, rp.SourceAttributes, rp.SourceTags = j.SourceFingerprint, maps.Clone(j.SourceAttributes), maps.Clone(j.SourceTags)
	rp.BackupSizeInBytes = j.BackupSizeInBytes
	return true
}

// newContinuousPoint makes rp, just created by continuous backup job j,
// continuous.
func (rs *regionState) newContinuousPoint(rp *recoveryPoint, j *backupJob) {
	if rs.Continuous == nil {
		rs.Continuous = map[string]*continuousPoint{}
	}
	rp.Continuous = true
	rs.Continuous[rp.ARN] = &continuousPoint{Earliest: j.CreationDate, Latest: rp.CompletionDate, RetentionDays: aws.ToInt64(lifecycleDeleteAfter(j.Lifecycle))}
}

func lifecycleDeleteAfter(lc *types.Lifecycle) *int64 {
	if lc == nil {
		return nil
	}
	return lc.DeleteAfterDays
}

// checkPointInTime checks the point-in-time keys of a restore of rp
// against its restorable window at now.
func (e *Emulator) checkPointInTime(rs *regionState, rp *recoveryPoint, md map[string]string, now time.Time) error {
	at, _, set, reason := restoremeta.PointInTime(md)
	if reason != "" {
		return invalidParam("Metadata: %s", reason)
	}
	w := e.continuousWindow(rs, rp, now)
	if w == nil {
		if set {
			return invalidParam("Metadata: %s, %s and %s are only for continuous recovery points; %s is a snapshot",
				restoremeta.RestoreTime, restoremeta.RestoreToTime, restoremeta.UseLatestRestorableTime, rp.ARN)
		}
		return nil
	}
	if !at.IsZero() && (at.Before(w.earliest) || at.After(w.latest)) {
		return invalidParam("Metadata: restore time %s is outside the recovery point's restorable window %s to %s",
			at.UTC().Format(time.RFC3339), w.earliest.UTC().Format(time.RFC3339), w.latest.UTC().Format(time.RFC3339))
	}
	return nil
}
