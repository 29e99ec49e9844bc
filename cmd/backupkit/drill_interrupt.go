package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/backupkit/backupkit/restore"
)

// inFlight tracks the targets whose restore has started and whose cleanup
// has not finished: what an interrupted drill still has to delete.
type inFlight struct {
	mu      sync.Mutex
	drillID string
	targets map[string]string // resource ARN → phase
}

func (f *inFlight) event(ev restore.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.targets == nil {
		f.targets = map[string]string{}
	}
	f.drillID = ev.DrillID
	switch ev.Phase {
	case restore.PhaseRestore, restore.PhaseValidate, restore.PhaseCleanup:
		f.targets[ev.ResourceARN] = ev.Phase
	case restore.PhaseDone:
		delete(f.targets, ev.ResourceARN)
	}
}

func (f *inFlight) snapshot() (id string, arns []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for a := range f.targets {
		arns = append(arns, a)
	}
	slices.Sort(arns)
	return f.drillID, arns
}

// watchInterrupts handles Ctrl-C during a drill: the first one (which also
// cancels the drill's context) says that the drill is cleaning up what it
// restored; a second one says what will be left behind and exits with
// status 1 at once. The returned function stops watching.
func watchInterrupts(w io.Writer, f *inFlight, exit func(int)) (stop func()) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case <-sig:
			}
			n++
			id, arns := f.snapshot()
			if n == 1 {
				fmt.Fprintf(w, "\ncancelling: cleaning up %s in progress (press Ctrl-C again to stop now and leave them behind)…\n", plural(len(arns), "restore"))
				continue
			}
			if len(arns) == 0 {
				fmt.Fprintf(w, "stopping now: nothing restored is left behind\n")
			} else {
				fmt.Fprintf(w, "stopping now: the restores of these %s may be left behind; find them by the tag %s=%s:\n  %s\n",
					plural(len(arns), "target"), restore.DrillTagKey, id, strings.Join(arns, "\n  "))
			}
			exit(exitErr)
			return
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}
