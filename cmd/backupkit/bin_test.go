package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this package run the CLI as a user does: they build the
// backupkit binary once and run it, with an environment that holds no
// credentials or shared config of the machine, against an emulator.

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	// Tests that run the CLI in-process must never reach for EC2 instance
	// metadata (a real address off this machine) when probing credentials.
	_ = os.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// backupkitBin builds cmd/backupkit (once per test binary) and returns its
// path.
func backupkitBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "backupkit-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "backupkit")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = errors.New("go build ./cmd/backupkit: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// binResult is what one run of the binary did.
type binResult struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r binResult) String() string {
	return "exit " + strconv.Itoa(r.code) + "\nstdout:\n" + r.stdout + "\nstderr:\n" + r.stderr
}

// cleanEnv is an environment with test credentials, no shared config and
// no instance metadata, so nothing on the machine can point the binary at
// real AWS. extra entries (KEY=VALUE) are added or replace.
func cleanEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"PATH":                        os.Getenv("PATH"),
		"HOME":                        dir,
		"LANG":                        "C.UTF-8",
		"AWS_ACCESS_KEY_ID":           "AKIDBACKUPKITTEST",
		"AWS_SECRET_ACCESS_KEY":       "secret",
		"AWS_CONFIG_FILE":             empty,
		"AWS_SHARED_CREDENTIALS_FILE": empty,
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	for _, kv := range extra {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			delete(env, k)
			continue
		}
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// runBin runs the built binary with args in cleanEnv, with a one-minute
// limit, and returns what it did.
func runBin(t *testing.T, args ...string) binResult {
	t.Helper()
	return runBinEnv(t, cleanEnv(t), args...)
}

// runBinEnv is runBin with an explicit environment.
func runBinEnv(t *testing.T, env []string, args ...string) binResult {
	t.Helper()
	bin := backupkitBin(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := binResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		res.code = ee.ExitCode()
	default:
		t.Fatalf("backupkit %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic:") {
		t.Fatalf("backupkit %s crashed:\n%s", strings.Join(args, " "), res)
	}
	return res
}
