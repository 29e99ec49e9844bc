package backuptest

// Restore testing plans and selections, and GetRestoreTestingInferredMetadata.
//
// Restore testing plans run on their schedules with Options.RunPlans
// (restore_testing_runs.go).
//
// Known difference: a duplicate restore testing plan or selection name is
// AlreadyExistsException; the ARN suffix of a restore testing plan is
// random and shorter than AWS's.
//
// GetRestoreTestingInferredMetadata returns the metadata a restore test of
// the point starts from (restore_testing_runs.go, inferredRestoreMetadata):
// the recovery point's restore metadata with a new "awsbackup-restore-test-"
// name where the type names its restored resource.

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/limits"
)

// Restore testing limits (AWS Backup quotas and API reference).
const (
	maxRestoreTestingPlans        = 100
	maxRestoreTestingSelections   = 30
	maxStartWindowHours           = 168
	defaultRTStartWindowHours     = 24
	maxSelectionWindowDays        = 365
	defaultRTSelectionWindowDays  = 30
	maxValidationWindowHours      = 168
	restoreTestingConditionPrefix = "aws:ResourceTag/"
)

var (
	restoreTestingVaultARN = regexp.MustCompile(`^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[a-zA-Z0-9\-_*]{1,50}$`)
)

func (e *Emulator) registerRestoreTesting() {
	e.register("CreateRestoreTestingPlan", handle(createRestoreTestingPlan))
	e.register("GetRestoreTestingPlan", handle(getRestoreTestingPlan))
	e.register("UpdateRestoreTestingPlan", handle(updateRestoreTestingPlan))
	e.register("DeleteRestoreTestingPlan", handle(deleteRestoreTestingPlan))
	e.register("ListRestoreTestingPlans", handle(listRestoreTestingPlans))
	e.register("CreateRestoreTestingSelection", handle(createRestoreTestingSelection))
	e.register("GetRestoreTestingSelection", handle(getRestoreTestingSelection))
	e.register("UpdateRestoreTestingSelection", handle(updateRestoreTestingSelection))
	e.register("DeleteRestoreTestingSelection", handle(deleteRestoreTestingSelection))
	e.register("ListRestoreTestingSelections", handle(listRestoreTestingSelections))
	e.register("GetRestoreTestingInferredMetadata", handle(getRestoreTestingInferredMetadata))
}

func checkRestoreTestingName(field string, name *string) error {
	if name == nil || *name == "" {
		return missingParam(field)
	}
	if reason := limits.RestoreTestingName(*name); reason != "" {
		return invalidParam("%s %q is invalid: it %s", field, *name, reason)
	}
	return nil
}

// checkRestoreTestingSchedule validates the schedule members shared by
// create and update. expr may be nil on update.
func checkRestoreTestingSchedule(f string, expr, tz *string, startHours int32) error {
	if expr != nil {
		if err := checkCron(*expr); err != nil {
			return invalidParam("%s.ScheduleExpression %q is invalid: %v", f, *expr, err)
		}
	}
	if tz != nil {
		if !validTimezone(*tz) {
			return invalidParam("%s.ScheduleExpressionTimezone %q is not an IANA time zone name", f, *tz)
		}
	}
	if startHours < 0 || startHours > maxStartWindowHours {
		return invalidParam("%s.StartWindowHours %d is out of range: allowed 1 to %d", f, startHours, maxStartWindowHours)
	}
	return nil
}

// checkRecoveryPointSelection validates a RecoveryPointSelection.
func checkRecoveryPointSelection(f string, s *types.RestoreTestingRecoveryPointSelection) error {
	if s == nil {
		return missingParam(f)
	}
	switch s.Algorithm {
	case "":
		return missingParam(f + ".Algorithm")
	case types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow, types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow:
	default:
		return invalidParam("%s.Algorithm %q is invalid: allowed LATEST_WITHIN_WINDOW, RANDOM_WITHIN_WINDOW", f, s.Algorithm)
	}
	if len(s.IncludeVaults) == 0 {
		return missingParam(f + ".IncludeVaults")
	}
	for name, vaults := range map[string][]string{"IncludeVaults": s.IncludeVaults, "ExcludeVaults": s.ExcludeVaults} {
		for i, v := range vaults {
			if v != "*" && !restoreTestingVaultARN.MatchString(v) {
				return invalidParam("%s.%s[%d] %q is invalid: use * or a backup vault ARN (wildcards allowed in the name)", f, name, i, v)
			}
		}
	}
	if len(s.RecoveryPointTypes) == 0 {
		return missingParam(f + ".RecoveryPointTypes")
	}
	for i, t := range s.RecoveryPointTypes {
		if t != types.RestoreTestingRecoveryPointTypeContinuous && t != types.RestoreTestingRecoveryPointTypeSnapshot {
			return invalidParam("%s.RecoveryPointTypes[%d] %q is invalid: allowed CONTINUOUS, SNAPSHOT", f, i, t)
		}
	}
	if s.SelectionWindowDays < 0 || s.SelectionWindowDays > maxSelectionWindowDays {
		return invalidParam("%s.SelectionWindowDays %d is out of range: allowed 1 to %d", f, s.SelectionWindowDays, maxSelectionWindowDays)
	}
	return nil
}

// normalizedRPSelection copies a selection with AWS's defaults filled in.
func normalizedRPSelection(s *types.RestoreTestingRecoveryPointSelection) *types.RestoreTestingRecoveryPointSelection {
	out := planClone(*s)
	if out.SelectionWindowDays == 0 {
		out.SelectionWindowDays = defaultRTSelectionWindowDays
	}
	return &out
}

func (c *opCtx) restoreTestingPlanOf(name *string) (*restoreTestingPlan, error) {
	if err := checkRestoreTestingName("RestoreTestingPlanName", name); err != nil {
		return nil, err
	}
	p, ok := c.rs().RestoreTestingPlans[*name]
	if !ok {
		return nil, notFound("Restore testing plan %s does not exist in %s", *name, c.region)
	}
	return p, nil
}

func createRestoreTestingPlan(c *opCtx, in *awsbackup.CreateRestoreTestingPlanInput) (*awsbackup.CreateRestoreTestingPlanOutput, error) {
	const f = "RestoreTestingPlan"
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	p := in.RestoreTestingPlan
	if p == nil {
		return nil, missingParam(f)
	}
	if err := checkRestoreTestingName(f+".RestoreTestingPlanName", p.RestoreTestingPlanName); err != nil {
		return nil, err
	}
	rs := c.rs()
	if existing, ok := rs.RestoreTestingPlans[*p.RestoreTestingPlanName]; ok {
		if in.CreatorRequestId != nil && existing.CreatorRequestId == *in.CreatorRequestId {
			return &awsbackup.CreateRestoreTestingPlanOutput{CreationTime: timePtr(existing.CreationTime), RestoreTestingPlanArn: aws.String(existing.ARN), RestoreTestingPlanName: aws.String(existing.Name)}, nil
		}
		return nil, &APIError{Code: CodeAlreadyExists, Message: fmt.Sprintf("Restore testing plan %s already exists", existing.Name),
			Extra: map[string]string{"Arn": existing.ARN, "CreatorRequestId": existing.CreatorRequestId}}
	}
	if p.ScheduleExpression == nil || *p.ScheduleExpression == "" {
		return nil, missingParam(f + ".ScheduleExpression")
	}
	if err := checkRestoreTestingSchedule(f, p.ScheduleExpression, p.ScheduleExpressionTimezone, p.StartWindowHours); err != nil {
		return nil, err
	}
	if err := checkRecoveryPointSelection(f+".RecoveryPointSelection", p.RecoveryPointSelection); err != nil {
		return nil, err
	}
	if len(rs.RestoreTestingPlans) >= maxRestoreTestingPlans {
		return nil, apiErr(CodeLimitExceeded, "the Region already has %d restore testing plans, the AWS Backup quota", maxRestoreTestingPlans)
	}
	if err := checkTags("Tags", in.Tags); err != nil {
		return nil, err
	}
	if len(in.Tags) > planMaxTags {
		return nil, invalidParam("Tags has %d tags: at most %d allowed", len(in.Tags), planMaxTags)
	}
	suffix := strings.ReplaceAll(newID(), "-", "")[:6]
	rtp := &restoreTestingPlan{
		Name:           *p.RestoreTestingPlanName,
		ARN:            c.arn("restore-testing-plan:" + *p.RestoreTestingPlanName + "-" + suffix),
		CreationTime:   c.now,
		LastUpdateTime: c.now,
		Selections:     map[string]*types.RestoreTestingSelectionForGet{},
	}
	rtp.Plan = types.RestoreTestingPlanForGet{
		RecoveryPointSelection:     normalizedRPSelection(p.RecoveryPointSelection),
		ScheduleExpression:         aws.String(*p.ScheduleExpression),
		ScheduleExpressionTimezone: aws.String(planDefaultTimezone),
		StartWindowHours:           p.StartWindowHours,
	}
	if p.ScheduleExpressionTimezone != nil {
		rtp.Plan.ScheduleExpressionTimezone = aws.String(*p.ScheduleExpressionTimezone)
	}
	if rtp.Plan.StartWindowHours == 0 {
		rtp.Plan.StartWindowHours = defaultRTStartWindowHours
	}
	if in.CreatorRequestId != nil {
		rtp.CreatorRequestId = *in.CreatorRequestId
	}
	rs.RestoreTestingPlans[rtp.Name] = rtp
	rs.setTags(rtp.ARN, in.Tags)
	return &awsbackup.CreateRestoreTestingPlanOutput{CreationTime: timePtr(rtp.CreationTime), RestoreTestingPlanArn: aws.String(rtp.ARN), RestoreTestingPlanName: aws.String(rtp.Name)}, nil
}

// view is the plan as GetRestoreTestingPlan returns it.
func (p *restoreTestingPlan) view() *types.RestoreTestingPlanForGet {
	v := planClone(p.Plan)
	v.CreationTime = timePtr(p.CreationTime)
	v.LastUpdateTime = timePtr(p.LastUpdateTime)
	v.RestoreTestingPlanArn = aws.String(p.ARN)
	v.RestoreTestingPlanName = aws.String(p.Name)
	v.LastExecutionTime = timePtr(p.LastExecution)
	if p.CreatorRequestId != "" {
		v.CreatorRequestId = aws.String(p.CreatorRequestId)
	}
	return &v
}

func getRestoreTestingPlan(c *opCtx, in *awsbackup.GetRestoreTestingPlanInput) (*awsbackup.GetRestoreTestingPlanOutput, error) {
	p, err := c.restoreTestingPlanOf(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	return &awsbackup.GetRestoreTestingPlanOutput{RestoreTestingPlan: p.view()}, nil
}

func updateRestoreTestingPlan(c *opCtx, in *awsbackup.UpdateRestoreTestingPlanInput) (*awsbackup.UpdateRestoreTestingPlanOutput, error) {
	const f = "RestoreTestingPlan"
	p, err := c.restoreTestingPlanOf(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	u := in.RestoreTestingPlan
	if u == nil {
		return nil, missingParam(f)
	}
	if err := checkRestoreTestingSchedule(f, u.ScheduleExpression, u.ScheduleExpressionTimezone, u.StartWindowHours); err != nil {
		return nil, err
	}
	if u.RecoveryPointSelection != nil {
		if err := checkRecoveryPointSelection(f+".RecoveryPointSelection", u.RecoveryPointSelection); err != nil {
			return nil, err
		}
		p.Plan.RecoveryPointSelection = normalizedRPSelection(u.RecoveryPointSelection)
	}
	if u.ScheduleExpression != nil {
		p.Plan.ScheduleExpression = aws.String(*u.ScheduleExpression)
	}
	if u.ScheduleExpressionTimezone != nil {
		p.Plan.ScheduleExpressionTimezone = aws.String(*u.ScheduleExpressionTimezone)
	}
	if u.StartWindowHours != 0 {
		p.Plan.StartWindowHours = u.StartWindowHours
	}
	p.LastUpdateTime = c.now
	return &awsbackup.UpdateRestoreTestingPlanOutput{CreationTime: timePtr(p.CreationTime), RestoreTestingPlanArn: aws.String(p.ARN),
		RestoreTestingPlanName: aws.String(p.Name), UpdateTime: timePtr(p.LastUpdateTime)}, nil
}

func deleteRestoreTestingPlan(c *opCtx, in *awsbackup.DeleteRestoreTestingPlanInput) (*struct{}, error) {
	p, err := c.restoreTestingPlanOf(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	if n := len(p.Selections); n > 0 {
		return nil, invalidRequest("Restore testing plan %s still has %d restore testing selections: delete them first", p.Name, n)
	}
	rs := c.rs()
	delete(rs.RestoreTestingPlans, p.Name)
	delete(rs.Tags, p.ARN)
	return nil, nil
}

func listRestoreTestingPlans(c *opCtx, in *awsbackup.ListRestoreTestingPlansInput) (*awsbackup.ListRestoreTestingPlansOutput, error) {
	rs := c.rs()
	names := make([]string, 0, len(rs.RestoreTestingPlans))
	for n := range rs.RestoreTestingPlans {
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRestoreTestingPlansOutput{NextToken: next, RestoreTestingPlans: make([]types.RestoreTestingPlanForList, 0, len(pg))}
	for _, n := range pg {
		v := rs.RestoreTestingPlans[n].view()
		out.RestoreTestingPlans = append(out.RestoreTestingPlans, types.RestoreTestingPlanForList{
			CreationTime: v.CreationTime, LastUpdateTime: v.LastUpdateTime, LastExecutionTime: v.LastExecutionTime,
			RestoreTestingPlanArn: v.RestoreTestingPlanArn, RestoreTestingPlanName: v.RestoreTestingPlanName,
			ScheduleExpression: v.ScheduleExpression, ScheduleExpressionTimezone: v.ScheduleExpressionTimezone, StartWindowHours: v.StartWindowHours,
		})
	}
	return out, nil
}

// checkProtectedResources enforces ProtectedResourceArns or
// ProtectedResourceConditions by limits.RestoreTestingResources (the rule
// the library's restore.TestingSelection uses too), then each ARN and
// condition.
func checkProtectedResources(f string, arns []string, conds *types.ProtectedResourceConditions) error {
	nConds := 0
	if conds != nil {
		nConds = len(conds.StringEquals) + len(conds.StringNotEquals)
	}
	if member, problem, missing := limits.RestoreTestingResources(arns, nConds, conds != nil); missing {
		return missingParam(f + "." + member)
	} else if member != "" {
		return invalidParam("%s.%s %s", f, member, problem)
	}
	for i, a := range arns {
		if a == "*" {
			continue
		}
		if _, err := resourceTypeFromARN(a); err != nil {
			return invalidParam("%s.ProtectedResourceArns[%d] %q is not the ARN of a resource AWS Backup protects", f, i, a)
		}
	}
	if conds != nil {
		for name, kvs := range map[string][]types.KeyValue{"StringEquals": conds.StringEquals, "StringNotEquals": conds.StringNotEquals} {
			for i, kv := range kvs {
				cf := fmt.Sprintf("%s.ProtectedResourceConditions.%s[%d]", f, name, i)
				if kv.Key == nil || *kv.Key == "" {
					return missingParam(cf + ".Key")
				}
				if !strings.HasPrefix(*kv.Key, restoreTestingConditionPrefix) || len(*kv.Key) == len(restoreTestingConditionPrefix) {
					return invalidParam("%s.Key %q is invalid: use aws:ResourceTag/TAG-KEY", cf, *kv.Key)
				}
				if kv.Value == nil {
					return missingParam(cf + ".Value")
				}
			}
		}
	}
	return nil
}

func checkValidationWindow(f string, h *int32) error {
	if h != nil && (*h < 0 || *h > maxValidationWindowHours) {
		return invalidParam("%s.ValidationWindowHours %d is out of range: allowed 0 to %d", f, *h, maxValidationWindowHours)
	}
	return nil
}

func (c *opCtx) restoreTestingSelectionOf(planName, selName *string) (*restoreTestingPlan, *types.RestoreTestingSelectionForGet, error) {
	p, err := c.restoreTestingPlanOf(planName)
	if err != nil {
		return nil, nil, err
	}
	if err := checkRestoreTestingName("RestoreTestingSelectionName", selName); err != nil {
		return nil, nil, err
	}
	s, ok := p.Selections[*selName]
	if !ok {
		return nil, nil, notFound("Restore testing selection %s does not exist in restore testing plan %s", *selName, p.Name)
	}
	return p, s, nil
}

func createRestoreTestingSelection(c *opCtx, in *awsbackup.CreateRestoreTestingSelectionInput) (*awsbackup.CreateRestoreTestingSelectionOutput, error) {
	const f = "RestoreTestingSelection"
	p, err := c.restoreTestingPlanOf(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	s := in.RestoreTestingSelection
	if s == nil {
		return nil, missingParam(f)
	}
	if err := checkRestoreTestingName(f+".RestoreTestingSelectionName", s.RestoreTestingSelectionName); err != nil {
		return nil, err
	}
	out := func(sel *types.RestoreTestingSelectionForGet) *awsbackup.CreateRestoreTestingSelectionOutput {
		return &awsbackup.CreateRestoreTestingSelectionOutput{CreationTime: sel.CreationTime, RestoreTestingPlanArn: aws.String(p.ARN),
			RestoreTestingPlanName: aws.String(p.Name), RestoreTestingSelectionName: aws.String(*sel.RestoreTestingSelectionName)}
	}
	if existing, ok := p.Selections[*s.RestoreTestingSelectionName]; ok {
		if in.CreatorRequestId != nil && aws.ToString(existing.CreatorRequestId) == *in.CreatorRequestId {
			return out(existing), nil
		}
		return nil, alreadyExists("Restore testing selection %s already exists in restore testing plan %s", *s.RestoreTestingSelectionName, p.Name)
	}
	if s.IamRoleArn == nil || *s.IamRoleArn == "" {
		return nil, missingParam(f + ".IamRoleArn")
	}
	if !awsid.RoleARN(*s.IamRoleArn) {
		return nil, invalidParam("%s.IamRoleArn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", f, *s.IamRoleArn)
	}
	if s.ProtectedResourceType == nil || *s.ProtectedResourceType == "" {
		return nil, missingParam(f + ".ProtectedResourceType")
	}
	if !slices.Contains(auditResourceTypes, *s.ProtectedResourceType) {
		return nil, invalidParam("%s.ProtectedResourceType %q is not an AWS Backup resource type", f, *s.ProtectedResourceType)
	}
	if err := checkProtectedResources(f, s.ProtectedResourceArns, s.ProtectedResourceConditions); err != nil {
		return nil, err
	}
	for i, a := range s.ProtectedResourceArns {
		if t, err := resourceTypeFromARN(a); err == nil && t != *s.ProtectedResourceType {
			return nil, invalidParam("%s.ProtectedResourceArns[%d] %q is a %s resource, not %s", f, i, a, t, *s.ProtectedResourceType)
		}
	}
	if err := checkValidationWindow(f, s.ValidationWindowHours); err != nil {
		return nil, err
	}
	if len(p.Selections) >= maxRestoreTestingSelections {
		return nil, apiErr(CodeLimitExceeded, "restore testing plan %s already has %d selections, the AWS Backup quota", p.Name, maxRestoreTestingSelections)
	}
	sel := &types.RestoreTestingSelectionForGet{
		CreationTime:                timePtr(c.now),
		IamRoleArn:                  aws.String(*s.IamRoleArn),
		ProtectedResourceType:       aws.String(*s.ProtectedResourceType),
		RestoreTestingPlanName:      aws.String(p.Name),
		RestoreTestingSelectionName: aws.String(*s.RestoreTestingSelectionName),
		CreatorRequestId:            in.CreatorRequestId,
		ProtectedResourceArns:       slices.Clone(s.ProtectedResourceArns),
		ProtectedResourceConditions: planClone(s.ProtectedResourceConditions),
		RestoreMetadataOverrides:    planClone(s.RestoreMetadataOverrides),
		ValidationWindowHours:       aws.ToInt32(s.ValidationWindowHours),
	}
	p.Selections[*sel.RestoreTestingSelectionName] = sel
	return out(sel), nil
}

func getRestoreTestingSelection(c *opCtx, in *awsbackup.GetRestoreTestingSelectionInput) (*awsbackup.GetRestoreTestingSelectionOutput, error) {
	_, s, err := c.restoreTestingSelectionOf(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	v := planClone(*s)
	return &awsbackup.GetRestoreTestingSelectionOutput{RestoreTestingSelection: &v}, nil
}

func updateRestoreTestingSelection(c *opCtx, in *awsbackup.UpdateRestoreTestingSelectionInput) (*awsbackup.UpdateRestoreTestingSelectionOutput, error) {
	const f = "RestoreTestingSelection"
	p, s, err := c.restoreTestingSelectionOf(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	u := in.RestoreTestingSelection
	if u == nil {
		return nil, missingParam(f)
	}
	if u.IamRoleArn != nil && !awsid.RoleARN(*u.IamRoleArn) {
		return nil, invalidParam("%s.IamRoleArn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", f, *u.IamRoleArn)
	}
	if u.ProtectedResourceArns != nil || u.ProtectedResourceConditions != nil {
		if err := checkProtectedResources(f, u.ProtectedResourceArns, u.ProtectedResourceConditions); err != nil {
			return nil, err
		}
		for i, a := range u.ProtectedResourceArns {
			if t, err := resourceTypeFromARN(a); err == nil && t != aws.ToString(s.ProtectedResourceType) {
				return nil, invalidParam("%s.ProtectedResourceArns[%d] %q is a %s resource, not %s", f, i, a, t, aws.ToString(s.ProtectedResourceType))
			}
		}
	}
	if err := checkValidationWindow(f, u.ValidationWindowHours); err != nil {
		return nil, err
	}
	if u.IamRoleArn != nil {
		s.IamRoleArn = aws.String(*u.IamRoleArn)
	}
	if u.ProtectedResourceArns != nil || u.ProtectedResourceConditions != nil {
		s.ProtectedResourceArns = slices.Clone(u.ProtectedResourceArns)
		s.ProtectedResourceConditions = planClone(u.ProtectedResourceConditions)
	}
	if u.RestoreMetadataOverrides != nil {
		s.RestoreMetadataOverrides = planClone(u.RestoreMetadataOverrides)
	}
	if u.ValidationWindowHours != nil {
		s.ValidationWindowHours = *u.ValidationWindowHours
	}
	return &awsbackup.UpdateRestoreTestingSelectionOutput{CreationTime: s.CreationTime, RestoreTestingPlanArn: aws.String(p.ARN),
		RestoreTestingPlanName: aws.String(p.Name), RestoreTestingSelectionName: s.RestoreTestingSelectionName, UpdateTime: timePtr(c.now)}, nil
}

func deleteRestoreTestingSelection(c *opCtx, in *awsbackup.DeleteRestoreTestingSelectionInput) (*struct{}, error) {
	p, s, err := c.restoreTestingSelectionOf(in.RestoreTestingPlanName, in.RestoreTestingSelectionName)
	if err != nil {
		return nil, err
	}
	delete(p.Selections, aws.ToString(s.RestoreTestingSelectionName))
	return nil, nil
}

func listRestoreTestingSelections(c *opCtx, in *awsbackup.ListRestoreTestingSelectionsInput) (*awsbackup.ListRestoreTestingSelectionsOutput, error) {
	p, err := c.restoreTestingPlanOf(in.RestoreTestingPlanName)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(p.Selections))
	for n := range p.Selections {
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListRestoreTestingSelectionsOutput{NextToken: next, RestoreTestingSelections: make([]types.RestoreTestingSelectionForList, 0, len(pg))}
	for _, n := range pg {
		s := p.Selections[n]
		out.RestoreTestingSelections = append(out.RestoreTestingSelections, types.RestoreTestingSelectionForList{
			CreationTime: s.CreationTime, IamRoleArn: s.IamRoleArn, ProtectedResourceType: s.ProtectedResourceType,
			RestoreTestingPlanName: s.RestoreTestingPlanName, RestoreTestingSelectionName: s.RestoreTestingSelectionName,
			ValidationWindowHours: s.ValidationWindowHours,
		})
	}
	return out, nil
}

func getRestoreTestingInferredMetadata(c *opCtx, in *awsbackup.GetRestoreTestingInferredMetadataInput) (*awsbackup.GetRestoreTestingInferredMetadataOutput, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	if in.RecoveryPointArn == nil || *in.RecoveryPointArn == "" {
		return nil, missingParam("RecoveryPointArn")
	}
	rs := c.rs()
	if acct := aws.ToString(in.BackupVaultAccountId); acct != "" {
		if !awsid.AccountID(acct) {
			return nil, invalidParam("BackupVaultAccountId %q is not a 12-digit account id", acct)
		}
		rs = c.rsFor(acct, c.region)
	}
	if _, ok := rs.Vaults[*in.BackupVaultName]; !ok {
		return nil, notFound("Backup vault %s does not exist in %s", *in.BackupVaultName, c.region)
	}
	rp, ok := rs.RecoveryPoints[*in.RecoveryPointArn]
	if !ok || rp.VaultName != *in.BackupVaultName {
		return nil, notFound("Recovery point %s does not exist in backup vault %s", *in.RecoveryPointArn, *in.BackupVaultName)
	}
	return &awsbackup.GetRestoreTestingInferredMetadataOutput{InferredMetadata: inferredRestoreMetadata(rp)}, nil
}
