package compliance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	smithywaiter "github.com/aws/smithy-go/waiter"

	"github.com/backupkit/backupkit/backup"
)

// Running the DDL and the queries.
//
// AthenaRunner starts a query (StartQueryExecution with a fresh
// ClientRequestToken, so the SDK's retries never start it twice), waits
// for it with QueryWaiter (GetQueryExecution until SUCCEEDED, FAILED or
// CANCELLED; QUEUED and RUNNING keep waiting, and RUNNING may fall back to
// QUEUED), and reads every page of GetQueryResults. For a SELECT the
// first row of the first page holds the column names and is dropped; DDL
// and utility statements have none. When ctx ends while a query runs,
// the runner stops it (StopQueryExecution on a detached context) so that
// nothing keeps scanning, and billing, after the caller gave up.

// AthenaAPI is the part of the Athena client the runner uses.
type AthenaAPI interface {
	StartQueryExecution(context.Context, *athena.StartQueryExecutionInput, ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(context.Context, *athena.GetQueryExecutionInput, ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(context.Context, *athena.GetQueryResultsInput, ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
	StopQueryExecution(context.Context, *athena.StopQueryExecutionInput, ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error)
}

var _ AthenaAPI = (*athena.Client)(nil)

// Athena waiter defaults: queries over report files take seconds, so the
// first polls come sooner than the job waiters'.
const (
	DefaultQueryMinDelay = time.Second
	DefaultQueryMaxDelay = 20 * time.Second
)

// QueryFailedError reports a query that ended FAILED or CANCELLED.
type QueryFailedError struct {
	QueryID string
	State   string
	// Reason is Athena's StateChangeReason (and error message, if any).
	Reason string
}

func (e *QueryFailedError) Error() string {
	return fmt.Sprintf("athena query %s %s: %s", e.QueryID, e.State, e.Reason)
}

// QueryWaiter waits for an Athena query to finish. It follows the job
// waiters of the backup package: backup.WaiterOptions (MinDelay default
// 1s and MaxDelay 20s here), jittered backoff by
// smithy-go/waiter.ComputeDelay, throttling and 5xx retried, a Sleep seam,
// and errors wrapping backup.ErrWaitTimeout when maxWait elapses.
type QueryWaiter struct {
	api  AthenaAPI
	opts backup.WaiterOptions
}

// NewQueryWaiter returns a waiter for Athena queries.
func NewQueryWaiter(api AthenaAPI, optFns ...func(*backup.WaiterOptions)) *QueryWaiter {
	w := &QueryWaiter{api: api}
	for _, fn := range optFns {
		fn(&w.opts)
	}
	return w
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Wait polls GetQueryExecution until the query SUCCEEDED (returning the
// execution) or ended FAILED or CANCELLED (returning it with a
// *QueryFailedError). maxWait must be greater than zero.
func (w *QueryWaiter) Wait(ctx context.Context, queryID string, maxWait time.Duration, optFns ...func(*backup.WaiterOptions)) (*athenatypes.QueryExecution, error) {
	if maxWait <= 0 {
		return nil, fmt.Errorf("wait for athena query %s: maximum wait time must be greater than zero", queryID)
	}
	if queryID == "" {
		return nil, &ValidationError{Field: "QueryExecutionId", Reason: "must not be empty"}
	}
	o := w.opts
	for _, fn := range optFns {
		fn(&o)
	}
	if o.MinDelay <= 0 {
		o.MinDelay = DefaultQueryMinDelay
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = DefaultQueryMaxDelay
	}
	if o.MinDelay > o.MaxDelay {
		return nil, fmt.Errorf("minimum waiter delay %v must be less than or equal to maximum waiter delay %v", o.MinDelay, o.MaxDelay)
	}
	if o.Sleep == nil {
		o.Sleep = sleepTimer
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		elapsed time.Duration
		attempt int64
		last    string
	)
	for {
		attempt++
		start := time.Now()
		out, err := w.api.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(queryID)})
		elapsed += time.Since(start)
		switch {
		case err == nil && out.QueryExecution != nil && out.QueryExecution.Status != nil:
			qe := out.QueryExecution
			last = string(qe.Status.State)
			if o.LogWaitAttempts {
				o.Logger.DebugContext(ctx, "waiter attempt", "query", queryID, "attempt", attempt, "state", last)
			}
			if o.OnAttempt != nil {
				o.OnAttempt(backup.Progress{JobType: "ATHENA_QUERY", JobID: queryID, Attempt: attempt, State: last, Elapsed: elapsed})
			}
			switch qe.Status.State {
			case athenatypes.QueryExecutionStateSucceeded:
				return qe, nil
			case athenatypes.QueryExecutionStateFailed, athenatypes.QueryExecutionStateCancelled:
				reason := aws.ToString(qe.Status.StateChangeReason)
				if e := qe.Status.AthenaError; e != nil && aws.ToString(e.ErrorMessage) != "" && !strings.Contains(reason, aws.ToString(e.ErrorMessage)) {
					reason = strings.TrimPrefix(reason+"; "+aws.ToString(e.ErrorMessage), "; ")
				}
				return qe, &QueryFailedError{QueryID: queryID, State: last, Reason: reason}
			}
		case err == nil:
			return nil, fmt.Errorf("wait for athena query %s: answer without a status", queryID)
		case ctx.Err() != nil:
			return nil, fmt.Errorf("wait for athena query %s: %w", queryID, ctx.Err())
		case backup.IsRetryable(err):
			o.Logger.DebugContext(ctx, "transient error while waiting", "query", queryID, "attempt", attempt, "error", err)
		default:
			return nil, fmt.Errorf("wait for athena query %s: %w", queryID, err)
		}
		remaining := maxWait - elapsed
		if remaining < o.MinDelay || remaining <= 0 {
			return nil, fmt.Errorf("wait for athena query %s (last state %q): %w", queryID, last, backup.ErrWaitTimeout)
		}
		delay, err := smithywaiter.ComputeDelay(attempt, o.MinDelay, o.MaxDelay, remaining)
		if err != nil {
			return nil, fmt.Errorf("wait for athena query %s: %w", queryID, err)
		}
		if err := o.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("wait for athena query %s: %w", queryID, err)
		}
		elapsed += delay
	}
}

// AthenaOptions configures an AthenaRunner.
type AthenaOptions struct {
	// WorkGroup runs the queries ("" is the account's primary work
	// group). A work group that enforces its own settings overrides
	// OutputLocation.
	WorkGroup string
	// OutputLocation is where Athena writes results ("s3://bucket/prefix/").
	// Required unless the work group has one.
	OutputLocation string
	// Database and Catalog are the query context ("" for none and the
	// default AwsDataCatalog).
	Database, Catalog string
	// Waiter tunes the QueryWaiter.
	Waiter func(*backup.WaiterOptions)
	// MaxWait bounds each query. Default 10 minutes.
	MaxWait time.Duration
	// PageSize is GetQueryResults' MaxResults (1–1000). Default 1000.
	PageSize int32
	// StopTimeout bounds the StopQueryExecution sent after ctx ended.
	// Default 30 seconds.
	StopTimeout time.Duration
}

// AthenaRunner runs SQL on Athena and returns the results.
type AthenaRunner struct {
	api  AthenaAPI
	opts AthenaOptions
}

// NewAthenaRunner returns a runner over api.
func NewAthenaRunner(api AthenaAPI, optFns ...func(*AthenaOptions)) *AthenaRunner {
	r := &AthenaRunner{api: api}
	for _, fn := range optFns {
		fn(&r.opts)
	}
	if r.opts.MaxWait <= 0 {
		r.opts.MaxWait = 10 * time.Minute
	}
	if r.opts.PageSize <= 0 || r.opts.PageSize > 1000 {
		r.opts.PageSize = 1000
	}
	if r.opts.StopTimeout <= 0 {
		r.opts.StopTimeout = 30 * time.Second
	}
	return r
}

// QueryResult is a finished query's output.
type QueryResult struct {
	QueryID string
	// StatementType is DDL, DML or UTILITY.
	StatementType string
	// Columns are the result's column names; Rows its values (NULL as "").
	Columns []string
	Rows    [][]string
	// DataScannedBytes and EngineTime come from the query's statistics.
	DataScannedBytes int64
	EngineTime       time.Duration
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "backupkit-" + hex.EncodeToString(b[:])
}

// Run starts query, waits for it and reads every result page.
func (r *AthenaRunner) Run(ctx context.Context, query string) (*QueryResult, error) {
	if strings.TrimSpace(query) == "" {
		return nil, &ValidationError{Field: "query", Reason: "is empty"}
	}
	in := &athena.StartQueryExecutionInput{QueryString: aws.String(query), ClientRequestToken: aws.String(newToken())}
	if r.opts.WorkGroup != "" {
		in.WorkGroup = aws.String(r.opts.WorkGroup)
	}
	if r.opts.OutputLocation != "" {
		in.ResultConfiguration = &athenatypes.ResultConfiguration{OutputLocation: aws.String(r.opts.OutputLocation)}
	}
	if r.opts.Database != "" || r.opts.Catalog != "" {
		in.QueryExecutionContext = &athenatypes.QueryExecutionContext{}
		if r.opts.Database != "" {
			in.QueryExecutionContext.Database = aws.String(r.opts.Database)
		}
		if r.opts.Catalog != "" {
			in.QueryExecutionContext.Catalog = aws.String(r.opts.Catalog)
		}
	}
	out, err := r.api.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("start athena query: %w", err)
	}
	id := aws.ToString(out.QueryExecutionId)
	var wopts []func(*backup.WaiterOptions)
	if r.opts.Waiter != nil {
		wopts = append(wopts, r.opts.Waiter)
	}
	qe, err := NewQueryWaiter(r.api, wopts...).Wait(ctx, id, r.opts.MaxWait)
	if err != nil {
		var failed *QueryFailedError
		if !errors.As(err, &failed) {
			// Cancelled or timed out: do not leave the query running.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.StopTimeout)
			_, serr := r.api.StopQueryExecution(sctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)})
			cancel()
			if serr != nil {
				err = fmt.Errorf("%w (and stopping it failed: %v)", err, serr)
			}
		}
		return nil, err
	}
	res := &QueryResult{QueryID: id, StatementType: string(qe.StatementType)}
	if s := qe.Statistics; s != nil {
		res.DataScannedBytes = aws.ToInt64(s.DataScannedInBytes)
		res.EngineTime = time.Duration(aws.ToInt64(s.EngineExecutionTimeInMillis)) * time.Millisecond
	}
	gin := &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(r.opts.PageSize)}
	first := true
	for {
		page, err := r.api.GetQueryResults(ctx, gin)
		if err != nil {
			return nil, fmt.Errorf("get results of athena query %s: %w", id, err)
		}
		if rs := page.ResultSet; rs != nil {
			if first && rs.ResultSetMetadata != nil {
				for _, c := range rs.ResultSetMetadata.ColumnInfo {
					res.Columns = append(res.Columns, aws.ToString(c.Name))
				}
			}
			rows := rs.Rows
			if first && qe.StatementType == athenatypes.StatementTypeDml && len(rows) > 0 && isHeader(rows[0], res.Columns) {
				rows = rows[1:]
			}
			for _, row := range rows {
				vals := make([]string, len(row.Data))
				for i, d := range row.Data {
					vals[i] = aws.ToString(d.VarCharValue)
				}
				res.Rows = append(res.Rows, vals)
			}
		}
		first = false
		if aws.ToString(page.NextToken) == "" {
			return res, nil
		}
		gin.NextToken = page.NextToken
	}
}

// isHeader reports whether row repeats the column names (a SELECT's first
// row on the first page).
func isHeader(row athenatypes.Row, cols []string) bool {
	if len(row.Data) != len(cols) {
		return false
	}
	for i, d := range row.Data {
		if aws.ToString(d.VarCharValue) != cols[i] {
			return false
		}
	}
	return true
}
