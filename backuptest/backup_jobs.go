package backuptest

// Backup jobs: StartBackupJob, DescribeBackupJob, ListBackupJobs,
// StopBackupJob, and their progress.
//
// Known difference: StopBackupJob moves the job to ABORTING; the next
// request sees it ABORTED. It refuses the types AWS does not stop (Aurora,
// DocumentDB, FSx, Neptune, RDS, SAP HANA on Amazon EC2).
//
// Known difference: with LogicallyAirGappedBackupVaultArn every resource
// type backs up straight into the logically air-gapped vault (AWS stages some
// types in BackupVaultName first); the job then names that vault.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/lifecycle"
)

func (e *Emulator) registerBackupJobs() {
	e.register("StartBackupJob", handle(startBackupJob))
	e.register("DescribeBackupJob", handle(describeBackupJob))
	e.register("ListBackupJobs", handle(listBackupJobs))
	e.register("StopBackupJob", handle(stopBackupJob))
}

// typesNotStoppable are the resource types StopBackupJob does not support.
var typesNotStoppable = map[string]bool{
	"Aurora": true, "DocumentDB": true, "FSx": true, "Neptune": true, "RDS": true, "SAP HANA on Amazon EC2": true,
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
	if j.Continuous && (state == "COMPLETED" || state == "PARTIAL") && e.updateContinuousPoint(rs, j, at) {
		e.backupJobEvent(j, at)
		return
	}
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
			Continuous: j.Continuous,
		}
		rp.setLifecycle(j.Lifecycle)
		rp.RestoreMetadata = restoreMetadataFor(rp, rs.Region, j.SourceAttributes)
		rs.addRecoveryPoint(rp)
		if j.Continuous {
			rs.newContinuousPoint(rp, j) // continuous.go
		}
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
	// continuous makes a continuous backup job (continuous.go).
	continuous bool
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
	if s.continuous {
		j.Continuous = true
		j.RecoveryPointARN = continuousRecoveryPointARN(rs.Account, rs.Region, s.vaultName, res)
	} else if typ == "DynamoDB" && !rs.managed("DynamoDB") {
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
