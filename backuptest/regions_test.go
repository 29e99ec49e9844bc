package backuptest_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

// defaultRegionCount is the number of commercial Regions enabled by default
// in every account (launched before March 2019).
const defaultRegionCount = 17

func seedRegionsOrg(t *testing.T, srv *backuptest.Server) {
	t.Helper()
	err := srv.SeedOrganization(backuptest.OrgSpec{
		OUs: []backuptest.OUSpec{{Name: "prod"}},
		Accounts: []backuptest.AccountSpec{
			{ID: "111111111111", Name: "payments", OU: "prod", OptInRegions: []string{"af-south-1", "me-south-1"}},
			{ID: "222222222222", Name: "web", OU: "prod"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func listRegions(t *testing.T, c *account.Client, in *account.ListRegionsInput) (names []string, statuses map[string]accounttypes.RegionOptStatus, err error) {
	t.Helper()
	statuses = map[string]accounttypes.RegionOptStatus{}
	pg := account.NewListRegionsPaginator(c, in)
	for pg.HasMorePages() {
		page, err := pg.NextPage(t.Context())
		if err != nil {
			return nil, nil, err
		}
		for _, r := range page.Regions {
			names = append(names, aws.ToString(r.RegionName))
			statuses[aws.ToString(r.RegionName)] = r.RegionOptStatus
		}
	}
	return names, statuses, nil
}

// account:ListRegions answers per account: the Regions every account has,
// the opt-in Regions this one enabled, the rest DISABLED; the management
// account may ask about a member, a member not about another.
func TestAccountListRegions(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedRegionsOrg(t, srv)
	enabled := []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault}

	member := account.NewFromConfig(srv.ConfigFor("111111111111", "us-east-1"))
	names, st, err := listRegions(t, member, &account.ListRegionsInput{RegionOptStatusContains: enabled, MaxResults: aws.Int32(5)})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != defaultRegionCount+2 || st["af-south-1"] != accounttypes.RegionOptStatusEnabled || st["us-east-1"] != accounttypes.RegionOptStatusEnabledByDefault {
		t.Errorf("member's enabled Regions = %v; want the %d default ones plus af-south-1 and me-south-1 (ENABLED)", st, defaultRegionCount)
	}
	if !slices.IsSorted(names) {
		t.Errorf("Regions not in name order across pages: %v", names)
	}
	if _, ok := st["ap-east-1"]; ok {
		t.Errorf("a disabled Region is listed under ENABLED|ENABLED_BY_DEFAULT: %v", names)
	}

	mgmt := account.NewFromConfig(srv.Config())
	names, _, err = listRegions(t, mgmt, &account.ListRegionsInput{AccountId: aws.String("222222222222"), RegionOptStatusContains: enabled})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != defaultRegionCount || slices.Contains(names, "af-south-1") {
		t.Errorf("web's Regions, asked by the management account = %v; want the %d default ones", names, defaultRegionCount)
	}
	_, st, err = listRegions(t, mgmt, &account.ListRegionsInput{AccountId: aws.String("222222222222"), RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusDisabled}})
	if err != nil {
		t.Fatal(err)
	}
	if st["af-south-1"] != accounttypes.RegionOptStatusDisabled || st["us-east-1"] != "" {
		t.Errorf("web's DISABLED Regions = %v; want af-south-1 and no default Region", st)
	}

	var ae smithy.APIError
	_, _, err = listRegions(t, member, &account.ListRegionsInput{AccountId: aws.String("222222222222")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("a member asking about another account: %v; want AccessDeniedException", err)
	}
	_, _, err = listRegions(t, mgmt, &account.ListRegionsInput{AccountId: aws.String("999999999999")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("an account outside the organization: %v; want AccessDeniedException", err)
	}
	_, _, err = listRegions(t, member, &account.ListRegionsInput{MaxResults: aws.Int32(51)})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" {
		t.Errorf("MaxResults 51: %v; want ValidationException", err)
	}
}

// EC2 DescribeRegions, the fallback when account:ListRegions is denied,
// lists the caller's enabled Regions, or every one with AllRegions.
func TestEC2DescribeRegions(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedRegionsOrg(t, srv)
	c := ec2.NewFromConfig(srv.ConfigFor("111111111111", "eu-west-1"))
	out, err := c.DescribeRegions(t.Context(), &ec2.DescribeRegionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, r := range out.Regions {
		status[aws.ToString(r.RegionName)] = aws.ToString(r.OptInStatus)
	}
	if len(out.Regions) != defaultRegionCount+2 || status["me-south-1"] != "opted-in" || status["eu-west-1"] != "opt-in-not-required" {
		t.Errorf("DescribeRegions = %v; want %d Regions with me-south-1 opted in", status, defaultRegionCount+2)
	}
	all, err := c.DescribeRegions(t.Context(), &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true), Filters: []ec2types.Filter{{Name: aws.String("opt-in-status"), Values: []string{"not-opted-in"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all.Regions {
		if aws.ToString(r.OptInStatus) != "not-opted-in" || aws.ToString(r.RegionName) == "af-south-1" {
			t.Errorf("AllRegions with opt-in-status=not-opted-in lists %s (%s)", aws.ToString(r.RegionName), aws.ToString(r.OptInStatus))
		}
	}
	if len(all.Regions) == 0 {
		t.Error("AllRegions lists no Region not opted in")
	}
	_, err = c.DescribeRegions(t.Context(), &ec2.DescribeRegionsInput{RegionNames: []string{"xx-nowhere-1"}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Errorf("unknown Region name: %v; want InvalidParameterValue", err)
	}
}

// The organization is part of the saved state: after a load into a new
// emulator, its accounts, OUs, roles, issued sessions and Regions are back.
func TestOrganizationSurvivesSaveAndLoad(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seedRegionsOrg(t, srv)
	// A session issued before the save keeps working after the load.
	out, err := sts.NewFromConfig(srv.Config()).AssumeRole(t.Context(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222222222222:role/" + backuptest.DefaultOrgRole), RoleSessionName: aws.String("backupkit"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := srv.SaveState(&buf); err != nil {
		t.Fatal(err)
	}

	again := backuptest.NewServer(t)
	if err := again.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	// What an emulator restarted with --state and the same --resources
	// file does: seeding the same organization again changes nothing.
	seedRegionsOrg(t, again)
	accts, err := organizations.NewFromConfig(again.Config()).ListAccounts(t.Context(), &organizations.ListAccountsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accts.Accounts {
		ids = append(ids, aws.ToString(a.Id)+"/"+aws.ToString(a.Name))
	}
	if want := []string{"111111111111/payments", backuptest.DefaultAccountID + "/management", "222222222222/web"}; !slices.Equal(ids, want) {
		t.Errorf("accounts after load = %v; want %v", ids, want)
	}
	cfg := again.ConfigFor("222222222222", "us-east-1")
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId), aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(id.Arn); got != "arn:aws:sts::222222222222:assumed-role/"+backuptest.DefaultOrgRole+"/backupkit" {
		t.Errorf("caller after load = %s; want the assumed-role session", got)
	}
	if _, err := sts.NewFromConfig(again.Config()).AssumeRole(t.Context(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::111111111111:role/" + backuptest.DefaultOrgRole), RoleSessionName: aws.String("backupkit"),
	}); err != nil {
		t.Errorf("the member's role is gone after load: %v", err)
	}
	names, _, err := listRegions(t, account.NewFromConfig(again.ConfigFor("111111111111", "us-east-1")), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"af-south-1", "me-south-1"}; !slices.Equal(names, want) {
		t.Errorf("opted-in Regions after load = %v; want %v", names, want)
	}

	// A document whose organization belongs to another management account
	// is refused, and the state is left as it was.
	other := backuptest.NewServer(t, func(o *backuptest.Options) { o.AccountID = "333333333333" })
	if err := other.LoadState(bytes.NewReader(buf.Bytes())); err == nil {
		t.Error("loading another management account's organization succeeded")
	}
}
