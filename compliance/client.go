package compliance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/sleep"
)

// API is the part of the AWS Backup client this package uses.
type API interface {
	CreateFramework(context.Context, *awsbackup.CreateFrameworkInput, ...func(*awsbackup.Options)) (*awsbackup.CreateFrameworkOutput, error)
	DescribeFramework(context.Context, *awsbackup.DescribeFrameworkInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeFrameworkOutput, error)
	UpdateFramework(context.Context, *awsbackup.UpdateFrameworkInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateFrameworkOutput, error)
	DeleteFramework(context.Context, *awsbackup.DeleteFrameworkInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteFrameworkOutput, error)
	ListFrameworks(context.Context, *awsbackup.ListFrameworksInput, ...func(*awsbackup.Options)) (*awsbackup.ListFrameworksOutput, error)

	CreateReportPlan(context.Context, *awsbackup.CreateReportPlanInput, ...func(*awsbackup.Options)) (*awsbackup.CreateReportPlanOutput, error)
	DescribeReportPlan(context.Context, *awsbackup.DescribeReportPlanInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeReportPlanOutput, error)
	UpdateReportPlan(context.Context, *awsbackup.UpdateReportPlanInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateReportPlanOutput, error)
	DeleteReportPlan(context.Context, *awsbackup.DeleteReportPlanInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteReportPlanOutput, error)
	StartReportJob(context.Context, *awsbackup.StartReportJobInput, ...func(*awsbackup.Options)) (*awsbackup.StartReportJobOutput, error)
	DescribeReportJob(context.Context, *awsbackup.DescribeReportJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeReportJobOutput, error)
}

var _ API = (*awsbackup.Client)(nil)

// Options configure a [Client].
type Options struct {
	// Logger receives debug logs of the calls made. Default: discard.
	Logger *slog.Logger
	// PollInterval is the delay between polls when waiting for a
	// deployment or a report job. Default 5s.
	PollInterval time.Duration
	// Sleep waits d or until ctx is done; a test seam. Default: a timer
	// that selects on ctx.Done().
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client deploys and reads AWS Backup Audit Manager frameworks, report
// plans and report jobs.
type Client struct {
	api  API
	opts Options
}

// New returns a Client over an AWS Backup client (or the emulator's).
func New(api API, optFns ...func(*Options)) *Client {
	o := Options{PollInterval: 5 * time.Second}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Sleep == nil {
		o.Sleep = sleep.For
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	return &Client{api: api, opts: o}
}

// Change says what an Ensure call did.
type Change string

// Changes reported by the Ensure methods.
const (
	Created   Change = "created"
	Updated   Change = "updated"
	Unchanged Change = "unchanged"
)

// ErrWaitTimeout is returned (wrapped) when a wait exceeds its maximum.
var ErrWaitTimeout = errors.New("compliance: wait timed out")

// isNotFound reports whether err is AWS Backup's ResourceNotFoundException.
func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

// token derives a deterministic idempotency token (≤ 64 hex chars) from the
// content, so a retried Create of the same thing is the same request.
func token(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
