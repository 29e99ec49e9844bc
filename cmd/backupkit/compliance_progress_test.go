package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

// TestComplianceApplyProgress: apply says what it is doing on stderr while
// frameworks deploy, and prints no table header when it fails before
// applying anything.
func TestComplianceApplyProgress(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	file, err := filepath.Abs("../../compliance/testdata/compliance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := runBin(t, "compliance", "apply", file, "--endpoint", srv.URL, "--skip-config-rules")
	if res.code != exitOK || !strings.Contains(res.stderr, "applying 1 framework, 3 report plans and 0 Config rules") ||
		!strings.HasPrefix(res.stdout, "KIND") {
		t.Errorf("compliance apply: %s\nwant progress on stderr and the table on stdout", res)
	}
	res = runBin(t, "compliance", "apply", file, "--endpoint", "http://127.0.0.1:1", "--skip-config-rules")
	if res.code != exitErr || res.stdout != "" {
		t.Errorf("compliance apply against a closed port: %s\nwant exit 1 and nothing on stdout", res)
	}
}
