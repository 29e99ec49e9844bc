package backuptest

// Scheduled runs of restore testing plans (Options.RunPlans), as the AWS
// Backup developer guide's "Restore testing" page describes them: "When the
// scheduled time in your plan arrives, AWS Backup starts restore jobs based
// on your plan", and "once the optional validation completes or the
// validation window closes, AWS Backup deletes the resources involved with
// the restore test".
//
// With RunPlans on, every advance of the clock runs each restore testing
// plan's ScheduleExpression in its ScheduleExpressionTimezone (the cron
// evaluator of backup plans, internal/cron) after the plan's last run and
// up to now. At each firing, for every selection of the plan (by name):
//   - the candidates are the COMPLETED recovery points of the selection's
//     ProtectedResourceType whose vault ARN one of IncludeVaults matches
//     ("*" or an ARN with wildcards) and none of ExcludeVaults, whose type
//     (CONTINUOUS for a continuous point, else SNAPSHOT) is one of
//     RecoveryPointTypes, and created within SelectionWindowDays before the
//     firing;
//   - a protected resource takes part when ProtectedResourceArns is "*" or
//     names it, and every ProtectedResourceConditions StringEquals /
//     StringNotEquals on aws:ResourceTag/KEY holds for its tags (the
//     inventory's, or the tags it had when backed up if it is gone),
//     matched by the library's selection rule (internal/selection);
//   - for each such resource one recovery point is restored: the newest
//     (LATEST_WITHIN_WINDOW) or one picked by a random source seeded with
//     Options.Seed, the plan, selection, resource and firing time
//     (RANDOM_WITHIN_WINDOW), so a run is reproducible.
//
// The restore job is created at the firing time with CreatedBy
// {RestoreTestingPlanArn}, the selection's IamRoleArn, and the inferred
// metadata (GetRestoreTestingInferredMetadata: the recovery point's restore
// metadata with a new name "awsbackup-restore-test-…" for the types that
// name their restored resource, as the developer guide's "Restore testing
// inferred metadata" page says for targetTableName) with the selection's
// RestoreMetadataOverrides on top (keys compared case-insensitively, as
// that page says). Metadata the restore cannot use ends the job FAILED.
//
// When the job completes, the restored resource waits for
// PutRestoreValidationResult for the selection's ValidationWindowHours.
// A result of SUCCESSFUL, FAILED or TIMED_OUT, or the end of the window,
// starts deleting the restored resource: DeletionStatus DELETING while its
// service reports it deleting (Options.DeleteDuration), then SUCCESSFUL. A
// VALIDATING result still open when the window closes becomes TIMED_OUT.
//
// Known difference: restore tests start at the firing time, not within
// StartWindowHours; at most 100 firings of one plan run per advance of
// the clock (older ones are skipped).
//
// Known difference: a restored resource that is already gone when its
// deletion is due reports DeletionStatus SUCCESSFUL; deleting never
// fails (AWS may report FAILED with a DeletionStatusMessage).
//
// Known difference: the inferred metadata of EBS, EC2, EFS and FSx points is
// the recovery point's restore metadata (AWS also infers, for example, a
// random availability zone and encrypted=true for EBS).

import (
	"encoding/binary"
	"hash/fnv"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest/internal/ec2"
	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/internal/cron"
	"github.com/backupkit/backupkit/internal/restoremeta"
	bsel "github.com/backupkit/backupkit/internal/selection"
)

const (
	// maxRestoreTestFiringsPerAdvance bounds the firings of one restore
	// testing plan run in one advance of the clock.
	maxRestoreTestFiringsPerAdvance = 100
	// restoreTestNamePrefix starts the names restore tests give the
	// resources they create ("Restore testing inferred metadata":
	// targetTableName "random value starting with awsbackup-restore-test-").
	restoreTestNamePrefix = "awsbackup-restore-test-"
)

// runRestoreTestingLocked starts the restore jobs every restore testing
// plan's schedule has due by now. Called with e.mu held.
func (e *Emulator) runRestoreTestingLocked(now time.Time) {
	e.st.allRegions(func(rs *regionState) {
		if len(rs.RestoreTestingPlans) == 0 {
			return
		}
		for _, n := range slices.Sorted(maps.Keys(rs.RestoreTestingPlans)) {
			e.runRestoreTestingPlan(rs, rs.RestoreTestingPlans[n], now)
		}
	})
}

// restoreTestingSchedule is a restore testing plan's schedule in its time
// zone; false when it has none that parses.
func restoreTestingSchedule(p *types.RestoreTestingPlanForGet) (*cron.Schedule, bool) {
	cs, err := cron.Parse(aws.ToString(p.ScheduleExpression))
	if err != nil {
		return nil, false
	}
	loc, err := cron.LoadZone(aws.ToString(p.ScheduleExpressionTimezone))
	if err != nil {
		loc = time.UTC
	}
	return cs.In(loc), true
}

// runRestoreTestingPlan fires p's schedule in (its last run, now].
func (e *Emulator) runRestoreTestingPlan(rs *regionState, p *restoreTestingPlan, now time.Time) {
	from := p.LastScheduled
	if from.IsZero() {
		from = p.CreationTime
	}
	if !now.After(from) {
		return
	}
	p.LastScheduled = now
	cs, ok := restoreTestingSchedule(&p.Plan)
	if !ok {
		return
	}
	for _, at := range cs.Between(from, now, maxRestoreTestFiringsPerAdvance) {
		e.fireRestoreTest(rs, p, at.UTC())
	}
}

// fireRestoreTest starts the restore jobs of one firing of p at at.
func (e *Emulator) fireRestoreTest(rs *regionState, p *restoreTestingPlan, at time.Time) {
	p.LastExecution = at
	rps := p.Plan.RecoveryPointSelection
	if rps == nil || len(p.Selections) == 0 {
		return
	}
	// Candidate points by protected resource, oldest first.
	since := at.AddDate(0, 0, -int(rps.SelectionWindowDays))
	byResource := map[string][]*recoveryPoint{}
	for _, rp := range rs.RecoveryPoints {
		if rp.Status != "COMPLETED" || rp.CreationDate.Before(since) || rp.CreationDate.After(at) ||
			!restoreTestVaultMatches(rps, rp.VaultARN) || !slices.Contains(rps.RecoveryPointTypes, restoreTestPointType(rs, rp)) {
			continue
		}
		byResource[rp.ResourceARN] = append(byResource[rp.ResourceARN], rp)
	}
	resources := slices.Sorted(maps.Keys(byResource))
	for _, name := range slices.Sorted(maps.Keys(p.Selections)) {
		sel := p.Selections[name]
		match := restoreTestingSelectionRule(sel)
		typ := aws.ToString(sel.ProtectedResourceType)
		for _, resARN := range resources {
			points := byResource[resARN]
			var ofType []*recoveryPoint
			for _, rp := range points {
				if rp.ResourceType == typ {
					ofType = append(ofType, rp)
				}
			}
			if len(ofType) == 0 || !match.Matches(resARN, e.protectedResourceTags(resARN, ofType)) {
				continue
			}
			rp := e.pickRestoreTestPoint(rps.Algorithm, ofType, p.Name, name, resARN, at)
			e.startRestoreTest(rs, p, sel, rp, at)
		}
	}
}

// restoreTestPointType is the RecoveryPointTypes value rp counts as.
func restoreTestPointType(rs *regionState, rp *recoveryPoint) types.RestoreTestingRecoveryPointType {
	if rs.Continuous[rp.ARN] != nil {
		return types.RestoreTestingRecoveryPointTypeContinuous
	}
	return types.RestoreTestingRecoveryPointTypeSnapshot
}

// restoreTestVaultMatches reports whether a point in the vault vaultARN is
// a candidate under IncludeVaults and ExcludeVaults.
func restoreTestVaultMatches(s *types.RestoreTestingRecoveryPointSelection, vaultARN string) bool {
	in := false
	for _, p := range s.IncludeVaults {
		if bsel.Like(p, vaultARN) {
			in = true
			break
		}
	}
	for _, p := range s.ExcludeVaults {
		if bsel.Like(p, vaultARN) {
			return false
		}
	}
	return in
}

// restoreTestingSelectionRule reads a restore testing selection's
// ProtectedResourceArns and ProtectedResourceConditions as the library's
// selection rule: the ARNs (or "*") pick the candidates, and every
// condition must hold (API_RestoreTestingSelectionForCreate,
// API_ProtectedResourceConditions: StringEquals is exact matching,
// StringNotEquals negated matching, on aws:ResourceTag/KEY).
func restoreTestingSelectionRule(s *types.RestoreTestingSelectionForGet) bsel.Selection {
	r := bsel.Selection{Resources: s.ProtectedResourceArns}
	if c := s.ProtectedResourceConditions; c != nil {
		for _, kv := range c.StringEquals {
			r.Conditions = append(r.Conditions, bsel.Condition{Op: bsel.StringEquals, Key: aws.ToString(kv.Key), Value: aws.ToString(kv.Value)})
		}
		for _, kv := range c.StringNotEquals {
			r.Conditions = append(r.Conditions, bsel.Condition{Op: bsel.StringNotEquals, Key: aws.ToString(kv.Key), Value: aws.ToString(kv.Value)})
		}
	}
	return r
}

// protectedResourceTags are the tags a restore testing condition reads:
// the inventory resource's, or, when it is gone, those of its newest
// recovery point.
func (e *Emulator) protectedResourceTags(resARN string, points []*recoveryPoint) map[string]string {
	if r, ok := e.st.Resources[resARN]; ok {
		return r.Tags
	}
	newest := points[0]
	for _, rp := range points[1:] {
		if rp.CreationDate.After(newest.CreationDate) {
			newest = rp
		}
	}
	return newest.SourceTags
}

// pickRestoreTestPoint picks the point to restore: the newest for
// LATEST_WITHIN_WINDOW, a seeded pick for RANDOM_WITHIN_WINDOW.
func (e *Emulator) pickRestoreTestPoint(algo types.RestoreTestingRecoveryPointSelectionAlgorithm, points []*recoveryPoint, plan, sel, resARN string, at time.Time) *recoveryPoint {
	slices.SortFunc(points, func(a, b *recoveryPoint) int {
		if c := a.CreationDate.Compare(b.CreationDate); c != 0 {
			return c
		}
		return strings.Compare(a.ARN, b.ARN)
	})
	if algo != types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow {
		return points[len(points)-1]
	}
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], e.opts.Seed)
	h.Write(b[:])
	for _, s := range []string{plan, sel, resARN} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	binary.LittleEndian.PutUint64(b[:], uint64(at.UnixNano()))
	h.Write(b[:])
	return points[h.Sum64()%uint64(len(points))]
}

// inferredRestoreMetadata is the metadata a restore test of rp uses
// before overrides: rp's restore metadata with a new resource name
// (restoremeta.Staging) for the types that name their restored resource.
func inferredRestoreMetadata(rp *recoveryPoint) map[string]string {
	md := maps.Clone(rp.RestoreMetadata)
	if md == nil {
		md = map[string]string{}
	}
	overlayMetadata(md, restoremeta.Staging(rp.ResourceType, restoreTestNamePrefix+randHex(8)))
	return md
}

// overlayMetadata sets each key of over in md, replacing a key that
// differs only in case (restore metadata keys are not case sensitive).
func overlayMetadata(md, over map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(over)) {
		for old := range md {
			if old != k && strings.EqualFold(old, k) {
				delete(md, old)
			}
		}
		md[k] = over[k]
	}
}

// startRestoreTest starts the restore job of one restore test.
func (e *Emulator) startRestoreTest(rs *regionState, p *restoreTestingPlan, sel *types.RestoreTestingSelectionForGet, rp *recoveryPoint, at time.Time) {
	md := inferredRestoreMetadata(rp)
	overlayMetadata(md, sel.RestoreMetadataOverrides)
	j := e.createRestoreJob(rs, rp, rp.ResourceType, md, aws.ToString(sel.IamRoleArn), at)
	j.RestoreTestingPlanArn = p.ARN
	j.RestoreTestingSelection = aws.ToString(sel.RestoreTestingSelectionName)
	j.ValidationWindow = time.Duration(sel.ValidationWindowHours) * time.Hour
	if err := checkRestoreMetadata(rp.ResourceType, md); err != nil && j.Failure == nil {
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: err.Error()}
	}
	rs.RestoreTests = append(rs.RestoreTests, j.ID)
}

// restoreTestFinal reports whether a validation status ends validation.
func restoreTestFinal(status string) bool {
	switch types.RestoreValidationStatus(status) {
	case types.RestoreValidationStatusSuccessful, types.RestoreValidationStatusFailed, types.RestoreValidationStatusTimedOut:
		return true
	}
	return false
}

// advanceRestoreTests closes the validation windows due by now and deletes
// the resources restore tests restored. Called with e.mu held, after the
// jobs advanced.
func (e *Emulator) advanceRestoreTests(rs *regionState, now time.Time) {
	keep := rs.RestoreTests[:0]
	for _, id := range rs.RestoreTests {
		j := rs.RestoreJobs[id]
		if j != nil && !e.stepRestoreTest(j, now) {
			keep = append(keep, id)
		}
	}
	clear(rs.RestoreTests[len(keep):])
	rs.RestoreTests = keep
	if len(rs.RestoreTests) == 0 {
		rs.RestoreTests = nil
	}
}

// stepRestoreTest moves one restore test on and reports whether it is
// done (no restored resource left to delete).
func (e *Emulator) stepRestoreTest(j *restoreJob, now time.Time) bool {
	switch j.Status {
	case "PENDING", "RUNNING":
		return false
	case "COMPLETED":
	default:
		return true // nothing was restored
	}
	if j.DeletionStatus == "" {
		// PutRestoreValidationResult starts the deletion of a test with a
		// final result; otherwise the window's end does.
		end, at := j.CompletionDate.Add(j.ValidationWindow), now
		if !restoreTestFinal(j.ValidationStatus) {
			if now.Before(end) {
				return false
			}
			if j.ValidationStatus == string(types.RestoreValidationStatusValidating) {
				j.ValidationStatus = string(types.RestoreValidationStatusTimedOut)
			}
			at = end
		}
		e.deleteRestoredResource(j, at)
	}
	if j.DeletionStatus == string(types.RestoreDeletionStatusDeleting) {
		e.st.Advance(now)
		if _, ok := e.st.Resources[j.CreatedResourceARN]; ok {
			return false
		}
		j.DeletionStatus = string(types.RestoreDeletionStatusSuccessful)
	}
	return true
}

// deleteRestoredResource starts deleting the resource restore test j
// created, at at, the way the resource's service deletes it.
func (e *Emulator) deleteRestoredResource(j *restoreJob, at time.Time) {
	res, ok := e.st.Resources[j.CreatedResourceARN]
	if !ok {
		j.DeletionStatus = string(types.RestoreDeletionStatusSuccessful)
		return
	}
	d := inventory.Deletion{State: "deleting", At: at.Add(e.opts.DeleteDuration)}
	switch res.Type {
	case "EC2":
		d = inventory.Deletion{State: "shutting-down", At: d.At, Final: "terminated", Retain: ec2.TerminatedRetention}
	case "DynamoDB", "FSx":
		d.State = "DELETING"
	}
	e.st.Delete(res.ARN, d)
	j.DeletionStatus = string(types.RestoreDeletionStatusDeleting)
}
