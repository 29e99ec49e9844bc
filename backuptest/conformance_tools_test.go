//go:build linux

package backuptest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The conformance tests need exactly these tools, the ones scripts/test
// installs: Debian's AWS CLI v2 at /usr/bin/aws (not a v1 on PATH, whose
// options differ) and boto3 importable by Debian's /usr/bin/python3. They
// check what they found and fail with how to install it; they never fall
// back to another tool.
const (
	debianAWSCLI = "/usr/bin/aws"
	installHint  = "run scripts/test, which installs them, or: apt-get install -y awscli python3-boto3"
)

// checkAWSCLIv2 runs path --version and returns an error unless it is the
// AWS CLI version 2.
func checkAWSCLIv2(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("the AWS CLI v2 is required at %s and is not there: %s", path, installHint)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // python starts slowly on a loaded machine
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--version")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + os.TempDir(), "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	version := strings.TrimSpace(string(out))
	if err != nil {
		return fmt.Errorf("%s --version failed (%v: %s): %s", path, err, version, installHint)
	}
	if !strings.HasPrefix(version, "aws-cli/2.") {
		return fmt.Errorf("%s is %q; the conformance test needs the AWS CLI v2 (aws-cli/2.x): %s", path, version, installHint)
	}
	return nil
}

// checkBoto3 returns an error unless python imports boto3 and botocore.
func checkBoto3(ctx context.Context, python string) error {
	if _, err := os.Stat(python); err != nil {
		return fmt.Errorf("%s is required and is not there: %s", python, installHint)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // python starts slowly on a loaded machine
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", "import boto3, botocore; print(boto3.__version__)")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + os.TempDir(), "LANG=C.UTF-8"}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("boto3 is not importable by %s (%v: %s): %s", python, err, strings.TrimSpace(string(out)), installHint)
	}
	return nil
}

// requireAWSCLIv2 returns /usr/bin/aws, failing the test unless it is the
// AWS CLI v2.
func requireAWSCLIv2(t *testing.T) string {
	t.Helper()
	if err := checkAWSCLIv2(t.Context(), debianAWSCLI); err != nil {
		t.Fatal(err)
	}
	return debianAWSCLI
}

// requireBoto3 returns /usr/bin/python3, failing the test unless it
// imports boto3.
func requireBoto3(t *testing.T) string {
	t.Helper()
	if err := checkBoto3(t.Context(), debianPython); err != nil {
		t.Fatal(err)
	}
	return debianPython
}

// fakeTool writes an executable shell script.
func fakeTool(t *testing.T, name, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformanceToolChecks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	v1 := fakeTool(t, "aws", `echo "aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11"`)
	if err := checkAWSCLIv2(ctx, v1); err == nil || !strings.Contains(err.Error(), "needs the AWS CLI v2") || !strings.Contains(err.Error(), "scripts/test") {
		t.Errorf("AWS CLI v1: %v; want an error asking for v2 and saying how to install it", err)
	}
	if err := checkAWSCLIv2(ctx, filepath.Join(t.TempDir(), "aws")); err == nil || !strings.Contains(err.Error(), "apt-get install -y awscli") {
		t.Errorf("no AWS CLI: %v; want an error saying how to install it", err)
	}
	v2 := fakeTool(t, "aws", `echo "aws-cli/2.9.19 Python/3.11.2 Linux/6.1 source/x86_64.debian.12 prompt/off"`)
	if err := checkAWSCLIv2(ctx, v2); err != nil {
		t.Errorf("AWS CLI v2: %v; want accepted", err)
	}
	noBoto := fakeTool(t, "python3", `echo "ModuleNotFoundError: No module named 'boto3'" >&2; exit 1`)
	if err := checkBoto3(ctx, noBoto); err == nil || !strings.Contains(err.Error(), "python3-boto3") {
		t.Errorf("python without boto3: %v; want an error saying how to install it", err)
	}
	// The real tools this machine's tests use.
	requireAWSCLIv2(t)
	requireBoto3(t)
}
