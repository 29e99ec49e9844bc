// Package account answers AWS Account Management (restJson1) over the
// emulated organization: ListRegions, the Regions an account has enabled,
// which fleet runs read for "--regions enabled".
//
// Who may ask follows AWS: a caller for its own account, or (with
// AccountId) the organization's management account or a delegated
// administrator of account.amazonaws.com for a member account.
//
// Known differences from AWS: the Regions are the commercial partition's
// (17 enabled by default, the opt-in ones DISABLED until enabled with
// the organization seed's "optInRegions"); a member may name its own
// AccountId.
package account

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsaccount "github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/restjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
	"github.com/backupkit/backupkit/internal/awsid"
)

// ServicePrincipal is AWS Account Management's service principal, for
// delegated administration.
const ServicePrincipal = "account.amazonaws.com"

// New returns the Account Management service with its handlers.
func New() *serve.Service {
	s := serve.NewService("account", restjson.New(wireModel))
	s.Register("ListRegions", serve.Handle(listRegions))
	return s
}

func validation(format string, args ...any) error {
	return serve.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

func listRegions(r *serve.Request, in *awsaccount.ListRegionsInput) (*awsaccount.ListRegionsOutput, error) {
	account := r.Account
	if id := aws.ToString(in.AccountId); id != "" && id != r.Account {
		if !awsid.AccountID(id) {
			return nil, validation("1 validation error detected: Value '%s' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\d{12}$", id)
		}
		if r.Org == nil || (r.Account != r.Org.Management() && !r.Org.IsDelegatedAdmin(ServicePrincipal, r.Account)) {
			return nil, serve.Errorf(http.StatusForbidden, "AccessDeniedException", "Account %s is not the management account or a delegated administrator of its organization, so it cannot read account %s's Regions", r.Account, id)
		}
		if !r.Org.IsMember(id) {
			return nil, serve.Errorf(http.StatusForbidden, "AccessDeniedException", "Account %s is not a member of the organization", id)
		}
		account = id
	}
	limit := 20
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			return nil, validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50", *in.MaxResults)
		}
		limit = int(*in.MaxResults)
	}
	var want []string
	for _, st := range in.RegionOptStatusContains {
		if !slices.Contains(accounttypes.RegionOptStatus("").Values(), st) {
			return nil, validation("1 validation error detected: Value '%s' at 'regionOptStatusContains' failed to satisfy constraint: Member must satisfy enum value set: %v", st, accounttypes.RegionOptStatus("").Values())
		}
		want = append(want, string(st))
	}
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return nil, validation("The NextToken %q is not valid", tok)
		}
		start = n
	}
	var matched []orgstate.RegionStatus
	for _, rs := range regionsOf(r, account) {
		if len(want) == 0 || slices.Contains(want, rs.Status) {
			matched = append(matched, rs)
		}
	}
	out := &awsaccount.ListRegionsOutput{Regions: []accounttypes.Region{}}
	start = min(start, len(matched))
	end := min(start+limit, len(matched))
	for _, rs := range matched[start:end] {
		out.Regions = append(out.Regions, accounttypes.Region{RegionName: aws.String(rs.Name), RegionOptStatus: accounttypes.RegionOptStatus(rs.Status)})
	}
	if end < len(matched) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

// regionsOf is the account's Regions; without an organization, the
// default ones.
func regionsOf(r *serve.Request, account string) []orgstate.RegionStatus {
	if r.Org == nil {
		return orgstate.New(account, nil).Regions(account)
	}
	return r.Org.Regions(account)
}
