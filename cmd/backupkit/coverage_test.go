package main

import (
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestCoverageResourceTypeVocabulary(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedCoverage(t, srv)
	conn := []string{"--endpoint", srv.URL, "--region", "us-east-1"}
	t.Cleanup(func() { // after the parallel subtests
		if n := srv.CallCount("GetResources"); n != 6 {
			t.Errorf("GetResources called %d times; want 6 (none for the unknown type)", n)
		}
	})
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     string // in stdout
		wantErr  string // in stderr
	}{
		// AWS Backup's names, as iam --resource-types and status use them.
		{"backup name", []string{"--resource-types", "EBS", "--fail-on-unprotected"}, 0, "1 of 1 resources protected", ""},
		{"backup names, any case", []string{"--resource-types", "ebs,DynamoDB"}, 0, "2 of 2 resources protected", ""},
		{"unprotected RDS trips the gate", []string{"--resource-types", "RDS", "--fail-on-unprotected"}, 2, "0 of 1 resources protected", ""},
		// The tagging API's names are aliases.
		{"tagging alias", []string{"--resource-types", "ec2:volume"}, 0, "1 of 1 resources protected", ""},
		// Unknown names are errors that list the valid ones, before any call.
		{"unknown", []string{"--resource-types", "bogus", "--fail-on-unprotected"}, 1, "", `--resource-types: unknown resource type "bogus": want one of Aurora,`},
		// Nothing matched: say so; a gate with nothing to check fails.
		{"nothing matched", []string{"--resource-types", "EFS"}, 0, "", "no resources of type EFS found"},
		{"nothing matched, gate", []string{"--resource-types", "EFS", "--fail-on-unprotected"}, 2, "", "no resources of type EFS found: --fail-on-unprotected has nothing to check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runBin(t, append(append([]string{"coverage"}, conn...), tc.args...)...)
			if r.code != tc.wantCode || !strings.Contains(r.stdout, tc.want) || !strings.Contains(r.stderr, tc.wantErr) {
				t.Errorf("coverage %v: %s\nwant exit %d, stdout with %q, stderr with %q", tc.args, r, tc.wantCode, tc.want, tc.wantErr)
			}
		})
	}
}
