package main

import (
	"bytes"
	"regexp"
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
	m := regexp.MustCompile(`Restored volume: (arn:aws:ec2:us-east-1:123456789012:volume/vol-\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output lacks the restored volume:\n%s", out.String())
	}
	r, ok := srv.Resource(m[1])
	if !ok || r.Type != "EBS" || r.CreatedBy == "" || r.SizeBytes != 100<<30 {
		t.Errorf("restored volume in the emulator = %+v, %v; want a 100 GiB EBS volume created by the restore job", r, ok)
	}
}
