package backup

import (
	"context"
	"fmt"
	"maps"
	"strconv"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// RegionSettings are the per-Region AWS Backup settings: which resource
// types AWS Backup may protect (opt-in) and which it fully manages.
type RegionSettings struct {
	OptIn          map[ResourceType]bool
	FullManagement map[ResourceType]bool
}

// RegionSettings returns the Region's settings (DescribeRegionSettings).
func (c *Client) RegionSettings(ctx context.Context) (*RegionSettings, error) {
	out, err := c.api.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	if err != nil {
		return nil, fmt.Errorf("describe region settings: %w", err)
	}
	rs := &RegionSettings{OptIn: map[ResourceType]bool{}, FullManagement: map[ResourceType]bool{}}
	for k, v := range out.ResourceTypeOptInPreference {
		rs.OptIn[ResourceType(k)] = v
	}
	for k, v := range out.ResourceTypeManagementPreference {
		rs.FullManagement[ResourceType(k)] = v
	}
	return rs, nil
}

// SetOptIn opts the given resource types in (true) or out (false) of AWS
// Backup in the client's Region, leaving the other types unchanged. Types
// are checked against ResourceTypes before AWS is called.
func (c *Client) SetOptIn(ctx context.Context, prefs map[ResourceType]bool) error {
	m := make(map[string]bool, len(prefs))
	var errs []error
	for t, v := range prefs {
		if !t.Valid() {
			errs = append(errs, &ValidationError{Field: "OptIn[" + string(t) + "]", Reason: "unknown resource type"})
			continue
		}
		m[string(t)] = v
	}
	if len(errs) > 0 {
		return fmt.Errorf("update region settings: %w", joinErrs(errs))
	}
	if _, err := c.api.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: m}); err != nil {
		return fmt.Errorf("update region settings: %w", err)
	}
	return nil
}

// EnableRegion opts the given resource types in; with none given it opts
// in every supported type. It returns the settings afterwards.
func (c *Client) EnableRegion(ctx context.Context, rtypes ...ResourceType) (*RegionSettings, error) {
	if len(rtypes) == 0 {
		rtypes = ResourceTypes()
	}
	prefs := make(map[ResourceType]bool, len(rtypes))
	for _, t := range rtypes {
		prefs[t] = true
	}
	if err := c.SetOptIn(ctx, prefs); err != nil {
		return nil, err
	}
	return c.RegionSettings(ctx)
}

// globalSettingCrossAccount is the DescribeGlobalSettings key for
// cross-account backup (copies between accounts of an organization).
const globalSettingCrossAccount = "isCrossAccountBackupEnabled"

// GlobalSettings returns the account's global settings as AWS reports them
// (DescribeGlobalSettings).
func (c *Client) GlobalSettings(ctx context.Context) (map[string]string, error) {
	out, err := c.api.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	if err != nil {
		return nil, fmt.Errorf("describe global settings: %w", err)
	}
	return maps.Clone(out.GlobalSettings), nil
}

// CrossAccountBackupEnabled reports whether cross-account backup is on.
func (c *Client) CrossAccountBackupEnabled(ctx context.Context) (bool, error) {
	gs, err := c.GlobalSettings(ctx)
	if err != nil {
		return false, err
	}
	v, ok := gs[globalSettingCrossAccount]
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("global setting %s=%q: %w", globalSettingCrossAccount, v, err)
	}
	return b, nil
}

// SetCrossAccountBackup turns cross-account backup on or off
// (UpdateGlobalSettings). AWS allows this only from an organization's
// management account.
func (c *Client) SetCrossAccountBackup(ctx context.Context, enabled bool) error {
	_, err := c.api.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{
		GlobalSettings: map[string]string{globalSettingCrossAccount: strconv.FormatBool(enabled)},
	})
	if err != nil {
		return fmt.Errorf("update global settings: %w", err)
	}
	return nil
}
