package backuptest

import "github.com/backupkit/backupkit/backuptest/internal/orgstate"

// OrgFake is an AWS Organizations organization with the operations
// backupkit uses, called in-process with the same method signatures as
// *organizations.Client and Organizations' real error types: backup
// policies, policy types, trusted access, delegated administrators,
// effective policies, and the accounts, OUs and account tags; Calls and
// FailNext for assertions and error injection; PutRole/DeleteRole for the
// IAM roles STS lets callers assume.
//
// Every Emulator has one (Emulator.Organization), which its endpoint also
// serves to the SDK, the AWS CLI and boto3 over the Organizations and STS
// wire protocols, so a test may seed it in-process and call it over HTTP
// (or the reverse). NewOrgFake returns a standalone one.
//
// Seed it with AddOU and AddAccount (a member gets the role
// OrganizationAccountAccessRole, trusting the management account). The
// root is OrgRootID.
type OrgFake struct {
	*orgstate.Org
}

// OrgRootID is the organization's root id.
const OrgRootID = orgstate.RootID

// OrgManagementAccount is a standalone OrgFake's management account (an
// Emulator's organization is managed by its Options.AccountID).
const OrgManagementAccount = DefaultAccountID

// DefaultOrgRole is the role every member account added with AddAccount has.
const DefaultOrgRole = orgstate.DefaultRole

// NewOrgFake returns a standalone organization with only the root and the
// management account OrgManagementAccount.
func NewOrgFake(clock ...Clock) *OrgFake {
	var c orgstate.Clock
	if len(clock) > 0 && clock[0] != nil {
		c = clock[0]
	}
	return &OrgFake{orgstate.New(OrgManagementAccount, c)}
}

// Organization returns the emulator's organization: the one its
// Organizations and STS endpoints serve and its cross-account job listing
// consults. Its management account is Options.AccountID.
func (e *Emulator) Organization() *OrgFake {
	e.mu.Lock()
	defer e.mu.Unlock()
	return &OrgFake{e.org}
}
