package main

import (
	"strings"
	"testing"
	"time"
)

// TestBackupStartDeleteAfterDaysRange: every value outside AWS Backup's
// 1–36500 days is refused, by the flag's name, before any call.
func TestBackupStartDeleteAfterDaysRange(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, time.Second)
	for _, days := range []string{"-3", "0", "36501", "99999999999"} {
		before := len(srv.Calls())
		res := runBin(t, "backup", "start", "--endpoint", srv.URL, "--vault", "cli-vault", "--resource", cliVol, "--role", cliRole, "--delete-after-days", days)
		if res.code != exitErr || !strings.Contains(res.stderr, "--delete-after-days") || !strings.Contains(res.stderr, "want 1–36500 days") {
			t.Errorf("--delete-after-days %s: %s\nwant exit 1 naming the flag and 1–36500 days", days, res)
		}
		if res.stdout != "" || len(srv.Calls()) != before {
			t.Errorf("--delete-after-days %s: printed %q and made %d calls; want neither", days, res.stdout, len(srv.Calls())-before)
		}
	}
	res := runBin(t, "backup", "start", "--endpoint", srv.URL, "--vault", "cli-vault", "--resource", cliVol, "--role", cliRole, "--delete-after-days", "36500")
	if res.code != exitOK {
		t.Errorf("--delete-after-days 36500: %s; want accepted", res)
	}
}

// TestBackupStartMaxWaitIsHonoured: --max-wait 2s waits 2 s, even though
// the first delay between checks (5 s) is longer.
func TestBackupStartMaxWaitIsHonoured(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, time.Hour)
	res := runBin(t, "backup", "start", "--endpoint", srv.URL, "--vault", "cli-vault", "--resource", cliVol, "--role", cliRole, "--wait", "--max-wait", "2s")
	if res.code != exitErr || !strings.Contains(res.stderr, "exceeded max wait time") {
		t.Fatalf("--max-wait 2s on a 1 h job: %s; want exit 1, max wait exceeded", res)
	}
	if res.took < 2*time.Second {
		t.Errorf("--max-wait 2s gave up after %v", res.took)
	}
}
