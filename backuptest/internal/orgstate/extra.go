package orgstate

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/internal/awsid"
)

// maxPage is the most items one Organizations list call answers
// (MaxResults is 1–20 for these operations).
const maxPage = 20

// page returns one page of ids from token (the index to start at) and
// the next token, nil at the end.
func page(ids []string, token *string, max *int32) ([]string, *string, error) {
	n := maxPage
	if max != nil {
		if *max < 1 || *max > maxPage {
			return nil, nil, &orgtypes.InvalidInputException{Message: aws.String(fmt.Sprintf("MaxResults must be within 1..%d", maxPage))}
		}
		n = int(*max)
	}
	start := 0
	if t := aws.ToString(token); t != "" {
		i, err := strconv.Atoi(strings.TrimPrefix(t, "bk-"))
		if err != nil || !strings.HasPrefix(t, "bk-") || i < 0 || i > len(ids) {
			return nil, nil, &orgtypes.InvalidInputException{Message: aws.String("The NextToken is not valid."), Reason: orgtypes.InvalidInputExceptionReasonInvalidPaginationToken}
		}
		start = i
	}
	end := min(start+n, len(ids))
	var next *string
	if end < len(ids) {
		next = aws.String("bk-" + strconv.Itoa(end))
	}
	return ids[start:end], next, nil
}

// Role is an IAM role in a member account that STS AssumeRole can
// assume: Trusted lists the accounts its trust policy names ("*" for any),
// ExternalID the sts:ExternalId its trust policy requires, if any.
type Role struct {
	Name       string
	Trusted    []string
	ExternalID string
}

// PutRole creates or replaces a role in an account of the organization.
// With no trusted accounts the role trusts the management account.
func (f *Org) PutRole(account string, r Role) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[account] {
		return fmt.Errorf("backuptest: no account %q in the organization", account)
	}
	if !awsid.RoleName(r.Name) {
		return fmt.Errorf("backuptest: %q is not a role name", r.Name)
	}
	if len(r.Trusted) == 0 {
		r.Trusted = []string{f.management}
	}
	if f.roles[account] == nil {
		f.roles[account] = map[string]*Role{}
	}
	f.roles[account][r.Name] = &Role{Name: r.Name, Trusted: slices.Clone(r.Trusted), ExternalID: r.ExternalID}
	return nil
}

// DeleteRole removes a role from an account; it reports whether it was
// there.
func (f *Org) DeleteRole(account, name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.roles[account][name]
	delete(f.roles[account], name)
	return ok
}

// Roles returns the names of an account's roles, sorted.
func (f *Org) Roles(account string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.roles[account]))
}

// CanAssume reports why caller may not assume the role (empty when it
// may): the account is not in the organization or has no such role, the
// role does not trust the caller, or the external id differs.
func (f *Org) CanAssume(caller, account, roleName, externalID string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[account] {
		return "account " + account + " is not in the organization"
	}
	r, ok := f.roles[account][roleName]
	if !ok {
		return "account " + account + " has no role " + roleName
	}
	if !slices.Contains(r.Trusted, caller) && !slices.Contains(r.Trusted, "*") {
		return "the role's trust policy does not name account " + caller
	}
	if r.ExternalID != "" && r.ExternalID != externalID {
		return "the role's trust policy requires another sts:ExternalId"
	}
	return ""
}

// Session is an assumed-role session STS issued.
type Session struct {
	Account string
	Role    string
	Name    string
}

// AddSession records a session under its access key id.
func (f *Org) AddSession(accessKeyID string, s Session) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[accessKeyID] = s
}

// SessionOf returns the session an access key id was issued for.
func (f *Org) SessionOf(accessKeyID string) (Session, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[accessKeyID]
	return s, ok
}

// IsMember reports whether an account is in the organization.
func (f *Org) IsMember(account string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.accounts[account]
}

// IsDelegatedAdmin reports whether an account is a delegated
// administrator of the service principal.
func (f *Org) IsDelegatedAdmin(servicePrincipal, account string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.delegated[servicePrincipal], account)
}

// IsAnyDelegatedAdmin reports whether an account is a delegated
// administrator of any service (such accounts may call Organizations'
// read-only operations).
func (f *Org) IsAnyDelegatedAdmin(account string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, accts := range f.delegated {
		if slices.Contains(accts, account) {
			return true
		}
	}
	return false
}

// DescribeOrganization describes the organization.
func (f *Org) DescribeOrganization(_ context.Context, _ *organizations.DescribeOrganizationInput, _ ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DescribeOrganization"); err != nil {
		return nil, err
	}
	return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{
		Id: aws.String(ID), Arn: aws.String("arn:aws:organizations::" + f.management + ":organization/" + ID), FeatureSet: orgtypes.OrganizationFeatureSetAll,
		MasterAccountId: aws.String(f.management), MasterAccountArn: aws.String("arn:aws:organizations::" + f.management + ":account/" + ID + "/" + f.management),
		MasterAccountEmail: aws.String("management@example.com"),
	}}, nil
}

// DeregisterDelegatedAdministrator removes a delegated administrator.
func (f *Org) DeregisterDelegatedAdministrator(_ context.Context, in *organizations.DeregisterDelegatedAdministratorInput, _ ...func(*organizations.Options)) (*organizations.DeregisterDelegatedAdministratorOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin("DeregisterDelegatedAdministrator"); err != nil {
		return nil, err
	}
	acct, sp := aws.ToString(in.AccountId), aws.ToString(in.ServicePrincipal)
	if !f.accounts[acct] {
		return nil, &orgtypes.AccountNotFoundException{Message: aws.String("We can't find an account with the AccountId that you specified.")}
	}
	i := slices.Index(f.delegated[sp], acct)
	if i < 0 {
		return nil, &orgtypes.AccountNotRegisteredException{Message: aws.String("The provided account is not a registered delegated administrator for your organization.")}
	}
	f.delegated[sp] = slices.Delete(f.delegated[sp], i, i+1)
	return &organizations.DeregisterDelegatedAdministratorOutput{}, nil
}

// AddOUWithID creates an organizational unit with a given id and name
// under parent (the root or an OU).
func (f *Org) AddOUWithID(id, name, parent string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !awsid.OrganizationalUnitID(id) {
		return fmt.Errorf("backuptest: %q is not an OU id (ou-xxxx-xxxxxxxx)", id)
	}
	if f.exists(id) {
		return fmt.Errorf("backuptest: %s already exists in the organization", id)
	}
	if !f.exists(parent) || f.accounts[parent] {
		return fmt.Errorf("backuptest: parent %q is not the root or an OU", parent)
	}
	f.parents[id] = parent
	f.ouNames[id] = name
	return nil
}

// OUByName returns the id of the OU with this name ("" if none).
func (f *Org) OUByName(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(f.ouNames)) {
		if f.ouNames[id] == name {
			return id
		}
	}
	return ""
}
