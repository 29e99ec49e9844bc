package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

// Against a running emulator (-endpoint), seeded through its control API
// and reached over HTTP only.
func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 50 * time.Millisecond })
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(t.Context(), &out, env, "evidence", role, dir, 2); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "drill evidence-1: passed=true, 3 targets") ||
		!strings.Contains(out.String(), "dashboard.html: 2 drills, 8 charts, 1 not drilled in 30 days; quicksight/: 6 rows") {
		t.Errorf("output:\n%s", out.String())
	}
	page, err := os.ReadFile(filepath.Join(dir, "dashboard.html"))
	if err != nil || !strings.Contains(string(page), "db:billing") {
		t.Errorf("dashboard.html lacks the never-drilled database (%v)", err)
	}
	names, _ := os.ReadDir(filepath.Join(dir, "history"))
	if len(names) != 2 {
		t.Errorf("history holds %d files; want 2", len(names))
	}
}
