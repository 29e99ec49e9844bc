package backuptest

// Smaller operations that fit no other area: S3 backup tiering
// configurations (Create/Get/Update/Delete/ListTieringConfigurations).
//
// Known difference: tiering configurations are stored and validated but
// move no data: recovery points never report a lower-cost tier. A duplicate
// name is AlreadyExistsException.

import (
	"fmt"
	"regexp"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/limits"
)

// Tiering configuration limits (API reference, ResourceSelection).
const (
	maxTieringSelections = 5
	maxTieringResources  = 100
	minTieringDays       = 60
)

var tieringNamePattern = regexp.MustCompile(`^[a-zA-Z0-9_]{1,200}$`)

func (e *Emulator) registerMisc() {
	e.register("CreateTieringConfiguration", handle(createTieringConfiguration))
	e.register("GetTieringConfiguration", handle(getTieringConfiguration))
	e.register("UpdateTieringConfiguration", handle(updateTieringConfiguration))
	e.register("DeleteTieringConfiguration", handle(deleteTieringConfiguration))
	e.register("ListTieringConfigurations", handle(listTieringConfigurations))
}

func (r *regionState) tieringConfigs() map[string]*tieringConfig {
	if r.TieringConfigs == nil {
		r.TieringConfigs = map[string]*tieringConfig{}
	}
	return r.TieringConfigs
}

func checkTieringName(field string, name *string) error {
	if name == nil || *name == "" {
		return missingParam(field)
	}
	if !tieringNamePattern.MatchString(*name) {
		return invalidParam("%s %q is invalid: use 1 to 200 letters, digits and underscores", field, *name)
	}
	return nil
}

// checkTiering validates the vault and resource selections of a tiering
// configuration: "*" or an existing vault; 1 to 5 selections of type S3;
// "*" or S3 bucket ARNs, at most 100 in all; 60 to 36,500 days.
func (c *opCtx) checkTiering(f string, vaultName *string, sel []types.ResourceSelection) error {
	if vaultName == nil || *vaultName == "" {
		return missingParam(f + ".BackupVaultName")
	}
	if *vaultName != "*" {
		if limits.VaultName(*vaultName) != "" {
			return invalidParam("%s.BackupVaultName %q is invalid: use * or a backup vault name", f, *vaultName)
		}
		if _, ok := c.rs().Vaults[*vaultName]; !ok {
			return notFound("Backup vault %s does not exist in %s", *vaultName, c.region)
		}
	}
	if len(sel) == 0 {
		return missingParam(f + ".ResourceSelection")
	}
	if len(sel) > maxTieringSelections {
		return invalidParam("%s.ResourceSelection has %d entries: at most %d allowed", f, len(sel), maxTieringSelections)
	}
	total := 0
	for i, s := range sel {
		sf := fmt.Sprintf("%s.ResourceSelection[%d]", f, i)
		if s.ResourceType == nil || *s.ResourceType == "" {
			return missingParam(sf + ".ResourceType")
		}
		if *s.ResourceType != "S3" {
			return invalidParam("%s.ResourceType %q is invalid: tiering supports only S3", sf, *s.ResourceType)
		}
		if len(s.Resources) == 0 {
			return missingParam(sf + ".Resources")
		}
		for j, r := range s.Resources {
			if r == "*" {
				continue
			}
			total++
			if a, err := arn.Parse(r); err != nil || a.Service != "s3" {
				return invalidParam("%s.Resources[%d] %q is invalid: use * or an S3 bucket ARN", sf, j, r)
			}
		}
		if s.TieringDownSettingsInDays == nil {
			return missingParam(sf + ".TieringDownSettingsInDays")
		}
		if d := *s.TieringDownSettingsInDays; d < minTieringDays || d > maxRetentionDays {
			return invalidParam("%s.TieringDownSettingsInDays %d is out of range: allowed %d to %d", sf, d, minTieringDays, maxRetentionDays)
		}
	}
	if total > maxTieringResources {
		return invalidParam("%s.ResourceSelection lists %d resources: at most %d allowed", f, total, maxTieringResources)
	}
	return nil
}

func createTieringConfiguration(c *opCtx, in *awsbackup.CreateTieringConfigurationInput) (*awsbackup.CreateTieringConfigurationOutput, error) {
	const f = "TieringConfiguration"
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	tc := in.TieringConfiguration
	if tc == nil {
		return nil, missingParam(f)
	}
	if err := checkTieringName(f+".TieringConfigurationName", tc.TieringConfigurationName); err != nil {
		return nil, err
	}
	rs := c.rs()
	if existing, ok := rs.tieringConfigs()[*tc.TieringConfigurationName]; ok {
		out := &awsbackup.CreateTieringConfigurationOutput{CreationTime: existing.Config.CreationTime,
			TieringConfigurationArn: aws.String(existing.ARN), TieringConfigurationName: existing.Config.TieringConfigurationName}
		if in.CreatorRequestId != nil && aws.ToString(existing.Config.CreatorRequestId) == *in.CreatorRequestId {
			return out, nil
		}
		return nil, &APIError{Code: CodeAlreadyExists, Message: fmt.Sprintf("Tiering configuration %s already exists", *tc.TieringConfigurationName),
			Extra: map[string]string{"Arn": existing.ARN, "CreatorRequestId": aws.ToString(existing.Config.CreatorRequestId)}}
	}
	if err := c.checkTiering(f, tc.BackupVaultName, tc.ResourceSelection); err != nil {
		return nil, err
	}
	if err := checkTags("TieringConfigurationTags", in.TieringConfigurationTags); err != nil {
		return nil, err
	}
	if len(in.TieringConfigurationTags) > planMaxTags {
		return nil, invalidParam("TieringConfigurationTags has %d tags: at most %d allowed", len(in.TieringConfigurationTags), planMaxTags)
	}
	t := &tieringConfig{ARN: c.arn("tiering-configuration:" + *tc.TieringConfigurationName)}
	t.Config = types.TieringConfiguration{
		BackupVaultName:          aws.String(*tc.BackupVaultName),
		ResourceSelection:        planClone(tc.ResourceSelection),
		TieringConfigurationName: aws.String(*tc.TieringConfigurationName),
		TieringConfigurationArn:  aws.String(t.ARN),
		CreationTime:             timePtr(c.now),
		LastUpdatedTime:          timePtr(c.now),
		CreatorRequestId:         in.CreatorRequestId,
	}
	rs.tieringConfigs()[*tc.TieringConfigurationName] = t
	rs.setTags(t.ARN, in.TieringConfigurationTags)
	return &awsbackup.CreateTieringConfigurationOutput{CreationTime: timePtr(c.now), TieringConfigurationArn: aws.String(t.ARN),
		TieringConfigurationName: aws.String(*tc.TieringConfigurationName)}, nil
}

func (c *opCtx) tieringOf(name *string) (*tieringConfig, error) {
	if err := checkTieringName("TieringConfigurationName", name); err != nil {
		return nil, err
	}
	t, ok := c.rs().tieringConfigs()[*name]
	if !ok {
		return nil, notFound("Tiering configuration %s does not exist in %s", *name, c.region)
	}
	return t, nil
}

func getTieringConfiguration(c *opCtx, in *awsbackup.GetTieringConfigurationInput) (*awsbackup.GetTieringConfigurationOutput, error) {
	t, err := c.tieringOf(in.TieringConfigurationName)
	if err != nil {
		return nil, err
	}
	v := planClone(t.Config)
	return &awsbackup.GetTieringConfigurationOutput{TieringConfiguration: &v}, nil
}

func updateTieringConfiguration(c *opCtx, in *awsbackup.UpdateTieringConfigurationInput) (*awsbackup.UpdateTieringConfigurationOutput, error) {
	t, err := c.tieringOf(in.TieringConfigurationName)
	if err != nil {
		return nil, err
	}
	u := in.TieringConfiguration
	if u == nil {
		return nil, missingParam("TieringConfiguration")
	}
	if err := c.checkTiering("TieringConfiguration", u.BackupVaultName, u.ResourceSelection); err != nil {
		return nil, err
	}
	t.Config.BackupVaultName = aws.String(*u.BackupVaultName)
	t.Config.ResourceSelection = planClone(u.ResourceSelection)
	t.Config.LastUpdatedTime = timePtr(c.now)
	return &awsbackup.UpdateTieringConfigurationOutput{CreationTime: t.Config.CreationTime, LastUpdatedTime: t.Config.LastUpdatedTime,
		TieringConfigurationArn: aws.String(t.ARN), TieringConfigurationName: t.Config.TieringConfigurationName}, nil
}

func deleteTieringConfiguration(c *opCtx, in *awsbackup.DeleteTieringConfigurationInput) (*struct{}, error) {
	t, err := c.tieringOf(in.TieringConfigurationName)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	delete(rs.tieringConfigs(), aws.ToString(t.Config.TieringConfigurationName))
	delete(rs.Tags, t.ARN)
	return nil, nil
}

func listTieringConfigurations(c *opCtx, in *awsbackup.ListTieringConfigurationsInput) (*awsbackup.ListTieringConfigurationsOutput, error) {
	m := c.rs().tieringConfigs()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListTieringConfigurationsOutput{NextToken: next, TieringConfigurations: make([]types.TieringConfigurationsListMember, 0, len(pg))}
	for _, n := range pg {
		t := m[n]
		out.TieringConfigurations = append(out.TieringConfigurations, types.TieringConfigurationsListMember{
			BackupVaultName: t.Config.BackupVaultName, CreationTime: t.Config.CreationTime, LastUpdatedTime: t.Config.LastUpdatedTime,
			TieringConfigurationArn: aws.String(t.ARN), TieringConfigurationName: t.Config.TieringConfigurationName,
		})
	}
	return out, nil
}
