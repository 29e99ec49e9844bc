package backuptest

// Restore jobs: StartRestoreJob, DescribeRestoreJob, ListRestoreJobs,
// ListRestoreJobsByProtectedResource, PutRestoreValidationResult,
// GetRestoreJobMetadata, and their progress.

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func (e *Emulator) registerRestoreJobs() {
	e.register("StartRestoreJob", handle(startRestoreJob))
	e.register("DescribeRestoreJob", handle(describeRestoreJob))
	e.register("ListRestoreJobs", handle(listRestoreJobs))
	e.register("ListRestoreJobsByProtectedResource", handle(listRestoreJobsByProtectedResource))
	e.register("PutRestoreValidationResult", handle(putRestoreValidationResult))
	e.register("GetRestoreJobMetadata", handle(getRestoreJobMetadata))
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
	if err := c.e.checkPointInTime(rs, rp, in.Metadata, c.now); err != nil {
		return nil, err
	}
	j := c.e.createRestoreJob(rs, rp, typ, maps.Clone(in.Metadata), aws.ToString(in.IamRoleArn), c.now)
	j.IdempotencyToken = aws.ToString(in.IdempotencyToken)
	j.CopySourceTags = in.CopySourceTagsToRestoredResource
	rs.rememberToken("StartRestoreJob", j.IdempotencyToken, j.ID)
	return &awsbackup.StartRestoreJobOutput{RestoreJobId: aws.String(j.ID)}, nil
}

// createRestoreJob starts a PENDING restore job of rp created at now, as
// StartRestoreJob and restore testing plans (restore_testing_runs.go) do.
func (e *Emulator) createRestoreJob(rs *regionState, rp *recoveryPoint, typ string, md map[string]string, role string, now time.Time) *restoreJob {
	j := &restoreJob{
		ID: newID(), Account: rs.Account, Region: rs.Region,
		RecoveryPointARN: rp.ARN, RecoveryPointCreationDate: rp.CreationDate,
		VaultName: rp.VaultName, VaultARN: rp.VaultARN, ResourceType: typ, SourceResourceARN: rp.ResourceARN,
		IAMRoleArn: role, Metadata: md,
		Status: "PENDING", CreationDate: now, Duration: e.jobDuration(typ), BackupSizeInBytes: rp.BackupSizeInBytes,
	}
	j.EndAt = j.CreationDate.Add(j.Duration)
	if f := e.takeFailure(jobRestore, rp.ResourceARN, typ); f != nil {
		j.Failure = f
	}
	rs.RestoreJobs[j.ID] = j
	rs.Active = append(rs.Active, activeJob{Kind: jobRestore, ID: j.ID})
	e.restoreJobEvent(j, now)
	return j
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
	if j.RestoreTestingPlanArn != "" && j.DeletionStatus == "" && restoreTestFinal(j.ValidationStatus) {
		c.e.deleteRestoredResource(j, c.now) // restore_testing_runs.go
	}
	return nil, nil
}

func getRestoreJobMetadata(c *opCtx, in *awsbackup.GetRestoreJobMetadataInput) (*awsbackup.GetRestoreJobMetadataOutput, error) {
	j, err := c.restoreJobOf(in.RestoreJobId)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetRestoreJobMetadataOutput{RestoreJobId: aws.String(j.ID), Metadata: maps.Clone(j.Metadata)}, nil
}
