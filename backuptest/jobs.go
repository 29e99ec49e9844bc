package backuptest

// Backup, copy and restore jobs and their progress on the emulator clock.
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
// Known difference: StopBackupJob moves the job to ABORTING; the next
// request sees it ABORTED. It refuses the types AWS does not stop (Aurora,
// DocumentDB, FSx, Neptune, RDS, SAP HANA on Amazon EC2).
//
// Known difference: ListBackupJobs/ListCopyJobs/ListRestoreJobs with
// another account's ByAccountId, or "*", answer only the organization's
// management account or AWS Backup's delegated administrator (as AWS
// does; see org_access.go), but list every account in the Region without
// checking membership, and without needing cross-account monitoring
// turned on.
//
// Known difference: a cross-account StartCopyJob needs the source account's
// global setting isCrossAccountBackupEnabled = "true" (UpdateGlobalSettings,
// which the emulator allows any account to call) and ends FAILED with
// "Access denied" unless the destination vault has an access policy that
// allows backup:CopyIntoBackupVault (evaluated, access_policy.go).
//
// Known difference: with LogicallyAirGappedBackupVaultArn every resource
// type backs up straight into the logically air-gapped vault (AWS stages some
// types in BackupVaultName first); the job then names that vault.
//
// Known difference: MessageCategory is "SUCCESS" for completed jobs,
// "ACCESS_DENIED" for failures whose message mentions access, and "UNKNOWN"
// for other failures.

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
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

// typesNotStoppable are the resource types StopBackupJob does not support.
var typesNotStoppable = map[string]bool{
	"Aurora": true, "DocumentDB": true, "FSx": true, "Neptune": true, "RDS": true, "SAP HANA on Amazon EC2": true,
}

func (e *Emulator) registerJobs() {
	e.register("StartBackupJob", handle(startBackupJob))
	e.register("DescribeBackupJob", handle(describeBackupJob))
	e.register("ListBackupJobs", handle(listBackupJobs))
	e.register("StopBackupJob", handle(stopBackupJob))
	e.register("StartCopyJob", handle(startCopyJob))
	e.register("DescribeCopyJob", handle(describeCopyJob))
	e.register("ListCopyJobs", handle(listCopyJobs))
	e.register("StartRestoreJob", handle(startRestoreJob))
	e.register("DescribeRestoreJob", handle(describeRestoreJob))
	e.register("ListRestoreJobs", handle(listRestoreJobs))
	e.register("ListRestoreJobsByProtectedResource", handle(listRestoreJobsByProtectedResource))
	e.register("PutRestoreValidationResult", handle(putRestoreValidationResult))
	e.register("GetRestoreJobMetadata", handle(getRestoreJobMetadata))
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

// ---- advancing jobs ----

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
		e.runPlansLocked(now) // plan_runs.go
	}
	active := false
	for _, a := range e.st.Accounts {
		for _, rs := range a.Regions {
			if len(rs.Active) > 0 || rs.expiryDue(now) {
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

func (e *Emulator) backupJobEvent(j *backupJob, at time.Time) {
	detail := map[string]any{
		"backupJobId":            j.ID,
		"backupVaultArn":         j.VaultARN,
		"backupVaultName":        j.VaultName,
		"resourceArn":            j.ResourceARN,
		"resourceType":           j.ResourceType,
		"state":                  j.State,
		"statusMessage":          j.StatusMessage,
		"creationDate":           isoTime(j.CreationDate),
		"startBy":                isoTime(j.StartBy),
		"expectedCompletionDate": isoTime(j.EndAt),
		"completionDate":         isoTime(j.CompletionDate),
		"percentDone":            percentDone(j.CreationDate, j.EndAt, at, j.State),
		"backupSizeInBytes":      strconv.FormatInt(j.BackupSizeInBytes, 10),
		"bytesTransferred":       strconv.FormatInt(j.BackupSizeInBytes, 10),
		"iamRoleArn":             j.IAMRoleArn,
		"recoveryPointArn":       j.RecoveryPointARN,
		"createdBy":              map[string]any{},
	}
	if j.BackupPlanID != "" {
		detail["createdBy"] = map[string]any{"backupPlanId": j.BackupPlanID, "backupPlanArn": j.BackupPlanArn, "backupPlanVersion": j.BackupPlanVersion, "backupRuleId": j.BackupRuleID,
			"backupPlanName": j.BackupPlanName, "backupRuleName": j.BackupRuleName, "backupRuleCron": j.BackupRuleCron, "backupRuleTimezone": j.BackupRuleTimezone}
	}
	e.emit(j.Account, j.Region, "Backup Job State Change", at, []string{j.ResourceARN}, detail)
}

func (e *Emulator) copyJobEvent(j *copyJob, at time.Time) {
	detail := map[string]any{
		"copyJobId":                   j.ID,
		"sourceBackupVaultArn":        j.SourceVaultARN,
		"sourceRecoveryPointArn":      j.SourceRecoveryPointARN,
		"destinationBackupVaultArn":   j.DestinationVaultARN,
		"destinationRecoveryPointArn": j.DestinationRecoveryPointARN,
		"resourceArn":                 j.ResourceARN,
		"resourceType":                j.ResourceType,
		"state":                       j.State,
		"statusMessage":               j.StatusMessage,
		"creationDate":                isoTime(j.CreationDate),
		"completionDate":              isoTime(j.CompletionDate),
		"backupSizeInBytes":           strconv.FormatInt(j.BackupSizeInBytes, 10),
		"iamRoleArn":                  j.IAMRoleArn,
	}
	e.emit(j.Account, j.Region, "Copy Job State Change", at, []string{j.SourceRecoveryPointARN}, detail)
}

func (e *Emulator) restoreJobEvent(j *restoreJob, at time.Time) {
	detail := map[string]any{
		"restoreJobId":       j.ID,
		"backupVaultArn":     j.VaultARN,
		"recoveryPointArn":   j.RecoveryPointARN,
		"sourceResourceArn":  j.SourceResourceARN,
		"resourceType":       j.ResourceType,
		"status":             j.Status,
		"statusMessage":      j.StatusMessage,
		"creationDate":       isoTime(j.CreationDate),
		"completionDate":     isoTime(j.CompletionDate),
		"percentDone":        percentDone(j.CreationDate, j.EndAt, at, j.Status),
		"backupSizeInBytes":  strconv.FormatInt(j.BackupSizeInBytes, 10),
		"iamRoleArn":         j.IAMRoleArn,
		"createdResourceArn": j.CreatedResourceARN,
	}
	e.emit(j.Account, j.Region, "Restore Job State Change", at, []string{j.RecoveryPointARN}, detail)
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

// stepBackupJob moves j forward to now and reports whether it is terminal.
func (e *Emulator) stepBackupJob(rs *regionState, j *backupJob, now time.Time) bool {
	if j == nil {
		return true
	}
	if j.State == "ABORTING" {
		j.State, j.CompletionDate = "ABORTED", now
		if j.StatusMessage == "" {
			j.StatusMessage = "Backup job was stopped by the user"
		}
		j.MessageCategory = messageCategory(j.State, j.StatusMessage)
		e.backupJobEvent(j, now)
		return true
	}
	if j.State == "CREATED" {
		if j.Failure != nil && j.Failure.State == "EXPIRED" {
			if now.Before(j.EndAt) {
				return false
			}
			e.finishBackupJob(rs, j)
			return true
		}
		if j.BackupPlanID != "" {
			started, expired := e.startPlanJob(rs, j, now)
			if expired {
				return true
			}
			if !started {
				return false
			}
		}
		j.State = "RUNNING"
		e.backupJobEvent(j, j.startedAt())
	}
	if j.State != "RUNNING" {
		return true
	}
	if now.Before(j.EndAt) {
		return false
	}
	e.finishBackupJob(rs, j)
	return true
}

func (e *Emulator) finishBackupJob(rs *regionState, j *backupJob) {
	at := j.EndAt
	j.CompletionDate = at
	state, msg := "COMPLETED", ""
	if j.Failure != nil {
		state, msg = j.Failure.State, j.Failure.StatusMessage
	}
	v := rs.Vaults[j.VaultName]
	if v == nil && (state == "COMPLETED" || state == "PARTIAL") {
		state, msg = "FAILED", fmt.Sprintf("Backup vault %s does not exist", j.VaultName)
	}
	j.State, j.StatusMessage = state, msg
	j.MessageCategory = messageCategory(state, msg)
	if state == "COMPLETED" || state == "PARTIAL" {
		rp := &recoveryPoint{
			ARN: j.RecoveryPointARN, VaultName: v.Name, VaultARN: v.ARN,
			ResourceARN: j.ResourceARN, ResourceType: j.ResourceType, ResourceName: j.ResourceName,
			Status: state, StatusMessage: msg, CreationDate: j.CreationDate, CompletionDate: at,
			BackupSizeInBytes: j.BackupSizeInBytes, IAMRoleArn: j.IAMRoleArn,
			EncryptionKeyArn: v.EncryptionKeyArn, EncryptionKeyType: string(v.EncryptionKeyType),
			BackupPlanID: j.BackupPlanID, BackupPlanArn: j.BackupPlanArn, BackupPlanVersion: j.BackupPlanVersion, BackupRuleID: j.BackupRuleID,
			BackupJobID: j.ID, Fingerprint: j.SourceFingerprint,
			SourceAttributes: maps.Clone(j.SourceAttributes), SourceTags: maps.Clone(j.SourceTags),
		}
		rp.setLifecycle(j.Lifecycle)
		rp.RestoreMetadata = restoreMetadataFor(rp, rs.Region, j.SourceAttributes)
		rs.addRecoveryPoint(rp)
		rs.setTags(rp.ARN, j.RecoveryPointTags)
		e.backupJobEvent(j, at)
		e.recoveryPointEvent(rs, rp, at)
		if state == "COMPLETED" {
			e.startCopyActions(rs, j, rp, at) // plan_runs.go
		}
		return
	}
	j.BackupSizeInBytes = 0
	e.backupJobEvent(j, at)
}

func (e *Emulator) stepCopyJob(rs *regionState, j *copyJob, now time.Time) bool {
	if j == nil {
		return true
	}
	if j.State == "CREATED" {
		j.State = "RUNNING"
		e.copyJobEvent(j, j.CreationDate)
	}
	if j.State != "RUNNING" {
		return true
	}
	if now.Before(j.EndAt) {
		return false
	}
	at := j.EndAt
	j.CompletionDate = at
	state, msg := "COMPLETED", ""
	if j.Failure != nil {
		state, msg = j.Failure.State, j.Failure.StatusMessage
	}
	src := rs.RecoveryPoints[j.SourceRecoveryPointARN]
	dst := e.st.region(j.DestinationAccount, j.DestinationRegion)
	dv := dst.Vaults[j.DestinationVaultName]
	if state == "COMPLETED" || state == "PARTIAL" {
		switch {
		case src == nil:
			state, msg = "FAILED", fmt.Sprintf("Source recovery point %s no longer exists", j.SourceRecoveryPointARN)
		case dv == nil:
			state, msg = "FAILED", fmt.Sprintf("Destination backup vault %s does not exist", j.DestinationVaultARN)
		}
	}
	j.State, j.StatusMessage = state, msg
	j.MessageCategory = messageCategory(state, msg)
	if state != "COMPLETED" && state != "PARTIAL" {
		j.DestinationRecoveryPointARN = ""
		e.copyJobEvent(j, at)
		return true
	}
	rp := &recoveryPoint{
		ARN: j.DestinationRecoveryPointARN, VaultName: dv.Name, VaultARN: dv.ARN,
		ResourceARN: src.ResourceARN, ResourceType: src.ResourceType, ResourceName: src.ResourceName,
		Status: state, StatusMessage: msg, CreationDate: j.CreationDate, CompletionDate: at,
		BackupSizeInBytes: src.BackupSizeInBytes, IAMRoleArn: j.IAMRoleArn,
		EncryptionKeyArn: dv.EncryptionKeyArn, EncryptionKeyType: string(dv.EncryptionKeyType),
		CopyJobID: j.ID, SourceBackupVaultArn: j.SourceVaultARN, Fingerprint: src.Fingerprint,
		BackupPlanID: j.BackupPlanID, BackupPlanArn: j.BackupPlanArn, BackupPlanVersion: j.BackupPlanVersion, BackupRuleID: j.BackupRuleID,
		SourceAttributes: maps.Clone(src.SourceAttributes), SourceTags: maps.Clone(src.SourceTags),
		RestoreMetadata: maps.Clone(src.RestoreMetadata),
	}
	lc := j.Lifecycle
	if lc == nil {
		lc = src.lifecycle()
	}
	rp.setLifecycle(lc)
	dst.addRecoveryPoint(rp)
	dst.setTags(rp.ARN, rs.tagsOf(src.ARN))
	e.copyJobEvent(j, at)
	e.recoveryPointEvent(dst, rp, at)
	return true
}

func (e *Emulator) stepRestoreJob(rs *regionState, j *restoreJob, now time.Time) bool {
	if j == nil {
		return true
	}
	if j.Status == "PENDING" {
		j.Status = "RUNNING"
		e.restoreJobEvent(j, j.CreationDate)
	}
	if j.Status != "RUNNING" {
		return true
	}
	if now.Before(j.EndAt) {
		return false
	}
	at := j.EndAt
	j.CompletionDate = at
	status, msg := "COMPLETED", ""
	if j.Failure != nil {
		status, msg = j.Failure.State, j.Failure.StatusMessage
		if status != "ABORTED" {
			status = "FAILED"
		}
	}
	rp := rs.RecoveryPoints[j.RecoveryPointARN]
	if status == "COMPLETED" && rp == nil {
		status, msg = "FAILED", fmt.Sprintf("Recovery point %s no longer exists", j.RecoveryPointARN)
	}
	if status == "COMPLETED" {
		res, err := e.restoredResource(j, rp)
		if err != "" {
			status, msg = "FAILED", err
		} else {
			if perr := e.st.Put(*res, at); perr != nil {
				status, msg = "FAILED", perr.Error()
			} else {
				j.CreatedResourceARN = res.ARN
				rp.LastRestoreTime = at
			}
		}
	}
	j.Status, j.StatusMessage = status, msg
	e.restoreJobEvent(j, at)
	return true
}

// ---- backup jobs ----

func startBackupJob(c *opCtx, in *awsbackup.StartBackupJobInput) (*awsbackup.StartBackupJobOutput, error) {
	rs := c.rs()
	if id, ok := rs.token("StartBackupJob", aws.ToString(in.IdempotencyToken)); ok {
		if j := rs.BackupJobs[id]; j != nil {
			return &awsbackup.StartBackupJobOutput{BackupJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate), RecoveryPointArn: aws.String(j.RecoveryPointARN)}, nil
		}
	}
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if lag := aws.ToString(in.LogicallyAirGappedBackupVaultArn); lag != "" {
		var target *vault
		for _, cand := range rs.Vaults {
			if cand.ARN == lag {
				target = cand
			}
		}
		if target == nil {
			return nil, notFound("Logically air-gapped backup vault %s does not exist in account %s, Region %s", lag, c.account, c.region)
		}
		if target.Type != types.VaultTypeLogicallyAirGappedBackupVault {
			return nil, invalidParam("LogicallyAirGappedBackupVaultArn %s is not a logically air-gapped backup vault", lag)
		}
		v = target
	}
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, missingParam("ResourceArn")
	}
	if err := checkIAMRole(in.IamRoleArn); err != nil {
		return nil, err
	}
	resARN := *in.ResourceArn
	p, perr := arn.Parse(resARN)
	if perr != nil {
		return nil, invalidParam("ResourceArn %q is not a valid ARN", resARN)
	}
	typ, terr := resourceTypeFromARN(resARN)
	res := c.e.st.Resources[resARN]
	if res != nil {
		typ = res.Type
	} else if terr != nil {
		return nil, invalidParam("ResourceArn %q: the resource type is not supported by AWS Backup", resARN)
	}
	if p.Region != "" && p.Region != c.region {
		return nil, invalidParam("Resource %s is in Region %s; AWS Backup backs up resources in the Region of the request (%s)", resARN, p.Region, c.region)
	}
	if p.AccountID != "" && p.AccountID != c.account {
		return nil, invalidParam("Resource %s belongs to account %s, not the caller's account %s", resARN, p.AccountID, c.account)
	}
	if res == nil {
		return nil, notFound("Resource %s does not exist", resARN)
	}
	if !rs.optedIn(typ) {
		return nil, invalidRequest("Resource type %s is not opted in for AWS Backup in %s; enable it with UpdateRegionSettings", typ, c.region)
	}
	if err := problemErr("", lifecycle.CheckJobWindows(in.StartWindowMinutes, in.CompleteWindowMinutes)); err != nil {
		return nil, err
	}
	startWin := int64(lifecycle.DefaultStartWindow)
	if in.StartWindowMinutes != nil {
		startWin = *in.StartWindowMinutes
	}
	completeWin := aws.ToInt64(in.CompleteWindowMinutes)
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if len(in.RecoveryPointTags) > maxRecoveryPointTags {
		return nil, invalidParam("RecoveryPointTags has %d tags: at most %d allowed", len(in.RecoveryPointTags), maxRecoveryPointTags)
	}
	if err := checkTags("RecoveryPointTags", in.RecoveryPointTags); err != nil {
		return nil, err
	}
	for k, val := range in.BackupOptions {
		if k != "WindowsVSS" {
			return nil, invalidParam("BackupOptions: unknown option %q (allowed: WindowsVSS)", k)
		}
		if val != "enabled" && val != "disabled" {
			return nil, invalidParam("BackupOptions.WindowsVSS %q is invalid: allowed enabled, disabled", val)
		}
		if typ != "EC2" {
			return nil, invalidParam("BackupOptions.WindowsVSS is only supported for EC2 resources, not %s", typ)
		}
	}
	j := c.e.createBackupJob(rs, backupJobSpec{
		vault: v, vaultName: v.Name, res: res, typ: typ,
		iamRole: *in.IamRoleArn, token: aws.ToString(in.IdempotencyToken), now: c.now,
		startWin: startWin, completeWin: completeWin, lifecycle: in.Lifecycle,
		tags: in.RecoveryPointTags, options: in.BackupOptions,
	})
	return &awsbackup.StartBackupJobOutput{BackupJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate), RecoveryPointArn: aws.String(j.RecoveryPointARN)}, nil
}

// backupJobSpec is what a backup job starts with, on demand (StartBackupJob)
// or from a backup plan's rule (plan_runs.go).
type backupJobSpec struct {
	// vault is the target vault; nil when a plan's target vault does not
	// exist, and the job then ends FAILED at once.
	vault     *vault
	vaultName string
	res       *Resource
	typ       string
	iamRole   string
	token     string
	// now is the creation time (a plan's scheduled time for plan jobs).
	now                   time.Time
	startWin, completeWin int64
	lifecycle             *types.Lifecycle
	tags, options         map[string]string
	// creator is set for jobs a plan starts.
	creator     planCreator
	copyActions []types.CopyAction
}

// planCreator names the plan and rule that started a job (CreatedBy).
type planCreator struct {
	BackupPlanID, BackupPlanArn, BackupPlanVersion, BackupPlanName   string
	BackupRuleID, BackupRuleName, BackupRuleCron, BackupRuleTimezone string
}

// createBackupJob starts a validated backup job in rs: the vault lock check,
// injected failures and the completion window apply, the job is tracked as
// active and its CREATED event is emitted. Called with e.mu held.
func (e *Emulator) createBackupJob(rs *regionState, s backupJobSpec) *backupJob {
	res, typ, v := s.res, s.typ, s.vault
	id := newID()
	j := &backupJob{
		ID: id, Account: rs.Account, Region: rs.Region,
		VaultName: s.vaultName, VaultARN: fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", rs.Region, rs.Account, s.vaultName),
		ResourceARN: res.ARN, ResourceType: typ, ResourceName: res.Name,
		IAMRoleArn: s.iamRole, IdempotencyToken: s.token,
		State: "CREATED", CreationDate: s.now,
		StartBy:  s.now.Add(time.Duration(s.startWin) * time.Minute),
		Duration: e.jobDuration(typ),
		// Some resource types get their recovery point ARN only when the
		// job completes in AWS; the emulator always knows it up front.
		RecoveryPointARN:  newRecoveryPointARN(typ, rs.Account, rs.Region, id),
		BackupSizeInBytes: res.SizeBytes,
		BackupOptions:     maps.Clone(s.options),
		RecoveryPointTags: maps.Clone(s.tags),
		Lifecycle:         cloneLifecycle(s.lifecycle),
		SourceFingerprint: res.Fingerprint,
		SourceAttributes:  maps.Clone(res.Attributes),
		SourceTags:        maps.Clone(res.Tags),
		BackupPlanID:      s.creator.BackupPlanID, BackupPlanArn: s.creator.BackupPlanArn,
		BackupPlanVersion: s.creator.BackupPlanVersion, BackupRuleID: s.creator.BackupRuleID,
		BackupPlanName: s.creator.BackupPlanName, BackupRuleName: s.creator.BackupRuleName,
		BackupRuleCron: s.creator.BackupRuleCron, BackupRuleTimezone: s.creator.BackupRuleTimezone,
		CopyActions: s.copyActions,
	}
	if v != nil {
		j.VaultARN, j.VaultType, j.EncryptionKeyArn = v.ARN, string(v.Type), v.EncryptionKeyArn
	} else {
		j.VaultType = string(types.VaultTypeBackupVault)
	}
	if typ == "DynamoDB" && !rs.managed("DynamoDB") {
		// Without advanced DynamoDB backups the point is a DynamoDB backup.
		j.RecoveryPointARN = fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/backup/%014d-%s", rs.Region, rs.Account, res.Name, s.now.UnixMilli(), randHex(8))
	}
	j.StartAt = s.now
	if s.creator.BackupPlanID != "" {
		j.StartAt = s.now.Add(e.planStartDelay(s.creator.BackupPlanName, s.creator.BackupRuleName, res.ARN, s.now, s.startWin))
	}
	if s.completeWin > 0 {
		j.CompleteBy = j.CreationDate.Add(time.Duration(s.completeWin) * time.Minute)
	}
	j.EndAt = j.StartAt.Add(j.Duration)
	if v == nil {
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: fmt.Sprintf("Backup vault %s does not exist in account %s, Region %s", s.vaultName, rs.Account, rs.Region)}
		j.EndAt = j.CreationDate
	} else if msg := lockViolation(v, s.lifecycle); msg != "" {
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: msg}
	} else if f := e.takeFailure(jobBackup, res.ARN, typ); f != nil {
		j.Failure = f
	}
	if j.Failure == nil && !j.CompleteBy.IsZero() && j.EndAt.After(j.CompleteBy) {
		j.Failure = &JobFailure{State: "ABORTED", StatusMessage: "Backup job was canceled because it did not complete within the completion window"}
		j.EndAt = j.CompleteBy
	}
	if j.Failure != nil && j.Failure.State == "EXPIRED" {
		j.EndAt = j.StartBy
	}
	rs.BackupJobs[j.ID] = j
	rs.Active = append(rs.Active, activeJob{Kind: jobBackup, ID: j.ID})
	rs.rememberToken("StartBackupJob", j.IdempotencyToken, j.ID)
	e.backupJobEvent(j, s.now)
	return j
}

func (c *opCtx) backupJobOf(id *string) (*backupJob, error) {
	if id == nil || *id == "" {
		return nil, missingParam("BackupJobId")
	}
	j, ok := c.rs().BackupJobs[*id]
	if !ok {
		return nil, notFound("Backup job %s does not exist", *id)
	}
	return j, nil
}

func (c *opCtx) backupJobMember(j *backupJob) types.BackupJob {
	m := types.BackupJob{
		AccountId:              aws.String(j.Account),
		BackupJobId:            aws.String(j.ID),
		BackupOptions:          maps.Clone(j.BackupOptions),
		BackupVaultArn:         aws.String(j.VaultARN),
		BackupVaultName:        aws.String(j.VaultName),
		CreationDate:           timePtr(j.CreationDate),
		InitiationDate:         timePtr(j.CreationDate),
		CompletionDate:         timePtr(j.CompletionDate),
		EncryptionKeyArn:       aws.String(j.EncryptionKeyArn),
		ExpectedCompletionDate: timePtr(j.EndAt),
		IamRoleArn:             aws.String(j.IAMRoleArn),
		IsEncrypted:            true,
		PercentDone:            aws.String(percentDone(j.CreationDate, j.EndAt, progressAt(c.now, j.CompletionDate), j.State)),
		RecoveryPointArn:       aws.String(j.RecoveryPointARN),
		RecoveryPointLifecycle: cloneLifecycle(j.Lifecycle),
		ResourceArn:            aws.String(j.ResourceARN),
		ResourceName:           aws.String(j.ResourceName),
		ResourceType:           aws.String(j.ResourceType),
		StartBy:                timePtr(j.StartBy),
		State:                  types.BackupJobState(j.State),
		VaultType:              aws.String(j.VaultType),
		CreatedBy:              &types.RecoveryPointCreator{},
	}
	if j.BackupPlanID != "" {
		m.CreatedBy = &types.RecoveryPointCreator{BackupPlanId: aws.String(j.BackupPlanID), BackupPlanArn: aws.String(j.BackupPlanArn),
			BackupPlanVersion: aws.String(j.BackupPlanVersion), BackupRuleId: aws.String(j.BackupRuleID),
			BackupPlanName: optString(j.BackupPlanName), BackupRuleName: optString(j.BackupRuleName),
			BackupRuleCron: optString(j.BackupRuleCron), BackupRuleTimezone: optString(j.BackupRuleTimezone)}
	}
	if j.BackupOptions["WindowsVSS"] == "enabled" {
		m.BackupType = aws.String("WindowsVSS")
	}
	switch j.State {
	case "COMPLETED", "PARTIAL":
		m.BackupSizeInBytes = aws.Int64(j.BackupSizeInBytes)
		m.BytesTransferred = aws.Int64(j.BackupSizeInBytes)
	case "RUNNING":
		m.BackupSizeInBytes = aws.Int64(0)
		p, _ := strconv.ParseFloat(*m.PercentDone, 64)
		m.BytesTransferred = aws.Int64(int64(float64(j.BackupSizeInBytes) * p / 100))
	default:
		m.BackupSizeInBytes = aws.Int64(0)
		m.BytesTransferred = aws.Int64(0)
	}
	if j.StatusMessage != "" {
		m.StatusMessage = aws.String(j.StatusMessage)
	}
	if j.MessageCategory != "" {
		m.MessageCategory = aws.String(j.MessageCategory)
	}
	if v := c.rsFor(j.Account, j.Region).Vaults[j.VaultName]; v != nil && v.LockConfigured {
		m.VaultLockState = aws.String("LOCKED")
	}
	return m
}

func describeBackupJob(c *opCtx, in *awsbackup.DescribeBackupJobInput) (*awsbackup.DescribeBackupJobOutput, error) {
	j, err := c.backupJobOf(in.BackupJobId)
	if err != nil {
		return nil, err
	}
	m := c.backupJobMember(j)
	return &awsbackup.DescribeBackupJobOutput{
		AccountId: m.AccountId, BackupJobId: m.BackupJobId, BackupOptions: m.BackupOptions, BackupSizeInBytes: m.BackupSizeInBytes,
		BackupType: m.BackupType, BackupVaultArn: m.BackupVaultArn, BackupVaultName: m.BackupVaultName, BytesTransferred: m.BytesTransferred,
		CompletionDate: m.CompletionDate, CreatedBy: m.CreatedBy, CreationDate: m.CreationDate, EncryptionKeyArn: m.EncryptionKeyArn,
		ExpectedCompletionDate: m.ExpectedCompletionDate, IamRoleArn: m.IamRoleArn, InitiationDate: m.InitiationDate, IsEncrypted: m.IsEncrypted,
		MessageCategory: m.MessageCategory, PercentDone: m.PercentDone, RecoveryPointArn: m.RecoveryPointArn,
		RecoveryPointLifecycle: m.RecoveryPointLifecycle, ResourceArn: m.ResourceArn, ResourceName: m.ResourceName, ResourceType: m.ResourceType,
		StartBy: m.StartBy, State: m.State, StatusMessage: m.StatusMessage, VaultLockState: m.VaultLockState, VaultType: m.VaultType,
		ChildJobsInState: nil, NumberOfChildJobs: nil,
	}, nil
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
	if !accountIDPattern.MatchString(*byAccount) {
		return nil, invalidParam("ByAccountId %q is not a 12-digit account id or *", *byAccount)
	}
	if a, ok := c.e.st.Accounts[*byAccount]; ok {
		if rs, ok := a.Regions[c.region]; ok {
			return []*regionState{rs}, nil
		}
	}
	return nil, nil
}

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

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

func listBackupJobs(c *opCtx, in *awsbackup.ListBackupJobsInput) (*awsbackup.ListBackupJobsOutput, error) {
	if in.ByState != "" && !slices.Contains(types.BackupJobState("").Values(), in.ByState) {
		return nil, invalidParam("ByState %q is not a backup job state", in.ByState)
	}
	regions, err := c.jobRegions(in.ByAccountId)
	if err != nil {
		return nil, err
	}
	var jobs []*backupJob
	for _, rs := range regions {
		for _, j := range rs.BackupJobs {
			if in.ByState != "" && j.State != string(in.ByState) ||
				in.ByResourceArn != nil && *in.ByResourceArn != j.ResourceARN ||
				in.ByBackupVaultName != nil && *in.ByBackupVaultName != j.VaultName ||
				in.ByResourceType != nil && *in.ByResourceType != j.ResourceType ||
				in.ByParentJobId != nil && *in.ByParentJobId != "" ||
				!timeFilter(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) ||
				!completeFilter(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore) ||
				!categoryMatches(j.MessageCategory, in.ByMessageCategory) {
				continue
			}
			jobs = append(jobs, j)
		}
	}
	slices.SortFunc(jobs, func(a, b *backupJob) int { return newestFirst(a.CreationDate, b.CreationDate, a.ID, b.ID) })
	pg, next, err := page(jobs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupJobsOutput{BackupJobs: make([]types.BackupJob, 0, len(pg)), NextToken: next}
	for _, j := range pg {
		out.BackupJobs = append(out.BackupJobs, c.backupJobMember(j))
	}
	return out, nil
}

func stopBackupJob(c *opCtx, in *awsbackup.StopBackupJobInput) (*struct{}, error) {
	j, err := c.backupJobOf(in.BackupJobId)
	if err != nil {
		return nil, err
	}
	if typesNotStoppable[j.ResourceType] {
		return nil, invalidRequest("StopBackupJob is not supported for %s backup jobs", j.ResourceType)
	}
	if j.State != "CREATED" && j.State != "RUNNING" && j.State != "PENDING" {
		return nil, invalidRequest("Backup job %s is in state %s and cannot be stopped", j.ID, j.State)
	}
	j.State = "ABORTING"
	j.StatusMessage = "Backup job was stopped by the user"
	c.e.backupJobEvent(j, c.now)
	return nil, nil
}

// ---- copy jobs ----

func startCopyJob(c *opCtx, in *awsbackup.StartCopyJobInput) (*awsbackup.StartCopyJobOutput, error) {
	rs := c.rs()
	if id, ok := rs.token("StartCopyJob", aws.ToString(in.IdempotencyToken)); ok {
		if j := rs.CopyJobs[id]; j != nil {
			return &awsbackup.StartCopyJobOutput{CopyJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate)}, nil
		}
	}
	if in.SourceBackupVaultName == nil || *in.SourceBackupVaultName == "" {
		return nil, missingParam("SourceBackupVaultName")
	}
	sv, err := c.vaultOf(in.SourceBackupVaultName)
	if err != nil {
		return nil, err
	}
	if in.RecoveryPointArn == nil || *in.RecoveryPointArn == "" {
		return nil, missingParam("RecoveryPointArn")
	}
	if in.DestinationBackupVaultArn == nil || *in.DestinationBackupVaultArn == "" {
		return nil, missingParam("DestinationBackupVaultArn")
	}
	if err := checkIAMRole(in.IamRoleArn); err != nil {
		return nil, err
	}
	rp := rs.RecoveryPoints[*in.RecoveryPointArn]
	if rp == nil || rp.VaultName != sv.Name {
		return nil, notFound("Recovery point %s does not exist in backup vault %s", *in.RecoveryPointArn, sv.Name)
	}
	if rp.Status != "COMPLETED" && rp.Status != "PARTIAL" {
		return nil, invalidState("Recovery point %s is %s and cannot be copied", rp.ARN, rp.Status)
	}
	dp, perr := arn.Parse(*in.DestinationBackupVaultArn)
	if perr != nil || dp.Service != "backup" || !strings.HasPrefix(dp.Resource, "backup-vault:") {
		return nil, invalidParam("DestinationBackupVaultArn %q is not a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)", *in.DestinationBackupVaultArn)
	}
	dName := strings.TrimPrefix(dp.Resource, "backup-vault:")
	dst := c.rsFor(dp.AccountID, dp.Region)
	dv := dst.Vaults[dName]
	if dv == nil {
		return nil, notFound("Backup vault %s does not exist in account %s, Region %s", dName, dp.AccountID, dp.Region)
	}
	if dv.ARN == sv.ARN {
		return nil, invalidParam("DestinationBackupVaultArn must differ from the source backup vault")
	}
	if err := checkLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if dp.AccountID != c.account && c.e.st.account(c.account).GlobalSettings["isCrossAccountBackupEnabled"] != "true" {
		return nil, invalidRequest("Cross-account backup is not enabled for account %s: set the global setting isCrossAccountBackupEnabled to true", c.account)
	}
	j := c.e.createCopyJob(rs, copyJobSpec{
		sv: sv, rp: rp, dAccount: dp.AccountID, dRegion: dp.Region, dName: dName, dARN: dv.ARN, dv: dv,
		iamRole: *in.IamRoleArn, token: aws.ToString(in.IdempotencyToken), lifecycle: in.Lifecycle, now: c.now,
	})
	return &awsbackup.StartCopyJobOutput{CopyJobId: aws.String(j.ID), CreationDate: timePtr(j.CreationDate)}, nil
}

// copyJobSpec is what a copy job starts with, from StartCopyJob or from a
// plan rule's copy action.
type copyJobSpec struct {
	sv *vault
	rp *recoveryPoint
	// The destination vault; dv is nil when a copy action names a vault
	// that does not exist, and the job then ends FAILED.
	dAccount, dRegion, dName, dARN string
	dv                             *vault
	iamRole, token                 string
	lifecycle                      *types.Lifecycle
	now                            time.Time
	// failure, when set, is the state the job ends in regardless.
	failure *JobFailure
	creator planCreator
}

// createCopyJob starts a validated copy job in rs (the source's account and
// Region): the destination policy and lock checks and injected failures
// apply. Called with e.mu held.
func (e *Emulator) createCopyJob(rs *regionState, s copyJobSpec) *copyJob {
	rp, dv := s.rp, s.dv
	lc := s.lifecycle
	if lc == nil {
		lc = rp.lifecycle()
	}
	j := &copyJob{
		ID: newID(), Account: rs.Account, Region: rs.Region,
		SourceVaultARN: s.sv.ARN, SourceVaultName: s.sv.Name, SourceRecoveryPointARN: rp.ARN,
		DestinationAccount: s.dAccount, DestinationRegion: s.dRegion, DestinationVaultName: s.dName, DestinationVaultARN: s.dARN,
		DestinationRecoveryPointARN: newRecoveryPointARN(rp.ResourceType, s.dAccount, s.dRegion, ""),
		ResourceARN:                 rp.ResourceARN, ResourceType: rp.ResourceType, ResourceName: rp.ResourceName,
		IAMRoleArn: s.iamRole, IdempotencyToken: s.token,
		State: "CREATED", CreationDate: s.now, Duration: e.jobDuration(rp.ResourceType),
		BackupSizeInBytes: rp.BackupSizeInBytes, Lifecycle: cloneLifecycle(s.lifecycle),
		BackupPlanID: s.creator.BackupPlanID, BackupPlanArn: s.creator.BackupPlanArn,
		BackupPlanVersion: s.creator.BackupPlanVersion, BackupRuleID: s.creator.BackupRuleID,
	}
	j.EndAt = j.CreationDate.Add(j.Duration)
	switch {
	case s.failure != nil:
		j.Failure = s.failure
	case dv == nil:
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: fmt.Sprintf("Destination backup vault %s does not exist", s.dARN)}
	case e.copyIntoDenied(rs, s) != "":
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: e.copyIntoDenied(rs, s)}
	case lockViolation(dv, lc) != "":
		j.Failure = &JobFailure{State: "FAILED", StatusMessage: lockViolation(dv, lc)}
	default:
		if f := e.takeFailure(jobCopy, rp.ResourceARN, rp.ResourceType); f != nil {
			j.Failure = f
			if f.State == "ABORTED" || f.State == "EXPIRED" {
				j.Failure.State = "FAILED"
			}
		}
	}
	rs.CopyJobs[j.ID] = j
	rs.Active = append(rs.Active, activeJob{Kind: jobCopy, ID: j.ID})
	rs.rememberToken("StartCopyJob", j.IdempotencyToken, j.ID)
	e.copyJobEvent(j, s.now)
	return j
}

func (c *opCtx) copyJobMember(j *copyJob) *types.CopyJob {
	m := &types.CopyJob{
		AccountId:                         aws.String(j.Account),
		BackupSizeInBytes:                 aws.Int64(j.BackupSizeInBytes),
		CompletionDate:                    timePtr(j.CompletionDate),
		CopyJobId:                         aws.String(j.ID),
		CreatedBy:                         j.creator(),
		CreationDate:                      timePtr(j.CreationDate),
		DestinationBackupVaultArn:         aws.String(j.DestinationVaultARN),
		DestinationRecoveryPointArn:       aws.String(j.DestinationRecoveryPointARN),
		DestinationRecoveryPointLifecycle: cloneLifecycle(j.Lifecycle),
		IamRoleArn:                        aws.String(j.IAMRoleArn),
		ResourceArn:                       aws.String(j.ResourceARN),
		ResourceName:                      aws.String(j.ResourceName),
		ResourceType:                      aws.String(j.ResourceType),
		SourceBackupVaultArn:              aws.String(j.SourceVaultARN),
		SourceRecoveryPointArn:            aws.String(j.SourceRecoveryPointARN),
		State:                             types.CopyJobState(j.State),
	}
	if j.DestinationRecoveryPointARN == "" {
		m.DestinationRecoveryPointArn = nil
	}
	if j.StatusMessage != "" {
		m.StatusMessage = aws.String(j.StatusMessage)
	}
	if j.MessageCategory != "" {
		m.MessageCategory = aws.String(j.MessageCategory)
	}
	if dv := c.rsFor(j.DestinationAccount, j.DestinationRegion).Vaults[j.DestinationVaultName]; dv != nil {
		m.DestinationEncryptionKeyArn = aws.String(dv.EncryptionKeyArn)
		m.DestinationVaultType = aws.String(string(dv.Type))
		if dv.LockConfigured {
			m.DestinationVaultLockState = aws.String("LOCKED")
		}
	}
	return m
}

func describeCopyJob(c *opCtx, in *awsbackup.DescribeCopyJobInput) (*awsbackup.DescribeCopyJobOutput, error) {
	if in.CopyJobId == nil || *in.CopyJobId == "" {
		return nil, missingParam("CopyJobId")
	}
	j, ok := c.rs().CopyJobs[*in.CopyJobId]
	if !ok {
		return nil, notFound("Copy job %s does not exist", *in.CopyJobId)
	}
	return &awsbackup.DescribeCopyJobOutput{CopyJob: c.copyJobMember(j)}, nil
}

func listCopyJobs(c *opCtx, in *awsbackup.ListCopyJobsInput) (*awsbackup.ListCopyJobsOutput, error) {
	if in.ByState != "" && !slices.Contains(types.CopyJobState("").Values(), in.ByState) {
		return nil, invalidParam("ByState %q is not a copy job state", in.ByState)
	}
	regions, err := c.jobRegions(in.ByAccountId)
	if err != nil {
		return nil, err
	}
	var jobs []*copyJob
	for _, rs := range regions {
		for _, j := range rs.CopyJobs {
			if in.ByState != "" && j.State != string(in.ByState) ||
				in.ByResourceArn != nil && *in.ByResourceArn != j.ResourceARN ||
				in.ByResourceType != nil && *in.ByResourceType != j.ResourceType ||
				in.ByDestinationVaultArn != nil && *in.ByDestinationVaultArn != j.DestinationVaultARN ||
				in.BySourceRecoveryPointArn != nil && *in.BySourceRecoveryPointArn != j.SourceRecoveryPointARN ||
				in.ByParentJobId != nil && *in.ByParentJobId != "" ||
				!timeFilter(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) ||
				!completeFilter(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore) ||
				!categoryMatches(j.MessageCategory, in.ByMessageCategory) {
				continue
			}
			jobs = append(jobs, j)
		}
	}
	slices.SortFunc(jobs, func(a, b *copyJob) int { return newestFirst(a.CreationDate, b.CreationDate, a.ID, b.ID) })
	pg, next, err := page(jobs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListCopyJobsOutput{CopyJobs: make([]types.CopyJob, 0, len(pg)), NextToken: next}
	for _, j := range pg {
		out.CopyJobs = append(out.CopyJobs, *c.copyJobMember(j))
	}
	return out, nil
}

// ---- restore jobs ----

func startRestoreJob(c *opCtx, in *awsbackup.StartRestoreJobInput) (*awsbackup.StartRestoreJobOutput, error) {
	rs := c.rs()
	if id, ok := rs.token("StartRestoreJob", aws.ToString(in.IdempotencyToken)); ok {
		if j := rs.RestoreJobs[id]; j != nil {
			return &awsbackup.StartRestoreJobOutput{RestoreJobId: aws.String(j.ID)}, nil
		}
	}
	if in.RecoveryPointArn == nil || *in.RecoveryPointArn == "" {
		return nil, missingParam("RecoveryPointArn")
	}
	if in.Metadata == nil {
		return nil, missingParam("Metadata")
	}
	rp := rs.RecoveryPoints[*in.RecoveryPointArn]
	if rp == nil {
		return nil, notFound("Recovery point %s does not exist", *in.RecoveryPointArn)
	}
	if rp.Status != "COMPLETED" {
		return nil, invalidRequest("Recovery point %s is %s; only COMPLETED recovery points can be restored", rp.ARN, rp.Status)
	}
	if in.IamRoleArn != nil {
		if err := checkIAMRole(in.IamRoleArn); err != nil {
			return nil, err
		}
	} else if rp.ResourceType != "EBS" && rp.ResourceType != "EC2" {
		// AWS falls back to the default role for some types; require it
		// for the rest, as the API reference says.
		return nil, missingParam("IamRoleArn")
	}
	typ := rp.ResourceType
	if in.ResourceType != nil && *in.ResourceType != "" {
		if !slices.Contains(supportedResourceTypes, *in.ResourceType) {
			return nil, invalidParam("ResourceType %q is not a resource type AWS Backup supports", *in.ResourceType)
		}
		typ = *in.ResourceType
	}
	if err := checkRestoreMetadata(typ, in.Metadata); err != nil {
		return nil, err
	}
	j := &restoreJob{
		ID: newID(), Account: c.account, Region: c.region,
		RecoveryPointARN: rp.ARN, RecoveryPointCreationDate: rp.CreationDate,
		VaultName: rp.VaultName, VaultARN: rp.VaultARN, ResourceType: typ, SourceResourceARN: rp.ResourceARN,
		IAMRoleArn: aws.ToString(in.IamRoleArn), IdempotencyToken: aws.ToString(in.IdempotencyToken),
		Metadata: maps.Clone(in.Metadata), CopySourceTags: in.CopySourceTagsToRestoredResource,
		Status: "PENDING", CreationDate: c.now, Duration: c.e.jobDuration(typ), BackupSizeInBytes: rp.BackupSizeInBytes,
	}
	j.EndAt = j.CreationDate.Add(j.Duration)
	if f := c.e.takeFailure(jobRestore, rp.ResourceARN, typ); f != nil {
		j.Failure = f
	}
	rs.RestoreJobs[j.ID] = j
	rs.Active = append(rs.Active, activeJob{Kind: jobRestore, ID: j.ID})
	rs.rememberToken("StartRestoreJob", j.IdempotencyToken, j.ID)
	c.e.restoreJobEvent(j, c.now)
	return &awsbackup.StartRestoreJobOutput{RestoreJobId: aws.String(j.ID)}, nil
}

func (c *opCtx) restoreJobOf(id *string) (*restoreJob, error) {
	if id == nil || *id == "" {
		return nil, missingParam("RestoreJobId")
	}
	j, ok := c.rs().RestoreJobs[*id]
	if !ok {
		return nil, notFound("Restore job %s does not exist", *id)
	}
	return j, nil
}

func (c *opCtx) restoreJobMember(j *restoreJob) types.RestoreJobsListMember {
	m := types.RestoreJobsListMember{
		AccountId:                     aws.String(j.Account),
		BackupSizeInBytes:             aws.Int64(j.BackupSizeInBytes),
		BackupVaultArn:                aws.String(j.VaultARN),
		CompletionDate:                timePtr(j.CompletionDate),
		CreationDate:                  timePtr(j.CreationDate),
		DeletionStatus:                types.RestoreDeletionStatus(j.DeletionStatus),
		ExpectedCompletionTimeMinutes: aws.Int64(int64(j.Duration / time.Minute)),
		PercentDone:                   aws.String(percentDone(j.CreationDate, j.EndAt, progressAt(c.now, j.CompletionDate), j.Status)),
		RecoveryPointArn:              aws.String(j.RecoveryPointARN),
		RecoveryPointCreationDate:     timePtr(j.RecoveryPointCreationDate),
		ResourceType:                  aws.String(j.ResourceType),
		RestoreJobId:                  aws.String(j.ID),
		SourceResourceArn:             aws.String(j.SourceResourceARN),
		Status:                        types.RestoreJobStatus(j.Status),
		ValidationStatus:              types.RestoreValidationStatus(j.ValidationStatus),
	}
	if j.IAMRoleArn != "" {
		m.IamRoleArn = aws.String(j.IAMRoleArn)
	}
	if j.CreatedResourceARN != "" {
		m.CreatedResourceArn = aws.String(j.CreatedResourceARN)
	}
	if j.StatusMessage != "" {
		m.StatusMessage = aws.String(j.StatusMessage)
	}
	if j.ValidationMessage != "" {
		m.ValidationStatusMessage = aws.String(j.ValidationMessage)
	}
	if j.DeletionMessage != "" {
		m.DeletionStatusMessage = aws.String(j.DeletionMessage)
	}
	if j.RestoreTestingPlanArn != "" {
		m.CreatedBy = &types.RestoreJobCreator{RestoreTestingPlanArn: aws.String(j.RestoreTestingPlanArn)}
	}
	return m
}

func describeRestoreJob(c *opCtx, in *awsbackup.DescribeRestoreJobInput) (*awsbackup.DescribeRestoreJobOutput, error) {
	j, err := c.restoreJobOf(in.RestoreJobId)
	if err != nil {
		return nil, err
	}
	m := c.restoreJobMember(j)
	return &awsbackup.DescribeRestoreJobOutput{
		AccountId: m.AccountId, BackupSizeInBytes: m.BackupSizeInBytes, BackupVaultArn: m.BackupVaultArn, CompletionDate: m.CompletionDate,
		CreatedBy: m.CreatedBy, CreatedResourceArn: m.CreatedResourceArn, CreationDate: m.CreationDate, DeletionStatus: m.DeletionStatus,
		DeletionStatusMessage: m.DeletionStatusMessage, ExpectedCompletionTimeMinutes: m.ExpectedCompletionTimeMinutes, IamRoleArn: m.IamRoleArn,
		PercentDone: m.PercentDone, RecoveryPointArn: m.RecoveryPointArn, RecoveryPointCreationDate: m.RecoveryPointCreationDate,
		ResourceType: m.ResourceType, RestoreJobId: m.RestoreJobId, SourceResourceArn: m.SourceResourceArn, Status: m.Status,
		StatusMessage: m.StatusMessage, ValidationStatus: m.ValidationStatus, ValidationStatusMessage: m.ValidationStatusMessage,
	}, nil
}

func listRestoreJobs(c *opCtx, in *awsbackup.ListRestoreJobsInput) (*awsbackup.ListRestoreJobsOutput, error) {
	if in.ByStatus != "" && !slices.Contains(types.RestoreJobStatus("").Values(), in.ByStatus) {
		return nil, invalidParam("ByStatus %q is not a restore job status", in.ByStatus)
	}
	regions, err := c.jobRegions(in.ByAccountId)
	if err != nil {
		return nil, err
	}
	var jobs []*restoreJob
	for _, rs := range regions {
		for _, j := range rs.RestoreJobs {
			if in.ByStatus != "" && j.Status != string(in.ByStatus) ||
				in.ByResourceType != nil && *in.ByResourceType != j.ResourceType ||
				in.ByRestoreTestingPlanArn != nil && *in.ByRestoreTestingPlanArn != j.RestoreTestingPlanArn ||
				in.ByParentJobId != nil && *in.ByParentJobId != "" ||
				!timeFilter(j.CreationDate, in.ByCreatedAfter, in.ByCreatedBefore) ||
				!completeFilter(j.CompletionDate, in.ByCompleteAfter, in.ByCompleteBefore) {
				continue
			}
			jobs = append(jobs, j)
		}
	}
	return restoreJobPage(c, jobs, in.NextToken, in.MaxResults)
}

func restoreJobPage(c *opCtx, jobs []*restoreJob, token *string, maxResults *int32) (*awsbackup.ListRestoreJobsOutput, error) {
	slices.SortFunc(jobs, func(a, b *restoreJob) int { return newestFirst(a.CreationDate, b.CreationDate, a.ID, b.ID) })
	pg, next, err := page(jobs, token, maxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRestoreJobsOutput{RestoreJobs: make([]types.RestoreJobsListMember, 0, len(pg)), NextToken: next}
	for _, j := range pg {
		out.RestoreJobs = append(out.RestoreJobs, c.restoreJobMember(j))
	}
	return out, nil
}

func listRestoreJobsByProtectedResource(c *opCtx, in *awsbackup.ListRestoreJobsByProtectedResourceInput) (*awsbackup.ListRestoreJobsByProtectedResourceOutput, error) {
	if in.ResourceArn == nil || *in.ResourceArn == "" {
		return nil, missingParam("ResourceArn")
	}
	if in.ByStatus != "" && !slices.Contains(types.RestoreJobStatus("").Values(), in.ByStatus) {
		return nil, invalidParam("ByStatus %q is not a restore job status", in.ByStatus)
	}
	var jobs []*restoreJob
	for _, j := range c.rs().RestoreJobs {
		if j.SourceResourceARN != *in.ResourceArn ||
			in.ByStatus != "" && j.Status != string(in.ByStatus) ||
			!timeFilter(j.RecoveryPointCreationDate, in.ByRecoveryPointCreationDateAfter, in.ByRecoveryPointCreationDateBefore) {
			continue
		}
		jobs = append(jobs, j)
	}
	out, err := restoreJobPage(c, jobs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	return &awsbackup.ListRestoreJobsByProtectedResourceOutput{RestoreJobs: out.RestoreJobs, NextToken: out.NextToken}, nil
}

func putRestoreValidationResult(c *opCtx, in *awsbackup.PutRestoreValidationResultInput) (*struct{}, error) {
	j, err := c.restoreJobOf(in.RestoreJobId)
	if err != nil {
		return nil, err
	}
	if in.ValidationStatus == "" {
		return nil, missingParam("ValidationStatus")
	}
	if !slices.Contains(types.RestoreValidationStatus("").Values(), in.ValidationStatus) {
		return nil, invalidParam("ValidationStatus %q is invalid: allowed FAILED, SUCCESSFUL, TIMED_OUT, VALIDATING", in.ValidationStatus)
	}
	if j.Status != "COMPLETED" {
		return nil, invalidRequest("Restore job %s is %s; validation results can only be sent for COMPLETED restore jobs", j.ID, j.Status)
	}
	j.ValidationStatus = string(in.ValidationStatus)
	j.ValidationMessage = aws.ToString(in.ValidationStatusMessage)
	return nil, nil
}

func getRestoreJobMetadata(c *opCtx, in *awsbackup.GetRestoreJobMetadataInput) (*awsbackup.GetRestoreJobMetadataOutput, error) {
	j, err := c.restoreJobOf(in.RestoreJobId)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetRestoreJobMetadataOutput{RestoreJobId: aws.String(j.ID), Metadata: maps.Clone(j.Metadata)}, nil
}
