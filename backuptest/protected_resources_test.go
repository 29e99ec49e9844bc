package backuptest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtectedResources(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	env.vault(t, env.c, "other")

	_, err := env.c.DescribeProtectedResource(ctx, &awsbackup.DescribeProtectedResourceInput{ResourceArn: aws.String(jobVolume)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "a resource without recovery points is not protected")

	env.backup(t, jobVolume)
	latest := env.backup(t, jobVolume)
	tableRP := env.backup(t, jobTable)

	list, err := env.c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{})
	require.NoError(t, err)
	require.Len(t, list.Results, 2)
	assert.Equal(t, jobTable, aws.ToString(list.Results[0].ResourceArn), "ordered by ARN")
	assert.Equal(t, tableRP, aws.ToString(list.Results[0].LastRecoveryPointArn))
	assert.Equal(t, latest, aws.ToString(list.Results[1].LastRecoveryPointArn))
	assert.Equal(t, "EBS", aws.ToString(list.Results[1].ResourceType))

	paged, err := env.c.ListProtectedResources(ctx, &awsbackup.ListProtectedResourcesInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	assert.Len(t, paged.Results, 1)
	assert.NotNil(t, paged.NextToken)

	d, err := env.c.DescribeProtectedResource(ctx, &awsbackup.DescribeProtectedResourceInput{ResourceArn: aws.String(jobVolume)})
	require.NoError(t, err)
	assert.Equal(t, latest, aws.ToString(d.LastRecoveryPointArn))
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:main", aws.ToString(d.LastBackupVaultArn))
	assert.Equal(t, jobT0.Add(2*3600e9).Unix()-3600, d.LastBackupTime.Unix())
	assert.Nil(t, d.LatestRestoreExecutionTimeMinutes, "never restored")

	byVault, err := env.c.ListProtectedResourcesByBackupVault(ctx, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	assert.Len(t, byVault.Results, 2)
	empty, err := env.c.ListProtectedResourcesByBackupVault(ctx, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String("other")})
	require.NoError(t, err)
	assert.Empty(t, empty.Results)
	_, err = env.c.ListProtectedResourcesByBackupVault(ctx, &awsbackup.ListProtectedResourcesByBackupVaultInput{BackupVaultName: aws.String("ghost")})
	require.ErrorAs(t, err, &nf)
}
