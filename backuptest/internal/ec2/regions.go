package ec2

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// describeRegions lists the caller's Regions: the enabled ones (opt-in
// status opt-in-not-required or opted-in), or with AllRegions every one,
// filtered by RegionNames and the region-name and opt-in-status filters.
// The Regions come from the emulated organization (orgstate.Regions).
func describeRegions(r *serve.Request, in *awsec2.DescribeRegionsInput) (*awsec2.DescribeRegionsOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	fs, err := filters(in.Filters, "region-name", "opt-in-status", "endpoint")
	if err != nil {
		return nil, err
	}
	var all []orgstate.RegionStatus
	if r.Org != nil {
		all = r.Org.Regions(r.Account)
	} else {
		all = orgstate.New(r.Account, nil).Regions(r.Account)
	}
	known := map[string]bool{}
	for _, rs := range all {
		known[rs.Name] = true
	}
	for _, n := range in.RegionNames {
		if !known[n] {
			return nil, errorf("InvalidParameterValue", "Invalid region: %s", n)
		}
	}
	out := &awsec2.DescribeRegionsOutput{Regions: []ec2types.Region{}}
	for _, rs := range all {
		status := map[string]string{orgstate.EnabledByDefault: "opt-in-not-required", orgstate.Enabled: "opted-in", orgstate.Disabled: "not-opted-in"}[rs.Status]
		if rs.Status == orgstate.Disabled && !aws.ToBool(in.AllRegions) {
			continue
		}
		if len(in.RegionNames) > 0 && !slices.Contains(in.RegionNames, rs.Name) {
			continue
		}
		endpoint := fmt.Sprintf("ec2.%s.amazonaws.com", rs.Name)
		attrs := map[string][]string{"region-name": {rs.Name}, "opt-in-status": {status}, "endpoint": {endpoint}}
		if !attrsMatch(fs, attrs) {
			continue
		}
		out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(rs.Name), Endpoint: aws.String(endpoint), OptInStatus: aws.String(status)})
	}
	return out, nil
}

// attrsMatch reports whether every filter has one of its values among
// the named attribute's values.
func attrsMatch(fs []filter, attrs map[string][]string) bool {
	for _, f := range fs {
		ok := false
		for _, v := range attrs[f.name] {
			if slices.Contains(f.values, v) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
