package automation

import (
	"fmt"
	"time"

	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/backup"
)

// Poll sets the delays of the workflows' job poll loops, like the backup
// package's waiters: the first Wait lasts MinDelay, each next one twice as
// long, until MaxDelay, which then repeats. Poll cycles therefore grow
// logarithmically with the job's duration up to MaxDelay and linearly
// after it. Each cycle is three state transitions (Wait, describe, Choice).
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
		errs = append(errs, &backup.ValidationError{Field: field + ".MinDelay", Reason: fmt.Sprintf("is %v; want whole seconds, at least 1s (Wait states count in seconds)", p.MinDelay)})
	}
	if p.MaxDelay < p.MinDelay || p.MaxDelay%time.Second != 0 || p.MaxDelay > asl.MaxWaitSeconds*time.Second {
		errs = append(errs, &backup.ValidationError{Field: field + ".MaxDelay", Reason: fmt.Sprintf("is %v; want whole seconds from MinDelay (%v) to one year", p.MaxDelay, p.MinDelay)})
	}
	return errs
}

// Delays returns the poll loop's distinct Wait durations: MinDelay,
// doubling, capped at MaxDelay (the last one repeats).
func (p Poll) Delays() []time.Duration {
	p = p.withDefaults()
	var out []time.Duration
	for d := p.MinDelay; d < p.MaxDelay; d *= 2 {
		out = append(out, d)
	}
	return append(out, p.MaxDelay)
}

// Cycles returns how many poll cycles (Wait, describe, Choice) a job that
// takes d needs before a describe sees it finished.
func (p Poll) Cycles(d time.Duration) int {
	delays := p.Delays()
	var waited time.Duration
	n := 0
	for {
		w := delays[min(n, len(delays)-1)]
		waited += w
		n++
		if waited >= d {
			return n
		}
	}
}

// pollSpec describes one poll loop on a describe call.
type pollSpec struct {
	// label prefixes state names ("restore job").
	label string
	// describe is the describe Task (Resource, Parameters, Retry,
	// Credentials); the loop sets ResultSelector, ResultPath, Next and Catch.
	describe asl.Task
	// statusPath selects the job state in the describe result.
	statusPath string
	// resultPath is where {Status, At} go in the state's data.
	resultPath string
	// done and failed are the terminal states and where they lead.
	done       []string
	doneNext   string
	failed     []string
	failedNext string
	// deadlinePath, when set, is an RFC 3339 time in the data after which
	// the loop gives up and goes to failedNext.
	deadlinePath string
	// catchNext receives describe failures (after retries).
	catchNext string
}

// addPoll adds the loop's states to states and returns the name of its
// entry state (the first Wait).
func addPoll(states map[string]asl.State, p Poll, s pollSpec) string {
	delays := p.Delays()
	name := func(kind string, i int) string { return fmt.Sprintf("%s %s %d", kind, s.label, i+1) }
	for i, d := range delays {
		next := min(i+1, len(delays)-1)
		states[name("Wait for", i)] = &asl.Wait{Seconds: asl.Seconds(int(d / time.Second)), Next: name("Describe", i)}
		t := s.describe
		t.ResultSelector = map[string]any{"Status.$": s.statusPath, "At.$": "$$.State.EnteredTime"}
		t.ResultPath = s.resultPath
		t.Next = name("Check", i)
		t.Catch = []asl.Catcher{{ErrorEquals: []string{asl.ErrorAll}, Next: s.catchNext, ResultPath: "$.error"}}
		states[name("Describe", i)] = &t
		status := s.resultPath + ".Status"
		rules := []asl.ChoiceRule{
			{Condition: asl.AnyOf(status, s.done...), Next: s.doneNext},
			{Condition: asl.AnyOf(status, s.failed...), Next: s.failedNext},
		}
		if s.deadlinePath != "" {
			rules = append(rules, asl.ChoiceRule{Condition: asl.AllOf(
				asl.Present(s.deadlinePath),
				asl.Condition{Variable: s.resultPath + ".At", Op: "TimestampGreaterThanPath", Value: s.deadlinePath},
			), Next: s.failedNext})
		}
		states[name("Check", i)] = &asl.Choice{Choices: rules, Default: name("Wait for", next)}
	}
	return name("Wait for", 0)
}
