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
		"rejected: update region settings: OptIn[Lambda]: unknown resource type",
		"Region us-east-1 opt-in:",
		"EBS                      on (requested)",
		"DynamoDB                 on (requested)",
		"cross-account backup enabled: false",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := srv.CallCount("UpdateRegionSettings"); n != 1 {
		t.Errorf("UpdateRegionSettings calls = %d; want 1", n)
	}
}
