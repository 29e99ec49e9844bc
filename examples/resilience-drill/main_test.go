package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	hub, err := seed(t.Context(), srv)
	if err != nil {
		t.Fatal(err)
	}
	fakes := backuptest.NewFakes(srv.Emulator)
	h := history.New(history.NewDir(t.TempDir()))
	var out bytes.Buffer
	err = run(t.Context(), &out, srv.Client(), hub, h, demoApp, demoRole, func(o *restore.Options) {
		o.Services = restore.Services{EC2: fakes.EC2, DynamoDB: fakes.DynamoDB}
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
