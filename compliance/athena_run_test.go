package compliance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
)

// fakeAthena runs each query through the states given in states (the last
// repeats), answers DML with a header row and rows in pages of two, and
// logs calls.
type fakeAthena struct {
	mu       sync.Mutex
	states   []athenatypes.QueryExecutionState
	stmt     athenatypes.StatementType
	rows     [][]string
	cols     []string
	reason   string
	started  []*athena.StartQueryExecutionInput
	polls    int
	stopped  []string
	throttle int // GetQueryExecution answers this many ThrottlingExceptions first
}

func (f *fakeAthena) StartQueryExecution(_ context.Context, in *athena.StartQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started = append(f.started, in)
	return &athena.StartQueryExecutionOutput{QueryExecutionId: aws.String(fmt.Sprintf("q-%d", len(f.started)))}, nil
}

func (f *fakeAthena) GetQueryExecution(_ context.Context, in *athena.GetQueryExecutionInput, _ ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.throttle > 0 {
		f.throttle--
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow down"}
	}
	s := f.states[min(f.polls, len(f.states)-1)]
	f.polls++
	return &athena.GetQueryExecutionOutput{QueryExecution: &athenatypes.QueryExecution{
		QueryExecutionId: in.QueryExecutionId, StatementType: f.stmt,
		Status:     &athenatypes.QueryExecutionStatus{State: s, StateChangeReason: aws.String(f.reason)},
		Statistics: &athenatypes.QueryExecutionStatistics{DataScannedInBytes: aws.Int64(4096), EngineExecutionTimeInMillis: aws.Int64(1500)},
	}}, nil
}

func (f *fakeAthena) GetQueryResults(_ context.Context, in *athena.GetQueryResultsInput, _ ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error) {
	all := [][]string{}
	if f.stmt == athenatypes.StatementTypeDml {
		all = append(all, f.cols)
	}
	all = append(all, f.rows...)
	start := 0
	if in.NextToken != nil {
		fmt.Sscan(*in.NextToken, &start)
	}
	end := min(start+2, len(all))
	rs := &athenatypes.ResultSet{ResultSetMetadata: &athenatypes.ResultSetMetadata{}}
	for _, c := range f.cols {
		rs.ResultSetMetadata.ColumnInfo = append(rs.ResultSetMetadata.ColumnInfo, athenatypes.ColumnInfo{Name: aws.String(c)})
	}
	for _, r := range all[start:end] {
		var row athenatypes.Row
		for _, v := range r {
			d := athenatypes.Datum{}
			if v != "NULL" {
				d.VarCharValue = aws.String(v)
			}
			row.Data = append(row.Data, d)
		}
		rs.Rows = append(rs.Rows, row)
	}
	out := &athena.GetQueryResultsOutput{ResultSet: rs}
	if end < len(all) {
		out.NextToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (f *fakeAthena) StopQueryExecution(_ context.Context, in *athena.StopQueryExecutionInput, _ ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, aws.ToString(in.QueryExecutionId))
	return &athena.StopQueryExecutionOutput{}, nil
}

// noSleep advances a virtual clock instead of sleeping.
func noSleep(slept *time.Duration) func(*backup.WaiterOptions) {
	return func(o *backup.WaiterOptions) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { *slept += d; return ctx.Err() }
	}
}

func TestAthenaRunnerSelect(t *testing.T) {
	t.Parallel()
	f := &fakeAthena{
		states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateQueued, athenatypes.QueryExecutionStateRunning,
			athenatypes.QueryExecutionStateQueued, athenatypes.QueryExecutionStateRunning, athenatypes.QueryExecutionStateSucceeded},
		stmt: athenatypes.StatementTypeDml, cols: []string{"account_id", "resource_type", "failed_jobs"},
		rows:     [][]string{{"111122223333", "EBS", "4"}, {"111122223333", "RDS", "2"}, {"444455556666", "NULL", "1"}},
		throttle: 1,
	}
	var slept time.Duration
	r := NewAthenaRunner(f, func(o *AthenaOptions) {
		o.WorkGroup, o.OutputLocation, o.Database = "backups", "s3://results/athena/", "backup_reports"
		o.Waiter = noSleep(&slept)
	})
	res, err := r.Run(t.Context(), "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Columns, ",") != "account_id,resource_type,failed_jobs" || len(res.Rows) != 3 || res.Rows[2][1] != "" || res.Rows[0][2] != "4" {
		t.Errorf("result %+v; want 3 rows without the header, NULL as empty", res)
	}
	if f.polls != 5 || slept <= 0 {
		t.Errorf("polls %d, slept %v; want 5 polls (QUEUED, RUNNING, QUEUED again, RUNNING, SUCCEEDED) after a throttle, with backoff", f.polls, slept)
	}
	in := f.started[0]
	if aws.ToString(in.WorkGroup) != "backups" || aws.ToString(in.ResultConfiguration.OutputLocation) != "s3://results/athena/" ||
		aws.ToString(in.QueryExecutionContext.Database) != "backup_reports" || len(aws.ToString(in.ClientRequestToken)) < 32 {
		t.Errorf("start input %+v", in)
	}
	if res.DataScannedBytes != 4096 || res.EngineTime != 1500*time.Millisecond {
		t.Errorf("statistics %d, %v", res.DataScannedBytes, res.EngineTime)
	}
}

func TestAthenaRunnerDDLHasNoHeader(t *testing.T) {
	t.Parallel()
	f := &fakeAthena{states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateSucceeded}, stmt: athenatypes.StatementTypeDdl}
	res, err := NewAthenaRunner(f).Run(t.Context(), "CREATE EXTERNAL TABLE x (a string)")
	if err != nil || len(res.Rows) != 0 || res.StatementType != "DDL" {
		t.Errorf("DDL: %+v, %v", res, err)
	}
}

func TestAthenaRunnerFailures(t *testing.T) {
	t.Parallel()
	var slept time.Duration
	failed := &fakeAthena{states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateRunning, athenatypes.QueryExecutionStateFailed},
		reason: "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved"}
	_, err := NewAthenaRunner(failed, func(o *AthenaOptions) { o.Waiter = noSleep(&slept) }).Run(t.Context(), "SELECT x")
	var qf *QueryFailedError
	if !errors.As(err, &qf) || qf.State != "FAILED" || !strings.Contains(qf.Reason, "cannot be resolved") || len(failed.stopped) != 0 {
		t.Errorf("failed query: %v (stopped %v); want a QueryFailedError with Athena's reason and no stop", err, failed.stopped)
	}

	// A query still running at maxWait is stopped.
	slow := &fakeAthena{states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateRunning}}
	_, err = NewAthenaRunner(slow, func(o *AthenaOptions) { o.Waiter = noSleep(&slept); o.MaxWait = time.Minute }).Run(t.Context(), "SELECT 1")
	if !errors.Is(err, backup.ErrWaitTimeout) || len(slow.stopped) != 1 || slow.stopped[0] != "q-1" {
		t.Errorf("slow query: %v, stopped %v; want ErrWaitTimeout and the query stopped", err, slow.stopped)
	}

	// A cancelled caller stops the query too.
	ctx, cancel := context.WithCancel(t.Context())
	cancelling := &fakeAthena{states: []athenatypes.QueryExecutionState{athenatypes.QueryExecutionStateRunning}}
	_, err = NewAthenaRunner(cancelling, func(o *AthenaOptions) {
		o.Waiter = func(w *backup.WaiterOptions) {
			w.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }
		}
	}).Run(ctx, "SELECT 1")
	if !errors.Is(err, context.Canceled) || len(cancelling.stopped) != 1 {
		t.Errorf("cancelled: %v, stopped %v; want context.Canceled and the query stopped", err, cancelling.stopped)
	}

	if _, err := NewQueryWaiter(slow).Wait(t.Context(), "q", 0); err == nil {
		t.Error("maxWait 0 accepted")
	}
	if _, err := NewAthenaRunner(slow).Run(t.Context(), "  "); err == nil {
		t.Error("empty query accepted")
	}
}
