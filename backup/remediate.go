package backup

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// PublishAPI is the SNS call the remediator uses to notify.
type PublishAPI interface {
	Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ PublishAPI = (*sns.Client)(nil)

// RemediatorAPI is the part of the AWS Backup client the remediator uses.
type RemediatorAPI interface {
	DescribeBackupJobAPI
	DescribeCopyJobAPI
	StartBackupJob(context.Context, *awsbackup.StartBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartBackupJobOutput, error)
	StartCopyJob(context.Context, *awsbackup.StartCopyJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartCopyJobOutput, error)
	ListBackupJobs(context.Context, *awsbackup.ListBackupJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error)
	ListCopyJobs(context.Context, *awsbackup.ListCopyJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListCopyJobsOutput, error)
}

var _ RemediatorAPI = (*awsbackup.Client)(nil)

// RemediatorOptions configures a Remediator.
type RemediatorOptions struct {
	// SNS and TopicARN, when both set, receive a notification for every
	// failed job handled (restarted or not). FIFO topics (".fifo") get a
	// deduplication id so duplicate deliveries notify once.
	SNS      PublishAPI
	TopicARN string
	// Retryable decides from the job type, final state and status message
	// whether a failure is worth retrying. Default DefaultRetryable.
	Retryable func(jobType, state, statusMessage string) bool
	// MaxFailures stops retrying a resource that already failed this many
	// times within FailureWindow (counting FAILED jobs AWS lists for it),
	// so a persistent failure cannot loop forever. Defaults 3 and 24h.
	MaxFailures   int
	FailureWindow time.Duration
	// Logger receives decisions. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Remediator restarts failed backup and copy jobs from their EventBridge
// events. It is safe for duplicate deliveries: the restarted job's
// idempotency token is derived from the failed job's id, so AWS returns
// the same job however often the event arrives. Restore jobs are only
// reported: restoring twice creates resources, which needs a human.
type Remediator struct {
	api  RemediatorAPI
	opts RemediatorOptions
}

// NewRemediator returns a Remediator.
func NewRemediator(api RemediatorAPI, optFns ...func(*RemediatorOptions)) *Remediator {
	r := &Remediator{api: api}
	for _, fn := range optFns {
		fn(&r.opts)
	}
	if r.opts.Retryable == nil {
		r.opts.Retryable = DefaultRetryable
	}
	if r.opts.MaxFailures <= 0 {
		r.opts.MaxFailures = 3
	}
	if r.opts.FailureWindow <= 0 {
		r.opts.FailureWindow = 24 * time.Hour
	}
	if r.opts.Logger == nil {
		r.opts.Logger = slog.New(slog.DiscardHandler)
	}
	if r.opts.Now == nil {
		r.opts.Now = time.Now
	}
	return r
}

// Remediation actions reported in Result.Action.
const (
	ActionIgnored      = "ignored"       // not a failed backup/copy/restore job event
	ActionRestarted    = "restarted"     // a new job was started (or AWS returned the one already started for this failure)
	ActionNotRetryable = "not-retryable" // the failure needs a human (or hit MaxFailures)
)

// Result is what Handle did with one event.
type Result struct {
	Action        string `json:"action"`
	Reason        string `json:"reason,omitempty"`
	EventID       string `json:"eventId,omitempty"`
	JobType       string `json:"jobType,omitempty"`
	FailedJobID   string `json:"failedJobId,omitempty"`
	State         string `json:"state,omitempty"`
	StatusMessage string `json:"statusMessage,omitempty"`
	ResourceARN   string `json:"resourceArn,omitempty"`
	NewJobID      string `json:"newJobId,omitempty"`
	Token         string `json:"idempotencyToken,omitempty"`
	Notified      bool   `json:"notified"`
}

// nonRetryable and retryable are matched case-insensitively against the
// status message; non-retryable wins.
var (
	nonRetryableHints = []string{"access denied", "accessdenied", "not authorized", "unauthorized", "permission",
		"does not exist", "not found", "no longer exists", "not supported", "unsupported", "invalid", "is disabled",
		"pending deletion", "quota", "limit exceeded", "cannot be backed up", "encrypted with"}
	retryableHints = []string{"internal error", "internal failure", "try again", "retry", "throttl", "rate exceeded",
		"timed out", "timeout", "temporar", "service unavailable", "capacity", "in progress", "start window", "completion window",
		"expired", "could not complete", "snapshot creation"}
)

// DefaultRetryable decides from the status message: messages about
// permissions, missing or unsupported resources, invalid parameters, KMS
// keys and quotas are not retryable; internal errors, throttling,
// timeouts, capacity and expired windows are. With no telling message an
// EXPIRED job (its start window passed) is retryable and anything else is
// not.
func DefaultRetryable(jobType, state, msg string) bool {
	m := strings.ToLower(msg)
	for _, h := range nonRetryableHints {
		if strings.Contains(m, h) {
			return false
		}
	}
	for _, h := range retryableHints {
		if strings.Contains(m, h) {
			return true
		}
	}
	return state == string(types.BackupJobStateExpired)
}

// RemediationToken is the idempotency token of the job that retries
// failedJobID: every delivery of the same failure derives the same token.
func RemediationToken(jobType, failedJobID string) string {
	return DeriveToken("remediate", jobType, failedJobID)
}

// Handle processes one EventBridge event (the raw JSON a Lambda function
// receives). It returns an error only when it could not decide or act
// (so the event is redelivered); ignored and non-retryable events return
// a Result and nil. Wrap it as a Lambda handler with lambda.Start(r.Handle).
func (r *Remediator) Handle(ctx context.Context, event json.RawMessage) (Result, error) {
	ev, err := ParseEvent(event)
	if err != nil {
		return Result{Action: ActionIgnored, Reason: "unparsable event"}, err
	}
	res := Result{EventID: ev.ID}
	if ev.Job == nil || ev.Source != EventSource {
		res.Action, res.Reason = ActionIgnored, "not an AWS Backup job event"
		return res, nil
	}
	j := ev.Job
	res.JobType, res.FailedJobID, res.State, res.StatusMessage, res.ResourceARN = j.JobType, j.JobID, j.State, j.StatusMessage, j.ResourceARN
	if !j.Failed() {
		res.Action, res.Reason = ActionIgnored, "job state "+j.State+" needs no remediation"
		return res, nil
	}
	switch j.JobType {
	case JobTypeBackup:
		err = r.restartBackup(ctx, j, &res)
	case JobTypeCopy:
		err = r.restartCopy(ctx, j, &res)
	default:
		res.Action, res.Reason = ActionNotRetryable, "restore jobs are not restarted automatically"
	}
	if err != nil {
		return res, err
	}
	r.opts.Logger.InfoContext(ctx, "remediation", "action", res.Action, "jobType", res.JobType, "failedJobId", res.FailedJobID, "newJobId", res.NewJobID, "reason", res.Reason)
	if err := r.notify(ctx, &res); err != nil {
		return res, err
	}
	return res, nil
}

func (r *Remediator) decide(res *Result) bool {
	if !r.opts.Retryable(res.JobType, res.State, res.StatusMessage) {
		res.Action, res.Reason = ActionNotRetryable, "status message does not indicate a transient failure"
		return false
	}
	return true
}

func (r *Remediator) restartBackup(ctx context.Context, j *JobEvent, res *Result) error {
	out, err := r.api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(j.JobID)})
	if err != nil {
		return fmt.Errorf("remediate backup job %s: %w", j.JobID, err)
	}
	// The job's own record is authoritative over the event.
	res.State, res.ResourceARN = string(out.State), aws.ToString(out.ResourceArn)
	if msg := aws.ToString(out.StatusMessage); msg != "" {
		res.StatusMessage = msg
	}
	if !JobStateFailed(out.State) {
		res.Action, res.Reason = ActionIgnored, "job is "+string(out.State)+" now"
		return nil
	}
	if !r.decide(res) {
		return nil
	}
	failures := 0
	for fj, err := range listBackupJobs(ctx, r.api, &awsbackup.ListBackupJobsInput{
		ByResourceArn: out.ResourceArn, ByState: types.BackupJobStateFailed, ByCreatedAfter: aws.Time(r.opts.Now().Add(-r.opts.FailureWindow)),
	}) {
		if err != nil {
			return fmt.Errorf("remediate backup job %s: count failures: %w", j.JobID, err)
		}
		if aws.ToString(fj.BackupJobId) != j.JobID {
			failures++
		}
	}
	if failures+1 >= r.opts.MaxFailures {
		res.Action, res.Reason = ActionNotRetryable, fmt.Sprintf("%d failures of this resource within %v (MaxFailures %d)", failures+1, r.opts.FailureWindow, r.opts.MaxFailures)
		return nil
	}
	res.Token = RemediationToken(JobTypeBackup, j.JobID)
	in := &awsbackup.StartBackupJobInput{
		BackupVaultName:  out.BackupVaultName,
		ResourceArn:      out.ResourceArn,
		IamRoleArn:       out.IamRoleArn,
		BackupOptions:    out.BackupOptions,
		Lifecycle:        out.RecoveryPointLifecycle,
		IdempotencyToken: aws.String(res.Token),
	}
	if out.StartBy != nil && out.CreationDate != nil {
		if w := out.StartBy.Sub(*out.CreationDate); w >= MinStartWindow {
			in.StartWindowMinutes = aws.Int64(int64(w / time.Minute))
		}
	}
	started, err := r.api.StartBackupJob(ctx, in)
	if err != nil {
		return fmt.Errorf("remediate backup job %s: restart: %w", j.JobID, err)
	}
	res.Action, res.NewJobID = ActionRestarted, aws.ToString(started.BackupJobId)
	res.Reason = "transient failure; restarted with the original parameters"
	return nil
}

func listBackupJobs(ctx context.Context, api awsbackup.ListBackupJobsAPIClient, in *awsbackup.ListBackupJobsInput) iter.Seq2[types.BackupJob, error] {
	return pages(ctx, "backup jobs", func() error { return nil },
		func() pager[*awsbackup.ListBackupJobsOutput] { return awsbackup.NewListBackupJobsPaginator(api, in) },
		func(o *awsbackup.ListBackupJobsOutput) []types.BackupJob { return o.BackupJobs })
}

func (r *Remediator) restartCopy(ctx context.Context, j *JobEvent, res *Result) error {
	out, err := r.api.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: aws.String(j.JobID)})
	if err != nil {
		return fmt.Errorf("remediate copy job %s: %w", j.JobID, err)
	}
	cj := out.CopyJob
	if cj == nil {
		return fmt.Errorf("remediate copy job %s: empty DescribeCopyJob answer", j.JobID)
	}
	res.State, res.ResourceARN = string(cj.State), aws.ToString(cj.ResourceArn)
	if msg := aws.ToString(cj.StatusMessage); msg != "" {
		res.StatusMessage = msg
	}
	if !CopyJobStateFailed(cj.State) {
		res.Action, res.Reason = ActionIgnored, "job is "+string(cj.State)+" now"
		return nil
	}
	if !r.decide(res) {
		return nil
	}
	failures := 0
	p := awsbackup.NewListCopyJobsPaginator(r.api, &awsbackup.ListCopyJobsInput{
		BySourceRecoveryPointArn: cj.SourceRecoveryPointArn, ByState: types.CopyJobStateFailed,
		ByCreatedAfter: aws.Time(r.opts.Now().Add(-r.opts.FailureWindow)),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("remediate copy job %s: count failures: %w", j.JobID, err)
		}
		for _, fj := range page.CopyJobs {
			if aws.ToString(fj.CopyJobId) != j.JobID && aws.ToString(fj.DestinationBackupVaultArn) == aws.ToString(cj.DestinationBackupVaultArn) {
				failures++
			}
		}
	}
	if failures+1 >= r.opts.MaxFailures {
		res.Action, res.Reason = ActionNotRetryable, fmt.Sprintf("%d failures of this copy within %v (MaxFailures %d)", failures+1, r.opts.FailureWindow, r.opts.MaxFailures)
		return nil
	}
	src, err := ParseVaultARN(aws.ToString(cj.SourceBackupVaultArn))
	if err != nil {
		return fmt.Errorf("remediate copy job %s: source vault: %w", j.JobID, err)
	}
	res.Token = RemediationToken(JobTypeCopy, j.JobID)
	started, err := r.api.StartCopyJob(ctx, &awsbackup.StartCopyJobInput{
		SourceBackupVaultName:     aws.String(src.Name),
		RecoveryPointArn:          cj.SourceRecoveryPointArn,
		DestinationBackupVaultArn: cj.DestinationBackupVaultArn,
		IamRoleArn:                cj.IamRoleArn,
		Lifecycle:                 cj.DestinationRecoveryPointLifecycle,
		IdempotencyToken:          aws.String(res.Token),
	})
	if err != nil {
		return fmt.Errorf("remediate copy job %s: restart: %w", j.JobID, err)
	}
	res.Action, res.NewJobID = ActionRestarted, aws.ToString(started.CopyJobId)
	res.Reason = "transient failure; restarted with the original parameters"
	return nil
}

func (r *Remediator) notify(ctx context.Context, res *Result) error {
	if r.opts.SNS == nil || r.opts.TopicARN == "" {
		return nil
	}
	subject := fmt.Sprintf("AWS Backup %s job %s: %s", strings.ToLower(res.JobType), res.State, res.Action)
	if len(subject) > 100 { // SNS subject limit
		subject = subject[:100]
	}
	body, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	in := &sns.PublishInput{TopicArn: aws.String(r.opts.TopicARN), Subject: aws.String(subject), Message: aws.String(string(body))}
	if a, err := arn.Parse(r.opts.TopicARN); err == nil && strings.HasSuffix(a.Resource, ".fifo") {
		in.MessageGroupId = aws.String(DeriveToken("group", res.JobType, res.ResourceARN))
		in.MessageDeduplicationId = aws.String(DeriveToken("notify", res.JobType, res.FailedJobID))
	}
	if _, err := r.opts.SNS.Publish(ctx, in); err != nil {
		return fmt.Errorf("notify about %s job %s: %w", res.JobType, res.FailedJobID, err)
	}
	res.Notified = true
	return nil
}
