package orgstate

import (
	"fmt"
	"maps"
	"slices"

	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/internal/awsid"
)

// Snapshot is the organization as saved state: everything but the call
// log and the injected errors. Snapshot and Restore round-trip it.
type Snapshot struct {
	Management    string                           `json:"management"`
	Parents       map[string]string                `json:"parents"`
	OUNames       map[string]string                `json:"ouNames,omitempty"`
	Accounts      []string                         `json:"accounts"`
	AccountNames  map[string]string                `json:"accountNames,omitempty"`
	AccountState  map[string]orgtypes.AccountState `json:"accountState,omitempty"`
	Tags          map[string]map[string]string     `json:"tags,omitempty"`
	Roles         map[string][]Role                `json:"roles,omitempty"`
	Sessions      map[string]Session               `json:"sessions,omitempty"`
	Policies      map[string]*orgtypes.Policy      `json:"policies,omitempty"`
	Attachments   map[string][]string              `json:"attachments,omitempty"`
	EnabledTypes  []orgtypes.PolicyType            `json:"enabledPolicyTypes,omitempty"`
	ServiceAccess []string                         `json:"serviceAccess,omitempty"`
	Delegated     map[string][]string              `json:"delegatedAdministrators,omitempty"`
	OptInRegions  map[string][]string              `json:"optInRegions,omitempty"`
	Next          int                              `json:"next,omitempty"`
}

// Snapshot returns a copy of the organization's state.
func (f *Org) Snapshot() *Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &Snapshot{
		Management: f.management, Parents: maps.Clone(f.parents), OUNames: maps.Clone(f.ouNames),
		Accounts: slices.Sorted(maps.Keys(f.accounts)), AccountNames: maps.Clone(f.accountNames),
		AccountState: maps.Clone(f.accountState), Tags: map[string]map[string]string{}, Roles: map[string][]Role{},
		Sessions: maps.Clone(f.sessions), Policies: map[string]*orgtypes.Policy{}, Attachments: map[string][]string{},
		Delegated: map[string][]string{}, OptInRegions: map[string][]string{}, Next: f.next,
	}
	for id, t := range f.tags {
		s.Tags[id] = maps.Clone(t)
	}
	for id, rs := range f.roles {
		for _, name := range slices.Sorted(maps.Keys(rs)) {
			r := rs[name]
			s.Roles[id] = append(s.Roles[id], Role{Name: r.Name, Trusted: slices.Clone(r.Trusted), ExternalID: r.ExternalID})
		}
	}
	for id, p := range f.policies {
		s.Policies[id] = clonePolicy(p)
	}
	for id, t := range f.attachments {
		s.Attachments[id] = slices.Clone(t)
	}
	for t, on := range f.enabledTypes {
		if on {
			s.EnabledTypes = append(s.EnabledTypes, t)
		}
	}
	slices.Sort(s.EnabledTypes)
	for p, on := range f.serviceAccess {
		if on {
			s.ServiceAccess = append(s.ServiceAccess, p)
		}
	}
	slices.Sort(s.ServiceAccess)
	for p, ids := range f.delegated {
		s.Delegated[p] = slices.Clone(ids)
	}
	for id, rs := range f.optIn {
		s.OptInRegions[id] = slices.Clone(rs)
	}
	return s
}

// Restore replaces the organization's state with a snapshot's. The
// snapshot's management account must be this organization's (the
// emulator's own account); on error nothing changes.
func (f *Org) Restore(s *Snapshot) error {
	if s == nil {
		return fmt.Errorf("backuptest: no organization in the snapshot")
	}
	if s.Management != f.management {
		return fmt.Errorf("backuptest: the saved organization's management account is %s, not this emulator's account %s", s.Management, f.management)
	}
	accounts := map[string]bool{}
	for _, id := range s.Accounts {
		if !awsid.AccountID(id) {
			return fmt.Errorf("backuptest: saved organization: account id %q is not 12 digits", id)
		}
		accounts[id] = true
	}
	if !accounts[s.Management] {
		return fmt.Errorf("backuptest: saved organization: the management account %s is not among its accounts", s.Management)
	}
	for child, parent := range s.Parents {
		if parent != RootID && (accounts[parent] || s.Parents[parent] == "") {
			return fmt.Errorf("backuptest: saved organization: the parent %q of %s is not the root or an OU", parent, child)
		}
	}
	n := New(s.Management, f.clock)
	maps.Copy(n.parents, s.Parents)
	maps.Copy(n.ouNames, s.OUNames)
	n.accounts = accounts
	maps.Copy(n.accountNames, s.AccountNames)
	maps.Copy(n.accountState, s.AccountState)
	for id, t := range s.Tags {
		n.tags[id] = maps.Clone(t)
	}
	for id, rs := range s.Roles {
		n.roles[id] = map[string]*Role{}
		for _, r := range rs {
			n.roles[id][r.Name] = &Role{Name: r.Name, Trusted: slices.Clone(r.Trusted), ExternalID: r.ExternalID}
		}
	}
	maps.Copy(n.sessions, s.Sessions)
	for id, p := range s.Policies {
		if p == nil || p.PolicySummary == nil {
			return fmt.Errorf("backuptest: saved organization: policy %s has no summary", id)
		}
		n.policies[id] = clonePolicy(p)
	}
	for id, t := range s.Attachments {
		n.attachments[id] = slices.Clone(t)
	}
	for _, t := range s.EnabledTypes {
		n.enabledTypes[t] = true
	}
	for _, p := range s.ServiceAccess {
		n.serviceAccess[p] = true
	}
	for p, ids := range s.Delegated {
		n.delegated[p] = slices.Clone(ids)
	}
	for id, rs := range s.OptInRegions {
		n.optIn[id] = slices.Clone(rs)
	}
	n.next = s.Next
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parents, f.ouNames, f.accounts, f.accountNames, f.accountState = n.parents, n.ouNames, n.accounts, n.accountNames, n.accountState
	f.tags, f.roles, f.sessions, f.policies, f.attachments = n.tags, n.roles, n.sessions, n.policies, n.attachments
	f.enabledTypes, f.serviceAccess, f.delegated, f.optIn, f.next = n.enabledTypes, n.serviceAccess, n.delegated, n.optIn, n.next
	return nil
}
