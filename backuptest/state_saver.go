package backuptest

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// StateSaver keeps an emulator's state in a file while it serves, as
// `backupkit emulator --state FILE` does: wrap the emulator's handler with
// Handler, run Run until shutdown, then call Save once more. The file is
// written atomically (SaveStateFile) shortly after every request that may
// change state, and periodically while only reads arrive (reads still move
// jobs forward). Load the file at start with Emulator.LoadStateFile.
type StateSaver struct {
	// Delay is how long after a mutating request the file is written;
	// requests in between are coalesced into one write. Default 200ms.
	Delay time.Duration
	// Interval is how often the file is written while only reads arrive.
	// Default 5s.
	Interval time.Duration
	// OnError is told of a failed write in Run (Save returns its error).
	// Default: ignore it.
	OnError func(error)

	e    *Emulator
	path string
	// dirty counts requests since the last save; mutated is signalled on
	// requests that may change state.
	dirty   atomic.Int64
	mutated chan struct{}
}

// NewStateSaver returns a saver of e's state to path. An empty path saves
// nothing: Handler returns its handler unchanged, Run returns at once.
func NewStateSaver(e *Emulator, path string) *StateSaver {
	return &StateSaver{Delay: 200 * time.Millisecond, Interval: 5 * time.Second, e: e, path: path, mutated: make(chan struct{}, 1)}
}

// Handler wraps h (the emulator) so that Run learns of every request.
func (s *StateSaver) Handler(h http.Handler) http.Handler {
	if s.path == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		s.dirty.Add(1)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			select {
			case s.mutated <- struct{}{}:
			default:
			}
		}
	})
}

// Run saves Delay after mutating requests and every Interval while other
// requests arrived, until ctx ends. It does not save at the end: call
// Save after the server has shut down.
func (s *StateSaver) Run(ctx context.Context) {
	if s.path == "" {
		return
	}
	tick := time.NewTicker(s.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.mutated:
			t := time.NewTimer(s.Delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		case <-tick.C:
			if s.dirty.Load() == 0 {
				continue
			}
		}
		if err := s.Save(); err != nil && s.OnError != nil {
			s.OnError(err)
		}
	}
}

// Save writes the state file now (nothing when the path is empty).
func (s *StateSaver) Save() error {
	if s.path == "" {
		return nil
	}
	s.dirty.Store(0)
	return s.e.SaveStateFile(s.path)
}
