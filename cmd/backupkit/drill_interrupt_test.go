package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDrillCtrlCTwice: the first Ctrl-C says the drill is cleaning up
// its restores; the second says what may be left behind and exits at once
// with status 1.
func TestDrillCtrlCTwice(t *testing.T) {
	t.Parallel()
	bin := backupkitBin(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "drill", "--out", t.TempDir(), "--history", "off", "--demo-targets", "2", "--restore-duration", "4s")
	cmd.Env = cleanEnv(t)
	cmd.Dir = t.TempDir()
	var stdout, stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(buf *lockedBuffer, s string) {
		t.Helper()
		deadline := time.Now().Add(45 * time.Second)
		for !strings.Contains(buf.String(), s) {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("no %q after 45s\nstdout:\n%s\nstderr:\n%s", s, stdout.String(), stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor(&stdout, "restore\n") // a restore job is running
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitFor(&stderr, "cancelling: cleaning up")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitErr {
		t.Errorf("after a second Ctrl-C: %v; want exit status 1", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("exited %v after the second Ctrl-C; want at once", took)
	}
	if !strings.Contains(stderr.String(), "stopping now: the restores of these") || !strings.Contains(stderr.String(), "backupkit:drill-id=drill-") {
		t.Errorf("stderr:\n%s\nwant what may be left behind and how to find it", stderr.String())
	}
	if out := stdout.String(); strings.Contains(out, "wait for restore job") && strings.Contains(out, "wait for RESTORE job") {
		t.Errorf("error chain repeats itself:\n%s", out)
	}
}
