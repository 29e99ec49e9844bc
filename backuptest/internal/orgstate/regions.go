package orgstate

import (
	"fmt"
	"slices"

	"github.com/backupkit/backupkit/internal/awsid"
)

// RegionStatus is a Region and its opt status in one account, as AWS
// Account Management's ListRegions reports it.
type RegionStatus struct {
	Name string
	// Status is ENABLED_BY_DEFAULT, ENABLED or DISABLED.
	Status string
}

// Region opt statuses (account:ListRegions RegionOptStatus).
const (
	EnabledByDefault = "ENABLED_BY_DEFAULT"
	Enabled          = "ENABLED"
	Disabled         = "DISABLED"
)

// defaultRegions are the commercial Regions every account has enabled
// (launched before March 2019); optInRegions must be enabled per account.
// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
var (
	defaultRegions = []string{
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
		"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
		"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	}
	optInRegions = []string{
		"af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1",
		"me-south-1", "mx-central-1",
	}
)

// EnableRegions enables opt-in Regions in an account (the management
// account or a member). A Region that is enabled by default is accepted
// and changes nothing; a name that is not a Region, or a Region of
// another partition, is an error.
func (f *Org) EnableRegions(account string, regions ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.accounts[account] {
		return fmt.Errorf("backuptest: no account %q in the organization", account)
	}
	for _, r := range regions {
		switch {
		case slices.Contains(defaultRegions, r):
		case slices.Contains(optInRegions, r):
			if !slices.Contains(f.optIn[account], r) {
				f.optIn[account] = append(f.optIn[account], r)
				slices.Sort(f.optIn[account])
			}
		case awsid.Region(r):
			return fmt.Errorf("backuptest: Region %q is not a commercial Region the emulator knows (opt-in Regions: %v)", r, optInRegions)
		default:
			return fmt.Errorf("backuptest: %q is not a Region name", r)
		}
	}
	return nil
}

// Regions returns every commercial Region with its opt status in an
// account, sorted by name. An account outside the organization (a caller
// with no organization) has the default Regions only.
func (f *Org) Regions(account string) []RegionStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]RegionStatus, 0, len(defaultRegions)+len(optInRegions))
	for _, r := range defaultRegions {
		out = append(out, RegionStatus{r, EnabledByDefault})
	}
	for _, r := range optInRegions {
		st := Disabled
		if slices.Contains(f.optIn[account], r) {
			st = Enabled
		}
		out = append(out, RegionStatus{r, st})
	}
	slices.SortFunc(out, func(a, b RegionStatus) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}
