package backuptest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

// TestStateSaver: a mutating request is saved by Run shortly after, a
// read alone is not, and the file loads into a new emulator.
func TestStateSaver(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	e := backuptest.New()
	s := backuptest.NewStateSaver(e, path)
	s.Delay, s.Interval = time.Millisecond, time.Hour
	h := s.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.ServeHTTP(w, r)
	}))
	ts := httptest.NewServer(h)
	defer ts.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()

	c := backuptest.NewControlClient(ts.URL, nil)
	if _, err := c.Health(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.PutResources(ctx, backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-saved"}); err != nil {
		t.Fatal(err)
	}
	// Run writes the file within Delay of the POST; wait for it (bounded
	// by the test's context, not a guess at a duration).
	for {
		if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), "vol-saved") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the state file never held the resource")
		case <-time.After(time.Millisecond):
		}
	}
	e2 := backuptest.New()
	if loaded, err := e2.LoadStateFile(path); err != nil || !loaded {
		t.Fatalf("LoadStateFile: %v %v", loaded, err)
	}
	if _, ok := e2.Resource("arn:aws:ec2:us-east-1:123456789012:volume/vol-saved"); !ok {
		t.Error("the reloaded emulator lacks the saved resource")
	}
}

func TestStateSaverSaveErrorAndNoPath(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	if err := backuptest.NewStateSaver(e, "").Save(); err != nil {
		t.Errorf("Save with no path: %v; want nothing done", err)
	}
	bad := backuptest.NewStateSaver(e, filepath.Join(t.TempDir(), "no", "such", "dir", "state.json"))
	if err := bad.Save(); err == nil {
		t.Error("Save into a missing directory succeeded; want an error")
	}
}
