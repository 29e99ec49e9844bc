package fleet_test

import (
	"errors"
	"slices"
	"testing"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/fleet"
)

func TestDelegateBackupAdmin(t *testing.T) {
	t.Parallel()
	org, _, _, _ := testOrg(t)
	srv := backuptest.NewServer(t)
	settings := srv.ClientFor(backuptest.OrgManagementAccount, "us-east-1")

	// Before: nothing is set up, and the check says so.
	var ce *fleet.DelegationCheckError
	if err := fleet.CheckDelegation(t.Context(), org, settings, "111111111111"); !errors.As(err, &ce) || len(ce.Missing) != 4 {
		t.Fatalf("check before setup: %v; want 4 missing items (trusted access, registration, two settings)", err)
	}

	d, err := fleet.DelegateBackupAdmin(t.Context(), org, settings, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if !d.Registered || !slices.Equal(d.SettingsChanged, []string{fleet.SettingCrossAccountBackup, fleet.SettingDelegatedAdmin}) {
		t.Errorf("first delegation %+v; want registered and both settings changed", d)
	}
	if !org.ServiceAccessEnabled(fleet.BackupServicePrincipal) {
		t.Error("trusted access for AWS Backup not enabled")
	}
	gs, err := settings.DescribeGlobalSettings(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if gs.GlobalSettings[fleet.SettingCrossAccountBackup] != "true" || gs.GlobalSettings[fleet.SettingDelegatedAdmin] != "true" {
		t.Errorf("global settings %v; want both on", gs.GlobalSettings)
	}

	// Again: idempotent, nothing changes.
	d, err = fleet.DelegateBackupAdmin(t.Context(), org, settings, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if d.Registered || len(d.SettingsChanged) != 0 {
		t.Errorf("second delegation %+v; want no change", d)
	}
	if n := countCalls(org.Calls(), "RegisterDelegatedAdministrator"); n != 1 {
		t.Errorf("RegisterDelegatedAdministrator called %d times; want 1", n)
	}

	// The management account cannot be its own delegated administrator:
	// AWS's error comes back wrapped.
	_, err = fleet.DelegateBackupAdmin(t.Context(), org, settings, backuptest.OrgManagementAccount)
	var cv *orgtypes.ConstraintViolationException
	if !errors.As(err, &cv) {
		t.Errorf("delegating the management account: %v; want ConstraintViolationException", err)
	}
	if _, err := fleet.DelegateBackupAdmin(t.Context(), org, settings, "1111"); err == nil {
		t.Error("a 4-digit account id was accepted")
	}
}

func countCalls(calls []string, op string) int {
	n := 0
	for _, c := range calls {
		if c == op {
			n++
		}
	}
	return n
}
