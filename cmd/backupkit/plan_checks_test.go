package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const planWithSelection = `plans:
  - name: p1
    rules:
      - name: Daily
        vault: VAULT
        schedule: cron(0 5 * * ? *)
        lifecycle:
          deleteAfterDays: 35
    selections:
      - name: prod
        iamRole: arn:aws:iam::123456789012:role/backup
        listOfTags:
          - key: env
            value: ENV
`

func writePlan(t *testing.T, vault, env string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(p, []byte(strings.NewReplacer("VAULT", vault, "ENV", env).Replace(planWithSelection)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPlanDiffMissingVaultAndSelectionFields: diff says a target vault is
// missing (and apply stops before changing anything); a changed selection
// shows the fields that change.
func TestPlanDiffMissingVaultAndSelectionFields(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, time.Second)
	missing := writePlan(t, "nope", "prod")
	res := runBin(t, "plan", "diff", "--endpoint", srv.URL, missing)
	if res.code != exitErr || !strings.Contains(res.stderr, "target vault nope does not exist") {
		t.Errorf("plan diff with a missing vault: %s\nwant exit 1 naming the vault", res)
	}
	before := len(srv.Calls())
	res = runBin(t, "plan", "apply", "--endpoint", srv.URL, missing)
	if res.code != exitErr || !strings.Contains(res.stderr, "nothing applied") || !strings.Contains(res.stderr, "vault nope") {
		t.Errorf("plan apply with a missing vault: %s\nwant exit 1, nothing applied", res)
	}
	for _, c := range srv.Calls()[before:] {
		if strings.HasPrefix(c.Operation, "Create") || strings.HasPrefix(c.Operation, "Update") {
			t.Errorf("apply with a missing vault called %s", c.Operation)
		}
	}
	if res := runBin(t, "plan", "apply", "--endpoint", srv.URL, writePlan(t, "cli-vault", "prod")); res.code != exitOK {
		t.Fatalf("plan apply: %s", res)
	}
	res = runBin(t, "plan", "diff", "--endpoint", srv.URL, writePlan(t, "cli-vault", "dev"))
	if res.code != exitOK || !strings.Contains(res.stdout, "selection prod: will be replaced") || !strings.Contains(res.stdout, "~ listOfTags: env=prod -> env=dev") {
		t.Errorf("plan diff of a changed selection: %s\nwant the changed field", res)
	}
}
