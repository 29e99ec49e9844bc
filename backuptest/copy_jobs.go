package backuptest

// Copy jobs: StartCopyJob, DescribeCopyJob, ListCopyJobs, and their
// progress.
//
// Known difference: a cross-account StartCopyJob needs the source account's
// global setting isCrossAccountBackupEnabled = "true" (UpdateGlobalSettings,
// which the emulator allows any account to call) and ends FAILED with
// "Access denied" unless the destination vault has an access policy that
// allows backup:CopyIntoBackupVault (evaluated, access_policy.go).

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func (e *Emulator) registerCopyJobs() {
	e.register("StartCopyJob", handle(startCopyJob))
	e.register("DescribeCopyJob", handle(describeCopyJob))
	e.register("ListCopyJobs", handle(listCopyJobs))
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
