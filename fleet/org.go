package fleet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
)

// OrganizationsAPI is the part of the AWS Organizations client that
// resolving an organization's accounts uses.
type OrganizationsAPI interface {
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	ListAccountsForParent(context.Context, *organizations.ListAccountsForParentInput, ...func(*organizations.Options)) (*organizations.ListAccountsForParentOutput, error)
	ListOrganizationalUnitsForParent(context.Context, *organizations.ListOrganizationalUnitsForParentInput, ...func(*organizations.Options)) (*organizations.ListOrganizationalUnitsForParentOutput, error)
	ListTagsForResource(context.Context, *organizations.ListTagsForResourceInput, ...func(*organizations.Options)) (*organizations.ListTagsForResourceOutput, error)
	// ListRoots finds where to look up OUs given by name (ResolveOUs).
	ListRoots(context.Context, *organizations.ListRootsInput, ...func(*organizations.Options)) (*organizations.ListRootsOutput, error)
}

var _ OrganizationsAPI = (*organizations.Client)(nil)

// ErrOUNotFound is matched (errors.Is) when an organizational unit or root
// named in a Spec does not exist in the organization.
var ErrOUNotFound = errors.New("not found in the organization")

// Spec is a scope as a user asks for it: a static list of accounts, or the
// organization's accounts (all of them, or those under some OUs, optionally
// only those with some tags), in named Regions or in each account's
// enabled Regions. Resolve turns it into a Scope.
type Spec struct {
	// Accounts is a static list of account ids.
	Accounts []string
	// Organization takes the accounts from AWS Organizations: ListAccounts,
	// or with OUs a recursive walk under each. Accounts that are not ACTIVE
	// are skipped.
	Organization bool
	// OUs are the organizational units to walk: ids ("ou-…"), the root id
	// ("r-…"), names ("prod") or paths of names from the root ("prod/eu"),
	// which ResolveOUs looks up; empty means the whole organization.
	OUs []string
	// AccountTags keeps only accounts carrying every one of these tags
	// with exactly this value (Organizations ListTagsForResource).
	AccountTags map[string]string
	// Regions are the Regions to cover; AllEnabledRegions asks for each
	// account's enabled Regions instead.
	Regions           []string
	AllEnabledRegions bool
}

// Validate reports every problem with the spec at once, before any call
// to AWS: account ids that are not 12 digits, Organizations and a static
// list together, OUs or tags without Organizations, OU ids of the wrong
// form, and Region names that are not Regions.
func (s Spec) Validate() error {
	var errs []error
	switch {
	case s.Organization && len(s.Accounts) > 0:
		errs = append(errs, &backup.ValidationError{Field: "Accounts", Reason: "a static account list and the organization's accounts exclude each other"})
	case !s.Organization && len(s.Accounts) == 0:
		errs = append(errs, &backup.ValidationError{Field: "Accounts", Reason: "name accounts or take them from the organization"})
	}
	for i, id := range s.Accounts {
		if !awsid.AccountID(id) {
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Accounts[%d]", i), Reason: fmt.Sprintf("%q is not a 12-digit account id", id)})
		}
	}
	if !s.Organization && len(s.OUs) > 0 {
		errs = append(errs, &backup.ValidationError{Field: "OUs", Reason: "organizational units need the organization's accounts"})
	}
	if !s.Organization && len(s.AccountTags) > 0 {
		errs = append(errs, &backup.ValidationError{Field: "AccountTags", Reason: "account tags need the organization's accounts"})
	}
	for i, ou := range s.OUs {
		if reason := checkOURef(ou); reason != "" {
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("OUs[%d]", i), Reason: reason})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(s.AccountTags)) {
		if k == "" || len(k) > 128 {
			errs = append(errs, &backup.ValidationError{Field: "AccountTags", Reason: fmt.Sprintf("tag key %q must be 1-128 characters", k)})
		}
		if len(s.AccountTags[k]) > 256 {
			errs = append(errs, &backup.ValidationError{Field: "AccountTags[" + k + "]", Reason: "tag value is at most 256 characters"})
		}
	}
	errs = append(errs, checkRegions(s.Regions, s.AllEnabledRegions)...)
	return errors.Join(errs...)
}

// Resolve validates the spec and returns its scope. A static list needs no
// call; the organization's accounts are read through api (which may be nil
// for a static list). OUs given by name are looked up first (ResolveOUs),
// before any account is listed. A missing OU answers an error matching
// ErrOUNotFound, an OU name that several OUs carry ErrOUAmbiguous.
func (s Spec) Resolve(ctx context.Context, api OrganizationsAPI) (Scope, error) {
	if err := s.Validate(); err != nil {
		return Scope{}, err
	}
	sc := Scope{Regions: slices.Clone(s.Regions), AllEnabledRegions: s.AllEnabledRegions}
	if !s.Organization {
		seen := map[string]bool{}
		for _, id := range s.Accounts {
			if !seen[id] {
				seen[id] = true
				sc.Accounts = append(sc.Accounts, Account{ID: id})
			}
		}
		return sc, nil
	}
	if api == nil {
		return Scope{}, errors.New("fleet: the organization's accounts need an Organizations client")
	}
	ous, err := ResolveOUs(ctx, api, s.OUs)
	if err != nil {
		return Scope{}, err
	}
	accts, err := OrganizationAccounts(ctx, api, ous, s.AccountTags)
	if err != nil {
		return Scope{}, err
	}
	if len(accts) == 0 {
		return Scope{}, errors.New("fleet: no ACTIVE account in the organization matches")
	}
	sc.Accounts = accts
	return sc, nil
}

// OrganizationAccounts lists the organization's ACTIVE accounts, sorted by
// id: all of them (ListAccounts), or those anywhere under the given OUs or
// root (ListAccountsForParent and ListOrganizationalUnitsForParent,
// recursively). With tags, only accounts that carry every tag with the
// given value are kept (one ListTagsForResource per account).
func OrganizationAccounts(ctx context.Context, api OrganizationsAPI, ous []string, tags map[string]string) ([]Account, error) {
	found := map[string]Account{}
	add := func(a orgtypes.Account) {
		if !active(a) {
			return
		}
		id := aws.ToString(a.Id)
		found[id] = Account{ID: id, Name: aws.ToString(a.Name)}
	}
	if len(ous) == 0 {
		pg := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list the organization's accounts: %w", err)
			}
			for _, a := range page.Accounts {
				add(a)
			}
		}
	}
	walked := map[string]bool{}
	for _, ou := range ous {
		if err := walk(ctx, api, ou, ou, walked, add); err != nil {
			return nil, err
		}
	}
	out := make([]Account, 0, len(found))
	for _, id := range slices.Sorted(maps.Keys(found)) {
		a := found[id]
		if len(tags) > 0 {
			t, err := accountTags(ctx, api, id)
			if err != nil {
				return nil, err
			}
			if !hasTags(t, tags) {
				continue
			}
			a.Tags = t
		}
		out = append(out, a)
	}
	return out, nil
}

// active reports whether an account is ACTIVE. State replaces the older
// Status field; either may be the only one set.
func active(a orgtypes.Account) bool {
	if a.State != "" {
		return a.State == orgtypes.AccountStateActive
	}
	return a.Status == orgtypes.AccountStatusActive
}

func walk(ctx context.Context, api OrganizationsAPI, top, parent string, walked map[string]bool, add func(orgtypes.Account)) error {
	if walked[parent] {
		return nil
	}
	walked[parent] = true
	notFound := func(err error) error {
		var pnf *orgtypes.ParentNotFoundException
		if errors.As(err, &pnf) {
			if parent == top {
				return fmt.Errorf("organizational unit %s: %w", top, ErrOUNotFound)
			}
			return fmt.Errorf("organizational unit %s (under %s) vanished during the walk: %w", parent, top, err)
		}
		return nil
	}
	ap := organizations.NewListAccountsForParentPaginator(api, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx)
		if err != nil {
			if nf := notFound(err); nf != nil {
				return nf
			}
			return fmt.Errorf("list accounts under %s: %w", parent, err)
		}
		for _, a := range page.Accounts {
			add(a)
		}
	}
	op := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	var children []string
	for op.HasMorePages() {
		page, err := op.NextPage(ctx)
		if err != nil {
			if nf := notFound(err); nf != nil {
				return nf
			}
			return fmt.Errorf("list organizational units under %s: %w", parent, err)
		}
		for _, ou := range page.OrganizationalUnits {
			children = append(children, aws.ToString(ou.Id))
		}
	}
	for _, c := range children {
		if err := walk(ctx, api, top, c, walked, add); err != nil {
			return err
		}
	}
	return nil
}

func accountTags(ctx context.Context, api OrganizationsAPI, id string) (map[string]string, error) {
	tags := map[string]string{}
	pg := organizations.NewListTagsForResourcePaginator(api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tags of account %s: %w", id, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}

func hasTags(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ParseTag reads a "KEY=VALUE" account tag filter.
func ParseTag(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return "", "", &backup.ValidationError{Field: "account-tag", Reason: fmt.Sprintf("%q is not KEY=VALUE", s)}
	}
	return k, v, nil
}
