package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestRun(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"invalid: Rules[0].Lifecycle.DeleteAfterDays: must be at least 90 days after MoveToColdStorageAfterDays",
		"rule monthly (cron(0 3 ? * 1#1 *), Europe/Berlin) next runs:\n  2030-03-03T03:00:00+01:00\n  2030-04-07T03:00:00+02:00\n",
		"plan backupkit-example: created\nplan backupkit-example: unchanged\n",
		"selection tagged: created",
		"matches tagged volume: true",
		"plan backupkit-example: updated\n~ Rules[\"Daily7Day\"].Lifecycle.DeleteAfterDays: 7 -> 14\n",
		"versions: 2",
		"deleted plan and its selections",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := srv.CallCount("UpdateBackupPlan"); n != 1 {
		t.Errorf("UpdateBackupPlan calls = %d; want 1", n)
	}
	// Running again against the same account works (idempotent vault, fresh plan).
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("second run: %v", err)
	}
}

func TestAccountOf(t *testing.T) {
	t.Parallel()
	if got := accountOf("arn:aws:backup:us-east-1:123456789012:backup-plan:abc"); got != "123456789012" {
		t.Errorf("accountOf = %q", got)
	}
}
