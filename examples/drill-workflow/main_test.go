package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
)

func TestRun(t *testing.T) {
	out := t.TempDir()
	var log bytes.Buffer
	// With BACKUPKIT_NODE_MODULES (scripts/test sets it), every
	// definition also goes through asl-validator.
	node := os.Getenv("BACKUPKIT_NODE_MODULES")
	if err := run(t.Context(), &log, out, automation.Poll{}, node); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	var drill struct {
		StartAt string
		States  map[string]struct {
			Type          string
			ItemProcessor struct {
				States map[string]struct {
					Type  string
					Retry []struct {
						ErrorEquals     []string
						IntervalSeconds int
						MaxDelaySeconds int
						BackoffRate     float64
					}
				}
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "drill.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &drill); err != nil {
		t.Fatal(err)
	}
	if drill.StartAt != automation.StatePlan {
		t.Errorf("StartAt = %q; want %q", drill.StartAt, automation.StatePlan)
	}
	poll := drill.States[automation.StateDrillTargets].ItemProcessor.States[automation.StateRestoreJob]
	if poll.Type != "Task" || len(poll.Retry) == 0 || poll.Retry[0].ErrorEquals[0] != function.ErrorJobRunning ||
		poll.Retry[0].IntervalSeconds != 5 || poll.Retry[0].MaxDelaySeconds != 120 || poll.Retry[0].BackoffRate != 2 {
		t.Errorf("restore poll = %+v; want a Task retried on %s from 5s doubling to 120s", poll, function.ErrorJobRunning)
	}
	for _, name := range []string{"sweep.asl.json", "remediate.asl.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	s := log.String()
	for _, want := range []string{"a 1m0s restore: 5 poll cycles", "a 1h0m0s restore: 35 poll cycles", "a 6h0m0s restore: 185 poll cycles"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if node != "" && strings.Count(s, ": valid") != 3 {
		t.Errorf("asl-validator did not pass all three workflows:\n%s", s)
	}
	// With the interpreter: the drill ran, every target passed and was
	// cleaned up, and the summary went to SNS.
	if node != "" {
		for _, want := range []string{"report: 6 targets, 6 passed, 0 failed, 0 left behind", "target 5: ", `sns: backupkit drill example-drill: PASSED, 6/6 passed`} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}
		if n := strings.Count(s, "cleanup deleted"); n != 6 {
			t.Errorf("%d targets cleaned up; want 6:\n%s", n, s)
		}
	}
}

func TestBadPoll(t *testing.T) {
	var log bytes.Buffer
	err := run(t.Context(), &log, t.TempDir(), automation.Poll{MinDelay: 1500 * time.Millisecond}, "")
	if err == nil || !strings.Contains(err.Error(), "Poll.MinDelay") {
		t.Fatalf("err = %v; want one naming Poll.MinDelay", err)
	}
}
