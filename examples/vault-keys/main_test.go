package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

// Against a running emulator (-endpoint): its KMS and AWS Backup over HTTP.
func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t)
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, env.Config, "arn:aws:iam::123456789012:role/backupkit-backup", t.TempDir(), true); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"customer managed key alias/backupkit-example-vaults (created true, rotation true)",
		"imported key alias/backupkit-example-byok: origin EXTERNAL, Enabled", "vault backupkit-example-cmk (created true)",
		"vault backupkit-example-byok (created true)", "CONNECTED; key alias/backupkit-example-xks origin EXTERNAL_KEY_STORE"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// A second run against the same emulator finds what the first made.
	out.Reset()
	if err := run(t.Context(), &out, env.Config, "arn:aws:iam::123456789012:role/backupkit-backup", t.TempDir(), true); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"(created false", "found imported key alias/backupkit-example-byok: origin EXTERNAL, Enabled", "vault backupkit-example-byok (created false)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second run output lacks %q:\n%s", want, out.String())
		}
	}
}
