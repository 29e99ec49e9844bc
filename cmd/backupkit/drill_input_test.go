package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

// TestDrillChecksInputFirst: every drill flag is checked before anything
// is seeded or called, and nothing reaches stdout before the error.
func TestDrillChecksInputFirst(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	role := "arn:aws:iam::123456789012:role/drill"
	ep := []string{"--endpoint", srv.URL, "--vault", "v"}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--max-rto", "-1h"}, "--max-rto -1h: want a positive duration"},
		{[]string{"--max-rpo", "-2d"}, "--max-rpo -2d: want a positive duration"},
		{[]string{"--restore-duration", "-1s"}, "--restore-duration -1s: want a positive duration"},
		{[]string{"--restore-duration", "0s"}, "--restore-duration 0s: want a positive duration"},
		{[]string{"--out", notDir + "/sub"}, "cannot create the report directory"},
		{append([]string{"--role", role, "--out", filepath.Join(notDir)}, ep...), "--out"},
		{append([]string{"--max-rto", "-1h", "--role", role}, ep...), "--max-rto -1h"},
		{ep, "--role is required"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, struct {
			args []string
			want string
		}{[]string{"--out", readOnly}, "not writable"})
	}
	for _, tt := range tests {
		before := len(srv.Calls())
		res := runBin(t, append([]string{"drill", "--history", "off"}, tt.args...)...)
		if res.code != exitErr || !strings.Contains(res.stderr, tt.want) {
			t.Errorf("drill %v: %s\nwant exit 1 and %q", tt.args, res, tt.want)
		}
		if res.stdout != "" {
			t.Errorf("drill %v printed before its input error:\n%s", tt.args, res.stdout)
		}
		if n := len(srv.Calls()) - before; n != 0 {
			t.Errorf("drill %v made %d calls before rejecting its input", tt.args, n)
		}
	}
}

// TestDrillNothingMatched: a drill that found nothing to drill does not
// pass.
func TestDrillNothingMatched(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedEndpointDrill(t, srv, "full", "arn:aws:iam::123456789012:role/drill")
	if _, err := srv.Client().CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("empty")}); err != nil {
		t.Fatal(err)
	}
	res := runBin(t, "drill", "--endpoint", srv.URL, "--vault", "empty", "--role", "arn:aws:iam::123456789012:role/drill", "--out", t.TempDir(), "--history", "off")
	if res.code != exitFailed || !strings.Contains(res.stderr, "nothing was drilled") || strings.Contains(res.stdout, "PASSED") {
		t.Errorf("drill of an empty vault: %s\nwant exit 2, \"nothing was drilled\"", res)
	}
}
