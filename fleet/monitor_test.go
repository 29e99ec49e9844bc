package fleet_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/fleet"
)

func TestMonitorsOrganization(t *testing.T) {
	t.Parallel()
	org, _, _, _ := testOrg(t)
	ctx := t.Context()
	if _, err := org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(fleet.BackupServicePrincipal)}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{
		AccountId: aws.String("333333333333"), ServicePrincipal: aws.String(fleet.BackupServicePrincipal)}); err != nil {
		t.Fatal(err)
	}
	for account, want := range map[string]bool{backuptest.DefaultAccountID: true, "333333333333": true, "111111111111": false} {
		got, err := fleet.MonitorsOrganization(ctx, org, account)
		if err != nil || got != want {
			t.Errorf("MonitorsOrganization(%s) = %v, %v; want %v", account, got, err, want)
		}
	}
}
