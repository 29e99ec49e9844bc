package fleet_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/fleet"
)

// testOrg is root → OU prod (111…, 222…) → OU prod-eu (444…, suspended
// 555…); root → OU dev (333…); management 123… under the root.
func testOrg(t *testing.T) (org *backuptest.OrgFake, prod, prodEU, dev string) {
	t.Helper()
	org = backuptest.NewOrgFake()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	prod, err = org.AddOU(backuptest.OrgRootID)
	must(err)
	prodEU, err = org.AddOU(prod)
	must(err)
	dev, err = org.AddOU(backuptest.OrgRootID)
	must(err)
	must(org.AddAccount("111111111111", prod))
	must(org.AddAccount("222222222222", prod))
	must(org.AddAccount("444444444444", prodEU))
	must(org.AddAccount("555555555555", prodEU))
	must(org.AddAccount("333333333333", dev))
	must(org.SetAccountState("555555555555", orgtypes.AccountStateSuspended))
	must(org.TagAccount("111111111111", map[string]string{"env": "prod", "backup": "yes"}))
	must(org.TagAccount("444444444444", map[string]string{"env": "prod"}))
	must(org.TagAccount("333333333333", map[string]string{"env": "dev", "backup": "yes"}))
	return org, prod, prodEU, dev
}

func ids(accts []fleet.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, a.ID)
	}
	return out
}

func TestSpecResolve(t *testing.T) {
	t.Parallel()
	org, prod, prodEU, dev := testOrg(t)
	cases := []struct {
		name string
		spec fleet.Spec
		want []string
	}{
		{"static", fleet.Spec{Accounts: []string{"999999999999", "111111111111", "999999999999"}, Regions: []string{"us-east-1"}}, []string{"999999999999", "111111111111"}},
		{"whole organization skips suspended", fleet.Spec{Organization: true, Regions: []string{"us-east-1"}}, []string{"111111111111", "123456789012", "222222222222", "333333333333", "444444444444"}},
		{"OU walk is recursive", fleet.Spec{Organization: true, OUs: []string{prod}, Regions: []string{"us-east-1"}}, []string{"111111111111", "222222222222", "444444444444"}},
		{"nested OU", fleet.Spec{Organization: true, OUs: []string{prodEU}, Regions: []string{"us-east-1"}}, []string{"444444444444"}},
		{"two OUs", fleet.Spec{Organization: true, OUs: []string{prodEU, dev}, Regions: []string{"us-east-1"}}, []string{"333333333333", "444444444444"}},
		{"overlapping OUs", fleet.Spec{Organization: true, OUs: []string{prod, prodEU}, Regions: []string{"us-east-1"}}, []string{"111111111111", "222222222222", "444444444444"}},
		{"tag", fleet.Spec{Organization: true, AccountTags: map[string]string{"env": "prod"}, AllEnabledRegions: true}, []string{"111111111111", "444444444444"}},
		{"two tags under an OU", fleet.Spec{Organization: true, OUs: []string{prod}, AccountTags: map[string]string{"env": "prod", "backup": "yes"}, Regions: []string{"us-east-1"}}, []string{"111111111111"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, err := c.spec.Resolve(t.Context(), org)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(sc.Accounts); !slices.Equal(got, c.want) {
				t.Errorf("accounts %v; want %v", got, c.want)
			}
			if err := sc.Validate(); err != nil {
				t.Errorf("resolved scope invalid: %v", err)
			}
		})
	}
	sc, err := fleet.Spec{Organization: true, AccountTags: map[string]string{"env": "dev"}, Regions: []string{"us-east-1"}}.Resolve(t.Context(), org)
	if err != nil {
		t.Fatal(err)
	}
	if a := sc.Accounts[0]; a.Name == "" || a.Tags["backup"] != "yes" {
		t.Errorf("account %+v; want its name and tags from Organizations", a)
	}
}

func TestSpecResolveMissingOU(t *testing.T) {
	t.Parallel()
	org, _, _, _ := testOrg(t)
	_, err := fleet.Spec{Organization: true, OUs: []string{"ou-root-99999999"}, Regions: []string{"us-east-1"}}.Resolve(t.Context(), org)
	if !errors.Is(err, fleet.ErrOUNotFound) || !strings.Contains(err.Error(), "ou-root-99999999") {
		t.Fatalf("got %v; want ErrOUNotFound naming the OU", err)
	}
}

// OUs by name or path: looked up under the root before any account is
// listed; an unknown or ambiguous name stops the run there.
func TestSpecResolveOUNames(t *testing.T) {
	t.Parallel()
	org, prod, prodEU, dev := testOrg(t)
	devEU, err := org.AddOU(dev)
	if err != nil {
		t.Fatal(err)
	}
	for id, name := range map[string]string{prod: "prod", prodEU: "eu", dev: "dev", devEU: "eu"} {
		if err := org.SetOUName(id, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		ous  []string
		want []string
	}{
		{[]string{"prod"}, []string{"111111111111", "222222222222", "444444444444"}},
		{[]string{"prod/eu"}, []string{"444444444444"}},
		{[]string{"dev", prodEU}, []string{"333333333333", "444444444444"}},
	} {
		sc, err := fleet.Spec{Organization: true, OUs: c.ous, Regions: []string{"us-east-1"}}.Resolve(t.Context(), org)
		if err != nil {
			t.Fatalf("%v: %v", c.ous, err)
		}
		if got := ids(sc.Accounts); !slices.Equal(got, c.want) {
			t.Errorf("%v: accounts %v; want %v", c.ous, got, c.want)
		}
	}
	before := len(org.Calls())
	_, err = fleet.Spec{Organization: true, OUs: []string{"eu", "staging"}, Regions: []string{"us-east-1"}}.Resolve(t.Context(), org)
	if !errors.Is(err, fleet.ErrOUAmbiguous) || !errors.Is(err, fleet.ErrOUNotFound) {
		t.Fatalf("got %v; want both ErrOUAmbiguous (eu) and ErrOUNotFound (staging)", err)
	}
	for _, want := range []string{`"eu"`, "prod/eu (" + prodEU + ")", "dev/eu (" + devEU + ")", `"staging"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	for _, op := range org.Calls()[before:] {
		if op != "ListRoots" && op != "ListOrganizationalUnitsForParent" {
			t.Errorf("a bad OU name still called %s", op)
		}
	}
	// Ids alone need no lookup.
	before = len(org.Calls())
	if _, err := fleet.ResolveOUs(t.Context(), org, []string{prod, backuptest.OrgRootID}); err != nil || len(org.Calls()) != before {
		t.Errorf("ResolveOUs(ids) = %v after %d calls; want no call", err, len(org.Calls())-before)
	}
}

// refuseOrg fails the test on any Organizations call.
type refuseOrg struct{ t *testing.T }

func (r refuseOrg) ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	r.t.Error("ListAccounts called for an invalid spec")
	return nil, errors.New("refused")
}

func (r refuseOrg) ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error) {
	r.t.Error("ListAccountsForParent called for an invalid spec")
	return nil, errors.New("refused")
}

func (r refuseOrg) ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error) {
	r.t.Error("ListOrganizationalUnitsForParent called for an invalid spec")
	return nil, errors.New("refused")
}

func (r refuseOrg) ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	r.t.Error("ListRoots called for an invalid spec")
	return nil, errors.New("refused")
}

func (r refuseOrg) ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error) {
	r.t.Error("ListTagsForResource called for an invalid spec")
	return nil, errors.New("refused")
}

func TestSpecRejectsBadInputBeforeAnyCall(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		spec   fleet.Spec
		fields []string
	}{
		{"short account", fleet.Spec{Accounts: []string{"12345"}, Regions: []string{"us-east-1"}}, []string{"Accounts[0]"}},
		{"org and accounts", fleet.Spec{Organization: true, Accounts: []string{"111111111111"}, Regions: []string{"us-east-1"}}, []string{"Accounts"}},
		{"nothing", fleet.Spec{Regions: []string{"us-east-1"}}, []string{"Accounts"}},
		{"bad region", fleet.Spec{Organization: true, Regions: []string{"us-east-1", "mars-north-1"}}, []string{"Regions[1]"}},
		{"no region", fleet.Spec{Organization: true}, []string{"Regions"}},
		{"OU without org", fleet.Spec{Accounts: []string{"111111111111"}, OUs: []string{"ou-ab12-abcdefgh"}, Regions: []string{"us-east-1"}}, []string{"OUs"}},
		{"empty OU", fleet.Spec{Organization: true, OUs: []string{"prod", " "}, Regions: []string{"us-east-1"}}, []string{"OUs[1]"}},
		{"OU path with an empty name", fleet.Spec{Organization: true, OUs: []string{"prod//eu"}, Regions: []string{"us-east-1"}}, []string{"OUs[0]"}},
		{"OU name too long", fleet.Spec{Organization: true, OUs: []string{strings.Repeat("n", 129)}, Regions: []string{"us-east-1"}}, []string{"OUs[0]"}},
		{"tag without org", fleet.Spec{Accounts: []string{"111111111111"}, AccountTags: map[string]string{"a": "b"}, Regions: []string{"us-east-1"}}, []string{"AccountTags"}},
		{"everything at once", fleet.Spec{Accounts: []string{"1"}, Organization: true, Regions: []string{"x"}}, []string{"Accounts", "Accounts[0]", "Regions[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.spec.Resolve(t.Context(), refuseOrg{t})
			if err == nil {
				t.Fatal("no error")
			}
			for _, f := range c.fields {
				if !hasField(err, f) {
					t.Errorf("error %q does not name field %s", err, f)
				}
			}
		})
	}
}

func hasField(err error, field string) bool {
	var ve *backup.ValidationError
	if errors.As(err, &ve) && ve.Field == field {
		return true
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if hasField(e, field) {
				return true
			}
		}
	}
	return false
}

func TestParseLists(t *testing.T) {
	t.Parallel()
	accts, err := fleet.ParseAccounts(" 111111111111, 222222222222 ")
	if err != nil || !slices.Equal(ids(accts), []string{"111111111111", "222222222222"}) {
		t.Errorf("ParseAccounts = %v, %v", accts, err)
	}
	if _, err := fleet.ParseAccounts("111111111111,22222"); !hasField(err, "accounts[1]") {
		t.Errorf("ParseAccounts(short) = %v; want accounts[1] named", err)
	}
	regions, enabled, err := fleet.ParseRegions("us-east-1,eu-west-1")
	if err != nil || enabled || !slices.Equal(regions, []string{"us-east-1", "eu-west-1"}) {
		t.Errorf("ParseRegions = %v %v %v", regions, enabled, err)
	}
	if _, enabled, err := fleet.ParseRegions("enabled"); err != nil || !enabled {
		t.Errorf("ParseRegions(enabled) = %v %v", enabled, err)
	}
	if _, _, err := fleet.ParseRegions("us-east-1,enabled"); !hasField(err, "regions") {
		t.Errorf("ParseRegions(mixed) = %v; want an error", err)
	}
	if _, _, err := fleet.ParseRegions("us-east-1,Frankfurt"); !hasField(err, "regions[1]") {
		t.Errorf("ParseRegions(bad) = %v; want regions[1] named", err)
	}
	if k, v, err := fleet.ParseTag("env=prod=1"); err != nil || k != "env" || v != "prod=1" {
		t.Errorf("ParseTag = %q %q %v", k, v, err)
	}
	if _, _, err := fleet.ParseTag("=x"); err == nil {
		t.Error("ParseTag(=x): no error")
	}
}

type fakeAccountRegions struct{ err error }

func (f fakeAccountRegions) ListRegions(_ context.Context, in *account.ListRegionsInput, _ ...func(*account.Options)) (*account.ListRegionsOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	if !slices.Contains(in.RegionOptStatusContains, accounttypes.RegionOptStatusEnabledByDefault) {
		return nil, errors.New("want ENABLED_BY_DEFAULT asked for")
	}
	return &account.ListRegionsOutput{Regions: []accounttypes.Region{{RegionName: aws.String("us-west-2")}, {RegionName: aws.String("eu-south-1")}}}, nil
}

type fakeEC2Regions struct{ called *bool }

func (f fakeEC2Regions) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	*f.called = true
	return &ec2.DescribeRegionsOutput{Regions: []ec2types.Region{{RegionName: aws.String("us-east-1")}, {RegionName: aws.String("ap-south-1")}}}, nil
}

func TestEnabledRegions(t *testing.T) {
	t.Parallel()
	var ec2Called bool
	got, err := fleet.EnabledRegions(t.Context(), fakeAccountRegions{}, fakeEC2Regions{&ec2Called})
	if err != nil || !slices.Equal(got, []string{"eu-south-1", "us-west-2"}) || ec2Called {
		t.Errorf("ListRegions path: %v %v (ec2 called %v); want [eu-south-1 us-west-2] without EC2", got, err, ec2Called)
	}
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform account:ListRegions"}
	got, err = fleet.EnabledRegions(t.Context(), fakeAccountRegions{err: denied}, fakeEC2Regions{&ec2Called})
	if err != nil || !slices.Equal(got, []string{"ap-south-1", "us-east-1"}) || !ec2Called {
		t.Errorf("fallback: %v %v; want EC2's [ap-south-1 us-east-1]", got, err)
	}
}

func TestRunEnabledRegions(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	fs := newFakeSTS(mgmt, role(member1))
	var ec2Called bool
	r := newRunner(t, srv, fs, func(o *fleet.Options) {
		o.NewAccountRegions = func(aws.Config) fleet.AccountRegionsAPI { return fakeAccountRegions{} }
		o.NewEC2Regions = func(aws.Config) fleet.EC2RegionsAPI { return fakeEC2Regions{&ec2Called} }
	})
	res, err := fleet.Run(t.Context(), r, fleet.Scope{Accounts: []fleet.Account{{ID: member1}, {ID: noRole}}, AllEnabledRegions: true},
		func(_ context.Context, tg fleet.Target) (string, error) { return tg.Config.Region, nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Region != "eu-south-1" || res[1].Region != "us-west-2" || res[2].Account != noRole || res[2].Region != "" || res[2].Err == nil {
		t.Errorf("results %+v; want member1 in its two enabled Regions, and one failed result for the account without a role", res)
	}
}
