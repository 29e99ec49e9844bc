package backuptest

// Backup plans: CreateBackupPlan, GetBackupPlan, UpdateBackupPlan,
// DeleteBackupPlan, ListBackupPlans, ListBackupPlanVersions. Rules and
// their schedules are checked in plan_rules.go; backup selections are in
// selections.go; scheduled runs in plan_runs.go and plan_timing.go.
//
// CreateBackupPlan and UpdateBackupPlan accept a rule whose
// TargetBackupVaultName names no vault yet, as AWS does: AWS Organizations'
// "Backup policy syntax and examples" (Considerations, Backup vaults) asks
// only that "the vault must exist in each specified AWS Region before the
// backup plan runs". A scheduled run whose vault is missing starts a backup
// job that ends FAILED (plan_runs.go).
//
// Known difference: UpdateBackupPlan keeps the RuleId of a rule whose
// RuleName is unchanged and gives new rules new ids.
//
// Known difference: plans run on their schedules only with Options.RunPlans
// (the emulator command's default); see plan_runs.go for how and its limits.
//
// Known difference: a deleted plan can still be read with GetBackupPlan and
// ListBackupPlans (IncludeDeleted), carrying DeletionDate; every other
// operation on it is ResourceNotFoundException.
//
// Known difference: exceeding 10 rules per plan, 5 copy actions per rule,
// 30 ListOfTags or Conditions, or 500/30 selection ARNs answers
// LimitExceededException (AWS may answer InvalidParameterValueException).
// RecoveryPointTags are limited to 10 and AdvancedBackupSettings to
// WindowsVSS for EC2 and BackupACLs/BackupObjectTags for S3, each
// "enabled" or "disabled".
//
// Known difference: plans emit "Backup Plan State Change" events whose
// detail is {backupPlanId, versionId, state} with state CREATED, MODIFIED
// or DELETED; AWS's detail may carry more members.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/lifecycle"
	"github.com/backupkit/backupkit/internal/limits"
)

// AWS Backup quotas and limits on plans and selections.
const (
	maxPlansPerRegion        = limits.MaxPlansPerRegion
	maxVersionsPerPlan       = limits.MaxVersionsPerPlan
	maxRulesPerPlan          = limits.MaxRulesPerPlan
	maxCopyActionsPerRule    = limits.MaxCopyActionsPerRule
	maxRuleRecoveryPointTags = limits.MaxRecoveryPointTags
	maxSelectionsPerPlan     = limits.MaxSelectionsPerPlan
	planMaxTags              = limits.MaxPlanTags

	planDefaultSchedule         = "cron(0 5 ? * * *)"
	planDefaultTimezone         = "Etc/UTC"
	planDefaultStartWindow      = lifecycle.DefaultStartWindow
	planDefaultCompletionWindow = lifecycle.DefaultCompletionWindow
)

func (e *Emulator) registerPlans() {
	e.register("CreateBackupPlan", handle(createBackupPlan))
	e.register("GetBackupPlan", handle(getBackupPlan))
	e.register("UpdateBackupPlan", handle(updateBackupPlan))
	e.register("DeleteBackupPlan", handle(deleteBackupPlan))
	e.register("ListBackupPlans", handle(listBackupPlans))
	e.register("ListBackupPlanVersions", handle(listBackupPlanVersions))
	e.registerSelections()
	e.registerTemplates()
	e.registerAudit()
	e.registerRestoreTesting()
	e.registerMisc()
}

// newVersionID returns an AWS-like plan version id: base64 of random bytes.
func newVersionID() string {
	return base64.RawStdEncoding.EncodeToString([]byte(strings.ReplaceAll(newID(), "-", "")[:32]))
}

// planOf returns the caller's plan, deleted or not, or ResourceNotFoundException.
func (c *opCtx) planOf(id *string) (*plan, error) {
	if id == nil || *id == "" {
		return nil, missingParam("BackupPlanId")
	}
	p, ok := c.rs().Plans[*id]
	if !ok {
		return nil, notFound("Failed reading Backup plan with provided version: backup plan %s does not exist in %s", *id, c.region)
	}
	return p, nil
}

// livePlanOf is planOf for operations that need a plan that is not deleted.
func (c *opCtx) livePlanOf(id *string) (*plan, error) {
	p, err := c.planOf(id)
	if err != nil {
		return nil, err
	}
	if p.deleted() {
		return nil, notFound("Backup plan %s was deleted at %s", p.ID, p.DeletionDate.Format(time.RFC3339))
	}
	return p, nil
}

// checkPlanInput validates a BackupPlanInput the way CreateBackupPlan,
// UpdateBackupPlan and GetBackupPlanFromJSON do. field is the member path of
// the plan ("BackupPlan" or "BackupPlanTemplateJson").
func checkPlanInput(field string, in *types.BackupPlanInput) error {
	if in == nil {
		return missingParam(field)
	}
	if in.BackupPlanName == nil || *in.BackupPlanName == "" {
		return missingParam(field + ".BackupPlanName")
	}
	if limits.BackupName(*in.BackupPlanName) != "" {
		return invalidParam("%s.BackupPlanName %q is invalid: use 1 to 50 letters, digits, hyphens, underscores and periods", field, *in.BackupPlanName)
	}
	if len(in.Rules) == 0 {
		return missingParam(field + ".Rules")
	}
	if len(in.Rules) > maxRulesPerPlan {
		return apiErr(CodeLimitExceeded, "%s.Rules has %d rules: a backup plan can have at most %d", field, len(in.Rules), maxRulesPerPlan)
	}
	names := map[string]bool{}
	for i := range in.Rules {
		r := &in.Rules[i]
		rf := fmt.Sprintf("%s.Rules[%d]", field, i)
		if err := checkRule(rf, r); err != nil {
			return err
		}
		if names[*r.RuleName] {
			return invalidParam("%s.RuleName %q is used by more than one rule: rule names must be unique in a plan", rf, *r.RuleName)
		}
		names[*r.RuleName] = true
	}
	for i, s := range in.AdvancedBackupSettings {
		if err := problemErr(fmt.Sprintf("%s.AdvancedBackupSettings[%d]", field, i), limits.CheckAdvancedSetting(aws.ToString(s.ResourceType), s.BackupOptions)); err != nil {
			return err
		}
	}
	for i, s := range in.ScanSettings {
		if err := problemErr(fmt.Sprintf("%s.ScanSettings[%d]", field, i), limits.CheckScanSetting(string(s.MalwareScanner), s.ResourceTypes, aws.ToString(s.ScannerRoleArn))); err != nil {
			return err
		}
	}
	return nil
}

// buildVersion turns a validated input into a stored plan version. prev,
// when set, lends RuleIds to rules that keep their name.
func (c *opCtx) buildVersion(in *types.BackupPlanInput, prev *planVersion) planVersion {
	doc, _ := json.Marshal(in)
	ruleIDs := map[string]string{}
	if prev != nil {
		for _, r := range prev.Plan.Rules {
			ruleIDs[aws.ToString(r.RuleName)] = aws.ToString(r.RuleId)
		}
	}
	bp := types.BackupPlan{
		BackupPlanName:         aws.String(*in.BackupPlanName),
		AdvancedBackupSettings: planClone(in.AdvancedBackupSettings),
		ScanSettings:           planClone(in.ScanSettings),
	}
	for _, r := range in.Rules {
		id := ruleIDs[*r.RuleName]
		if id == "" {
			id = newID()
		}
		rule := types.BackupRule{
			RuleName:                               aws.String(*r.RuleName),
			RuleId:                                 aws.String(id),
			TargetBackupVaultName:                  aws.String(*r.TargetBackupVaultName),
			ScheduleExpression:                     aws.String(planDefaultSchedule),
			ScheduleExpressionTimezone:             aws.String(planDefaultTimezone),
			StartWindowMinutes:                     aws.Int64(planDefaultStartWindow),
			CompletionWindowMinutes:                aws.Int64(planDefaultCompletionWindow),
			EnableContinuousBackup:                 r.EnableContinuousBackup,
			Lifecycle:                              planClone(r.Lifecycle),
			CopyActions:                            planClone(r.CopyActions),
			IndexActions:                           planClone(r.IndexActions),
			ScanActions:                            planClone(r.ScanActions),
			RecoveryPointTags:                      planClone(r.RecoveryPointTags),
			TargetLogicallyAirGappedBackupVaultArn: r.TargetLogicallyAirGappedBackupVaultArn,
		}
		if r.ScheduleExpression != nil {
			rule.ScheduleExpression = aws.String(*r.ScheduleExpression)
		}
		if r.ScheduleExpressionTimezone != nil {
			rule.ScheduleExpressionTimezone = aws.String(*r.ScheduleExpressionTimezone)
		}
		if r.StartWindowMinutes != nil {
			rule.StartWindowMinutes = aws.Int64(*r.StartWindowMinutes)
		}
		if r.CompletionWindowMinutes != nil {
			rule.CompletionWindowMinutes = aws.Int64(*r.CompletionWindowMinutes)
		}
		bp.Rules = append(bp.Rules, rule)
	}
	return planVersion{VersionID: newVersionID(), CreationDate: c.now, Plan: bp, Document: string(doc)}
}

// planClone deep-copies a value made of exported SDK fields.
func planClone[T any](v T) T {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return v
	}
	return out
}

func createBackupPlan(c *opCtx, in *awsbackup.CreateBackupPlanInput) (*awsbackup.CreateBackupPlanOutput, error) {
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	rs := c.rs()
	if in.CreatorRequestId != nil {
		for _, p := range rs.Plans {
			if !p.deleted() && p.CreatorRequestId == *in.CreatorRequestId {
				return createPlanOutput(p), nil
			}
		}
	}
	if err := checkPlanInput("BackupPlan", in.BackupPlan); err != nil {
		return nil, err
	}
	if err := checkTags("BackupPlanTags", in.BackupPlanTags); err != nil {
		return nil, err
	}
	if len(in.BackupPlanTags) > planMaxTags {
		return nil, invalidParam("BackupPlanTags has %d tags: at most %d allowed", len(in.BackupPlanTags), planMaxTags)
	}
	v := c.buildVersion(in.BackupPlan, nil)
	live := 0
	for _, p := range rs.Plans {
		if p.deleted() {
			continue
		}
		live++
		if p.current().Document == v.Document {
			return nil, &APIError{Code: CodeAlreadyExists, Message: "Backup plan with the same plan document already exists",
				Extra: map[string]string{"Arn": p.ARN, "CreatorRequestId": p.CreatorRequestId}}
		}
	}
	if live >= maxPlansPerRegion {
		return nil, apiErr(CodeLimitExceeded, "the Region already has %d backup plans, the AWS Backup quota", maxPlansPerRegion)
	}
	id := newID()
	p := &plan{
		ID:            id,
		ARN:           c.arn("backup-plan:" + id),
		CreationDate:  c.now,
		LastScheduled: c.now,
		Versions:      []planVersion{v},
		Selections:    map[string]*selection{},
	}
	if in.CreatorRequestId != nil {
		p.CreatorRequestId = *in.CreatorRequestId
	}
	rs.Plans[id] = p
	rs.setTags(p.ARN, in.BackupPlanTags)
	c.emitPlanEvent(p, "CREATED")
	return createPlanOutput(p), nil
}

func createPlanOutput(p *plan) *awsbackup.CreateBackupPlanOutput {
	v := p.current()
	return &awsbackup.CreateBackupPlanOutput{
		BackupPlanArn:          aws.String(p.ARN),
		BackupPlanId:           aws.String(p.ID),
		CreationDate:           timePtr(p.CreationDate),
		VersionId:              aws.String(v.VersionID),
		AdvancedBackupSettings: planClone(v.Plan.AdvancedBackupSettings),
	}
}

func getBackupPlan(c *opCtx, in *awsbackup.GetBackupPlanInput) (*awsbackup.GetBackupPlanOutput, error) {
	p, err := c.planOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	if in.MaxScheduledRunsPreview < 0 || in.MaxScheduledRunsPreview > 10 {
		return nil, invalidParam("MaxScheduledRunsPreview %d is out of range: allowed 0 to 10", in.MaxScheduledRunsPreview)
	}
	v := p.current()
	if in.VersionId != nil && *in.VersionId != "" {
		v = nil
		for i := range p.Versions {
			if p.Versions[i].VersionID == *in.VersionId {
				v = &p.Versions[i]
			}
		}
		if v == nil {
			return nil, notFound("Failed reading Backup plan with provided version: version %s of backup plan %s does not exist", *in.VersionId, p.ID)
		}
	}
	bp := planClone(v.Plan)
	out := &awsbackup.GetBackupPlanOutput{
		BackupPlan:             &bp,
		BackupPlanArn:          aws.String(p.ARN),
		BackupPlanId:           aws.String(p.ID),
		VersionId:              aws.String(v.VersionID),
		CreationDate:           timePtr(v.CreationDate),
		DeletionDate:           timePtr(p.DeletionDate),
		LastExecutionDate:      timePtr(p.LastExecutionDate),
		AdvancedBackupSettings: planClone(v.Plan.AdvancedBackupSettings),
	}
	if p.CreatorRequestId != "" {
		out.CreatorRequestId = aws.String(p.CreatorRequestId)
	}
	if in.MaxScheduledRunsPreview > 0 && !p.deleted() {
		out.ScheduledRunsPreview = scheduledRuns(v.Plan, c.now, int(in.MaxScheduledRunsPreview))
	}
	return out, nil
}

func updateBackupPlan(c *opCtx, in *awsbackup.UpdateBackupPlanInput) (*awsbackup.UpdateBackupPlanOutput, error) {
	p, err := c.livePlanOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	if err := checkPlanInput("BackupPlan", in.BackupPlan); err != nil {
		return nil, err
	}
	if len(p.Versions) >= maxVersionsPerPlan {
		return nil, apiErr(CodeLimitExceeded, "backup plan %s already has %d versions, the AWS Backup quota", p.ID, maxVersionsPerPlan)
	}
	v := c.buildVersion(in.BackupPlan, p.current())
	p.Versions = append(p.Versions, v)
	if c.now.After(p.LastScheduled) {
		p.LastScheduled = c.now // the new version's rules run from now on
	}
	c.emitPlanEvent(p, "MODIFIED")
	return &awsbackup.UpdateBackupPlanOutput{
		BackupPlanArn:          aws.String(p.ARN),
		BackupPlanId:           aws.String(p.ID),
		CreationDate:           timePtr(v.CreationDate),
		VersionId:              aws.String(v.VersionID),
		AdvancedBackupSettings: planClone(v.Plan.AdvancedBackupSettings),
		ScanSettings:           planClone(v.Plan.ScanSettings),
	}, nil
}

func deleteBackupPlan(c *opCtx, in *awsbackup.DeleteBackupPlanInput) (*awsbackup.DeleteBackupPlanOutput, error) {
	p, err := c.livePlanOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	if n := len(p.Selections); n > 0 {
		return nil, invalidRequest("Related backup plan selections must be deleted prior to backup plan deletion: backup plan %s has %d selections", p.ID, n)
	}
	p.DeletionDate = c.now
	delete(c.rs().Tags, p.ARN)
	c.emitPlanEvent(p, "DELETED")
	return &awsbackup.DeleteBackupPlanOutput{
		BackupPlanArn: aws.String(p.ARN),
		BackupPlanId:  aws.String(p.ID),
		DeletionDate:  timePtr(p.DeletionDate),
		VersionId:     aws.String(p.current().VersionID),
	}, nil
}

// emitPlanEvent records a "Backup Plan State Change" EventBridge event.
func (c *opCtx) emitPlanEvent(p *plan, state string) {
	c.e.emit(c.account, c.region, "Backup Plan State Change", c.now, []string{p.ARN}, map[string]string{
		"backupPlanId": p.ID, "versionId": p.current().VersionID, "state": state,
	})
}

// sortedPlans returns the caller's plans, oldest first.
func (r *regionState) sortedPlans(includeDeleted bool) []*plan {
	out := make([]*plan, 0, len(r.Plans))
	for _, p := range r.Plans {
		if p.deleted() && !includeDeleted {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreationDate.Equal(out[j].CreationDate) {
			return out[i].CreationDate.Before(out[j].CreationDate)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func planListMember(p *plan, v *planVersion) types.BackupPlansListMember {
	m := types.BackupPlansListMember{
		BackupPlanArn:          aws.String(p.ARN),
		BackupPlanId:           aws.String(p.ID),
		BackupPlanName:         aws.String(aws.ToString(v.Plan.BackupPlanName)),
		CreationDate:           timePtr(v.CreationDate),
		DeletionDate:           timePtr(p.DeletionDate),
		LastExecutionDate:      timePtr(p.LastExecutionDate),
		VersionId:              aws.String(v.VersionID),
		AdvancedBackupSettings: planClone(v.Plan.AdvancedBackupSettings),
	}
	if p.CreatorRequestId != "" {
		m.CreatorRequestId = aws.String(p.CreatorRequestId)
	}
	return m
}

func listBackupPlans(c *opCtx, in *awsbackup.ListBackupPlansInput) (*awsbackup.ListBackupPlansOutput, error) {
	plans := c.rs().sortedPlans(aws.ToBool(in.IncludeDeleted))
	pg, next, err := page(plans, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupPlansOutput{BackupPlansList: make([]types.BackupPlansListMember, 0, len(pg)), NextToken: next}
	for _, p := range pg {
		out.BackupPlansList = append(out.BackupPlansList, planListMember(p, p.current()))
	}
	return out, nil
}

func listBackupPlanVersions(c *opCtx, in *awsbackup.ListBackupPlanVersionsInput) (*awsbackup.ListBackupPlanVersionsOutput, error) {
	p, err := c.planOf(in.BackupPlanId)
	if err != nil {
		return nil, err
	}
	// Newest first.
	idx := make([]int, len(p.Versions))
	for i := range idx {
		idx[i] = len(p.Versions) - 1 - i
	}
	pg, next, err := page(idx, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupPlanVersionsOutput{BackupPlanVersionsList: make([]types.BackupPlansListMember, 0, len(pg)), NextToken: next}
	for _, i := range pg {
		out.BackupPlanVersionsList = append(out.BackupPlanVersionsList, planListMember(p, &p.Versions[i]))
	}
	return out, nil
}
