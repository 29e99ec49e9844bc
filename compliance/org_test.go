package compliance_test

import (
	"errors"
	"slices"
	"testing"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/fleet"
)

const orgPolicy = `{
  "plans": {
    "prod": {
      "regions": {"@@assign": ["us-east-1", "eu-west-1"]},
      "rules": {
        "daily": {
          "schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
          "start_backup_window_minutes": {"@@assign": "60"},
          "target_backup_vault_name": {"@@assign": "prod"},
          "lifecycle": {"delete_after_days": {"@@assign": "35"}}
        }
      },
      "selections": {
        "tags": {
          "prod": {
            "iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/AWSBackupKitBackupRole"},
            "tag_key": {"@@assign": "env"},
            "tag_value": {"@@assign": ["prod"]}
          }
        }
      }
    }
  }
}`

func TestOrgSetupAndPolicy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	fake := backuptest.NewOrgFake()
	ou, err := fake.AddOU(backuptest.OrgRootID)
	if err != nil {
		t.Fatal(err)
	}
	if err := fake.AddAccount("111111111111", ou); err != nil {
		t.Fatal(err)
	}
	if err := fake.AddAccount("222222222222", backuptest.OrgRootID); err != nil {
		t.Fatal(err)
	}
	oc := compliance.NewOrgClient(fake)

	// Attaching before Setup fails like AWS: the policy type is not enabled.
	_, err = oc.EnsurePolicy(ctx, compliance.BackupPolicy{Name: "early", Content: []byte(orgPolicy), Targets: []string{ou}})
	if !errors.As(err, new(*orgtypes.PolicyTypeNotEnabledException)) {
		t.Fatalf("attach before enabling: got %v; want PolicyTypeNotEnabledException", err)
	}

	res, err := oc.Setup(ctx, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if !res.PolicyTypeEnabled || !res.DelegatedAdminAdded || res.RootID != backuptest.OrgRootID {
		t.Errorf("Setup = %+v; want type enabled, admin added, root r-root", res)
	}
	if !fake.ServiceAccessEnabled(fleet.BackupServicePrincipal) {
		t.Error("trusted access for backup.amazonaws.com not enabled")
	}
	again, err := oc.Setup(ctx, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if again.PolicyTypeEnabled || again.DelegatedAdminAdded {
		t.Errorf("second Setup = %+v; want nothing changed", again)
	}

	p := compliance.BackupPolicy{Name: "prod-backups", Description: "daily prod", Content: []byte(orgPolicy), Targets: []string{ou}}
	pr, err := oc.EnsurePolicy(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Change != compliance.Created || !slices.Equal(pr.Attached, []string{ou}) {
		t.Errorf("EnsurePolicy = %+v; want created and attached to %s", pr, ou)
	}
	pr2, err := oc.EnsurePolicy(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if pr2.Change != compliance.Unchanged || len(pr2.Attached) != 0 || pr2.PolicyID != pr.PolicyID {
		t.Errorf("second EnsurePolicy = %+v; want unchanged, nothing attached", pr2)
	}
	if got := fake.Attachments(pr.PolicyID); !slices.Equal(got, []string{ou}) {
		t.Errorf("attachments = %v; want [%s]", got, ou)
	}

	diffs, err := oc.CompareEffectivePolicy(ctx, "111111111111", []byte(orgPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 0 {
		t.Errorf("member in the OU: diffs %v; want none", diffs)
	}
	// The account outside the OU has no effective policy at all.
	if _, err := oc.CompareEffectivePolicy(ctx, "222222222222", []byte(orgPolicy)); !errors.As(err, new(*orgtypes.EffectivePolicyNotFoundException)) {
		t.Errorf("account outside the OU: got %v; want EffectivePolicyNotFoundException", err)
	}

	// A second policy on the root overrides the schedule for everyone.
	override := `{"plans":{"prod":{"rules":{"daily":{"schedule_expression":{"@@assign":"cron(0 1 ? * * *)"}}}}}}`
	if _, err := oc.EnsurePolicy(ctx, compliance.BackupPolicy{Name: "root-override", Content: []byte(override), Targets: []string{backuptest.OrgRootID}}); err != nil {
		t.Fatal(err)
	}
	diffs, err = oc.CompareEffectivePolicy(ctx, "111111111111", []byte(orgPolicy))
	if err != nil {
		t.Fatal(err)
	}
	// Root is applied first, the OU's policy after it: the OU's value wins.
	if len(diffs) != 0 {
		t.Errorf("OU policy should win over root: diffs %v", diffs)
	}
	diffs, err = oc.CompareEffectivePolicy(ctx, "222222222222", []byte(orgPolicy))
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) == 0 {
		t.Fatal("account under root only: got no diffs; want the missing plan parts")
	}
	found := false
	for _, d := range diffs {
		if d.Path == "plans.prod.rules.daily.schedule_expression" && d.Got == "cron(0 1 ? * * *)" {
			found = true
		}
	}
	if !found {
		t.Errorf("diffs %v; want schedule_expression got cron(0 1 ? * * *)", diffs)
	}

	// Updating content is an update, not a new policy.
	p.Content = []byte(override)
	pr3, err := oc.EnsurePolicy(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if pr3.Change != compliance.Updated || pr3.PolicyID != pr.PolicyID {
		t.Errorf("changed content: %+v; want updated %s", pr3, pr.PolicyID)
	}
}

func TestBackupPolicyValidate(t *testing.T) {
	t.Parallel()
	err := compliance.BackupPolicy{Name: "", Content: []byte(`{"x":1}`), Targets: []string{"nope"}}.Validate()
	if got := len(backup.ValidationErrors(err)); got != 3 {
		t.Errorf("got %d problems (%v); want 3", got, err)
	}
	if _, err := compliance.NewOrgClient(backuptest.NewOrgFake()).Setup(t.Context(), "12"); err == nil {
		t.Error("bad delegated admin: got nil error")
	}
}

func TestDiffPolicies(t *testing.T) {
	t.Parallel()
	d, err := compliance.DiffPolicies([]byte(`{"plans":{"a":{"n":{"@@assign":"35"},"l":{"@@assign":["x","y"]}}}}`), []byte(`{"plans":{"a":{"n":35,"l":["y","x"],"extra":"1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || d[0].Path != "plans.a.extra" || d[0].Want != nil {
		t.Errorf("diffs = %v; want only plans.a.extra (numbers equal their strings, lists compare as sets)", d)
	}
	role := `{"plans":{"a":{"role":{"@@assign":"arn:aws:iam::$account:role/R"}}}}`
	for _, tt := range []struct {
		got  string
		want int
	}{
		{`{"plans":{"a":{"role":"arn:aws:iam::111111111111:role/R"}}}`, 0},
		{`{"plans":{"a":{"role":"arn:aws:iam::$account:role/R"}}}`, 0},
		{`{"plans":{"a":{"role":"arn:aws:iam::111111111111:role/Other"}}}`, 1},
		{`{"plans":{"a":{"role":"arn:aws:iam::1:role/R"}}}`, 1},
	} {
		d, err := compliance.DiffPolicies([]byte(role), []byte(tt.got))
		if err != nil || len(d) != tt.want {
			t.Errorf("DiffPolicies($account vs %s) = %v, %v; want %d diffs", tt.got, d, err, tt.want)
		}
	}
}
