package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	smithywaiter "github.com/aws/smithy-go/waiter"

	"github.com/backupkit/backupkit/internal/sleep"
)

// DescribeBackupJobAPI is the client call JobWaiter uses.
type DescribeBackupJobAPI interface {
	DescribeBackupJob(context.Context, *awsbackup.DescribeBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error)
}

// DescribeCopyJobAPI is the client call CopyJobWaiter uses.
type DescribeCopyJobAPI interface {
	DescribeCopyJob(context.Context, *awsbackup.DescribeCopyJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeCopyJobOutput, error)
}

// DescribeRestoreJobAPI is the client call RestoreJobWaiter uses.
type DescribeRestoreJobAPI interface {
	DescribeRestoreJob(context.Context, *awsbackup.DescribeRestoreJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeRestoreJobOutput, error)
}

var (
	_ DescribeBackupJobAPI  = (*awsbackup.Client)(nil)
	_ DescribeCopyJobAPI    = (*awsbackup.Client)(nil)
	_ DescribeRestoreJobAPI = (*awsbackup.Client)(nil)
)

// Waiter defaults, as in the SDK's generated waiters.
const (
	DefaultMinDelay        = 5 * time.Second
	DefaultMaxDelay        = 120 * time.Second
	DefaultNotFoundRetries = 3
)

// WaiterOptions configures the job waiters. They behave like the SDK's
// generated waiters: the delay between attempts grows exponentially from
// MinDelay to MaxDelay with jitter (smithy-go/waiter.ComputeDelay), and a
// wait lasts its whole maxWait and never longer.
type WaiterOptions struct {
	// MinDelay is the minimum delay between attempts. Default 5s; values
	// ≤ 0 select the default.
	MinDelay time.Duration
	// MaxDelay is the maximum delay between attempts. Default 120s; values
	// ≤ 0 select the default. It must not be less than MinDelay.
	MaxDelay time.Duration
	// LogWaitAttempts logs every attempt at Debug level to Logger.
	LogWaitAttempts bool
	// Logger receives attempt logs and transient-error notes. Default: discard.
	Logger *slog.Logger
	// Sleep waits d or until ctx is done, returning ctx's error in that
	// case. It is a test seam (advance a manual clock instead of sleeping);
	// the default selects on a timer and ctx.Done(). Time passed to Sleep
	// counts against maxWait whether or not it really elapsed.
	Sleep func(ctx context.Context, d time.Duration) error
	// NotFoundRetries is how many ResourceNotFoundException answers the
	// waiter tolerates (a job can be invisible for a moment right after it
	// starts) before returning the error. Default 3; negative means none.
	NotFoundRetries int
	// OnAttempt, when set, is called after every successful describe call
	// with the job's state and percent done (progress displays).
	OnAttempt func(Progress)
}

// Progress is one observation of a job while waiting.
type Progress struct {
	JobType     string
	JobID       string
	Attempt     int64
	State       string
	PercentDone string
	Elapsed     time.Duration
}

func (o WaiterOptions) resolved() (WaiterOptions, error) {
	if o.MinDelay <= 0 {
		o.MinDelay = DefaultMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultMaxDelay
	}
	if o.MinDelay > o.MaxDelay {
		return o, fmt.Errorf("minimum waiter delay %v must be less than or equal to maximum waiter delay %v", o.MinDelay, o.MaxDelay)
	}
	if o.Sleep == nil {
		o.Sleep = sleep.For
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NotFoundRetries == 0 {
		o.NotFoundRetries = DefaultNotFoundRetries
	}
	return o, nil
}

// observation is what one describe call tells the generic wait loop.
type observation struct {
	state, message, percent string
	done, failed            bool
}

func waitJob[T any](ctx context.Context, base WaiterOptions, optFns []func(*WaiterOptions), jobType, jobID string, maxWait time.Duration,
	describe func(context.Context) (T, error), observe func(T) observation) (T, error) {
	var zero T
	if maxWait <= 0 {
		return zero, fmt.Errorf("wait for %s job %s: maximum wait time must be greater than zero", strings.ToLower(jobType), jobID)
	}
	if jobID == "" {
		return zero, fmt.Errorf("wait for %s job: %w", strings.ToLower(jobType), &ValidationError{Field: "JobID", Reason: "must not be empty"})
	}
	o := base
	for _, fn := range optFns {
		fn(&o)
	}
	o, err := o.resolved()
	if err != nil {
		return zero, err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, maxWait, ErrWaitTimeout)
	defer cancel()

	ctxErr := func(lastState string) error {
		if errors.Is(context.Cause(ctx), ErrWaitTimeout) {
			return fmt.Errorf("wait for %s job %s (last state %q): %w", strings.ToLower(jobType), jobID, lastState, ErrWaitTimeout)
		}
		return fmt.Errorf("wait for %s job %s: %w", strings.ToLower(jobType), jobID, ctx.Err())
	}

	var (
		elapsed   time.Duration
		attempt   int64
		notFound  int
		lastState string
	)
	for {
		attempt++
		start := time.Now()
		out, err := describe(ctx)
		elapsed += time.Since(start)
		switch {
		case err == nil:
			ob := observe(out)
			lastState = ob.state
			if o.LogWaitAttempts {
				o.Logger.DebugContext(ctx, "waiter attempt", "jobType", jobType, "jobId", jobID, "attempt", attempt, "state", ob.state)
			}
			if o.OnAttempt != nil {
				o.OnAttempt(Progress{JobType: jobType, JobID: jobID, Attempt: attempt, State: ob.state, PercentDone: ob.percent, Elapsed: elapsed})
			}
			if ob.done {
				return out, nil
			}
			if ob.failed {
				return out, &JobFailedError{JobType: jobType, JobID: jobID, State: ob.state, StatusMessage: ob.message}
			}
		case ctx.Err() != nil:
			return zero, ctxErr(lastState)
		case IsNotFound(err) && notFound < o.NotFoundRetries:
			notFound++
			o.Logger.DebugContext(ctx, "job not visible yet", "jobType", jobType, "jobId", jobID, "attempt", attempt)
		case IsRetryable(err):
			o.Logger.DebugContext(ctx, "transient error while waiting", "jobType", jobType, "jobId", jobID, "attempt", attempt, "error", err)
		default:
			return zero, fmt.Errorf("wait for %s job %s: %w", strings.ToLower(jobType), jobID, err)
		}

		remaining := maxWait - elapsed
		if remaining <= 0 {
			return zero, fmt.Errorf("wait for %s job %s (last state %q): %w", strings.ToLower(jobType), jobID, lastState, ErrWaitTimeout)
		}
		// Less than MinDelay left: wait out the rest rather than give up
		// early (the SDK's waiters stop here; a user who says 3s means 3s).
		delay := remaining
		if remaining >= o.MinDelay {
			if delay, err = smithywaiter.ComputeDelay(attempt, o.MinDelay, o.MaxDelay, remaining); err != nil {
				return zero, fmt.Errorf("wait for %s job %s: %w", strings.ToLower(jobType), jobID, err)
			}
		}
		if err := o.Sleep(ctx, delay); err != nil {
			return zero, ctxErr(lastState)
		}
		elapsed += delay
	}
}

// JobWaiter waits for a backup job to reach a terminal state.
type JobWaiter struct {
	api  DescribeBackupJobAPI
	opts WaiterOptions
}

// NewJobWaiter returns a waiter for backup jobs.
func NewJobWaiter(api DescribeBackupJobAPI, optFns ...func(*WaiterOptions)) *JobWaiter {
	w := &JobWaiter{api: api}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// Wait polls DescribeBackupJob until the job is COMPLETED (returning its
// description) or reaches FAILED, ABORTED, EXPIRED or PARTIAL (returning the
// description and a *JobFailedError). Throttling and 5xx errors are
// retried; a not-found answer is retried NotFoundRetries times. maxWait must
// be greater than zero; when it elapses the error wraps ErrWaitTimeout.
func (w *JobWaiter) Wait(ctx context.Context, jobID string, maxWait time.Duration, optFns ...func(*WaiterOptions)) (*awsbackup.DescribeBackupJobOutput, error) {
	return waitJob(ctx, w.opts, optFns, "BACKUP", jobID, maxWait,
		func(ctx context.Context) (*awsbackup.DescribeBackupJobOutput, error) {
			return w.api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: &jobID})
		},
		func(out *awsbackup.DescribeBackupJobOutput) observation {
			return observation{
				state:   string(out.State),
				message: deref(out.StatusMessage),
				percent: deref(out.PercentDone),
				done:    out.State == types.BackupJobStateCompleted,
				failed:  JobStateFailed(out.State),
			}
		})
}

// JobStateFailed reports whether s is a terminal state other than
// COMPLETED.
func JobStateFailed(s types.BackupJobState) bool {
	switch s {
	case types.BackupJobStateFailed, types.BackupJobStateAborted, types.BackupJobStateExpired, types.BackupJobStatePartial:
		return true
	}
	return false
}

// CopyJobWaiter waits for a copy job to reach a terminal state.
type CopyJobWaiter struct {
	api  DescribeCopyJobAPI
	opts WaiterOptions
}

// NewCopyJobWaiter returns a waiter for copy jobs.
func NewCopyJobWaiter(api DescribeCopyJobAPI, optFns ...func(*WaiterOptions)) *CopyJobWaiter {
	w := &CopyJobWaiter{api: api}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// Wait polls DescribeCopyJob until the job is COMPLETED or reaches FAILED,
// PARTIAL or ABORTED (a *JobFailedError); see JobWaiter.Wait.
func (w *CopyJobWaiter) Wait(ctx context.Context, jobID string, maxWait time.Duration, optFns ...func(*WaiterOptions)) (*awsbackup.DescribeCopyJobOutput, error) {
	return waitJob(ctx, w.opts, optFns, "COPY", jobID, maxWait,
		func(ctx context.Context) (*awsbackup.DescribeCopyJobOutput, error) {
			out, err := w.api.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: &jobID})
			if err == nil && out.CopyJob == nil {
				out.CopyJob = &types.CopyJob{}
			}
			return out, err
		},
		func(out *awsbackup.DescribeCopyJobOutput) observation {
			j := out.CopyJob
			return observation{
				state:   string(j.State),
				message: deref(j.StatusMessage),
				done:    j.State == types.CopyJobStateCompleted,
				failed:  CopyJobStateFailed(j.State),
			}
		})
}

// CopyJobStateFailed reports whether s is a terminal state other than
// COMPLETED (FAILED, PARTIAL, or ABORTED as listed in CopyJobStatus).
func CopyJobStateFailed(s types.CopyJobState) bool {
	switch s {
	case types.CopyJobStateFailed, types.CopyJobStatePartial, types.CopyJobState(types.CopyJobStatusAborted):
		return true
	}
	return false
}

// RestoreJobWaiter waits for a restore job to reach a terminal state.
type RestoreJobWaiter struct {
	api  DescribeRestoreJobAPI
	opts WaiterOptions
}

// NewRestoreJobWaiter returns a waiter for restore jobs.
func NewRestoreJobWaiter(api DescribeRestoreJobAPI, optFns ...func(*WaiterOptions)) *RestoreJobWaiter {
	w := &RestoreJobWaiter{api: api}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// Wait polls DescribeRestoreJob until the job is COMPLETED or reaches
// FAILED or ABORTED (a *JobFailedError); see JobWaiter.Wait.
func (w *RestoreJobWaiter) Wait(ctx context.Context, jobID string, maxWait time.Duration, optFns ...func(*WaiterOptions)) (*awsbackup.DescribeRestoreJobOutput, error) {
	return waitJob(ctx, w.opts, optFns, "RESTORE", jobID, maxWait,
		func(ctx context.Context) (*awsbackup.DescribeRestoreJobOutput, error) {
			return w.api.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: &jobID})
		},
		func(out *awsbackup.DescribeRestoreJobOutput) observation {
			return observation{
				state:   string(out.Status),
				message: deref(out.StatusMessage),
				percent: deref(out.PercentDone),
				done:    out.Status == types.RestoreJobStatusCompleted,
				failed:  out.Status == types.RestoreJobStatusFailed || out.Status == types.RestoreJobStatusAborted,
			}
		})
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
