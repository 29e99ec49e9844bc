package main

import (
	"fmt"
	"io"
	"time"

	"github.com/backupkit/backupkit/fleet"
)

// fleetProgress draws a fleet run's progress on one terminal line: how
// many targets ended of how many, how many failed, the last one, and the
// time so far. It draws only on a terminal (stderr; stdout keeps the
// tables or the JSON) and erases its line when the run ends, so nothing of
// it stays between the command's output lines.
type fleetProgress struct {
	w       io.Writer
	started time.Time
	drawn   bool
}

// newFleetProgress returns the progress display for w, or nil when w is
// not a terminal (a pipe, a file, CI logs, tests).
func newFleetProgress(w io.Writer) *fleetProgress {
	if w == nil || !isTerminal(w) {
		return nil
	}
	return &fleetProgress{w: w, started: time.Now()}
}

// update is fleet.Options.Progress: the runner calls it one target at a
// time.
func (p *fleetProgress) update(pr fleet.Progress) {
	mark := "ok"
	if pr.Err != nil {
		mark = "failed"
	}
	fmt.Fprintf(p.w, "\r\033[K%s", fitLine(progressLine(pr, mark, time.Since(p.started)), progressWidth))
	p.drawn = true
}

// progressWidth bounds the progress line: a line longer than the terminal
// wraps, and "\r" then redraws only its last part.
const progressWidth = 79

// fitLine cuts s to at most width characters, ending in "…" when cut.
func fitLine(s string, width int) string {
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	return string(r[:width-1]) + "…"
}

// progressLine is the text of one progress update.
func progressLine(pr fleet.Progress, mark string, elapsed time.Duration) string {
	failed := ""
	if pr.Failed > 0 {
		failed = fmt.Sprintf(", %d failed", pr.Failed)
	}
	return fmt.Sprintf("backupkit: %d/%d targets done%s (last: %s %s %s)  %s",
		pr.Done, pr.Total, failed, pr.Account, orDash(pr.Region), mark, elapsed.Round(time.Second))
}

// finish erases the progress line.
func (p *fleetProgress) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
