package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/fleet"
)

// A fleet run on a terminal draws its progress on stderr and erases it;
// stdout's JSON carries none of it. The terminal is a real pseudo-terminal
// from util-linux's script(1), as a user's shell would give.
func TestFleetProgressOnTerminal(t *testing.T) {
	t.Parallel()
	script, err := exec.LookPath("script")
	if err != nil {
		t.Fatal("script(1) not found: install util-linux (Debian: bsdutils)")
	}
	srv, _ := fleetServer(t)
	bin := backupkitBin(t)
	dir := t.TempDir()
	jsonOut := filepath.Join(dir, "out.json")
	line := bin + " status --endpoint " + srv.URL + " --accounts 111111111111,333333333333,444444444444 --regions us-east-1,eu-west-1 --json > " + jsonOut
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "-qec", line, filepath.Join(dir, "typescript"))
	cmd.Env = cleanEnv(t, "TERM=xterm")
	cmd.Dir = dir
	tty, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitErr {
		t.Fatalf("exit %v; want %d (sandbox has no role)\n%q", err, exitErr, tty)
	}
	for _, want := range []string{"\r\x1b[Kbackupkit: 1/6 targets done", "backupkit: 6/6 targets done, 2 failed", "444444444444 us-east-1 failed", "6 targets: 4 succeeded, 2 failed"} {
		if !strings.Contains(string(tty), want) {
			t.Errorf("terminal lacks %q:\n%q", want, tty)
		}
	}
	// The progress line is erased before the final line.
	if i, j := strings.LastIndex(string(tty), "targets done"), strings.LastIndex(string(tty), "\r\x1b[K"); j < i {
		t.Errorf("progress line left on the terminal:\n%q", tty)
	}
	data, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var doc fleetJSON
	if err := json.Unmarshal(data, &doc); err != nil || strings.ContainsAny(string(data), "\r\x1b") || len(doc.Targets) != 6 {
		t.Errorf("stdout JSON (%v):\n%q", err, data)
	}
}

// Off a terminal (a pipe, CI logs) nothing of the progress is printed.
func TestFleetProgressOffTerminal(t *testing.T) {
	t.Parallel()
	srv, _ := fleetServer(t)
	r := runBin(t, "status", "--endpoint", srv.URL, "--accounts", "111111111111,333333333333", "--regions", "us-east-1,eu-west-1")
	if r.code != exitOK || strings.ContainsAny(r.stdout+r.stderr, "\r\x1b") || strings.Contains(r.stderr, "targets done") {
		t.Errorf("piped run drew progress:\n%s", r)
	}
	if !strings.HasSuffix(r.stdout, "4 targets: 4 succeeded, 0 failed\n") {
		t.Errorf("final line:\n%s", r)
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	got := progressLine(fleet.Progress{Account: "111111111111", Region: "eu-west-1", Done: 3, Failed: 1, Total: 8}, "ok", 2400*time.Millisecond)
	if want := "backupkit: 3/8 targets done, 1 failed (last: 111111111111 eu-west-1 ok)  2s"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
	long := progressLine(fleet.Progress{Account: "111111111111", Region: "ap-southeast-4", Done: 1999, Failed: 999, Total: 2000}, "failed", 754*time.Second)
	if fit := fitLine(long, progressWidth); len([]rune(fit)) != progressWidth || !strings.HasSuffix(fit, "…") || !strings.HasPrefix(long, strings.TrimSuffix(fit, "…")) {
		t.Errorf("fitLine(%q) = %q; want its first %d characters, the last one …", long, fit, progressWidth)
	}
	if short := "backupkit: 1/2"; fitLine(short, progressWidth) != short {
		t.Errorf("fitLine cut a short line")
	}
	got = progressLine(fleet.Progress{Account: "111111111111", Done: 1, Total: 2}, "failed", 0)
	if want := "backupkit: 1/2 targets done (last: 111111111111 - failed)  0s"; got != want {
		t.Errorf("got %q; want %q", got, want)
	}
}
