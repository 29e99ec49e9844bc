package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/sleep"
)

// API is the part of the AWS Backup client this package uses.
type API interface {
	StartRestoreJob(context.Context, *awsbackup.StartRestoreJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartRestoreJobOutput, error)
	DescribeRestoreJob(context.Context, *awsbackup.DescribeRestoreJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeRestoreJobOutput, error)
	GetRecoveryPointRestoreMetadata(context.Context, *awsbackup.GetRecoveryPointRestoreMetadataInput, ...func(*awsbackup.Options)) (*awsbackup.GetRecoveryPointRestoreMetadataOutput, error)
	PutRestoreValidationResult(context.Context, *awsbackup.PutRestoreValidationResultInput, ...func(*awsbackup.Options)) (*awsbackup.PutRestoreValidationResultOutput, error)
	ListRecoveryPointsByBackupVault(context.Context, *awsbackup.ListRecoveryPointsByBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	DescribeBackupJob(context.Context, *awsbackup.DescribeBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error)
	ListRecoveryPointsByResource(context.Context, *awsbackup.ListRecoveryPointsByResourceInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByResourceOutput, error)
}

var _ API = (*awsbackup.Client)(nil)

// BackupStarter starts the on-demand backups of Drill.FreshBackup.
// *backup.Client satisfies it.
type BackupStarter interface {
	StartBackup(ctx context.Context, in backup.JobInput) (*backup.Job, error)
}

var _ BackupStarter = (*backup.Client)(nil)

// Options configures a Client.
type Options struct {
	// IAMRoleARN is the role AWS Backup assumes for restore (and drill
	// backup) jobs unless a call sets its own. Default: none, which AWS
	// accepts only for some resource types.
	IAMRoleARN string
	// MaxWait bounds StartAndWait and each wait of a drill. Default 6h.
	MaxWait time.Duration
	// Waiter adjusts the backup package's job waiters (MinDelay, MaxDelay,
	// Sleep, …). Default: their defaults, 5s–120s.
	Waiter func(*backup.WaiterOptions)
	// Logger receives progress and problems. Default: discard.
	Logger *slog.Logger
	// Now is the clock used to measure drills (phases, RTO, RPO, the
	// default drill id). Default time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx's error in that
	// case. Every wait of the package goes through it: the job waiters
	// (unless Waiter sets its own), the readiness retries of validation and
	// the polls after a delete. It is a test seam: with a manual clock
	// (backuptest.ManualClock.Sleep) drills run without wall time passing.
	// Default: a timer that selects on ctx.Done().
	Sleep func(ctx context.Context, d time.Duration) error

	// Backup starts the fresh backups of drills (Drill.FreshBackup).
	// Default: a backup.Client over the API when the API is a whole AWS
	// Backup client (backup.API, as *awsbackup.Client is), with this
	// client's Logger, Now and waiter settings. Set it when the API is a
	// narrower implementation.
	Backup BackupStarter

	// Services are the clients of the restored resources' own services,
	// used by the built-in handlers (validation, tagging, cleanup) of drills.
	Services Services
	// Handlers override or add per-resource-type handlers, keyed by the
	// AWS Backup resource type (backup.EBS, …).
	Handlers map[backup.ResourceType]Handler
	// OnEvent, when set, receives drill progress events. It is called from
	// the drill's goroutines and must be safe for concurrent use.
	OnEvent func(Event)
	// CleanupTimeout bounds the cleanup of one target, which runs on a
	// context detached from the drill's so that it also runs after
	// cancellation. Default 30m.
	CleanupTimeout time.Duration
	// DeletePollInterval is the delay between checks that a deleted
	// resource is gone. Default 10s.
	DeletePollInterval time.Duration
}

// Client starts and waits for restore jobs and runs restore drills.
type Client struct {
	api  API
	opts Options
}

// New returns a Client over api (usually an *awsbackup.Client).
func New(api API, optFns ...func(*Options)) *Client {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 6 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep.For
	}
	if o.CleanupTimeout <= 0 {
		o.CleanupTimeout = 30 * time.Minute
	}
	if o.DeletePollInterval <= 0 {
		o.DeletePollInterval = 10 * time.Second
	}
	c := &Client{api: api, opts: o}
	if c.opts.Backup == nil {
		if full, ok := api.(backup.API); ok {
			c.opts.Backup = backup.New(full, func(bo *backup.Options) {
				bo.Logger, bo.Now = c.opts.Logger, c.opts.Now
				c.waiterOptions(&bo.Waiter)
			})
		}
	}
	return c
}

// StartOptions adjust one Start or StartAndWait call.
type StartOptions struct {
	// BackupVaultName, when set, makes Start fetch the recovery point's
	// GetRecoveryPointRestoreMetadata and lay the input's metadata over it
	// (the input's values win). Without it only the input's keys are sent.
	BackupVaultName string
	// IAMRoleARN overrides Options.IAMRoleARN.
	IAMRoleARN string
	// IdempotencyToken makes retries of the same call start one job.
	// Default: a hash of the recovery point, resource type, metadata and
	// role, so a retried call never starts a second restore; set a fresh
	// token to restore the same point with the same metadata again.
	IdempotencyToken string
	// CopySourceTags asks AWS Backup to copy the source's tags to the
	// restored resource (CopySourceTagsToRestoredResource).
	CopySourceTags bool
	// MaxWait overrides Options.MaxWait for StartAndWait.
	MaxWait time.Duration
}

// Job is a restore job as AWS Backup describes it.
type Job struct {
	// ID is the restore job id.
	ID string
	// ResourceType is the AWS Backup resource type restored.
	ResourceType backup.ResourceType
	// RecoveryPointARN is the recovery point restored.
	RecoveryPointARN string
	// CreatedResourceARN is the resource the job created.
	CreatedResourceARN string
	// Status is the job's status (COMPLETED for a successful StartAndWait).
	Status string
	// CreationDate and CompletionDate are AWS's own timestamps of the job.
	CreationDate, CompletionDate time.Time
}

// Duration is CompletionDate − CreationDate, the restore time as AWS
// measures it; zero when the job has not completed.
func (j *Job) Duration() time.Duration {
	if j.CreationDate.IsZero() || j.CompletionDate.IsZero() {
		return 0
	}
	return j.CompletionDate.Sub(j.CreationDate)
}

// ResolveMetadata returns the metadata Start would send: in's metadata
// laid over the recovery point's GetRecoveryPointRestoreMetadata when
// vaultName is set.
func (c *Client) ResolveMetadata(ctx context.Context, vaultName, recoveryPointARN string, in Input) (map[string]string, error) {
	if in == nil {
		return nil, &ValidationError{Field: "input", Reason: "is required"}
	}
	md, err := in.Metadata()
	if err != nil {
		return nil, err
	}
	if vaultName == "" {
		return md, nil
	}
	out, err := c.api.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{
		BackupVaultName:  aws.String(vaultName),
		RecoveryPointArn: aws.String(recoveryPointARN),
	})
	if err != nil {
		return nil, fmt.Errorf("get restore metadata of %s: %w", recoveryPointARN, err)
	}
	return MergeMetadata(out.RestoreMetadata, md), nil
}

// Start validates in, resolves its metadata and starts a restore job of
// recoveryPointARN, returning the job id.
func (c *Client) Start(ctx context.Context, recoveryPointARN string, in Input, optFns ...func(*StartOptions)) (string, error) {
	so := c.startOptions(optFns)
	if recoveryPointARN == "" {
		return "", &ValidationError{Field: "recoveryPointARN", Reason: "is required"}
	}
	md, err := c.ResolveMetadata(ctx, so.BackupVaultName, recoveryPointARN, in)
	if err != nil {
		return "", err
	}
	return c.startJob(ctx, recoveryPointARN, in.ResourceType(), md, so)
}

func (c *Client) startOptions(optFns []func(*StartOptions)) StartOptions {
	so := StartOptions{IAMRoleARN: c.opts.IAMRoleARN, MaxWait: c.opts.MaxWait}
	for _, fn := range optFns {
		fn(&so)
	}
	if so.MaxWait <= 0 {
		so.MaxWait = c.opts.MaxWait
	}
	return so
}

func (c *Client) startJob(ctx context.Context, rpARN string, resourceType backup.ResourceType, md map[string]string, so StartOptions) (string, error) {
	token := so.IdempotencyToken
	if token == "" {
		token = restoreToken(rpARN, resourceType, so.IAMRoleARN, md)
	}
	out, err := c.api.StartRestoreJob(ctx, startInput(rpARN, resourceType, token, md, so))
	if err != nil {
		return "", fmt.Errorf("start restore job of %s: %w", rpARN, err)
	}
	if out.RestoreJobId == nil {
		return "", fmt.Errorf("start restore job of %s: no job id in response", rpARN)
	}
	c.opts.Logger.DebugContext(ctx, "restore job started", "recoveryPoint", rpARN, "job", *out.RestoreJobId, "type", resourceType)
	return *out.RestoreJobId, nil
}

// restoreToken is the idempotency token of a restore: the recovery point,
// resource type, role and metadata (keys sorted), hashed by
// backup.DeriveToken.
func restoreToken(rpARN string, resourceType backup.ResourceType, role string, md map[string]string) string {
	parts := []string{"restore", rpARN, string(resourceType), role}
	for _, k := range slices.Sorted(maps.Keys(md)) {
		parts = append(parts, k, md[k])
	}
	return backup.DeriveToken(parts...)
}

// StartAndWait starts a restore job like Start and waits (with the backup
// package's RestoreJobWaiter) until it completes. On success the Job has
// the created resource ARN and AWS's creation and completion dates. A job
// that ends FAILED or ABORTED returns the Job and an error wrapping
// *backup.JobFailedError.
func (c *Client) StartAndWait(ctx context.Context, recoveryPointARN string, in Input, optFns ...func(*StartOptions)) (*Job, error) {
	so := c.startOptions(optFns)
	id, err := c.Start(ctx, recoveryPointARN, in, func(o *StartOptions) { *o = so })
	if err != nil {
		return nil, err
	}
	return c.wait(ctx, id, so.MaxWait, true)
}

// Wait waits for restore job id to finish; see StartAndWait. maxWait ≤ 0
// means Options.MaxWait.
func (c *Client) Wait(ctx context.Context, id string, maxWait time.Duration) (*Job, error) {
	return c.wait(ctx, id, maxWait, false)
}

// wait waits for a restore job. justStarted skips the waiter's immediate
// first DescribeRestoreJob (a job that was just started is never done
// yet) by sleeping the waiter's MinDelay first.
func (c *Client) wait(ctx context.Context, id string, maxWait time.Duration, justStarted bool) (*Job, error) {
	if maxWait <= 0 {
		maxWait = c.opts.MaxWait
	}
	if justStarted {
		wo := backup.WaiterOptions{}
		c.waiterOptions(&wo)
		first := wo.MinDelay
		if first <= 0 {
			first = backup.DefaultMinDelay
		}
		if err := c.opts.Sleep(ctx, first); err != nil {
			return nil, fmt.Errorf("wait for restore job %s: %w", id, err)
		}
	}
	w := backup.NewRestoreJobWaiter(c.api, c.waiterOptions)
	out, err := w.Wait(ctx, id, maxWait)
	var job *Job
	if out != nil {
		job = jobFromOutput(out)
	}
	if err != nil {
		return job, err // the waiter's error names the job already
	}
	return job, nil
}

func (c *Client) waiterOptions(o *backup.WaiterOptions) {
	o.Logger = c.opts.Logger
	o.Sleep = c.opts.Sleep
	if c.opts.Waiter != nil {
		c.opts.Waiter(o)
	}
}

func jobFromOutput(out *awsbackup.DescribeRestoreJobOutput) *Job {
	return &Job{
		ID:                 aws.ToString(out.RestoreJobId),
		ResourceType:       backup.ResourceType(aws.ToString(out.ResourceType)),
		RecoveryPointARN:   aws.ToString(out.RecoveryPointArn),
		CreatedResourceARN: aws.ToString(out.CreatedResourceArn),
		Status:             string(out.Status),
		CreationDate:       aws.ToTime(out.CreationDate),
		CompletionDate:     aws.ToTime(out.CompletionDate),
	}
}

// isJobFailed reports whether err carries a *backup.JobFailedError.
func isJobFailed(err error) bool {
	var jf *backup.JobFailedError
	return errors.As(err, &jf)
}
