package backup

import (
	"context"
	"log/slog"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// API is the part of the AWS Backup client that Client uses.
type API interface {
	DescribeBackupJobAPI
	DescribeCopyJobAPI
	DescribeRestoreJobAPI
	StartBackupJob(context.Context, *awsbackup.StartBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartBackupJobOutput, error)
	StartCopyJob(context.Context, *awsbackup.StartCopyJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartCopyJobOutput, error)
	DescribeRegionSettings(context.Context, *awsbackup.DescribeRegionSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeRegionSettingsOutput, error)
	UpdateRegionSettings(context.Context, *awsbackup.UpdateRegionSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateRegionSettingsOutput, error)
	DescribeGlobalSettings(context.Context, *awsbackup.DescribeGlobalSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeGlobalSettingsOutput, error)
	UpdateGlobalSettings(context.Context, *awsbackup.UpdateGlobalSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateGlobalSettingsOutput, error)
	TagResource(context.Context, *awsbackup.TagResourceInput, ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(context.Context, *awsbackup.UntagResourceInput, ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
	ListTags(context.Context, *awsbackup.ListTagsInput, ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
	ListBackupJobs(context.Context, *awsbackup.ListBackupJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobsOutput, error)
	ListCopyJobs(context.Context, *awsbackup.ListCopyJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListCopyJobsOutput, error)
	ListBackupJobSummaries(context.Context, *awsbackup.ListBackupJobSummariesInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupJobSummariesOutput, error)
	ListRestoreJobs(context.Context, *awsbackup.ListRestoreJobsInput, ...func(*awsbackup.Options)) (*awsbackup.ListRestoreJobsOutput, error)
	ListRecoveryPointsByBackupVault(context.Context, *awsbackup.ListRecoveryPointsByBackupVaultInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByBackupVaultOutput, error)
	UpdateRecoveryPointLifecycle(context.Context, *awsbackup.UpdateRecoveryPointLifecycleInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateRecoveryPointLifecycleOutput, error)
	DeleteRecoveryPoint(context.Context, *awsbackup.DeleteRecoveryPointInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteRecoveryPointOutput, error)
	CreateLegalHold(context.Context, *awsbackup.CreateLegalHoldInput, ...func(*awsbackup.Options)) (*awsbackup.CreateLegalHoldOutput, error)
	CancelLegalHold(context.Context, *awsbackup.CancelLegalHoldInput, ...func(*awsbackup.Options)) (*awsbackup.CancelLegalHoldOutput, error)
	GetLegalHold(context.Context, *awsbackup.GetLegalHoldInput, ...func(*awsbackup.Options)) (*awsbackup.GetLegalHoldOutput, error)
	ListRecoveryPointsByLegalHold(context.Context, *awsbackup.ListRecoveryPointsByLegalHoldInput, ...func(*awsbackup.Options)) (*awsbackup.ListRecoveryPointsByLegalHoldOutput, error)
}

var _ API = (*awsbackup.Client)(nil)

// Options configures a Client.
type Options struct {
	// Logger receives debug logs. Default: discard.
	Logger *slog.Logger
	// Waiter is the default configuration of the waiters behind job
	// handles' Wait methods. Zero values select the SDK-like defaults
	// (MinDelay 5s, MaxDelay 120s).
	Waiter WaiterOptions
	// Now is the clock used for report ages, "since" filters and
	// idempotency windows. Default time.Now.
	Now func() time.Time
	// IdempotencyWindow is how long StartBackup treats an identical request
	// without an explicit IdempotencyToken as a retry of the first one: the
	// derived token covers the input and the window the call falls in, so
	// a retry after a timeout returns the same job while the next day's run
	// starts a new backup. Default DefaultIdempotencyWindow; a negative
	// value derives the token from the input alone (one job per distinct
	// input, ever).
	IdempotencyWindow time.Duration
}

// DefaultIdempotencyWindow is the default Options.IdempotencyWindow.
const DefaultIdempotencyWindow = time.Hour

// Client runs on-demand AWS Backup operations. Create it with New; it is
// safe for concurrent use.
type Client struct {
	api  API
	opts Options
}

// New returns a Client over api (normally an *awsbackup.Client).
func New(api API, optFns ...func(*Options)) *Client {
	c := &Client{api: api}
	for _, fn := range optFns {
		fn(&c.opts)
	}
	if c.opts.Logger == nil {
		c.opts.Logger = slog.New(slog.DiscardHandler)
	}
	if c.opts.Now == nil {
		c.opts.Now = time.Now
	}
	if c.opts.IdempotencyWindow == 0 {
		c.opts.IdempotencyWindow = DefaultIdempotencyWindow
	}
	if c.opts.Waiter.Logger == nil {
		c.opts.Waiter.Logger = c.opts.Logger
	}
	return c
}
