package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t)
	// -endpoint: seeded through the control API, reached over HTTP.
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"SEVERITY", "HIGH", compliance.CheckUnprotected, "arn:aws:rds:us-east-1:123456789012:db:legacy",
		compliance.CheckNoRecoveryPoint, "table/Orders", compliance.CheckVaultUnlocked, compliance.CheckVaultAWSKey,
		compliance.CheckDefaultRole, compliance.CheckNoCrossRegion, compliance.CheckNoFramework, " findings: ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, compliance.CheckNoRecoveryPoint+"  arn:aws:ec2:us-east-1:123456789012:volume/vol-0app") {
		t.Error("vol-0app was backed up but reported without recovery point")
	}
	asJSON = true
	defer func() { asJSON = false }()
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatal(err)
	}
	var findings []compliance.Finding
	if err := json.Unmarshal(out.Bytes(), &findings); err != nil || len(findings) == 0 {
		t.Fatalf("JSON output: %v, %d findings", err, len(findings))
	}
}
