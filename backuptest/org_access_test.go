package backuptest_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

// Only the management account and AWS Backup's delegated administrator see
// other accounts' jobs.
func TestCrossAccountJobListingFollowsOrganizations(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	org := srv.Organization()
	const member = "111111111111"
	if err := org.AddAccount(member, backuptest.OrgRootID); err != nil {
		t.Fatal(err)
	}
	mc := srv.ClientFor(member, "us-east-1")
	for _, by := range []string{"*", backuptest.DefaultAccountID} {
		_, err := mc.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{ByAccountId: aws.String(by)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
			t.Errorf("member ByAccountId %q: %v; want AccessDeniedException", by, err)
		}
	}
	if _, err := mc.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{ByAccountId: aws.String(member)}); err != nil {
		t.Errorf("member listing its own jobs: %v", err)
	}
	if _, err := srv.Client().ListCopyJobs(t.Context(), &awsbackup.ListCopyJobsInput{ByAccountId: aws.String("*")}); err != nil {
		t.Errorf("management account listing every account: %v", err)
	}
	ctx := t.Context()
	if _, err := org.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(member), ServicePrincipal: aws.String("backup.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := mc.ListRestoreJobs(t.Context(), &awsbackup.ListRestoreJobsInput{ByAccountId: aws.String("*")}); err != nil {
		t.Errorf("delegated administrator listing every account: %v", err)
	}
}
