package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
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
		t.Fatalf("run() error = %v\n%s", err, out.String())
	}
	const want = "arn:aws:rds:us-east-1:123456789012:db:orders-restored"
	if !strings.Contains(out.String(), "Restored DB instance: "+want) {
		t.Fatalf("output lacks the restored instance %s:\n%s", want, out.String())
	}
	if r, ok := srv.Resource(want); !ok || r.Type != "RDS" || r.CreatedBy == "" {
		t.Errorf("restored instance in the emulator = %+v, %v; want an RDS instance created by the restore job", r, ok)
	}
	// Running again is idempotent: the same token finds the same job
	// instead of starting a second restore.
	first := out.String()
	out.Reset()
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("second run() error = %v", err)
	}
	if out.String() != first || srv.CallCount("StartRestoreJob") != 2 || len(srv.Resources()) != 2 {
		t.Errorf("second run printed %q, resources %d; want the same job again (%q) and no new resource", out.String(), len(srv.Resources()), first)
	}
}
