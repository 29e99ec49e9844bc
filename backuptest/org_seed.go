package backuptest

import (
	"errors"
	"fmt"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
)

// OrgSpec describes an organization to seed the emulator with: what the
// emulator command's --resources file carries under "organization", and
// what POST /_backupkit/organization takes.
type OrgSpec struct {
	// OUs are created in order; a parent is "" or "root" for the root, or
	// an earlier OU's id or name.
	OUs []OUSpec `json:"ous,omitempty"`
	// Accounts are member accounts.
	Accounts []AccountSpec `json:"accounts,omitempty"`
}

// OUSpec is one organizational unit of an OrgSpec.
type OUSpec struct {
	// ID is the OU id (ou-xxxx-xxxxxxxx); empty assigns one.
	ID     string `json:"id,omitempty"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
}

// AccountSpec is one member account of an OrgSpec.
type AccountSpec struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// OU is the id or name of the account's OU; empty for the root.
	OU   string            `json:"ou,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
	// State is ACTIVE (default), SUSPENDED, PENDING_CLOSURE, ….
	State string `json:"state,omitempty"`
	// Roles replace the default role (OrganizationAccountAccessRole,
	// trusting the management account); an empty list leaves the account
	// with no role to assume.
	Roles *[]RoleSpec `json:"roles,omitempty"`
	// OptInRegions are opt-in Regions the account has enabled (af-south-1,
	// me-south-1, …), which account:ListRegions and EC2 DescribeRegions
	// then list with the Regions every account has.
	OptInRegions []string `json:"optInRegions,omitempty"`
}

// RoleSpec is an IAM role a caller may assume with STS.
type RoleSpec struct {
	Name string `json:"name"`
	// Trusted lists the accounts the role trusts ("*" for any); empty
	// trusts the management account.
	Trusted []string `json:"trusted,omitempty"`
	// ExternalID is the sts:ExternalId the trust policy requires, if any.
	ExternalID string `json:"externalId,omitempty"`
}

// SeedOrganization adds the OUs and accounts of spec to the emulator's
// organization, entry by entry, and reports every entry it could not add,
// by its index (the entries that could be added stay). Seeding again is
// harmless: an OU that exists with the same name, or an account already in
// the organization, is kept where it is and only updated (name, tags,
// state, roles when given, opt-in Regions) — so an emulator restarted with
// --state and the same --resources file starts as it stopped. An account
// listed twice in one spec is an error.
func (e *Emulator) SeedOrganization(spec OrgSpec) error {
	org := e.Organization()
	var errs []error
	parent := func(ref string) string {
		switch ref {
		case "", "root", OrgRootID:
			return OrgRootID
		}
		if id := org.OUByName(ref); id != "" {
			return id
		}
		return ref
	}
	for i, ou := range spec.OUs {
		var err error
		if have := org.OUByName(ou.Name); have != "" && (ou.ID == "" || ou.ID == have) {
			continue // seeded before (a restart with --state)
		}
		if ou.ID == "" {
			var id string
			if id, err = org.AddOU(parent(ou.Parent)); err == nil {
				err = org.SetOUName(id, ou.Name)
			}
		} else {
			err = org.AddOUWithID(ou.ID, ou.Name, parent(ou.Parent))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("ous[%d]: %w", i, err))
		}
	}
	seen := map[string]bool{}
	for i, a := range spec.Accounts {
		if seen[a.ID] {
			errs = append(errs, fmt.Errorf("accounts[%d]: account %s is listed twice", i, a.ID))
			continue
		}
		seen[a.ID] = true
		if err := seedAccount(org.Org, a, parent(a.OU)); err != nil {
			errs = append(errs, fmt.Errorf("accounts[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func seedAccount(org *orgstate.Org, a AccountSpec, parent string) error {
	if !org.IsMember(a.ID) {
		if err := org.AddAccount(a.ID, parent); err != nil {
			return err
		}
	}
	if a.Name != "" {
		if err := org.SetAccountName(a.ID, a.Name); err != nil {
			return err
		}
	}
	if len(a.Tags) > 0 {
		if err := org.TagAccount(a.ID, a.Tags); err != nil {
			return err
		}
	}
	if a.State != "" {
		st := orgtypes.AccountState(a.State)
		if !contains(st.Values(), st) {
			return fmt.Errorf("state %q is not an account state", a.State)
		}
		if err := org.SetAccountState(a.ID, st); err != nil {
			return err
		}
	}
	if err := org.EnableRegions(a.ID, a.OptInRegions...); err != nil {
		return err
	}
	if a.Roles != nil {
		org.DeleteRole(a.ID, orgstate.DefaultRole)
		for _, r := range *a.Roles {
			if err := org.PutRole(a.ID, orgstate.Role{Name: r.Name, Trusted: r.Trusted, ExternalID: r.ExternalID}); err != nil {
				return err
			}
		}
	}
	return nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
