package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

// Against a running emulator (-endpoint), seeded through its control API
// with a completed backup job, which the delivered report lists.
func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, awsbackup.NewFromConfig(env.Config), "audit-bucket", nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"COMPLETED", "LOCATION 's3://audit-bucket/audit/", "CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.backup_jobs", "-- failed jobs by account over 7 days"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
