package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	p := params{activationKey: "EXAMPLE-1", host: "vcenter.example.com", vault: "example-vault",
		role: "arn:aws:iam::123456789012:role/backupkit-backup", waitEvery: 5 * time.Millisecond}
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env, &p); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), &out, srv.Config(), p); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{": 2 VMs", "selection [arn:aws:backup-gateway:*:*:vm/* arn:aws:ssm-sap:*:*:HANA/*]",
		"VirtualMachine arn:aws:backup-gateway:", "cleanup deleted, restored arn:aws:ec2:us-east-1:123456789012:instance/",
		"SAP HANA on Amazon EC2 arn:aws:ssm-sap:us-east-1:123456789012:HANA/PRD/DB/HDB: passed, validation passed, cleanup kept, restored arn:aws:ssm-sap:us-east-1:123456789012:HANA/QAS/DB/HDB",
		"drill passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// A second run against the same emulator drills again: each drill has
	// its own id, so its restore tokens never return the first run's jobs.
	out.Reset()
	if err := run(t.Context(), &out, srv.Config(), p); err != nil || !strings.Contains(out.String(), "drill passed") {
		t.Errorf("second run: %v\n%s", err, out.String())
	}
}
