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

func TestTagResource(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rpARN := env.backup(t, jobVolume)
	vaultARN := "arn:aws:backup:us-east-1:123456789012:backup-vault:main"
	for _, target := range []string{vaultARN, rpARN} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			_, err := env.c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(target), Tags: map[string]string{"project": "finance", "env": "prod"}})
			require.NoError(t, err)
			_, err = env.c.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(target), TagKeyList: []string{"env"}})
			require.NoError(t, err)
			out, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String(target)})
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"project": "finance"}, out.Tags)
		})
	}

	t.Run("paging", func(t *testing.T) {
		t.Parallel()
		many := map[string]string{}
		for i := range 5 {
			many[fmt.Sprint("k", i)] = "v"
		}
		arn := "arn:aws:backup:us-east-1:123456789012:backup-vault:paged"
		_, err := env.c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("paged"), BackupVaultTags: many})
		require.NoError(t, err)
		got := map[string]string{}
		p := awsbackup.NewListTagsPaginator(env.c, &awsbackup.ListTagsInput{ResourceArn: aws.String(arn), MaxResults: aws.Int32(2)})
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			pages++
			for k, v := range out.Tags {
				got[k] = v
			}
		}
		assert.Equal(t, many, got)
		assert.Equal(t, 3, pages)
	})

	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		_, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: aws.String("arn:aws:backup:us-east-1:123456789012:backup-vault:ghost")})
		var nf *types.ResourceNotFoundException
		require.ErrorAs(t, err, &nf)
		_, err = env.c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(jobVolume), Tags: map[string]string{"a": "b"}})
		require.ErrorAs(t, err, &nf, "inventory resources are not AWS Backup resources")
		_, err = env.c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(vaultARN), Tags: map[string]string{"aws:reserved": "x"}})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv)
		tooMany := map[string]string{}
		for i := range 51 {
			tooMany[fmt.Sprint("t", i)] = "v"
		}
		_, err = env.c.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(vaultARN), Tags: tooMany}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
		var le *types.LimitExceededException
		require.ErrorAs(t, err, &le)
	})
}
