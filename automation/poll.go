package automation

import (
	"fmt"
	"time"

	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
)

// Poll sets the delays of the workflows' job poll loops, like the backup
// package's waiters: the job is described right after it starts, then
// after MinDelay, then after twice as long each time until MaxDelay, which
// then repeats. Poll cycles therefore grow logarithmically with the job's
// duration up to MaxDelay and linearly after it. Each cycle is one state
// transition: the first describe enters the poll state, every other one
// is a retry of it.
//
// The poll's retrier has no jitter: full jitter would halve the expected
// delay and so double the cycles at MaxDelay, and the Distributed Map
// already spreads its child executions' starts.
type Poll struct {
	// MinDelay is the first delay. Default backup.DefaultMinDelay (5s);
	// whole seconds, at least 1s.
	MinDelay time.Duration
	// MaxDelay is the longest delay. Default backup.DefaultMaxDelay (120s).
	MaxDelay time.Duration
}

func (p Poll) withDefaults() Poll {
	if p.MinDelay == 0 {
		p.MinDelay = backup.DefaultMinDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = backup.DefaultMaxDelay
	}
	return p
}

func (p Poll) check(field string) []error {
	var errs []error
	if p.MinDelay < time.Second || p.MinDelay%time.Second != 0 {
		errs = append(errs, &backup.ValidationError{Field: field + ".MinDelay", Reason: fmt.Sprintf("is %v; want whole seconds, at least 1s (Wait states and retriers count in seconds)", p.MinDelay)})
	}
	if p.MaxDelay < p.MinDelay || p.MaxDelay%time.Second != 0 || p.MaxDelay > asl.MaxWaitSeconds*time.Second {
		errs = append(errs, &backup.ValidationError{Field: field + ".MaxDelay", Reason: fmt.Sprintf("is %v; want whole seconds from MinDelay (%v) to one year", p.MaxDelay, p.MinDelay)})
	}
	return errs
}

// Delays returns the poll loop's distinct delays: MinDelay, doubling,
// capped at MaxDelay (the last one repeats).
func (p Poll) Delays() []time.Duration {
	p = p.withDefaults()
	var out []time.Duration
	for d := p.MinDelay; d > 0 && d < p.MaxDelay; d *= 2 { // d > 0: a negative MinDelay (which Check refuses) ends the doubling
		out = append(out, d)
	}
	return append(out, p.MaxDelay)
}

// Cycles returns how many describe calls (poll cycles, one state
// transition each) a job that takes d needs before one sees it ended: one
// right after the start, then one after each delay until the delays add
// up to d.
func (p Poll) Cycles(d time.Duration) int {
	delays := p.Delays()
	if delays[len(delays)-1] <= 0 {
		return 1 // a MaxDelay Check refuses: no delay to wait
	}
	var waited time.Duration
	n := 1
	for waited < d {
		waited += delays[min(n-1, len(delays)-1)]
		n++
	}
	return n
}

// retrier is the poll's Retry on function.ErrorJobRunning: the same
// delays as Delays, and as many attempts as Step Functions allows (the "job" step
// itself ends the loop at the item's deadline).
func (p Poll) retrier() asl.Retrier {
	p = p.withDefaults()
	return asl.Retrier{
		ErrorEquals:     []string{function.ErrorJobRunning},
		IntervalSeconds: int(p.MinDelay / time.Second),
		BackoffRate:     2,
		MaxDelaySeconds: int(p.MaxDelay / time.Second),
		MaxAttempts:     asl.Attempts(asl.MaxRetryAttempts),
	}
}

// pollJob is a poll loop as one Lambda Task: the "job" step describes the
// job at idPath once, fails with function.ErrorJobRunning while it runs
// (retried by the Poll's backoff), ends the target with
// function.ErrorTargetFailed past the item's deadline ($.state.deadline),
// and otherwise returns {"Status"}, which goes to resultPath. Other failures (after the Lambda and
// TaskFailed retries) go to catchNext with the error at $.error.
func (o Options) pollJob(jobType, idPath, resultPath, next, catchNext string) *asl.Task {
	t := o.lambda(function.StepJob, next, map[string]any{"jobType": jobType, "jobId.$": idPath})
	t.OutputPath = ""
	t.ResultSelector = map[string]any{"Status.$": "$.Payload.Status"}
	t.ResultPath = resultPath
	t.Retry = append([]asl.Retrier{o.Poll.retrier()}, t.Retry...)
	t.Catch = catchTo(catchNext, "$.error")
	return t
}
