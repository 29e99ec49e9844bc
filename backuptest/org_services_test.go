package backuptest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

// The SDK's own stscreds provider assumes a role in a member account; the
// credentials it gets land every later call in that account.
func TestSTSAssumeRoleWithStscreds(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	const member = "111111111111"
	if err := srv.Organization().AddAccount(member, backuptest.OrgRootID); err != nil {
		t.Fatal(err)
	}
	mgmt := srv.Config()
	roleARN := "arn:aws:iam::" + member + ":role/" + backuptest.DefaultOrgRole
	cfg := srv.ConfigFor(member, "eu-west-1")
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(mgmt), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "backupkit"
	}))
	// The member client's access key comes from AssumeRole, not ConfigFor.
	cfg.Region = "eu-west-1"
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(id.Arn), "arn:aws:sts::"+member+":assumed-role/"+backuptest.DefaultOrgRole+"/backupkit"; got != want || aws.ToString(id.Account) != member {
		t.Errorf("caller %s (%s); want %s", got, aws.ToString(id.Account), want)
	}
	b := awsbackup.NewFromConfig(cfg)
	if _, err := b.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("member-vault")}); err != nil {
		t.Fatal(err)
	}
	out, err := b.DescribeBackupVault(t.Context(), &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("member-vault")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.BackupVaultArn); got != "arn:aws:backup:eu-west-1:"+member+":backup-vault:member-vault" {
		t.Errorf("vault %s; want it in the member account", got)
	}
	if n := countOp(srv, "AssumeRole"); n != 1 {
		t.Errorf("AssumeRole called %d times; want once (cached)", n)
	}

	// A role the account does not have: AccessDenied naming caller and role.
	st := sts.NewFromConfig(mgmt)
	_, err = st.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + member + ":role/Missing"), RoleSessionName: aws.String("backupkit")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !strings.Contains(ae.ErrorMessage(), "arn:aws:iam::"+backuptest.DefaultAccountID+":user/") || !strings.Contains(ae.ErrorMessage(), "role/Missing") {
		t.Errorf("missing role: %v; want AccessDenied naming the caller and the role", err)
	}
	// An account outside the organization.
	_, err = st.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/" + backuptest.DefaultOrgRole), RoleSessionName: aws.String("backupkit")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("account outside the organization: %v; want AccessDenied", err)
	}
	// Bad input.
	_, err = st.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("not-an-arn"), RoleSessionName: aws.String("backupkit")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" {
		t.Errorf("bad role ARN: %v; want ValidationError", err)
	}
}

func countOp(srv *backuptest.Server, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Operation == op {
			n++
		}
	}
	return n
}

// Organizations over the wire: paged account listing, OUs, tags, and who
// may call what.
func TestOrganizationsOverTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	org := srv.Organization()
	ou, err := org.AddOU(backuptest.OrgRootID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if err := org.AddAccount(fmt.Sprintf("%012d", 200000000000+i), ou); err != nil {
			t.Fatal(err)
		}
	}
	if err := org.TagAccount("200000000003", map[string]string{"env": "prod"}); err != nil {
		t.Fatal(err)
	}
	c := organizations.NewFromConfig(srv.Config())
	n, pages := 0, 0
	pg := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for pg.HasMorePages() {
		p, err := pg.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Accounts)
		pages++
	}
	if n != 26 || pages != 2 {
		t.Errorf("ListAccounts: %d accounts in %d pages; want 26 in 2 (20 per page)", n, pages)
	}
	ous, err := c.ListOrganizationalUnitsForParent(t.Context(), &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(backuptest.OrgRootID)})
	if err != nil || len(ous.OrganizationalUnits) != 1 || aws.ToString(ous.OrganizationalUnits[0].Id) != ou {
		t.Errorf("ListOrganizationalUnitsForParent = %+v, %v; want [%s]", ous, err, ou)
	}
	tags, err := c.ListTagsForResource(t.Context(), &organizations.ListTagsForResourceInput{ResourceId: aws.String("200000000003")})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "prod" {
		t.Errorf("ListTagsForResource = %+v, %v", tags, err)
	}
	_, err = c.ListAccountsForParent(t.Context(), &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-root-99999999")})
	var pnf *orgtypes.ParentNotFoundException
	if !errors.As(err, &pnf) || aws.ToString(pnf.Message) == "" {
		t.Errorf("missing parent: %v; want ParentNotFoundException with its message", err)
	}

	// A member account may describe the organization but not list it.
	mc := organizations.NewFromConfig(srv.ConfigFor("200000000001", "us-east-1"))
	if d, err := mc.DescribeOrganization(t.Context(), &organizations.DescribeOrganizationInput{}); err != nil || aws.ToString(d.Organization.MasterAccountId) != backuptest.DefaultAccountID {
		t.Errorf("member DescribeOrganization = %+v, %v", d, err)
	}
	_, err = mc.ListAccounts(t.Context(), &organizations.ListAccountsInput{})
	var ad *orgtypes.AccessDeniedException
	if !errors.As(err, &ad) {
		t.Errorf("member ListAccounts: %v; want AccessDeniedException", err)
	}
	// An account outside the organization.
	_, err = organizations.NewFromConfig(srv.ConfigFor("999999999999", "us-east-1")).DescribeOrganization(t.Context(), &organizations.DescribeOrganizationInput{})
	var niu *orgtypes.AWSOrganizationsNotInUseException
	if !errors.As(err, &niu) {
		t.Errorf("outsider DescribeOrganization: %v; want AWSOrganizationsNotInUseException", err)
	}
}
