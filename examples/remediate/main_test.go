package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 50 * time.Millisecond })
	if err := srv.PutResource(backuptest.Resource{ARN: resourceARN, SizeBytes: 20 << 30}); err != nil {
		t.Fatal(err)
	}
	srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: resourceARN, StatusMessage: "An internal error occurred. Please try again.", Count: 1})
	minDelay = 10 * time.Millisecond
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out, printer{&out}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"ended FAILED: An internal error occurred. Please try again.",
		"delivery 1: restarted -> job ",
		"delivery 3: restarted -> job ",
		"[notification] AWS Backup backup job FAILED: restarted",
		" COMPLETED: arn:",
		"backup jobs of " + resourceARN + ": 2",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if n := srv.CallCount("StartBackupJob"); n != 4 {
		t.Errorf("StartBackupJob calls = %d; want 4 (the original and 3 idempotent restarts)", n)
	}
}
