package backuptest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLegalHoldLifecycle(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	vol := env.backup(t, jobVolume)
	env.backup(t, jobTable)
	volLater := env.backup(t, jobVolume)

	in := &awsbackup.CreateLegalHoldInput{
		Title: aws.String("case-42"), Description: aws.String("litigation"), IdempotencyToken: aws.String("hold-1"),
		Tags: map[string]string{"case": "42"},
		RecoveryPointSelection: &types.RecoveryPointSelection{
			VaultNames:          []string{"main"},
			ResourceIdentifiers: []string{jobVolume},
			DateRange:           &types.DateRange{FromDate: aws.Time(jobT0.Add(-time.Hour)), ToDate: aws.Time(jobT0.Add(30 * time.Minute))},
		},
	}
	out, err := env.c.CreateLegalHold(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, types.LegalHoldStatusActive, out.Status)
	assert.Regexp(t, `^arn:aws:backup:us-east-1:123456789012:legal-hold:`, aws.ToString(out.LegalHoldArn))
	again, err := env.c.CreateLegalHold(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(out.LegalHoldId), aws.ToString(again.LegalHoldId), "same idempotency token")

	rps, err := env.c.ListRecoveryPointsByLegalHold(ctx, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: out.LegalHoldId})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 1, "only the volume's first point is in the date range")
	assert.Equal(t, vol, aws.ToString(rps.RecoveryPoints[0].RecoveryPointArn))
	assert.Equal(t, "EBS", aws.ToString(rps.RecoveryPoints[0].ResourceType))

	_, err = env.c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(vol)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
	_, err = env.c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(volLater)})
	require.NoError(t, err, "points outside the selection are not held")

	tags, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: out.LegalHoldArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"case": "42"}, tags.Tags)

	g, err := env.c.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: out.LegalHoldId})
	require.NoError(t, err)
	assert.Equal(t, "case-42", aws.ToString(g.Title))
	assert.Equal(t, []string{"main"}, g.RecoveryPointSelection.VaultNames)

	list, err := env.c.ListLegalHolds(ctx, &awsbackup.ListLegalHoldsInput{})
	require.NoError(t, err)
	require.Len(t, list.LegalHolds, 1)

	_, err = env.c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: out.LegalHoldId, CancelDescription: aws.String("done"), RetainRecordInDays: aws.Int64(2)})
	require.NoError(t, err)
	_, err = env.c.CancelLegalHold(ctx, &awsbackup.CancelLegalHoldInput{LegalHoldId: out.LegalHoldId, CancelDescription: aws.String("again")})
	var irs *types.InvalidResourceStateException
	require.ErrorAs(t, err, &irs)
	g, err = env.c.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: out.LegalHoldId})
	require.NoError(t, err)
	assert.Equal(t, types.LegalHoldStatusCanceled, g.Status)
	assert.Equal(t, "done", aws.ToString(g.CancelDescription))
	assert.Equal(t, env.clk.Now().Add(48*time.Hour), g.RetainRecordUntil.UTC())

	_, err = env.c.DeleteRecoveryPoint(ctx, &awsbackup.DeleteRecoveryPointInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(vol)})
	require.NoError(t, err, "a canceled hold no longer holds")

	env.clk.Advance(49 * time.Hour)
	_, err = env.c.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: out.LegalHoldId})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the record is gone after RetainRecordInDays")
}

func TestLegalHoldValidation(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	tests := []struct {
		name string
		in   awsbackup.CreateLegalHoldInput
		want string
	}{
		{"empty description", awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("")}, "MissingParameterValueException"},
		{"unknown vault", awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d"),
			RecoveryPointSelection: &types.RecoveryPointSelection{VaultNames: []string{"ghost"}}}, "ResourceNotFoundException"},
		{"reversed date range", awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d"),
			RecoveryPointSelection: &types.RecoveryPointSelection{DateRange: &types.DateRange{FromDate: aws.Time(jobT0), ToDate: aws.Time(jobT0.Add(-time.Hour))}}}, "InvalidParameterValueException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.c.CreateLegalHold(t.Context(), &tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := env.c.GetLegalHold(t.Context(), &awsbackup.GetLegalHoldInput{LegalHoldId: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	for i := range 50 {
		_, err := env.c.CreateLegalHold(t.Context(), &awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d"), IdempotencyToken: aws.String("q" + string(rune('a'+i%26)) + string(rune('a'+i/26)))})
		require.NoError(t, err)
	}
	_, err = env.c.CreateLegalHold(t.Context(), &awsbackup.CreateLegalHoldInput{Title: aws.String("t"), Description: aws.String("d")}, func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}
