package backuptest_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func s3Selection(days int32, resources ...string) types.ResourceSelection {
	return types.ResourceSelection{ResourceType: aws.String("S3"), Resources: resources, TieringDownSettingsInDays: aws.Int32(days)}
}

func TestTieringConfigurations(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	ctx := t.Context()

	created, err := c.CreateTieringConfiguration(ctx, &awsbackup.CreateTieringConfigurationInput{
		TieringConfiguration: &types.TieringConfigurationInputForCreate{
			TieringConfigurationName: aws.String("s3_cold"), BackupVaultName: aws.String("Default"),
			ResourceSelection: []types.ResourceSelection{s3Selection(90, "arn:aws:s3:::logs-bucket")},
		},
		CreatorRequestId:         aws.String("tier-1"),
		TieringConfigurationTags: map[string]string{"cost": "low"},
	})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:tiering-configuration:s3_cold", aws.ToString(created.TieringConfigurationArn))

	again, err := c.CreateTieringConfiguration(ctx, &awsbackup.CreateTieringConfigurationInput{
		TieringConfiguration: &types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("s3_cold"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}},
		CreatorRequestId: aws.String("tier-1"),
	})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.TieringConfigurationArn), aws.ToString(again.TieringConfigurationArn))
	_, err = c.CreateTieringConfiguration(ctx, &awsbackup.CreateTieringConfigurationInput{
		TieringConfiguration: &types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("s3_cold"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}},
	})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)

	got, err := c.GetTieringConfiguration(ctx, &awsbackup.GetTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold")})
	require.NoError(t, err)
	assert.Equal(t, "Default", aws.ToString(got.TieringConfiguration.BackupVaultName))
	assert.Equal(t, "tier-1", aws.ToString(got.TieringConfiguration.CreatorRequestId))
	require.Len(t, got.TieringConfiguration.ResourceSelection, 1)
	assert.Equal(t, int32(90), aws.ToInt32(got.TieringConfiguration.ResourceSelection[0].TieringDownSettingsInDays))

	upd, err := c.UpdateTieringConfiguration(ctx, &awsbackup.UpdateTieringConfigurationInput{
		TieringConfigurationName: aws.String("s3_cold"),
		TieringConfiguration:     &types.TieringConfigurationInputForUpdate{BackupVaultName: aws.String("*"), ResourceSelection: []types.ResourceSelection{s3Selection(120, "*")}},
	})
	require.NoError(t, err)
	require.NotNil(t, upd.LastUpdatedTime)
	got, err = c.GetTieringConfiguration(ctx, &awsbackup.GetTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold")})
	require.NoError(t, err)
	assert.Equal(t, "*", aws.ToString(got.TieringConfiguration.BackupVaultName))
	assert.Equal(t, int32(120), aws.ToInt32(got.TieringConfiguration.ResourceSelection[0].TieringDownSettingsInDays))

	_, err = c.CreateTieringConfiguration(ctx, &awsbackup.CreateTieringConfigurationInput{
		TieringConfiguration: &types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("another"), BackupVaultName: aws.String("secondary"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}},
	})
	require.NoError(t, err)
	list, err := c.ListTieringConfigurations(ctx, &awsbackup.ListTieringConfigurationsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, list.TieringConfigurations, 1)
	assert.Equal(t, "another", aws.ToString(list.TieringConfigurations[0].TieringConfigurationName))
	require.NotNil(t, list.NextToken)
	list, err = c.ListTieringConfigurations(ctx, &awsbackup.ListTieringConfigurationsInput{NextToken: list.NextToken})
	require.NoError(t, err)
	require.Len(t, list.TieringConfigurations, 1)
	assert.Nil(t, list.NextToken)

	_, err = c.DeleteTieringConfiguration(ctx, &awsbackup.DeleteTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold")})
	require.NoError(t, err)
	var nf *types.ResourceNotFoundException
	_, err = c.GetTieringConfiguration(ctx, &awsbackup.GetTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold")})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteTieringConfiguration(ctx, &awsbackup.DeleteTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold")})
	require.ErrorAs(t, err, &nf)
	_, err = c.UpdateTieringConfiguration(ctx, &awsbackup.UpdateTieringConfigurationInput{TieringConfigurationName: aws.String("s3_cold"),
		TieringConfiguration: &types.TieringConfigurationInputForUpdate{BackupVaultName: aws.String("*"), ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}}})
	require.ErrorAs(t, err, &nf)
}

func TestTieringConfigurationValidation(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("arn:aws:s3:::bucket-%d", i)
	}
	tests := []struct {
		name  string
		tc    types.TieringConfigurationInputForCreate
		field string
		code  string
	}{
		{"bad name", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("s3-cold"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}}, "TieringConfiguration.TieringConfigurationName", "invalid"},
		{"unknown vault", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("nope"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*")}}, "nope", "notfound"},
		{"no selection", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{}}, "TieringConfiguration.ResourceSelection", "missing"},
		{"not s3", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{{ResourceType: aws.String("EBS"), Resources: []string{"*"}, TieringDownSettingsInDays: aws.Int32(60)}}},
			"TieringConfiguration.ResourceSelection[0].ResourceType", "invalid"},
		{"59 days", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(59, "*")}}, "TieringConfiguration.ResourceSelection[0].TieringDownSettingsInDays", "invalid"},
		{"ebs arn", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "arn:aws:ec2:us-east-1:123456789012:volume/vol-1")}}, "ResourceSelection[0].Resources[0]", "invalid"},
		{"101 buckets", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, many...)}}, "TieringConfiguration.ResourceSelection", "invalid"},
		{"six selections", types.TieringConfigurationInputForCreate{TieringConfigurationName: aws.String("t"), BackupVaultName: aws.String("*"),
			ResourceSelection: []types.ResourceSelection{s3Selection(60, "*"), s3Selection(60, "*"), s3Selection(60, "*"), s3Selection(60, "*"), s3Selection(60, "*"), s3Selection(60, "*")}},
			"TieringConfiguration.ResourceSelection", "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateTieringConfiguration(t.Context(), &awsbackup.CreateTieringConfigurationInput{TieringConfiguration: &tt.tc}, serverSide)
			require.Error(t, err)
			switch tt.code {
			case "invalid":
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			case "missing":
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			case "notfound":
				var e *types.ResourceNotFoundException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}
