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
	t.Parallel()
	srv := backuptest.NewServer(t)
	env := &exenv.Env{Config: srv.Config(), URL: srv.URL, Control: backuptest.NewControlClient(srv.URL, nil), Server: srv}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), srv.Config(), &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"backupkit-example: 2500 recovery points",
		"DynamoDB points created in the 10 minutes up to the newest: 301", // 1s apart: 601 points, the odd ones DynamoDB
		"latest point per resource (10 resources; the first 4):",
		"the first 3 EBS points:",
		"retention of arn:aws:dynamodb:us-east-1:123456789012:table/T01 extended",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if n := strings.Count(out.String(), "arn:aws:ec2:us-east-1::snapshot/"); n != 3 {
		t.Errorf("EBS points printed = %d; want 3", n)
	}
}

// -endpoint: a running emulator gets ten resources through its control API
// and one backup each.
func TestRunningEmulator(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), env.Config, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"backupkit-example: 10 recovery points", "latest point per resource (10 resources; the first 4):"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
