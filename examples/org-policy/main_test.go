package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
)

// Against a running emulator (-endpoint): its Organizations service,
// seeded through the control API.
func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t)
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	fake := srv.Organization()
	var out bytes.Buffer
	if err := run(t.Context(), env.Config, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"BACKUP_POLICY newly enabled true", "delegated admin 222222222222 newly registered true", `"@@assign"`, "created, newly attached to [" + ouID + "]", "effective backup policy matches the intended one"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	m := regexp.MustCompile(`policy (p-\w+) created`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("output names no created policy:\n%s", s)
	}
	if got := fake.Attachments(m[1]); len(got) != 1 || got[0] != ouID {
		t.Errorf("attachments = %v; want [%s]", got, ouID)
	}
	out.Reset()
	if err := run(t.Context(), env.Config, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "unchanged, newly attached to []") || !strings.Contains(out.String(), "newly enabled false") {
		t.Errorf("second run should change nothing:\n%s", out.String())
	}
}
