package fleet

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
)

// DefaultRoleName is the role a run assumes in each member account unless
// Options.RoleName says otherwise: the administrator role AWS Organizations
// creates in every account it creates.
const DefaultRoleName = "OrganizationAccountAccessRole"

// AccountPlaceholder in Options.RoleName is replaced by each account's id,
// for role names that differ per account ("backupkit-{account}").
const AccountPlaceholder = "{account}"

// EnabledWord is the word that asks for each account's enabled Regions
// in place of a list (ParseRegions, the CLI's --regions enabled).
const EnabledWord = "enabled"

// Account is one AWS account of a scope. Name and Tags are known when the
// account comes from AWS Organizations.
type Account struct {
	ID   string            `json:"id"`
	Name string            `json:"name,omitempty"`
	Tags map[string]string `json:"tags,omitempty"`
}

// Scope is the set of (account, Region) pairs a run covers: every account
// in every Region of Regions, or, with AllEnabledRegions, every Region each
// account has enabled (account:ListRegions, else EC2 DescribeRegions,
// resolved when the run starts).
type Scope struct {
	Accounts          []Account
	Regions           []string
	AllEnabledRegions bool
}

// Validate reports every problem with the scope at once: account ids that
// are not 12 digits or appear twice, Region names that are not Regions, no
// accounts, and neither or both of Regions and AllEnabledRegions.
func (s Scope) Validate() error {
	var errs []error
	if len(s.Accounts) == 0 {
		errs = append(errs, &backup.ValidationError{Field: "Accounts", Reason: "at least one account is required"})
	}
	seen := map[string]bool{}
	for i, a := range s.Accounts {
		switch {
		case !awsid.AccountID(a.ID):
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Accounts[%d]", i), Reason: fmt.Sprintf("%q is not a 12-digit account id", a.ID)})
		case seen[a.ID]:
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Accounts[%d]", i), Reason: fmt.Sprintf("account %s is listed twice", a.ID)})
		}
		seen[a.ID] = true
	}
	errs = append(errs, checkRegions(s.Regions, s.AllEnabledRegions)...)
	return errors.Join(errs...)
}

func checkRegions(regions []string, enabled bool) []error {
	var errs []error
	switch {
	case enabled && len(regions) > 0:
		errs = append(errs, &backup.ValidationError{Field: "Regions", Reason: "name Regions or ask for the enabled ones, not both"})
	case !enabled && len(regions) == 0:
		errs = append(errs, &backup.ValidationError{Field: "Regions", Reason: "at least one Region is required (or all enabled Regions)"})
	}
	seen := map[string]bool{}
	for i, r := range regions {
		switch {
		case !awsid.Region(r):
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Regions[%d]", i), Reason: fmt.Sprintf("%q is not an AWS Region name (like us-east-1)", r)})
		case seen[r]:
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Regions[%d]", i), Reason: fmt.Sprintf("Region %s is listed twice", r)})
		}
		seen[r] = true
	}
	return errs
}

// ParseAccounts splits a comma-separated list of account ids and checks
// each is 12 digits.
func ParseAccounts(list string) ([]Account, error) {
	var out []Account
	var errs []error
	for i, id := range splitList(list) {
		if !awsid.AccountID(id) {
			errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("accounts[%d]", i), Reason: fmt.Sprintf("%q is not a 12-digit account id", id)})
			continue
		}
		out = append(out, Account{ID: id})
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, &backup.ValidationError{Field: "accounts", Reason: "at least one account id is required"})
	}
	return out, errors.Join(errs...)
}

// ParseRegions reads a comma-separated list of Region names, or the word
// "enabled" for each account's enabled Regions.
func ParseRegions(list string) (regions []string, enabled bool, err error) {
	parts := splitList(list)
	if len(parts) == 1 && parts[0] == EnabledWord {
		return nil, true, nil
	}
	if slices.Contains(parts, EnabledWord) {
		return nil, false, &backup.ValidationError{Field: "regions", Reason: `"enabled" stands alone, not in a list of Regions`}
	}
	errs := checkRegions(parts, false)
	for _, e := range errs {
		var ve *backup.ValidationError
		if errors.As(e, &ve) {
			ve.Field = strings.ToLower(ve.Field[:1]) + ve.Field[1:]
		}
	}
	if len(errs) > 0 {
		return nil, false, errors.Join(errs...)
	}
	return parts, false, nil
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// RoleName expands a role name template for an account and checks the
// result is a valid IAM role name (1–64 of [\w+=,.@-], optionally after a
// path). The template may contain AccountPlaceholder.
func RoleName(template, accountID string) (string, error) {
	name := strings.ReplaceAll(template, AccountPlaceholder, accountID)
	if !awsid.RoleName(name) {
		return "", &backup.ValidationError{Field: "RoleName", Reason: fmt.Sprintf("%q is not a valid IAM role name: 1-64 of letters, digits and +=,.@_- (optionally after a path), with %s for the account id", template, AccountPlaceholder)}
	}
	return name, nil
}

// RoleARN is the ARN of the role a run assumes in an account.
func RoleARN(partition, accountID, roleName string) string {
	return "arn:" + partition + ":iam::" + accountID + ":role/" + strings.TrimPrefix(roleName, "/")
}
