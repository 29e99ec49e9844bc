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

const jobBucket = "arn:aws:s3:::photos-123456789012"

// newS3Env is a job environment with an S3 bucket of 42 objects and 5 MiB
// in the inventory, and returns a completed recovery point of it.
func newS3Env(t *testing.T) (jobEnv, string) {
	t.Helper()
	env := newJobEnv(t)
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: jobBucket, SizeBytes: 5 << 20, Attributes: map[string]string{"objectCount": "42"}}))
	return env, env.backup(t, jobBucket)
}

func TestBackupAccessPoints(t *testing.T) {
	t.Parallel()
	env, rp := newS3Env(t)
	ctx := t.Context()
	ebs := env.backup(t, jobVolume)

	out, err := env.c.CreateBackupAccessPoint(ctx, &awsbackup.CreateBackupAccessPointInput{Name: aws.String("audit-2026"), RecoveryPointArn: aws.String(rp),
		Tags: map[string]string{"team": "audit"}})
	require.NoError(t, err)
	apARN := aws.ToString(out.AccessPointArn)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:accesspoint/audit-2026", apARN)
	assert.Equal(t, types.AccessPointStatusCreating, out.Status)

	d, err := env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.NoError(t, err)
	assert.Equal(t, types.AccessPointStatusCreating, d.Status)
	assert.NotContains(t, d.AccessPointMetadata, "S3AccessPointArn", "no S3 access point until AVAILABLE")

	env.clk.Advance(time.Hour)
	d, err = env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.NoError(t, err)
	assert.Equal(t, types.AccessPointStatusAvailable, d.Status)
	assert.Equal(t, "arn:aws:s3:us-east-1:123456789012:accesspoint/audit-2026", d.AccessPointMetadata["S3AccessPointArn"])
	assert.Regexp(t, `^audit-2026-[a-z0-9]{12}-s3alias$`, d.AccessPointMetadata["S3AccessPointAlias"])
	assert.Equal(t, rp, aws.ToString(d.RecoveryPointArn))
	assert.Equal(t, jobBucket, aws.ToString(d.ResourceArn))
	assert.Equal(t, "S3", aws.ToString(d.ResourceType))
	assert.Equal(t, "main", aws.ToString(d.BackupVaultName))
	tags, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.AccessPointArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "audit"}, tags.Tags)

	// Listings.
	for _, l := range []func() ([]types.ListAccessPointsMember, error){
		func() ([]types.ListAccessPointsMember, error) {
			o, err := env.c.ListBackupAccessPoints(ctx, &awsbackup.ListBackupAccessPointsInput{})
			return o.BackupAccessPoints, err
		},
		func() ([]types.ListAccessPointsMember, error) {
			o, err := env.c.ListBackupAccessPointsByRecoveryPoint(ctx, &awsbackup.ListBackupAccessPointsByRecoveryPointInput{RecoveryPointArn: aws.String(rp)})
			return o.BackupAccessPoints, err
		},
		func() ([]types.ListAccessPointsMember, error) {
			o, err := env.c.ListBackupAccessPointsByResource(ctx, &awsbackup.ListBackupAccessPointsByResourceInput{ResourceArn: aws.String(jobBucket)})
			return o.BackupAccessPoints, err
		},
	} {
		got, err := l()
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, apARN, aws.ToString(got[0].AccessPointArn))
		assert.Equal(t, types.AccessPointStatusAvailable, got[0].Status)
	}
	none, err := env.c.ListBackupAccessPointsByResource(ctx, &awsbackup.ListBackupAccessPointsByResourceInput{ResourceArn: aws.String(jobVolume)})
	require.NoError(t, err)
	assert.Empty(t, none.BackupAccessPoints)

	// The access point holds the recovery point.
	_, err = env.c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
	assert.Contains(t, ire.ErrorMessage(), apARN)

	// Validation.
	for _, tc := range []struct {
		in   *awsbackup.CreateBackupAccessPointInput
		want any
	}{
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("audit-2026"), RecoveryPointArn: aws.String(rp)}, new(*types.AlreadyExistsException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("Upper"), RecoveryPointArn: aws.String(rp)}, new(*types.InvalidParameterValueException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("ab"), RecoveryPointArn: aws.String(rp)}, new(*types.InvalidParameterValueException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("x-s3alias"), RecoveryPointArn: aws.String(rp)}, new(*types.InvalidParameterValueException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("ok-name"), RecoveryPointArn: aws.String(ebs)}, new(*types.InvalidRequestException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("ok-name"), RecoveryPointArn: aws.String("arn:aws:backup:us-east-1:123456789012:recovery-point:nope")}, new(*types.ResourceNotFoundException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("ok-name"), RecoveryPointArn: aws.String(rp),
			AccessPointMetadata: map[string]string{"AccessPointInTime": "2026-03-01T12:00:00Z"}}, new(*types.InvalidParameterValueException)},
		{&awsbackup.CreateBackupAccessPointInput{Name: aws.String("ok-name"), RecoveryPointArn: aws.String(rp), AccessPointPolicy: aws.String("{}")}, new(*types.InvalidParameterValueException)},
	} {
		_, err := env.c.CreateBackupAccessPoint(ctx, tc.in)
		require.ErrorAs(t, err, tc.want, "%s on %s", aws.ToString(tc.in.Name), aws.ToString(tc.in.RecoveryPointArn))
	}
	for _, bad := range []string{"arn:aws:backup:us-east-1:123456789012:backup-vault:main", "arn:aws:backup:us-east-1:123456789012:accesspoint/Bad"} {
		_, err := env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: aws.String(bad)})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv, bad)
	}
	_, err = env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: aws.String("arn:aws:backup:us-east-1:123456789012:accesspoint/missing")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	// Delete: DELETING, then gone; the recovery point can go again.
	_, err = env.c.DeleteBackupAccessPoint(ctx, &awsbackup.DeleteBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.NoError(t, err)
	d, err = env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.NoError(t, err)
	assert.Equal(t, types.AccessPointStatusDeleting, d.Status)
	_, err = env.c.DeleteBackupAccessPoint(ctx, &awsbackup.DeleteBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.ErrorAs(t, err, &ire, "already deleting")
	env.clk.Advance(time.Second)
	_, err = env.c.DescribeBackupAccessPoint(ctx, &awsbackup.DescribeBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.ErrorAs(t, err, &nf)
	_, err = env.c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
	require.NoError(t, err)
}

// TestAccessPointListsPage: MaxResults and NextToken travel in the query
// string (the SDK model's ListBackupAccessPointsRequest), and each listing
// pages by them.
func TestAccessPointListsPage(t *testing.T) {
	t.Parallel()
	env, rp := newS3Env(t)
	ctx := t.Context()
	for _, name := range []string{"page-a", "page-b", "page-c"} {
		_, err := env.c.CreateBackupAccessPoint(ctx, &awsbackup.CreateBackupAccessPointInput{Name: aws.String(name), RecoveryPointArn: aws.String(rp)})
		require.NoError(t, err)
	}
	type page struct {
		n    int
		next *string
	}
	for name, list := range map[string]func(next *string) (page, error){
		"all": func(next *string) (page, error) {
			o, err := env.c.ListBackupAccessPoints(ctx, &awsbackup.ListBackupAccessPointsInput{MaxResults: aws.Int32(2), NextToken: next})
			if err != nil {
				return page{}, err
			}
			return page{len(o.BackupAccessPoints), o.NextToken}, nil
		},
		"by recovery point": func(next *string) (page, error) {
			o, err := env.c.ListBackupAccessPointsByRecoveryPoint(ctx, &awsbackup.ListBackupAccessPointsByRecoveryPointInput{RecoveryPointArn: aws.String(rp), MaxResults: aws.Int32(2), NextToken: next})
			if err != nil {
				return page{}, err
			}
			return page{len(o.BackupAccessPoints), o.NextToken}, nil
		},
		"by resource": func(next *string) (page, error) {
			o, err := env.c.ListBackupAccessPointsByResource(ctx, &awsbackup.ListBackupAccessPointsByResourceInput{ResourceArn: aws.String(jobBucket), MaxResults: aws.Int32(2), NextToken: next})
			if err != nil {
				return page{}, err
			}
			return page{len(o.BackupAccessPoints), o.NextToken}, nil
		},
	} {
		first, err := list(nil)
		require.NoError(t, err, name)
		assert.Equal(t, 2, first.n, name)
		require.NotNil(t, first.next, name)
		second, err := list(first.next)
		require.NoError(t, err, name)
		assert.Equal(t, 1, second.n, name)
		assert.Nil(t, second.next, name)
	}
}

// TestAccessPointPausesLifecycle: a recovery point past its DeleteAt stays
// while an access point reads it, and goes once the access point is
// deleted.
func TestAccessPointPausesLifecycle(t *testing.T) {
	t.Parallel()
	env, rp := newS3Env(t)
	ctx := t.Context()
	_, err := env.c.UpdateRecoveryPointLifecycle(ctx, &awsbackup.UpdateRecoveryPointLifecycleInput{BackupVaultName: aws.String("main"),
		RecoveryPointArn: aws.String(rp), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(1)}})
	require.NoError(t, err)
	out, err := env.c.CreateBackupAccessPoint(ctx, &awsbackup.CreateBackupAccessPointInput{Name: aws.String("reader"), RecoveryPointArn: aws.String(rp)})
	require.NoError(t, err)
	env.clk.Advance(48 * time.Hour)
	_, err = env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
	require.NoError(t, err, "kept while the access point exists")
	_, err = env.c.DeleteBackupAccessPoint(ctx, &awsbackup.DeleteBackupAccessPointInput{AccessPointArn: out.AccessPointArn})
	require.NoError(t, err)
	env.clk.Advance(time.Second)
	_, err = env.c.DescribeRecoveryPoint(ctx, &awsbackup.DescribeRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the lifecycle resumed and removed the point")
}
