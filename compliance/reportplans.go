package compliance

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/audit"
	"github.com/backupkit/backupkit/internal/limits"
)

// ReportTemplate names what a report plan reports on.
type ReportTemplate string

// Report templates of AWS Backup Audit Manager.
const (
	BackupJobReport          ReportTemplate = "BACKUP_JOB_REPORT"
	CopyJobReport            ReportTemplate = "COPY_JOB_REPORT"
	RestoreJobReport         ReportTemplate = "RESTORE_JOB_REPORT"
	ScanJobReport            ReportTemplate = "SCAN_JOB_REPORT"
	ResourceComplianceReport ReportTemplate = "RESOURCE_COMPLIANCE_REPORT"
	ControlComplianceReport  ReportTemplate = "CONTROL_COMPLIANCE_REPORT"
)

// ReportTemplates returns every template (a new slice on each call).
func ReportTemplates() []ReportTemplate {
	var out []ReportTemplate
	for _, t := range audit.Templates() {
		out = append(out, ReportTemplate(t))
	}
	return out
}

// IsCompliance reports whether the template reports on frameworks'
// controls (and so covers frameworks: named in FrameworkARNs for the
// current account and Region, all of the organization's otherwise).
func (t ReportTemplate) IsCompliance() bool {
	return audit.IsCompliance(string(t))
}

// Report file formats.
const (
	FormatCSV  = "CSV"
	FormatJSON = "JSON"
)

// ReportPlan is an AWS Backup Audit Manager report plan: which template,
// where in S3 it is delivered, and what it covers.
type ReportPlan struct {
	// Name: 1–256 characters, a letter then letters, digits or '_'.
	Name        string
	Description string
	Template    ReportTemplate
	// Bucket and Prefix locate delivery: s3://Bucket/Prefix/Backup/….
	Bucket, Prefix string
	// Formats: CSV and/or JSON. Default CSV. JSON is only available for
	// reports on the current account and Region (no Accounts, OUs, Regions).
	Formats []string
	// FrameworkARNs: the frameworks a compliance report covers; required
	// for a compliance report on the current account and Region, refused
	// with Accounts/OrganizationUnits/Regions (an organization-wide
	// compliance report covers the organization's frameworks: AWS answers
	// "For multi-account, multi-Region reports, use Accounts,
	// OrganizationUnits and Regions") and for job reports.
	FrameworkARNs []string
	// Accounts (12-digit ids, or "ROOT" for every OU), OrganizationUnits
	// (OU ids) and Regions (names, or "*" for all) widen a report beyond
	// the current account and Region (management or delegated
	// administrator account).
	Accounts, OrganizationUnits, Regions []string
	// Tags are applied on creation only.
	Tags map[string]string
}

// Validate reports every problem with the report plan at once.
func (p ReportPlan) Validate() error {
	var ps problems
	validateAuditName(&ps, "Name", p.Name)
	if len(p.Description) > 1024 {
		ps.add("Description", "at most 1024 characters, got %d", len(p.Description))
	}
	if p.Bucket == "" {
		ps.add("Bucket", "required")
	} else if limits.BucketName(p.Bucket) != "" {
		ps.add("Bucket", "not a valid S3 bucket name (3–63 of a-z, 0-9, '.', '-'): %q", p.Bucket)
	}
	setting := audit.Setting{Template: string(p.Template), FrameworkARNs: p.FrameworkARNs,
		Accounts: p.Accounts, OrganizationUnits: p.OrganizationUnits, Regions: p.Regions}
	for _, pr := range audit.CheckFormats(p.formats(), setting) {
		ps.add(pr.Field, "%s", pr.Reason)
	}
	// AWS's report-setting rule (internal/audit), under this type's field
	// names.
	for _, pr := range audit.CheckSetting(setting) {
		field := pr.Field
		switch field {
		case "ReportTemplate":
			field = "Template"
		case "FrameworkArns":
			field = "FrameworkARNs"
		}
		ps.add(field, "%s", pr.Reason)
	}
	return ps.err()
}

func (p ReportPlan) formats() []string {
	if len(p.Formats) == 0 {
		return []string{FormatCSV}
	}
	return p.Formats
}

func (p ReportPlan) sdk() (*types.ReportDeliveryChannel, *types.ReportSetting) {
	dc := &types.ReportDeliveryChannel{S3BucketName: aws.String(p.Bucket), S3KeyPrefix: optString(p.Prefix), Formats: slices.Clone(p.formats())}
	rs := &types.ReportSetting{
		ReportTemplate:    aws.String(string(p.Template)),
		FrameworkArns:     slices.Clone(p.FrameworkARNs),
		Accounts:          slices.Clone(p.Accounts),
		OrganizationUnits: slices.Clone(p.OrganizationUnits),
		Regions:           slices.Clone(p.Regions),
	}
	return dc, rs
}

func (p ReportPlan) fingerprint() string {
	sorted := func(l []string) string {
		l = slices.Clone(l)
		slices.Sort(l)
		return strings.Join(l, ",")
	}
	return strings.Join([]string{p.Name, p.Description, string(p.Template), p.Bucket, p.Prefix, sorted(p.formats()),
		sorted(p.FrameworkARNs), sorted(p.Accounts), sorted(p.OrganizationUnits), sorted(p.Regions)}, "\x00")
}

// ReportPlanStatus is a report plan as AWS reports it.
type ReportPlanStatus struct {
	ReportPlan
	ARN string
	// DeploymentStatus: CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS,
	// DELETE_IN_PROGRESS or COMPLETED.
	DeploymentStatus            string
	LastSuccessfulExecutionTime time.Time
}

// CreateReportPlan creates the report plan (content-derived idempotency
// token).
func (c *Client) CreateReportPlan(ctx context.Context, p ReportPlan) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	dc, rs := p.sdk()
	out, err := c.api.CreateReportPlan(ctx, &awsbackup.CreateReportPlanInput{
		ReportPlanName:        aws.String(p.Name),
		ReportPlanDescription: optString(p.Description),
		ReportDeliveryChannel: dc,
		ReportSetting:         rs,
		ReportPlanTags:        maps.Clone(p.Tags),
		IdempotencyToken:      aws.String(token("report-plan", p.fingerprint())),
	})
	if err != nil {
		return "", fmt.Errorf("create report plan %s: %w", p.Name, err)
	}
	return aws.ToString(out.ReportPlanArn), nil
}

// DescribeReportPlan reads a report plan by name.
func (c *Client) DescribeReportPlan(ctx context.Context, name string) (*ReportPlanStatus, error) {
	out, err := c.api.DescribeReportPlan(ctx, &awsbackup.DescribeReportPlanInput{ReportPlanName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("describe report plan %s: %w", name, err)
	}
	rp := out.ReportPlan
	if rp == nil {
		return nil, fmt.Errorf("describe report plan %s: empty response", name)
	}
	st := &ReportPlanStatus{
		ReportPlan:                  ReportPlan{Name: aws.ToString(rp.ReportPlanName), Description: aws.ToString(rp.ReportPlanDescription)},
		ARN:                         aws.ToString(rp.ReportPlanArn),
		DeploymentStatus:            aws.ToString(rp.DeploymentStatus),
		LastSuccessfulExecutionTime: aws.ToTime(rp.LastSuccessfulExecutionTime),
	}
	if dc := rp.ReportDeliveryChannel; dc != nil {
		st.Bucket, st.Prefix, st.Formats = aws.ToString(dc.S3BucketName), aws.ToString(dc.S3KeyPrefix), dc.Formats
	}
	if rs := rp.ReportSetting; rs != nil {
		st.Template = ReportTemplate(aws.ToString(rs.ReportTemplate))
		st.FrameworkARNs, st.Accounts, st.OrganizationUnits, st.Regions = rs.FrameworkArns, rs.Accounts, rs.OrganizationUnits, rs.Regions
	}
	return st, nil
}

// EnsureReportPlan creates the plan when missing, updates it when it
// differs, and makes no write call when it is equal.
func (c *Client) EnsureReportPlan(ctx context.Context, p ReportPlan) (string, Change, error) {
	if err := p.Validate(); err != nil {
		return "", "", err
	}
	cur, err := c.DescribeReportPlan(ctx, p.Name)
	if isNotFound(err) {
		arn, err := c.CreateReportPlan(ctx, p)
		return arn, Created, err
	}
	if err != nil {
		return "", "", err
	}
	if cur.fingerprint() == p.fingerprint() {
		return cur.ARN, Unchanged, nil
	}
	dc, rs := p.sdk()
	out, err := c.api.UpdateReportPlan(ctx, &awsbackup.UpdateReportPlanInput{
		ReportPlanName:        aws.String(p.Name),
		ReportPlanDescription: optString(p.Description),
		ReportDeliveryChannel: dc,
		ReportSetting:         rs,
		IdempotencyToken:      aws.String(token("report-plan-update", p.fingerprint())),
	})
	if err != nil {
		return "", "", fmt.Errorf("update report plan %s: %w", p.Name, err)
	}
	return aws.ToString(out.ReportPlanArn), Updated, nil
}

// DeleteReportPlan deletes a report plan by name.
func (c *Client) DeleteReportPlan(ctx context.Context, name string) error {
	if _, err := c.api.DeleteReportPlan(ctx, &awsbackup.DeleteReportPlanInput{ReportPlanName: aws.String(name)}); err != nil {
		return fmt.Errorf("delete report plan %s: %w", name, err)
	}
	return nil
}

// ReportJob is an on-demand or daily report job.
type ReportJob struct {
	ID, ReportPlanARN string
	Template          ReportTemplate
	// Status: CREATED, RUNNING, COMPLETED or FAILED.
	Status, StatusMessage string
	Created, Completed    time.Time
	// Bucket and Keys locate the delivered report files.
	Bucket string
	Keys   []string
}

// StartReportJob starts an on-demand report job for the plan and returns
// its id.
func (c *Client) StartReportJob(ctx context.Context, planName string) (string, error) {
	out, err := c.api.StartReportJob(ctx, &awsbackup.StartReportJobInput{ReportPlanName: aws.String(planName)})
	if err != nil {
		return "", fmt.Errorf("start report job for %s: %w", planName, err)
	}
	return aws.ToString(out.ReportJobId), nil
}

// DescribeReportJob reads a report job.
func (c *Client) DescribeReportJob(ctx context.Context, id string) (*ReportJob, error) {
	out, err := c.api.DescribeReportJob(ctx, &awsbackup.DescribeReportJobInput{ReportJobId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("describe report job %s: %w", id, err)
	}
	j := out.ReportJob
	if j == nil {
		return nil, fmt.Errorf("describe report job %s: empty response", id)
	}
	rj := &ReportJob{
		ID: aws.ToString(j.ReportJobId), ReportPlanARN: aws.ToString(j.ReportPlanArn), Template: ReportTemplate(aws.ToString(j.ReportTemplate)),
		Status: aws.ToString(j.Status), StatusMessage: aws.ToString(j.StatusMessage),
		Created: aws.ToTime(j.CreationTime), Completed: aws.ToTime(j.CompletionTime),
	}
	if d := j.ReportDestination; d != nil {
		rj.Bucket, rj.Keys = aws.ToString(d.S3BucketName), d.S3Keys
	}
	return rj, nil
}

// WaitReportJob polls the job until it is COMPLETED (returned), FAILED
// (returned with an error) or maxWait passes (ErrWaitTimeout).
func (c *Client) WaitReportJob(ctx context.Context, id string, maxWait time.Duration) (*ReportJob, error) {
	if maxWait <= 0 {
		return nil, fmt.Errorf("wait for report job %s: maximum wait must be > 0", id)
	}
	var waited time.Duration
	for {
		j, err := c.DescribeReportJob(ctx, id)
		if err != nil {
			return nil, err
		}
		switch j.Status {
		case "COMPLETED":
			return j, nil
		case "FAILED":
			return j, fmt.Errorf("report job %s failed: %s", id, j.StatusMessage)
		}
		if waited >= maxWait {
			return j, fmt.Errorf("report job %s still %s after %v: %w", id, j.Status, maxWait, ErrWaitTimeout)
		}
		if err := c.opts.Sleep(ctx, c.opts.PollInterval); err != nil {
			return j, err
		}
		waited += c.opts.PollInterval
	}
}

// RunReport starts a report job for the plan and waits for it.
func (c *Client) RunReport(ctx context.Context, planName string, maxWait time.Duration) (*ReportJob, error) {
	id, err := c.StartReportJob(ctx, planName)
	if err != nil {
		return nil, err
	}
	return c.WaitReportJob(ctx, id, maxWait)
}
