package automation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	smithywaiter "github.com/aws/smithy-go/waiter"

	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/restore"
)

// SFNAPI is the part of the Step Functions client this package uses.
type SFNAPI interface {
	StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	DescribeExecution(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
}

var _ SFNAPI = (*sfn.Client)(nil)

// StartDrill starts an execution of the drill workflow named drillID (the
// drill's id; 1–80 characters). Starting again with the same name and
// input while it runs returns the same execution (Step Functions'
// idempotency for Standard workflows), so a retried call never starts a
// second drill. It returns the execution ARN.
func StartDrill(ctx context.Context, api SFNAPI, stateMachineARN, drillID string, in *function.DrillInput) (string, error) {
	var errs []error
	if stateMachineARN == "" {
		errs = append(errs, &backup.ValidationError{Field: "stateMachineARN", Reason: "is required"})
	}
	if n := len(drillID); n == 0 || n > 80 {
		errs = append(errs, &backup.ValidationError{Field: "drillID", Reason: fmt.Sprintf("is %d characters; execution names have 1–80", n)})
	}
	if in == nil {
		errs = append(errs, &backup.ValidationError{Field: "input", Reason: "is required"})
	} else if err := in.Check(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	b, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	out, err := api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(stateMachineARN), Name: aws.String(drillID), Input: aws.String(string(b))})
	if err != nil {
		return "", fmt.Errorf("start drill %s: %w", drillID, err)
	}
	return aws.ToString(out.ExecutionArn), nil
}

// ExecutionFailedError reports an execution that ended FAILED, TIMED_OUT
// or ABORTED.
type ExecutionFailedError struct {
	ExecutionARN string
	Status       string
	Error_       string
	Cause        string
}

func (e *ExecutionFailedError) Error() string {
	msg := fmt.Sprintf("execution %s ended %s", e.ExecutionARN, e.Status)
	if e.Error_ != "" {
		msg += ": " + e.Error_
	}
	if e.Cause != "" {
		msg += ": " + e.Cause
	}
	return msg
}

// Unwrap lets errors.Is(err, backup.ErrJobFailed) match.
func (e *ExecutionFailedError) Unwrap() error { return backup.ErrJobFailed }

// ExecutionWaiter waits for a Step Functions execution to end, with the
// conventions of the backup package's job waiters (backup.WaiterOptions:
// MinDelay, MaxDelay, jittered exponential backoff via smithy-go's
// ComputeDelay, a Sleep seam, throttling retried, ErrWaitTimeout).
type ExecutionWaiter struct {
	api  SFNAPI
	opts backup.WaiterOptions
}

// NewExecutionWaiter returns a waiter. Defaults: 5s–120s.
func NewExecutionWaiter(api SFNAPI, optFns ...func(*backup.WaiterOptions)) *ExecutionWaiter {
	w := &ExecutionWaiter{api: api}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

// Wait polls DescribeExecution until the execution SUCCEEDED (returning its
// description) or ended otherwise (the description and an
// *ExecutionFailedError). maxWait must be positive; when it elapses the
// error wraps backup.ErrWaitTimeout.
func (w *ExecutionWaiter) Wait(ctx context.Context, executionARN string, maxWait time.Duration) (*sfn.DescribeExecutionOutput, error) {
	if maxWait <= 0 {
		return nil, fmt.Errorf("wait for execution %s: maximum wait time must be greater than zero", executionARN)
	}
	if executionARN == "" {
		return nil, &backup.ValidationError{Field: "executionARN", Reason: "is required"}
	}
	o := w.opts
	if o.MinDelay <= 0 {
		o.MinDelay = backup.DefaultMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = backup.DefaultMaxDelay
	}
	if o.MinDelay > o.MaxDelay {
		return nil, fmt.Errorf("minimum waiter delay %v must be less than or equal to maximum waiter delay %v", o.MinDelay, o.MaxDelay)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	sleep := o.Sleep
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	var elapsed time.Duration
	last := ""
	for attempt := int64(1); ; attempt++ {
		start := time.Now()
		out, err := w.api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(executionARN)})
		elapsed += time.Since(start)
		switch {
		case err == nil:
			last = string(out.Status)
			if o.LogWaitAttempts {
				o.Logger.DebugContext(ctx, "waiter attempt", "execution", executionARN, "attempt", attempt, "status", last)
			}
			switch out.Status {
			case types.ExecutionStatusSucceeded:
				return out, nil
			case types.ExecutionStatusFailed, types.ExecutionStatusTimedOut, types.ExecutionStatusAborted:
				return out, &ExecutionFailedError{ExecutionARN: executionARN, Status: last, Error_: aws.ToString(out.Error), Cause: aws.ToString(out.Cause)}
			}
		case ctx.Err() != nil:
			return nil, fmt.Errorf("wait for execution %s: %w", executionARN, ctx.Err())
		case backup.IsRetryable(err):
			o.Logger.DebugContext(ctx, "transient error while waiting", "execution", executionARN, "error", err)
		default:
			return nil, fmt.Errorf("wait for execution %s: %w", executionARN, err)
		}
		remaining := maxWait - elapsed
		if remaining < o.MinDelay {
			return nil, fmt.Errorf("wait for execution %s (last status %q): %w", executionARN, last, backup.ErrWaitTimeout)
		}
		delay, err := smithywaiter.ComputeDelay(attempt, o.MinDelay, o.MaxDelay, remaining)
		if err != nil {
			return nil, err
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("wait for execution %s: %w", executionARN, err)
		}
		elapsed += delay
	}
}

// FetchReport reads a drill's restore.Report (report.json) from the report
// bucket, where the drill workflow's "Write reports" step put it. prefix
// is the function's report prefix; "" means function.DefaultReportPrefix.
func FetchReport(ctx context.Context, store function.Store, bucket, prefix, drillID string) (*restore.Report, error) {
	if prefix == "" {
		prefix = function.DefaultReportPrefix
	}
	key := prefix + drillID + "/report.json"
	out, err := store.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	var rep restore.Report
	if err := json.NewDecoder(out.Body).Decode(&rep); err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	return &rep, nil
}
