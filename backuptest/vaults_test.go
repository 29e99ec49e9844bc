package backuptest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestCreateDescribeDeleteVault(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()

	out, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
		BackupVaultName:  aws.String("myVault"),
		EncryptionKeyArn: aws.String(kmsKey),
		CreatorRequestId: aws.String("req-1"),
		BackupVaultTags:  map[string]string{"project": "finance"},
	})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-vault:myVault", aws.ToString(out.BackupVaultArn))
	require.NotNil(t, out.CreationDate)

	// Same CreatorRequestId: the retry gets the same vault, not an error.
	again, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("myVault"), CreatorRequestId: aws.String("req-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.BackupVaultArn), aws.ToString(again.BackupVaultArn))

	// Another request id: AlreadyExistsException.
	_, err = c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("myVault"), CreatorRequestId: aws.String("req-2")})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, aws.ToString(out.BackupVaultArn), aws.ToString(ae.Arn))

	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("myVault")})
	require.NoError(t, err)
	assert.Equal(t, kmsKey, aws.ToString(d.EncryptionKeyArn))
	assert.Equal(t, types.EncryptionKeyTypeCustomerManagedKmsKey, d.EncryptionKeyType)
	assert.Equal(t, types.VaultTypeBackupVault, d.VaultType)
	assert.Equal(t, out.CreationDate.Unix(), d.CreationDate.Unix())

	tags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.BackupVaultArn})
	if err == nil {
		assert.Equal(t, map[string]string{"project": "finance"}, tags.Tags)
	}

	_, err = c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("myVault")})
	require.NoError(t, err)
	_, err = c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("myVault")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}

func TestVaultValidation(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	tests := []struct {
		name string
		in   awsbackup.CreateBackupVaultInput
	}{
		{"name too short", awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("a")}},
		{"name with space", awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("my vault")}},
		{"bad kms key", awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v1"), EncryptionKeyArn: aws.String("arn:aws:s3:::bucket")}},
		{"bad creator request id", awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("v2"), CreatorRequestId: aws.String("has space")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateBackupVault(t.Context(), &tt.in)
			var ipv *types.InvalidParameterValueException
			require.ErrorAs(t, err, &ipv)
		})
	}
}

func TestListBackupVaultsPaging(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	for _, n := range []string{"v-a", "v-b", "v-c", "v-d", "v-e"} {
		_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(n)})
		require.NoError(t, err)
	}
	p := awsbackup.NewListBackupVaultsPaginator(c, &awsbackup.ListBackupVaultsInput{MaxResults: aws.Int32(2)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		require.NoError(t, err)
		pages++
		for _, v := range out.BackupVaultList {
			names = append(names, aws.ToString(v.BackupVaultName))
		}
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, []string{"v-a", "v-b", "v-c", "v-d", "v-e"}, names)

	_, err := c.ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{MaxResults: aws.Int32(1001)})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
}

func TestVaultLockCompliance(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk })
	c := srv.Client()
	ctx := t.Context()
	_, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("worm")})
	require.NoError(t, err)

	_, err = c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String("worm"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365), ChangeableForDays: aws.Int64(2),
	})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "ChangeableForDays below 3 must be rejected")

	_, err = c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String("worm"), MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365), ChangeableForDays: aws.Int64(3),
	})
	require.NoError(t, err)
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("worm")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(d.Locked))
	assert.Equal(t, clk.Now().Add(72*time.Hour).Unix(), d.LockDate.Unix())

	clk.Advance(72 * time.Hour)
	_, err = c.DeleteBackupVaultLockConfiguration(ctx, &awsbackup.DeleteBackupVaultLockConfigurationInput{BackupVaultName: aws.String("worm")})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire, "a compliance lock past its grace time is immutable")
}

// TestVaultLockWithoutBounds: API_PutBackupVaultLockConfiguration makes
// MinRetentionDays and MaxRetentionDays optional ("If this parameter is
// not specified, Vault Lock will not enforce a minimum retention period"),
// so a governance lock with neither is accepted, as vault.Lock accepts it.
func TestVaultLockWithoutBounds(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("governed")})
	require.NoError(t, err)
	_, err = c.PutBackupVaultLockConfiguration(ctx, &awsbackup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String("governed")})
	require.NoError(t, err)
	d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("governed")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(d.Locked))
	assert.Nil(t, d.MinRetentionDays)
	assert.Nil(t, d.MaxRetentionDays)
}
