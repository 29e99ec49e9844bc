package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// AccountRegionsAPI is the part of the AWS Account Management client that
// finding an account's enabled Regions uses.
type AccountRegionsAPI interface {
	ListRegions(context.Context, *account.ListRegionsInput, ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

// EC2RegionsAPI is the part of the EC2 client used when account:ListRegions
// is not allowed: DescribeRegions lists the Regions enabled for the caller.
type EC2RegionsAPI interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

var (
	_ AccountRegionsAPI = (*account.Client)(nil)
	_ EC2RegionsAPI     = (*ec2.Client)(nil)
)

// EnabledRegions returns the Regions an account has enabled, sorted:
// account:ListRegions (ENABLED and ENABLED_BY_DEFAULT), or, when that call
// fails (an SCP or the role denies account:ListRegions, or the endpoint does
// not serve it), EC2 DescribeRegions, which lists the caller's enabled
// Regions. The error names both failures when neither works.
func EnabledRegions(ctx context.Context, acct AccountRegionsAPI, ec2api EC2RegionsAPI) ([]string, error) {
	var regions []string
	var listErr error
	if acct != nil {
		pg := account.NewListRegionsPaginator(acct, &account.ListRegionsInput{
			RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
		})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				listErr = fmt.Errorf("account:ListRegions: %w", err)
				regions = nil
				break
			}
			for _, r := range page.Regions {
				regions = append(regions, aws.ToString(r.RegionName))
			}
		}
		if listErr == nil {
			slices.Sort(regions)
			return regions, nil
		}
		if ctx.Err() != nil {
			return nil, listErr
		}
	}
	if ec2api == nil {
		return nil, listErr
	}
	out, err := ec2api.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, errors.Join(listErr, fmt.Errorf("ec2:DescribeRegions: %w", err))
	}
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	slices.Sort(regions)
	return regions, nil
}
