package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t)
	var out bytes.Buffer
	if err := run(t.Context(), &out, srv.Client(), "audit-bucket", nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"COMPLETED", "LOCATION 's3://audit-bucket/audit/", "CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.backup_jobs", "-- failed jobs by account over 7 days"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
