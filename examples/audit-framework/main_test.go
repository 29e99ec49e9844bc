package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	pollInterval = 10 * time.Millisecond
	srv := backuptest.NewServer(t)
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"framework backupkit_example_framework: created", "3 controls", "BACKUP_LAST_RECOVERY_POINT_CREATED map[recoveryPointAgeUnit:days recoveryPointAgeValue:1]", "report plan backupkit_example_compliance: created", "COMPLETED", "  s3://backupkit-audit-reports/backup-audit/"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "framework backupkit_example_framework: unchanged") || !strings.Contains(out.String(), "report plan backupkit_example_compliance: unchanged") {
		t.Errorf("second run should change nothing:\n%s", out.String())
	}
}
