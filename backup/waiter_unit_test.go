package backup

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"
)

// scriptedBackupJobs is a tiny DescribeBackupJob fake for waiter edge cases
// that are awkward to provoke through the emulator (exact delay bounds).
type scriptedBackupJobs struct {
	mu    sync.Mutex
	steps []func() (*awsbackup.DescribeBackupJobOutput, error)
	calls int
}

func (f *scriptedBackupJobs) DescribeBackupJob(ctx context.Context, in *awsbackup.DescribeBackupJobInput, _ ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.calls
	f.calls++
	if i >= len(f.steps) {
		i = len(f.steps) - 1
	}
	return f.steps[i]()
}

func state(s types.BackupJobState) func() (*awsbackup.DescribeBackupJobOutput, error) {
	return func() (*awsbackup.DescribeBackupJobOutput, error) {
		return &awsbackup.DescribeBackupJobOutput{State: s, StatusMessage: ptr("msg " + string(s))}, nil
	}
}

func fail(err error) func() (*awsbackup.DescribeBackupJobOutput, error) {
	return func() (*awsbackup.DescribeBackupJobOutput, error) { return nil, err }
}

func ptr[T any](v T) *T { return &v }

type recordingSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (r *recordingSleep) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.delays = append(r.delays, d)
	r.mu.Unlock()
	return ctx.Err()
}

func TestWaiterDelaysAreJitteredWithinBounds(t *testing.T) {
	t.Parallel()
	steps := make([]func() (*awsbackup.DescribeBackupJobOutput, error), 40)
	for i := range steps {
		steps[i] = state(types.BackupJobStateRunning)
	}
	steps[len(steps)-1] = state(types.BackupJobStateCompleted)
	f := &scriptedBackupJobs{steps: steps}
	rs := &recordingSleep{}
	w := NewJobWaiter(f, func(o *WaiterOptions) {
		o.MinDelay, o.MaxDelay, o.Sleep = 2*time.Second, 30*time.Second, rs.sleep
	})
	out, err := w.Wait(t.Context(), "job-1", 24*time.Hour)
	if err != nil {
		t.Fatalf("Wait error: %v", err)
	}
	if out.State != types.BackupJobStateCompleted {
		t.Errorf("state = %s; want COMPLETED", out.State)
	}
	if got, want := len(rs.delays), 39; got != want {
		t.Fatalf("sleeps = %d; want %d", got, want)
	}
	distinct := map[time.Duration]bool{}
	for i, d := range rs.delays {
		if d < 2*time.Second || d > 30*time.Second {
			t.Errorf("delay[%d] = %v; want within [2s, 30s]", i, d)
		}
		distinct[d] = true
	}
	if rs.delays[0] != 2*time.Second {
		t.Errorf("first delay = %v; want MinDelay 2s", rs.delays[0])
	}
	if len(distinct) < 5 {
		t.Errorf("distinct delays = %d; want jitter (≥ 5 distinct values)", len(distinct))
	}
}

func TestWaiterRejectsBadArguments(t *testing.T) {
	t.Parallel()
	f := &scriptedBackupJobs{steps: []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateCompleted)}}
	w := NewJobWaiter(f)
	for _, mw := range []time.Duration{0, -time.Second} {
		if _, err := w.Wait(t.Context(), "j", mw); err == nil {
			t.Errorf("Wait(maxWait=%v) error = nil; want error", mw)
		}
	}
	if _, err := w.Wait(t.Context(), "j", time.Minute, func(o *WaiterOptions) { o.MinDelay, o.MaxDelay = time.Minute, time.Second }); err == nil {
		t.Error("Wait(MinDelay > MaxDelay) error = nil; want error")
	}
	if _, err := w.Wait(t.Context(), "", time.Minute); err == nil {
		t.Error(`Wait(jobID "") error = nil; want error`)
	}
	if f.calls != 0 {
		t.Errorf("describe calls = %d; want 0 for rejected arguments", f.calls)
	}
}

func TestWaiterTimeout(t *testing.T) {
	t.Parallel()
	f := &scriptedBackupJobs{steps: []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateRunning)}}
	rs := &recordingSleep{}
	w := NewJobWaiter(f, func(o *WaiterOptions) { o.MinDelay, o.MaxDelay, o.Sleep = 10*time.Second, 20*time.Second, rs.sleep })
	_, err := w.Wait(t.Context(), "job-t", time.Minute)
	if !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("Wait error = %v; want ErrWaitTimeout", err)
	}
	var total time.Duration
	for _, d := range rs.delays {
		total += d
	}
	// The whole maxWait and no more: a wait of 1m does not give up with
	// less than MinDelay left.
	if total < time.Minute-time.Second || total > time.Minute {
		t.Errorf("total slept = %v; want maxWait 1m", total)
	}
}

func TestWaiterContextCanceledDuringSleep(t *testing.T) {
	t.Parallel()
	f := &scriptedBackupJobs{steps: []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateRunning)}}
	ctx, cancel := context.WithCancel(t.Context())
	w := NewJobWaiter(f, func(o *WaiterOptions) { o.MinDelay = time.Hour; o.MaxDelay = 2 * time.Hour })
	done := make(chan error, 1)
	go func() {
		_, err := w.Wait(ctx, "job-c", 24*time.Hour)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Wait error = %v; want context.Canceled", err)
		}
		if errors.Is(err, ErrWaitTimeout) {
			t.Errorf("Wait error = %v; must not be ErrWaitTimeout on cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after cancel; the real sleep must select on ctx.Done()")
	}
}

func TestWaiterErrorClassification(t *testing.T) {
	t.Parallel()
	nf := &types.ResourceNotFoundException{Message: ptr("no job")}
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException"}
	tests := []struct {
		name      string
		steps     []func() (*awsbackup.DescribeBackupJobOutput, error)
		wantState string
		wantErr   func(error) bool
	}{
		{"not found then completed", []func() (*awsbackup.DescribeBackupJobOutput, error){fail(nf), fail(nf), state(types.BackupJobStateCompleted)}, "COMPLETED", nil},
		{"not found forever", []func() (*awsbackup.DescribeBackupJobOutput, error){fail(nf)}, "", IsNotFound},
		{"throttled then completed", []func() (*awsbackup.DescribeBackupJobOutput, error){fail(throttle), fail(throttle), fail(throttle), fail(throttle), fail(throttle), state(types.BackupJobStateCompleted)}, "COMPLETED", nil},
		{"server error then completed", []func() (*awsbackup.DescribeBackupJobOutput, error){fail(&types.ServiceUnavailableException{}), state(types.BackupJobStateCompleted)}, "COMPLETED", nil},
		{"invalid parameter is final", []func() (*awsbackup.DescribeBackupJobOutput, error){fail(&types.InvalidParameterValueException{})}, "", IsInvalidParameter},
		{"expired", []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateCreated), state(types.BackupJobStateExpired)}, "EXPIRED", isJobFailed("EXPIRED")},
		{"partial", []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStatePartial)}, "PARTIAL", isJobFailed("PARTIAL")},
		{"aborted", []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateAborting), state(types.BackupJobStateAborted)}, "ABORTED", isJobFailed("ABORTED")},
		{"failed", []func() (*awsbackup.DescribeBackupJobOutput, error){state(types.BackupJobStateFailed)}, "FAILED", isJobFailed("FAILED")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &scriptedBackupJobs{steps: tt.steps}
			w := NewJobWaiter(f, func(o *WaiterOptions) { o.MinDelay, o.Sleep = time.Second, (&recordingSleep{}).sleep })
			out, err := w.Wait(t.Context(), "job-x", time.Hour)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("Wait error = %v; want nil", err)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("Wait error = %v; want matching error", err)
			}
			got := ""
			if out != nil {
				got = string(out.State)
			}
			if got != tt.wantState {
				t.Errorf("state = %q; want %q", got, tt.wantState)
			}
		})
	}
}

func isJobFailed(state string) func(error) bool {
	return func(err error) bool {
		var jf *JobFailedError
		return errors.As(err, &jf) && jf.State == state && jf.JobType == "BACKUP" && jf.JobID == "job-x" && jf.StatusMessage == "msg "+state
	}
}

func TestTerminalStateTables(t *testing.T) {
	t.Parallel()
	for s, want := range map[types.BackupJobState]bool{"CREATED": false, "PENDING": false, "RUNNING": false, "ABORTING": false,
		"COMPLETED": false, "FAILED": true, "ABORTED": true, "EXPIRED": true, "PARTIAL": true} {
		if got := JobStateFailed(s); got != want {
			t.Errorf("JobStateFailed(%s) = %v; want %v", s, got, want)
		}
	}
	for s, want := range map[types.CopyJobState]bool{"CREATED": false, "RUNNING": false, "COMPLETED": false, "FAILED": true, "PARTIAL": true, "ABORTED": true} {
		if got := CopyJobStateFailed(s); got != want {
			t.Errorf("CopyJobStateFailed(%s) = %v; want %v", s, got, want)
		}
	}
}
