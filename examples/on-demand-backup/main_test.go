package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 200 * time.Millisecond })
	if err := srv.PutResource(backuptest.Resource{ARN: resourceARN, SizeBytes: 8 << 30}); err != nil {
		t.Fatal(err)
	}
	minDelay = 20 * time.Millisecond
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"started backup job ", "  COMPLETED", "completed: recovery point arn:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := srv.CallCount("DescribeBackupJob"); n < 2 {
		t.Errorf("DescribeBackupJob calls = %d; want the waiter to poll more than once", n)
	}
	// Re-running returns the same job (derived idempotency token).
	first := strings.Fields(out.String())[3]
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatal(err)
	}
	if second := strings.Fields(out.String())[3]; second != first {
		t.Errorf("second run started job %s; want the same job %s", second, first)
	}
	if n := srv.CallCount("StartBackupJob"); n != 2 {
		t.Errorf("StartBackupJob calls = %d; want 2", n)
	}
}
