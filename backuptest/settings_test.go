package backuptest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegionSettings(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	d, err := env.c.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	require.NoError(t, err)
	assert.True(t, d.ResourceTypeOptInPreference["EBS"])
	assert.True(t, d.ResourceTypeManagementPreference["DynamoDB"])
	assert.Len(t, d.ResourceTypeOptInPreference, 19)
	assert.True(t, d.ResourceTypeOptInPreference["Aurora DSQL"], "Aurora DSQL User Guide: AWS Backup protects Aurora DSQL clusters")

	_, err = env.c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"EBS": false}})
	require.NoError(t, err)
	d, err = env.c.DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	require.NoError(t, err)
	assert.False(t, d.ResourceTypeOptInPreference["EBS"])
	assert.True(t, d.ResourceTypeOptInPreference["RDS"])

	_, err = env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "an opted-out type cannot be backed up")

	other, err := env.srv.ClientFor("123456789012", "eu-west-1").DescribeRegionSettings(ctx, &awsbackup.DescribeRegionSettingsInput{})
	require.NoError(t, err)
	assert.True(t, other.ResourceTypeOptInPreference["EBS"], "settings are per Region")

	_, err = env.c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeManagementPreference: map[string]bool{"DynamoDB": false}})
	require.NoError(t, err)
	out, err := env.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("main"), ResourceArn: aws.String(jobTable), IamRoleArn: aws.String(jobRole)})
	require.NoError(t, err)
	assert.Regexp(t, `^arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/\d{14}-[0-9a-f]{8}$`, aws.ToString(out.RecoveryPointArn),
		"without advanced DynamoDB backups the point is a DynamoDB backup")

	var ipv *types.InvalidParameterValueException
	_, err = env.c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"Floppy": true}})
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.UpdateRegionSettings(ctx, &awsbackup.UpdateRegionSettingsInput{ResourceTypeManagementPreference: map[string]bool{"EBS": true}})
	require.ErrorAs(t, err, &ipv)
}

func TestGlobalSettings(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	d, err := env.c.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	require.NoError(t, err)
	assert.Equal(t, "false", d.GlobalSettings["isCrossAccountBackupEnabled"])
	assert.Nil(t, d.LastUpdateTime)

	_, err = env.c.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "true"}})
	require.NoError(t, err)
	d, err = env.c.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	require.NoError(t, err)
	assert.Equal(t, "true", d.GlobalSettings["isCrossAccountBackupEnabled"])
	assert.Equal(t, jobT0, d.LastUpdateTime.UTC())
	assert.NotContains(t, d.GlobalSettings, "_backupkit:lastUpdateTime")

	eu, err := env.srv.ClientFor("123456789012", "eu-west-1").DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	require.NoError(t, err)
	assert.Equal(t, "true", eu.GlobalSettings["isCrossAccountBackupEnabled"], "global settings are per account, not per Region")

	var ipv *types.InvalidParameterValueException
	_, err = env.c.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isCrossAccountBackupEnabled": "yes"}})
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: map[string]string{"isFunEnabled": "true"}})
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{})
	var mp *types.MissingParameterValueException
	require.ErrorAs(t, err, &mp)
}

func TestGetSupportedResourceTypes(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	out, err := env.c.GetSupportedResourceTypes(t.Context(), &awsbackup.GetSupportedResourceTypesInput{})
	require.NoError(t, err)
	assert.Contains(t, out.ResourceTypes, "SAP HANA on Amazon EC2")
	assert.Contains(t, out.ResourceTypes, "DynamoDB")
	// GetSupportedResourceTypes' 17, plus Aurora DSQL and Redshift
	// Serverless, which AWS Backup protects but the SDK model's list
	// predates (internal/arntype).
	assert.Contains(t, out.ResourceTypes, "Aurora DSQL")
	assert.Contains(t, out.ResourceTypes, "Redshift Serverless")
	assert.Len(t, out.ResourceTypes, 19)
}
