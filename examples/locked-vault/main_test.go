package main

import (
	"bytes"
	"encoding/json"
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
		"vault arn:aws:backup:us-east-1:123456789012:backup-vault:backupkit-locked (created true), key arn:aws:kms:",
		"notifications: 7 events to arn:aws:sns:us-east-1:123456789012:backup-events",
		`"Service": "backup.amazonaws.com"`,
		"access policy: recovery point deletion denied",
		"refused: IrreversibleAcknowledged: compliance mode becomes irreversible",
		"vault lock (governance): retention 7..365 days",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// The printed topic policy is valid JSON.
	s := out.String()
	start := strings.Index(s, "SNS topic policy:\n") + len("SNS topic policy:\n")
	end := strings.Index(s, "\naccess policy:")
	var doc map[string]any
	if err := json.Unmarshal([]byte(s[start:end]), &doc); err != nil {
		t.Errorf("topic policy is not JSON: %v", err)
	}
	// Idempotent: a second run verifies instead of creating.
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil || !strings.Contains(out.String(), "(created false)") {
		t.Errorf("second run: %v\n%s", err, out.String())
	}
}
