package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/fleet"
)

func TestRun(t *testing.T) {
	srv := backuptest.NewServer(t)
	env, err := (&exenv.Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := seed(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	failed, err := run(t.Context(), srv.Config(), fleet.Spec{Organization: true, Regions: []string{"us-east-1", "eu-west-1"}}, "111111111111", &out)
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if failed != 2 {
		t.Errorf("%d targets failed; want 2 (sandbox in two Regions)\n%s", failed, s)
	}
	for _, want := range []string{
		"delegated administrator: 111111111111 (registered now: true, settings turned on: isCrossAccountBackupEnabled, isDelegatedAdministratorEnabled)",
		"111111111111  payments    us-east-1  2          0",
		"111111111111  payments    eu-west-1  1          1",
		"222222222222  web         us-east-1  1          1",
		"444444444444  sandbox     us-east-1  -          -            cannot assume arn:aws:iam::444444444444:role/OrganizationAccountAccessRole",
		"10 targets: 8 succeeded, 2 failed",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}
