package backuptest

// Region and global settings.
//
// Known difference: every supported resource type is opted in by default,
// and DynamoDB and EFS use full AWS Backup management by default (the
// settings of accounts created since 2021). A type opted out with
// UpdateRegionSettings cannot be backed up on demand either.
//
// Known difference: UpdateGlobalSettings and DescribeGlobalSettings work
// for any account; AWS requires an AWS Organizations management (or
// member) account.

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// managementTypes are the types with a ResourceTypeManagementPreference.
var managementTypes = []string{"DynamoDB", "EFS"}

// globalSettingKeys are the flags UpdateGlobalSettings accepts.
var globalSettingKeys = []string{"isCrossAccountBackupEnabled", "isMpaEnabled", "isDelegatedAdministratorEnabled"}

// lastUpdateKey keeps DescribeGlobalSettings' LastUpdateTime in the
// account's GlobalSettings map; it is never returned as a setting.
const lastUpdateKey = "_backupkit:lastUpdateTime"

func (e *Emulator) registerSettings() {
	e.register("UpdateRegionSettings", handle(updateRegionSettings))
	e.register("DescribeRegionSettings", handle(describeRegionSettings))
	e.register("UpdateGlobalSettings", handle(updateGlobalSettings))
	e.register("DescribeGlobalSettings", handle(describeGlobalSettings))
	e.register("GetSupportedResourceTypes", handle(getSupportedResourceTypes))
}

// optedIn reports whether AWS Backup may back up typ in this Region.
func (r *regionState) optedIn(typ string) bool {
	if v, ok := r.Settings.ResourceTypeOptInPreference[typ]; ok {
		return v
	}
	return true
}

// managed reports whether typ uses full AWS Backup management (advanced
// DynamoDB backups, EFS) in this Region.
func (r *regionState) managed(typ string) bool {
	if v, ok := r.Settings.ResourceTypeManagementPreference[typ]; ok {
		return v
	}
	return true
}

func updateRegionSettings(c *opCtx, in *awsbackup.UpdateRegionSettingsInput) (*struct{}, error) {
	for t := range in.ResourceTypeOptInPreference {
		if !slices.Contains(supportedResourceTypes, t) {
			return nil, invalidParam("ResourceTypeOptInPreference: %q is not a resource type AWS Backup supports", t)
		}
	}
	for t := range in.ResourceTypeManagementPreference {
		if !slices.Contains(managementTypes, t) {
			return nil, invalidParam("ResourceTypeManagementPreference: %q is invalid: allowed %s", t, strings.Join(managementTypes, ", "))
		}
	}
	s := c.rs().Settings
	if len(in.ResourceTypeOptInPreference) > 0 {
		if s.ResourceTypeOptInPreference == nil {
			s.ResourceTypeOptInPreference = map[string]bool{}
		}
		maps.Copy(s.ResourceTypeOptInPreference, in.ResourceTypeOptInPreference)
	}
	if len(in.ResourceTypeManagementPreference) > 0 {
		if s.ResourceTypeManagementPreference == nil {
			s.ResourceTypeManagementPreference = map[string]bool{}
		}
		maps.Copy(s.ResourceTypeManagementPreference, in.ResourceTypeManagementPreference)
	}
	return nil, nil
}

func describeRegionSettings(c *opCtx, _ *awsbackup.DescribeRegionSettingsInput) (*awsbackup.DescribeRegionSettingsOutput, error) {
	s := c.rs().Settings
	out := &awsbackup.DescribeRegionSettingsOutput{ResourceTypeOptInPreference: map[string]bool{}, ResourceTypeManagementPreference: map[string]bool{}}
	for _, t := range supportedResourceTypes {
		out.ResourceTypeOptInPreference[t] = true
	}
	maps.Copy(out.ResourceTypeOptInPreference, s.ResourceTypeOptInPreference)
	for _, t := range managementTypes {
		out.ResourceTypeManagementPreference[t] = true
	}
	maps.Copy(out.ResourceTypeManagementPreference, s.ResourceTypeManagementPreference)
	return out, nil
}

func updateGlobalSettings(c *opCtx, in *awsbackup.UpdateGlobalSettingsInput) (*struct{}, error) {
	if len(in.GlobalSettings) == 0 {
		return nil, missingParam("GlobalSettings")
	}
	for k, v := range in.GlobalSettings {
		if !slices.Contains(globalSettingKeys, k) {
			return nil, invalidParam("GlobalSettings: %q is not a global setting (allowed: %s)", k, strings.Join(globalSettingKeys, ", "))
		}
		if v != "true" && v != "false" {
			return nil, invalidParam("GlobalSettings.%s %q is invalid: allowed true, false", k, v)
		}
	}
	gs := c.e.st.account(c.account).GlobalSettings
	maps.Copy(gs, in.GlobalSettings)
	gs[lastUpdateKey] = c.now.UTC().Format(time.RFC3339Nano)
	return nil, nil
}

func describeGlobalSettings(c *opCtx, _ *awsbackup.DescribeGlobalSettingsInput) (*awsbackup.DescribeGlobalSettingsOutput, error) {
	out := &awsbackup.DescribeGlobalSettingsOutput{GlobalSettings: map[string]string{}}
	for _, k := range globalSettingKeys {
		out.GlobalSettings[k] = "false"
	}
	for k, v := range c.e.st.account(c.account).GlobalSettings {
		if k == lastUpdateKey {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				out.LastUpdateTime = aws.Time(t)
			}
			continue
		}
		out.GlobalSettings[k] = v
	}
	return out, nil
}

func getSupportedResourceTypes(_ *opCtx, _ *awsbackup.GetSupportedResourceTypesInput) (*awsbackup.GetSupportedResourceTypesOutput, error) {
	return &awsbackup.GetSupportedResourceTypesOutput{ResourceTypes: slices.Clone(supportedResourceTypes)}, nil
}
