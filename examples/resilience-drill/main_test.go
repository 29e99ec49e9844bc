package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

// Against a running emulator (-endpoint): seeded through its control API,
// validated through its EC2 and DynamoDB over HTTP.
func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	hub, err := seed(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	h := history.New(history.NewDir(t.TempDir()))
	var out bytes.Buffer
	err = run(t.Context(), &out, srv.Client(), hub, h, demoApp, demoRole, func(o *restore.Options) {
		o.Services = restore.Services{EC2: ec2.NewFromConfig(env.Config), DynamoDB: dynamodb.NewFromConfig(env.Config)}
		o.Waiter = func(w *backup.WaiterOptions) { w.MinDelay, w.MaxDelay = 5*time.Millisecond, 20*time.Millisecond }
		o.DeletePollInterval = 5 * time.Millisecond
	})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"App shop, policy gold (tier Critical)", "vol-0shop", "(AZ objective)", "Drill passed: true; 0 findings"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
