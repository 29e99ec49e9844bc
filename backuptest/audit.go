package backuptest

// Backup Audit Manager: frameworks, report plans and report jobs.
//
// Known difference: framework and report plan deployments, and report jobs,
// finish Options.JobDuration after they start (zero: on the next request).
// Until then a framework or report plan is CREATE_IN_PROGRESS or
// UPDATE_IN_PROGRESS and UpdateX/DeleteX answer ConflictException, and a
// report job is RUNNING. Nothing is evaluated: report jobs always complete,
// FrameworkStatus is ACTIVE and no report file is written; the S3 keys in
// ReportDestination follow AWS's layout but are not guaranteed to match it.
//
// Known difference: control input parameters are checked by name per
// control and as whole numbers in their documented ranges; the list-valued
// parameters (principalArnList, crossRegionList, crossAccountList) are only
// checked for being non-empty.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/arntype"
	"github.com/backupkit/backupkit/internal/audit"
	"github.com/backupkit/backupkit/internal/limits"
)

// Backup Audit Manager quotas (per account and Region).
const (
	maxFrameworks          = 15
	maxControlsPerRegion   = 50
	maxReportPlans         = 20
	maxAuditDescription    = 1024
	maxScopeResourceIDs    = 100
	auditDeployCompleted   = "COMPLETED"
	auditCreateInProgress  = "CREATE_IN_PROGRESS"
	auditUpdateInProgress  = "UPDATE_IN_PROGRESS"
	reportJobRunning       = "RUNNING"
	reportJobCompleted     = "COMPLETED"
	frameworkStatusActive  = "ACTIVE"
	reportFormatCSV        = "CSV"
	reportFormatJSON       = "JSON"
	reportJobKeyTimeLayout = "20060102150405"
)

func (e *Emulator) registerAudit() {
	e.register("CreateFramework", handle(createFramework))
	e.register("DescribeFramework", handle(describeFramework))
	e.register("UpdateFramework", handle(updateFramework))
	e.register("DeleteFramework", handle(deleteFramework))
	e.register("ListFrameworks", handle(listFrameworks))
	e.register("CreateReportPlan", handle(createReportPlan))
	e.register("DescribeReportPlan", handle(describeReportPlan))
	e.register("UpdateReportPlan", handle(updateReportPlan))
	e.register("DeleteReportPlan", handle(deleteReportPlan))
	e.register("ListReportPlans", handle(listReportPlans))
	e.register("StartReportJob", handle(startReportJob))
	e.register("DescribeReportJob", handle(describeReportJob))
	e.register("ListReportJobs", handle(listReportJobs))
}

func checkAuditName(field string, name *string) error {
	if name == nil || *name == "" {
		return missingParam(field)
	}
	if audit.Name(*name) != "" {
		return invalidParam("%s %q is invalid: use %s", field, *name, audit.NameRule)
	}
	return nil
}

func checkAuditDescription(field string, d *string) error {
	if d != nil && len(*d) > maxAuditDescription {
		return invalidParam("%s is %d characters long: at most %d allowed", field, len(*d), maxAuditDescription)
	}
	return nil
}

// checkControls validates FrameworkControls: known control names, each once,
// known parameters with valid values, and a valid scope.
func checkControls(controls []types.FrameworkControl) error {
	const f = "FrameworkControls"
	if len(controls) == 0 {
		return missingParam(f)
	}
	seen := map[string]bool{}
	for i, fc := range controls {
		cf := fmt.Sprintf("%s[%d]", f, i)
		if fc.ControlName == nil || *fc.ControlName == "" {
			return missingParam(cf + ".ControlName")
		}
		if !audit.IsControl(*fc.ControlName) {
			return invalidParam("%s.ControlName %q is not a Backup Audit Manager control: allowed %s", cf, *fc.ControlName, strings.Join(audit.ControlNames(), ", "))
		}
		if seen[*fc.ControlName] {
			return invalidParam("%s.ControlName %q appears more than once in the framework", cf, *fc.ControlName)
		}
		seen[*fc.ControlName] = true
		all := map[string]string{}
		for _, p := range fc.ControlInputParameters {
			all[aws.ToString(p.ParameterName)] = aws.ToString(p.ParameterValue)
		}
		for j, p := range fc.ControlInputParameters {
			pf := fmt.Sprintf("%s.ControlInputParameters[%d]", cf, j)
			if p.ParameterName == nil || *p.ParameterName == "" {
				return missingParam(pf + ".ParameterName")
			}
			if p.ParameterValue == nil || *p.ParameterValue == "" {
				return missingParam(pf + ".ParameterValue")
			}
			problem, known := audit.ControlParam(*fc.ControlName, *p.ParameterName, *p.ParameterValue, all)
			if !known {
				return invalidParam("%s.ParameterName %q is not a parameter of %s", pf, *p.ParameterName, *fc.ControlName)
			}
			if problem != "" {
				return invalidParam("%s.ParameterValue for %s is invalid: %s", pf, *p.ParameterName, problem)
			}
		}
		if problem := audit.ControlParamsAgree(all); problem != "" {
			return invalidParam("%s: %s", cf, problem)
		}
		if err := checkControlScope(cf+".ControlScope", fc.ControlScope); err != nil {
			return err
		}
	}
	return nil
}

// checkControlScope allows resource types, one tag, or resource ids of one
// resource type.
func checkControlScope(f string, s *types.ControlScope) error {
	if s == nil {
		return nil
	}
	if len(s.Tags) > 1 {
		return invalidParam("%s.Tags has %d tags: a control scope takes at most one tag", f, len(s.Tags))
	}
	if len(s.Tags) > 0 && (len(s.ComplianceResourceTypes) > 0 || len(s.ComplianceResourceIds) > 0) {
		return invalidParam("%s: a scope is either a tag, resource types, or resource ids of one type", f)
	}
	if n := len(s.ComplianceResourceIds); n > 0 {
		if n > maxScopeResourceIDs {
			return invalidParam("%s.ComplianceResourceIds has %d ids: at most %d allowed", f, n, maxScopeResourceIDs)
		}
		if len(s.ComplianceResourceTypes) != 1 {
			return invalidParam("%s.ComplianceResourceTypes: resource ids need exactly one resource type, got %d", f, len(s.ComplianceResourceTypes))
		}
	}
	for i, t := range s.ComplianceResourceTypes {
		if !slices.Contains(auditResourceTypes, t) {
			return invalidParam("%s.ComplianceResourceTypes[%d] %q is not an AWS Backup resource type", f, i, t)
		}
	}
	return nil
}

// auditResourceTypes are the AWS Backup resource type names.
var auditResourceTypes = arntype.Types()

// controlCount counts the controls of every framework in the Region,
// except the one named skip.
func (r *regionState) controlCount(skip string) int {
	n := 0
	for name, fw := range r.Frameworks {
		if name != skip {
			n += len(fw.Controls)
		}
	}
	return n
}

// deployStatus is the deployment status of a framework or report plan.
func (c *opCtx) deployStatus(status string, deployed time.Time) string {
	if c.now.Before(deployed) {
		return status
	}
	return auditDeployCompleted
}

func (c *opCtx) deployDone() time.Time { return c.now.Add(c.e.opts.JobDuration) }

func createFramework(c *opCtx, in *awsbackup.CreateFrameworkInput) (*awsbackup.CreateFrameworkOutput, error) {
	if err := checkAuditName("FrameworkName", in.FrameworkName); err != nil {
		return nil, err
	}
	rs := c.rs()
	if fw, ok := rs.Frameworks[*in.FrameworkName]; ok {
		if in.IdempotencyToken != nil && *in.IdempotencyToken != "" && fw.IdempotencyToken == *in.IdempotencyToken {
			return &awsbackup.CreateFrameworkOutput{FrameworkArn: aws.String(fw.ARN), FrameworkName: aws.String(fw.Name)}, nil
		}
		return nil, &APIError{Code: CodeAlreadyExists, Message: fmt.Sprintf("Framework %s already exists", fw.Name), Extra: map[string]string{"Arn": fw.ARN}}
	}
	if err := checkAuditDescription("FrameworkDescription", in.FrameworkDescription); err != nil {
		return nil, err
	}
	if err := checkControls(in.FrameworkControls); err != nil {
		return nil, err
	}
	if err := checkTags("FrameworkTags", in.FrameworkTags); err != nil {
		return nil, err
	}
	if len(rs.Frameworks) >= maxFrameworks {
		return nil, apiErr(CodeLimitExceeded, "the Region already has %d frameworks, the Backup Audit Manager quota", maxFrameworks)
	}
	if n := rs.controlCount("") + len(in.FrameworkControls); n > maxControlsPerRegion {
		return nil, apiErr(CodeLimitExceeded, "the Region would have %d controls: the Backup Audit Manager quota is %d", n, maxControlsPerRegion)
	}
	fw := &framework{
		Name:             *in.FrameworkName,
		ARN:              c.arn("framework:" + *in.FrameworkName + "-" + newID()),
		Description:      aws.ToString(in.FrameworkDescription),
		Controls:         planClone(in.FrameworkControls),
		CreationTime:     c.now,
		DeploymentStatus: auditCreateInProgress,
		Deployed:         c.deployDone(),
		Status:           frameworkStatusActive,
		IdempotencyToken: aws.ToString(in.IdempotencyToken),
	}
	rs.Frameworks[fw.Name] = fw
	rs.setTags(fw.ARN, in.FrameworkTags)
	return &awsbackup.CreateFrameworkOutput{FrameworkArn: aws.String(fw.ARN), FrameworkName: aws.String(fw.Name)}, nil
}

func (c *opCtx) frameworkOf(name *string) (*framework, error) {
	if name == nil || *name == "" {
		return nil, missingParam("FrameworkName")
	}
	fw, ok := c.rs().Frameworks[*name]
	if !ok {
		return nil, notFound("Framework %s does not exist in %s", *name, c.region)
	}
	return fw, nil
}

func describeFramework(c *opCtx, in *awsbackup.DescribeFrameworkInput) (*awsbackup.DescribeFrameworkOutput, error) {
	fw, err := c.frameworkOf(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.DescribeFrameworkOutput{
		CreationTime:         timePtr(fw.CreationTime),
		DeploymentStatus:     aws.String(c.deployStatus(fw.DeploymentStatus, fw.Deployed)),
		FrameworkArn:         aws.String(fw.ARN),
		FrameworkControls:    planClone(fw.Controls),
		FrameworkDescription: aws.String(fw.Description),
		FrameworkName:        aws.String(fw.Name),
		FrameworkStatus:      aws.String(fw.Status),
	}
	if fw.IdempotencyToken != "" {
		out.IdempotencyToken = aws.String(fw.IdempotencyToken)
	}
	return out, nil
}

func updateFramework(c *opCtx, in *awsbackup.UpdateFrameworkInput) (*awsbackup.UpdateFrameworkOutput, error) {
	fw, err := c.frameworkOf(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	out := &awsbackup.UpdateFrameworkOutput{CreationTime: timePtr(fw.CreationTime), FrameworkArn: aws.String(fw.ARN), FrameworkName: aws.String(fw.Name)}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		if _, ok := rs.token("UpdateFramework", fw.ARN+"\x00"+tok); ok {
			return out, nil
		}
	}
	if c.deployStatus(fw.DeploymentStatus, fw.Deployed) != auditDeployCompleted {
		return nil, apiErr(CodeConflict, "Framework %s is %s: wait until its deployment completes", fw.Name, fw.DeploymentStatus)
	}
	if err := checkAuditDescription("FrameworkDescription", in.FrameworkDescription); err != nil {
		return nil, err
	}
	if in.FrameworkControls != nil {
		if err := checkControls(in.FrameworkControls); err != nil {
			return nil, err
		}
		if n := rs.controlCount(fw.Name) + len(in.FrameworkControls); n > maxControlsPerRegion {
			return nil, apiErr(CodeLimitExceeded, "the Region would have %d controls: the Backup Audit Manager quota is %d", n, maxControlsPerRegion)
		}
		fw.Controls = planClone(in.FrameworkControls)
	}
	if in.FrameworkDescription != nil {
		fw.Description = *in.FrameworkDescription
	}
	fw.DeploymentStatus, fw.Deployed = auditUpdateInProgress, c.deployDone()
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		rs.rememberToken("UpdateFramework", fw.ARN+"\x00"+tok, fw.Name)
	}
	return out, nil
}

func deleteFramework(c *opCtx, in *awsbackup.DeleteFrameworkInput) (*struct{}, error) {
	fw, err := c.frameworkOf(in.FrameworkName)
	if err != nil {
		return nil, err
	}
	if c.deployStatus(fw.DeploymentStatus, fw.Deployed) != auditDeployCompleted {
		return nil, apiErr(CodeConflict, "Framework %s is %s: wait until its deployment completes", fw.Name, fw.DeploymentStatus)
	}
	rs := c.rs()
	delete(rs.Frameworks, fw.Name)
	delete(rs.Tags, fw.ARN)
	return nil, nil
}

func listFrameworks(c *opCtx, in *awsbackup.ListFrameworksInput) (*awsbackup.ListFrameworksOutput, error) {
	rs := c.rs()
	names := make([]string, 0, len(rs.Frameworks))
	for n := range rs.Frameworks {
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListFrameworksOutput{NextToken: next, Frameworks: make([]types.Framework, 0, len(pg))}
	for _, n := range pg {
		fw := rs.Frameworks[n]
		out.Frameworks = append(out.Frameworks, types.Framework{
			CreationTime:         timePtr(fw.CreationTime),
			DeploymentStatus:     aws.String(c.deployStatus(fw.DeploymentStatus, fw.Deployed)),
			FrameworkArn:         aws.String(fw.ARN),
			FrameworkDescription: aws.String(fw.Description),
			FrameworkName:        aws.String(fw.Name),
			NumberOfControls:     int32(len(fw.Controls)),
		})
	}
	return out, nil
}

func checkDeliveryChannel(ch *types.ReportDeliveryChannel) error {
	const f = "ReportDeliveryChannel"
	if ch == nil {
		return missingParam(f)
	}
	if ch.S3BucketName == nil || *ch.S3BucketName == "" {
		return missingParam(f + ".S3BucketName")
	}
	if limits.BucketName(*ch.S3BucketName) != "" {
		return invalidParam("%s.S3BucketName %q is not a valid S3 bucket name", f, *ch.S3BucketName)
	}
	return nil // Formats: checkReportFormats, with the setting
}

// checkReportFormats checks the delivery formats against the setting with
// the rule package compliance uses (internal/audit): JSON only for a report
// of the calling account and Region, each format once.
func checkReportFormats(ch *types.ReportDeliveryChannel, s *types.ReportSetting) error {
	return problemErr("ReportDeliveryChannel", audit.CheckFormats(ch.Formats, audit.Setting{Template: aws.ToString(s.ReportTemplate),
		FrameworkARNs: s.FrameworkArns, Accounts: s.Accounts, OrganizationUnits: s.OrganizationUnits, Regions: s.Regions}))
}

// checkReportSetting validates a ReportSetting with AWS's rule
// (internal/audit); the FrameworkArns it names must be frameworks in the
// Region.
func (c *opCtx) checkReportSetting(s *types.ReportSetting) error {
	const f = "ReportSetting"
	if s == nil {
		return missingParam(f)
	}
	if s.ReportTemplate == nil || *s.ReportTemplate == "" {
		return missingParam(f + ".ReportTemplate")
	}
	// AWS's report-setting rule, shared with package compliance
	// (internal/audit): templates, FrameworkArns for single-account
	// compliance reports only, none with Accounts/OrganizationUnits/Regions.
	if err := problemErr(f, audit.CheckSetting(audit.Setting{Template: *s.ReportTemplate, FrameworkARNs: s.FrameworkArns,
		Accounts: s.Accounts, OrganizationUnits: s.OrganizationUnits, Regions: s.Regions})); err != nil {
		return err
	}
	for i, a := range s.FrameworkArns {
		found := false
		for _, fw := range c.rs().Frameworks {
			found = found || fw.ARN == a
		}
		if !found {
			return invalidParam("%s.FrameworkArns[%d] %q is not a framework in %s", f, i, a, c.region)
		}
	}
	return nil
}

func (c *opCtx) reportPlanOf(name *string) (*reportPlan, error) {
	if name == nil || *name == "" {
		return nil, missingParam("ReportPlanName")
	}
	rp, ok := c.rs().ReportPlans[*name]
	if !ok {
		return nil, notFound("Report plan %s does not exist in %s", *name, c.region)
	}
	return rp, nil
}

func createReportPlan(c *opCtx, in *awsbackup.CreateReportPlanInput) (*awsbackup.CreateReportPlanOutput, error) {
	if err := checkAuditName("ReportPlanName", in.ReportPlanName); err != nil {
		return nil, err
	}
	rs := c.rs()
	if rp, ok := rs.ReportPlans[*in.ReportPlanName]; ok {
		if tok := aws.ToString(in.IdempotencyToken); tok != "" && rp.IdempotencyToken == tok {
			return &awsbackup.CreateReportPlanOutput{CreationTime: timePtr(rp.CreationTime), ReportPlanArn: aws.String(rp.ARN), ReportPlanName: aws.String(rp.Name)}, nil
		}
		return nil, &APIError{Code: CodeAlreadyExists, Message: fmt.Sprintf("Report plan %s already exists", rp.Name), Extra: map[string]string{"Arn": rp.ARN}}
	}
	if err := checkAuditDescription("ReportPlanDescription", in.ReportPlanDescription); err != nil {
		return nil, err
	}
	if err := checkDeliveryChannel(in.ReportDeliveryChannel); err != nil {
		return nil, err
	}
	if err := c.checkReportSetting(in.ReportSetting); err != nil {
		return nil, err
	}
	if err := checkReportFormats(in.ReportDeliveryChannel, in.ReportSetting); err != nil {
		return nil, err
	}
	if err := checkTags("ReportPlanTags", in.ReportPlanTags); err != nil {
		return nil, err
	}
	if len(rs.ReportPlans) >= maxReportPlans {
		return nil, apiErr(CodeLimitExceeded, "the Region already has %d report plans, the Backup Audit Manager quota", maxReportPlans)
	}
	rp := &reportPlan{
		Name:             *in.ReportPlanName,
		ARN:              c.arn("report-plan:" + *in.ReportPlanName + "-" + newID()),
		Description:      aws.ToString(in.ReportPlanDescription),
		DeliveryChannel:  normalizedChannel(in.ReportDeliveryChannel),
		Setting:          planClone(*in.ReportSetting),
		CreationTime:     c.now,
		DeploymentStatus: auditCreateInProgress,
		Deployed:         c.deployDone(),
		IdempotencyToken: aws.ToString(in.IdempotencyToken),
	}
	rs.ReportPlans[rp.Name] = rp
	rs.setTags(rp.ARN, in.ReportPlanTags)
	return &awsbackup.CreateReportPlanOutput{CreationTime: timePtr(rp.CreationTime), ReportPlanArn: aws.String(rp.ARN), ReportPlanName: aws.String(rp.Name)}, nil
}

// normalizedChannel copies a delivery channel, defaulting Formats to CSV.
func normalizedChannel(ch *types.ReportDeliveryChannel) types.ReportDeliveryChannel {
	out := planClone(*ch)
	if len(out.Formats) == 0 {
		out.Formats = []string{reportFormatCSV}
	}
	return out
}

func (c *opCtx) reportPlanView(rp *reportPlan) *types.ReportPlan {
	ch := planClone(rp.DeliveryChannel)
	st := planClone(rp.Setting)
	st.NumberOfFrameworks = int32(len(st.FrameworkArns))
	return &types.ReportPlan{
		CreationTime:                timePtr(rp.CreationTime),
		DeploymentStatus:            aws.String(c.deployStatus(rp.DeploymentStatus, rp.Deployed)),
		LastAttemptedExecutionTime:  timePtr(rp.LastAttempted),
		LastSuccessfulExecutionTime: timePtr(rp.LastSuccessful),
		ReportDeliveryChannel:       &ch,
		ReportPlanArn:               aws.String(rp.ARN),
		ReportPlanDescription:       aws.String(rp.Description),
		ReportPlanName:              aws.String(rp.Name),
		ReportSetting:               &st,
	}
}

func describeReportPlan(c *opCtx, in *awsbackup.DescribeReportPlanInput) (*awsbackup.DescribeReportPlanOutput, error) {
	rp, err := c.reportPlanOf(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	c.settleReportJobs()
	return &awsbackup.DescribeReportPlanOutput{ReportPlan: c.reportPlanView(rp)}, nil
}

func updateReportPlan(c *opCtx, in *awsbackup.UpdateReportPlanInput) (*awsbackup.UpdateReportPlanOutput, error) {
	rp, err := c.reportPlanOf(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	out := &awsbackup.UpdateReportPlanOutput{CreationTime: timePtr(rp.CreationTime), ReportPlanArn: aws.String(rp.ARN), ReportPlanName: aws.String(rp.Name)}
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		if _, ok := rs.token("UpdateReportPlan", rp.ARN+"\x00"+tok); ok {
			return out, nil
		}
	}
	if c.deployStatus(rp.DeploymentStatus, rp.Deployed) != auditDeployCompleted {
		return nil, apiErr(CodeConflict, "Report plan %s is %s: wait until its deployment completes", rp.Name, rp.DeploymentStatus)
	}
	if err := checkAuditDescription("ReportPlanDescription", in.ReportPlanDescription); err != nil {
		return nil, err
	}
	if in.ReportDeliveryChannel != nil {
		if err := checkDeliveryChannel(in.ReportDeliveryChannel); err != nil {
			return nil, err
		}
	}
	if in.ReportSetting != nil {
		if err := c.checkReportSetting(in.ReportSetting); err != nil {
			return nil, err
		}
		if aws.ToString(in.ReportSetting.ReportTemplate) != aws.ToString(rp.Setting.ReportTemplate) {
			return nil, invalidParam("ReportSetting.ReportTemplate cannot change from %s to %s: create a new report plan", aws.ToString(rp.Setting.ReportTemplate), aws.ToString(in.ReportSetting.ReportTemplate))
		}
	}
	if in.ReportDeliveryChannel != nil || in.ReportSetting != nil {
		ch, set := in.ReportDeliveryChannel, in.ReportSetting
		if ch == nil {
			ch = &rp.DeliveryChannel
		}
		if set == nil {
			set = &rp.Setting
		}
		if err := checkReportFormats(ch, set); err != nil {
			return nil, err
		}
	}
	if in.ReportDeliveryChannel != nil {
		rp.DeliveryChannel = normalizedChannel(in.ReportDeliveryChannel)
	}
	if in.ReportSetting != nil {
		rp.Setting = planClone(*in.ReportSetting)
	}
	if in.ReportPlanDescription != nil {
		rp.Description = *in.ReportPlanDescription
	}
	rp.DeploymentStatus, rp.Deployed = auditUpdateInProgress, c.deployDone()
	if tok := aws.ToString(in.IdempotencyToken); tok != "" {
		rs.rememberToken("UpdateReportPlan", rp.ARN+"\x00"+tok, rp.Name)
	}
	return out, nil
}

func deleteReportPlan(c *opCtx, in *awsbackup.DeleteReportPlanInput) (*struct{}, error) {
	rp, err := c.reportPlanOf(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	if c.deployStatus(rp.DeploymentStatus, rp.Deployed) != auditDeployCompleted {
		return nil, apiErr(CodeConflict, "Report plan %s is %s: wait until its deployment completes", rp.Name, rp.DeploymentStatus)
	}
	rs := c.rs()
	delete(rs.ReportPlans, rp.Name)
	delete(rs.Tags, rp.ARN)
	return nil, nil
}

func listReportPlans(c *opCtx, in *awsbackup.ListReportPlansInput) (*awsbackup.ListReportPlansOutput, error) {
	rs := c.rs()
	c.settleReportJobs()
	names := make([]string, 0, len(rs.ReportPlans))
	for n := range rs.ReportPlans {
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListReportPlansOutput{NextToken: next, ReportPlans: make([]types.ReportPlan, 0, len(pg))}
	for _, n := range pg {
		out.ReportPlans = append(out.ReportPlans, *c.reportPlanView(rs.ReportPlans[n]))
	}
	return out, nil
}

// settleReportJobs completes the caller's report jobs that are due and
// records the success on their report plans.
func (c *opCtx) settleReportJobs() {
	rs := c.rs()
	for _, j := range rs.ReportJobs {
		if j.Status != reportJobRunning || c.now.Before(j.Done) {
			continue
		}
		j.Status, j.CompletionTime = reportJobCompleted, j.Done
		for _, rp := range rs.ReportPlans {
			if rp.ARN == j.ReportPlanARN && j.Done.After(rp.LastSuccessful) {
				rp.LastSuccessful = j.Done
			}
		}
	}
}

func startReportJob(c *opCtx, in *awsbackup.StartReportJobInput) (*awsbackup.StartReportJobOutput, error) {
	rp, err := c.reportPlanOf(in.ReportPlanName)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	tok := aws.ToString(in.IdempotencyToken)
	if id, ok := rs.token("StartReportJob", rp.ARN+"\x00"+tok); ok && tok != "" {
		return &awsbackup.StartReportJobOutput{ReportJobId: aws.String(id)}, nil
	}
	tpl := aws.ToString(rp.Setting.ReportTemplate)
	j := &reportJob{
		ID:             strings.ReplaceAll(newID(), "-", ""),
		ReportPlanARN:  rp.ARN,
		ReportTemplate: tpl,
		CreationTime:   c.now,
		Done:           c.now.Add(c.e.opts.JobDuration),
		Status:         reportJobRunning,
	}
	prefix := aws.ToString(rp.DeliveryChannel.S3KeyPrefix)
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	d := c.now
	base := fmt.Sprintf("%sBackup/%s/%s/%04d/%02d/%02d/%s/%s_%s_%s", prefix, c.account, c.region, d.Year(), d.Month(), d.Day(), rp.Name, tpl, rp.Name, d.Format(reportJobKeyTimeLayout))
	j.Destination.S3BucketName = aws.String(aws.ToString(rp.DeliveryChannel.S3BucketName))
	for _, f := range rp.DeliveryChannel.Formats {
		j.Destination.S3Keys = append(j.Destination.S3Keys, base+"."+strings.ToLower(f))
	}
	rs.ReportJobs[j.ID] = j
	rp.LastAttempted = c.now
	if tok != "" {
		rs.rememberToken("StartReportJob", rp.ARN+"\x00"+tok, j.ID)
	}
	return &awsbackup.StartReportJobOutput{ReportJobId: aws.String(j.ID)}, nil
}

func reportJobView(j *reportJob) types.ReportJob {
	dest := planClone(j.Destination)
	out := types.ReportJob{
		CreationTime:      timePtr(j.CreationTime),
		CompletionTime:    timePtr(j.CompletionTime),
		ReportDestination: &dest,
		ReportJobId:       aws.String(j.ID),
		ReportPlanArn:     aws.String(j.ReportPlanARN),
		ReportTemplate:    aws.String(j.ReportTemplate),
		Status:            aws.String(j.Status),
	}
	if j.StatusMessage != "" {
		out.StatusMessage = aws.String(j.StatusMessage)
	}
	return out
}

func describeReportJob(c *opCtx, in *awsbackup.DescribeReportJobInput) (*awsbackup.DescribeReportJobOutput, error) {
	if in.ReportJobId == nil || *in.ReportJobId == "" {
		return nil, missingParam("ReportJobId")
	}
	c.settleReportJobs()
	j, ok := c.rs().ReportJobs[*in.ReportJobId]
	if !ok {
		return nil, notFound("Report job %s does not exist in %s", *in.ReportJobId, c.region)
	}
	v := reportJobView(j)
	return &awsbackup.DescribeReportJobOutput{ReportJob: &v}, nil
}

func listReportJobs(c *opCtx, in *awsbackup.ListReportJobsInput) (*awsbackup.ListReportJobsOutput, error) {
	status := aws.ToString(in.ByStatus)
	switch status {
	case "", "CREATED", reportJobRunning, reportJobCompleted, "FAILED":
	default:
		return nil, invalidParam("ByStatus %q is invalid: allowed CREATED, RUNNING, COMPLETED, FAILED", status)
	}
	if in.ByReportPlanName != nil {
		if err := checkAuditName("ByReportPlanName", in.ByReportPlanName); err != nil {
			return nil, err
		}
	}
	c.settleReportJobs()
	rs := c.rs()
	var planARN string
	if in.ByReportPlanName != nil {
		rp, ok := rs.ReportPlans[*in.ByReportPlanName]
		if !ok {
			return nil, notFound("Report plan %s does not exist in %s", *in.ByReportPlanName, c.region)
		}
		planARN = rp.ARN
	}
	jobs := make([]*reportJob, 0, len(rs.ReportJobs))
	for _, j := range rs.ReportJobs {
		switch {
		case status != "" && j.Status != status,
			planARN != "" && j.ReportPlanARN != planARN,
			in.ByCreationAfter != nil && j.CreationTime.Before(*in.ByCreationAfter),
			in.ByCreationBefore != nil && j.CreationTime.After(*in.ByCreationBefore):
			continue
		}
		jobs = append(jobs, j)
	}
	sort.Slice(jobs, func(a, b int) bool {
		if !jobs[a].CreationTime.Equal(jobs[b].CreationTime) {
			return jobs[a].CreationTime.After(jobs[b].CreationTime)
		}
		return jobs[a].ID < jobs[b].ID
	})
	pg, next, err := page(jobs, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListReportJobsOutput{NextToken: next, ReportJobs: make([]types.ReportJob, 0, len(pg))}
	for _, j := range pg {
		out.ReportJobs = append(out.ReportJobs, reportJobView(j))
	}
	return out, nil
}
