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

const scannerRole = "arn:aws:iam::123456789012:role/GuardDutyScanner"

func TestScanJobs(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	infected := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0bad0bad0bad0bad0"
	require.NoError(t, env.srv.PutResource(backuptest.Resource{ARN: infected, SizeBytes: 1 << 30, Attributes: map[string]string{"malware": "true"}}))
	first := env.backup(t, jobVolume)
	second := env.backup(t, jobVolume)
	bad := env.backup(t, infected)
	table := env.backup(t, jobTable)

	start := func(in awsbackup.StartScanJobInput) (*awsbackup.StartScanJobOutput, error) {
		if in.BackupVaultName == nil {
			in.BackupVaultName = aws.String("main")
		}
		if in.IamRoleArn == nil {
			in.IamRoleArn = aws.String(jobRole)
		}
		if in.ScannerRoleArn == nil {
			in.ScannerRoleArn = aws.String(scannerRole)
		}
		if in.MalwareScanner == "" {
			in.MalwareScanner = types.MalwareScannerGuardduty
		}
		if in.ScanMode == "" {
			in.ScanMode = types.ScanModeFullScan
		}
		return env.c.StartScanJob(ctx, &in)
	}
	full, err := start(awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), IdempotencyToken: aws.String("scan-1")})
	require.NoError(t, err)
	again, err := start(awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), IdempotencyToken: aws.String("scan-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(full.ScanJobId), aws.ToString(again.ScanJobId), "same idempotency token, same job")
	incr, err := start(awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ScanMode: types.ScanModeIncrementalScan, ScanBaseRecoveryPointArn: aws.String(first)})
	require.NoError(t, err)
	threat, err := start(awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(bad)})
	require.NoError(t, err)

	d, err := env.c.DescribeScanJob(ctx, &awsbackup.DescribeScanJobInput{ScanJobId: full.ScanJobId})
	require.NoError(t, err)
	assert.Equal(t, types.ScanStateRunning, d.State)
	assert.Nil(t, d.ScanResult)
	assert.Equal(t, "EBS", string(d.ResourceType))
	assert.Equal(t, jobVolume, aws.ToString(d.ResourceArn))
	assert.Equal(t, scannerRole, aws.ToString(d.ScannerRoleArn))

	env.clk.Advance(time.Hour)
	d, err = env.c.DescribeScanJob(ctx, &awsbackup.DescribeScanJobInput{ScanJobId: full.ScanJobId})
	require.NoError(t, err)
	assert.Equal(t, types.ScanStateCompleted, d.State)
	assert.Equal(t, types.ScanResultStatusNoThreatsFound, d.ScanResult.ScanResultStatus)
	assert.NotNil(t, d.CompletionDate)
	d, err = env.c.DescribeScanJob(ctx, &awsbackup.DescribeScanJobInput{ScanJobId: incr.ScanJobId})
	require.NoError(t, err)
	assert.Equal(t, first, aws.ToString(d.ScanBaseRecoveryPointArn))
	assert.Equal(t, types.ScanModeIncrementalScan, d.ScanMode)
	d, err = env.c.DescribeScanJob(ctx, &awsbackup.DescribeScanJobInput{ScanJobId: threat.ScanJobId})
	require.NoError(t, err)
	assert.Equal(t, types.ScanResultStatusThreatsFound, d.ScanResult.ScanResultStatus)

	l, err := env.c.ListScanJobs(ctx, &awsbackup.ListScanJobsInput{ByScanResultStatus: types.ScanResultStatusThreatsFound})
	require.NoError(t, err)
	require.Len(t, l.ScanJobs, 1)
	assert.Equal(t, aws.ToString(threat.ScanJobId), aws.ToString(l.ScanJobs[0].ScanJobId))
	l, err = env.c.ListScanJobs(ctx, &awsbackup.ListScanJobsInput{ByRecoveryPointArn: aws.String(second)})
	require.NoError(t, err)
	assert.Len(t, l.ScanJobs, 2)
	l, err = env.c.ListScanJobs(ctx, &awsbackup.ListScanJobsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	assert.Len(t, l.ScanJobs, 1)
	assert.NotNil(t, l.NextToken)

	sums, err := env.c.ListScanJobSummaries(ctx, &awsbackup.ListScanJobSummariesInput{AggregationPeriod: types.AggregationPeriodSevenDays})
	require.NoError(t, err)
	counts := map[types.ScanResultStatus]int32{}
	for _, s := range sums.ScanJobSummaries {
		assert.Equal(t, types.MalwareScannerGuardduty, s.MalwareScanner)
		assert.Equal(t, types.ScanJobStatusCompleted, s.State)
		counts[s.ScanResultStatus] += s.Count
	}
	assert.Equal(t, map[types.ScanResultStatus]int32{types.ScanResultStatusNoThreatsFound: 2, types.ScanResultStatusThreatsFound: 1}, counts)
	agg, err := env.c.ListScanJobSummaries(ctx, &awsbackup.ListScanJobSummariesInput{AggregationPeriod: types.AggregationPeriodSevenDays, ScanResultStatus: "AGGREGATE_ALL"})
	require.NoError(t, err)
	require.Len(t, agg.ScanJobSummaries, 1)
	assert.EqualValues(t, 3, agg.ScanJobSummaries[0].Count)

	// Validation.
	for name, tc := range map[string]struct {
		in   awsbackup.StartScanJobInput
		want any
	}{
		"DynamoDB":               {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(table)}, new(*types.InvalidRequestException)},
		"no base":                {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ScanMode: types.ScanModeIncrementalScan}, new(*types.MissingParameterValueException)},
		"base on full scan":      {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ScanBaseRecoveryPointArn: aws.String(first)}, new(*types.InvalidParameterValueException)},
		"base newer":             {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(first), ScanMode: types.ScanModeIncrementalScan, ScanBaseRecoveryPointArn: aws.String(second)}, new(*types.InvalidParameterValueException)},
		"base other resource":    {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(bad), ScanMode: types.ScanModeIncrementalScan, ScanBaseRecoveryPointArn: aws.String(first)}, new(*types.InvalidParameterValueException)},
		"scanner":                {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), MalwareScanner: "CLAMAV"}, new(*types.InvalidParameterValueException)},
		"mode":                   {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ScanMode: "QUICK"}, new(*types.InvalidParameterValueException)},
		"scanner role":           {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ScannerRoleArn: aws.String("scanner")}, new(*types.InvalidParameterValueException)},
		"missing point":          {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-nope")}, new(*types.ResourceNotFoundException)},
		"missing vault":          {awsbackup.StartScanJobInput{BackupVaultName: aws.String("nope"), RecoveryPointArn: aws.String(second)}, new(*types.ResourceNotFoundException)},
		"continuous end on snap": {awsbackup.StartScanJobInput{RecoveryPointArn: aws.String(second), ContinuousScanEndTime: aws.Time(jobT0)}, new(*types.InvalidParameterValueException)},
	} {
		_, err := start(tc.in)
		require.ErrorAs(t, err, tc.want, name)
	}
	_, err = env.c.DescribeScanJob(ctx, &awsbackup.DescribeScanJobInput{ScanJobId: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = env.c.ListScanJobs(ctx, &awsbackup.ListScanJobsInput{ByResourceType: "RDS"})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)

	// A snapshot has no point-in-time scan results.
	_, err = env.c.GetPITRMalwareScanResults(ctx, &awsbackup.GetPITRMalwareScanResultsInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(second),
		MalwareScanner: types.MalwareScannerGuardduty, ScanEndTime: aws.Time(jobT0)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
}

func TestRecoveryPointIndexes(t *testing.T) {
	t.Parallel()
	env, s3 := newS3Env(t)
	ctx := t.Context()
	ebs := env.backup(t, jobVolume)
	table := env.backup(t, jobTable)
	main := aws.String("main")

	_, err := env.c.GetRecoveryPointIndexDetails(ctx, &awsbackup.GetRecoveryPointIndexDetailsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3)})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "no index yet")

	out, err := env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3),
		Index: types.IndexEnabled, IamRoleArn: aws.String(jobRole)})
	require.NoError(t, err)
	assert.Equal(t, types.IndexStatusPending, out.IndexStatus)
	_, err = env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(ebs), Index: types.IndexEnabled})
	require.NoError(t, err)
	env.clk.Advance(time.Hour)

	d, err := env.c.GetRecoveryPointIndexDetails(ctx, &awsbackup.GetRecoveryPointIndexDetailsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3)})
	require.NoError(t, err)
	assert.Equal(t, types.IndexStatusActive, d.IndexStatus)
	assert.EqualValues(t, 42, aws.ToInt64(d.TotalItemsIndexed), "the bucket's objectCount")
	assert.Equal(t, jobBucket, aws.ToString(d.SourceResourceArn))
	assert.NotNil(t, d.IndexCompletionDate)

	l, err := env.c.ListIndexedRecoveryPoints(ctx, &awsbackup.ListIndexedRecoveryPointsInput{})
	require.NoError(t, err)
	assert.Len(t, l.IndexedRecoveryPoints, 2)
	l, err = env.c.ListIndexedRecoveryPoints(ctx, &awsbackup.ListIndexedRecoveryPointsInput{ResourceType: aws.String("S3")})
	require.NoError(t, err)
	require.Len(t, l.IndexedRecoveryPoints, 1)
	assert.Equal(t, s3, aws.ToString(l.IndexedRecoveryPoints[0].RecoveryPointArn))
	assert.Equal(t, jobRole, aws.ToString(l.IndexedRecoveryPoints[0].IamRoleArn))

	// DISABLED deletes the index.
	out, err = env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3), Index: types.IndexDisabled})
	require.NoError(t, err)
	assert.Equal(t, types.IndexStatusDeleting, out.IndexStatus)
	l, err = env.c.ListIndexedRecoveryPoints(ctx, &awsbackup.ListIndexedRecoveryPointsInput{IndexStatus: types.IndexStatusDeleting})
	require.NoError(t, err)
	assert.Len(t, l.IndexedRecoveryPoints, 1)
	env.clk.Advance(time.Hour)
	_, err = env.c.GetRecoveryPointIndexDetails(ctx, &awsbackup.GetRecoveryPointIndexDetailsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3)})
	require.ErrorAs(t, err, &nf, "deleted")

	var ire *types.InvalidRequestException
	_, err = env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(table), Index: types.IndexEnabled})
	require.ErrorAs(t, err, &ire, "DynamoDB points are not indexed")
	_, err = env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3), Index: types.IndexDisabled})
	require.ErrorAs(t, err, &ire, "no index to delete")
	var ipv *types.InvalidParameterValueException
	_, err = env.c.UpdateRecoveryPointIndexSettings(ctx, &awsbackup.UpdateRecoveryPointIndexSettingsInput{BackupVaultName: main, RecoveryPointArn: aws.String(s3), Index: "ON"})
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.ListIndexedRecoveryPoints(ctx, &awsbackup.ListIndexedRecoveryPointsInput{IndexStatus: "GONE"})
	require.ErrorAs(t, err, &ipv)
}

func TestDisassociateRecoveryPointFromParent(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	rp := env.backup(t, jobVolume)
	_, err := env.c.DisassociateRecoveryPointFromParent(ctx, &awsbackup.DisassociateRecoveryPointFromParentInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String(rp)})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)
	assert.Contains(t, ire.ErrorMessage(), "not a nested recovery point")
	_, err = env.c.DisassociateRecoveryPointFromParent(ctx, &awsbackup.DisassociateRecoveryPointFromParentInput{BackupVaultName: aws.String("main"), RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-nope")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = env.c.DisassociateRecoveryPointFromParent(ctx, &awsbackup.DisassociateRecoveryPointFromParentInput{BackupVaultName: aws.String("x"), RecoveryPointArn: aws.String(rp)})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
}

func TestMpaApprovalAndRestoreAccessVaults(t *testing.T) {
	t.Parallel()
	env := newJobEnv(t)
	ctx := t.Context()
	const team = "arn:aws:mpa:us-east-1:123456789012:approval-team/a1b2c3"
	lag, err := env.c.CreateLogicallyAirGappedBackupVault(ctx, &awsbackup.CreateLogicallyAirGappedBackupVaultInput{BackupVaultName: aws.String("airgap"),
		MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(30)})
	require.NoError(t, err)
	other := env.srv.ClientFor("210987654321", "us-east-1")

	// Restore access needs an approval team on the source.
	_, err = other.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: lag.BackupVaultArn})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)

	var ipv *types.InvalidParameterValueException
	_, err = env.c.AssociateBackupVaultMpaApprovalTeam(ctx, &awsbackup.AssociateBackupVaultMpaApprovalTeamInput{BackupVaultName: aws.String("airgap"), MpaApprovalTeamArn: aws.String("team")})
	require.ErrorAs(t, err, &ipv)
	_, err = env.c.AssociateBackupVaultMpaApprovalTeam(ctx, &awsbackup.AssociateBackupVaultMpaApprovalTeamInput{BackupVaultName: aws.String("main"), MpaApprovalTeamArn: aws.String(team)})
	require.ErrorAs(t, err, &ire, "a standard vault takes no approval team")
	_, err = env.c.AssociateBackupVaultMpaApprovalTeam(ctx, &awsbackup.AssociateBackupVaultMpaApprovalTeamInput{BackupVaultName: aws.String("airgap"),
		MpaApprovalTeamArn: aws.String(team), RequesterComment: aws.String("security review")})
	require.NoError(t, err)
	d, err := env.c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	assert.Equal(t, team, aws.ToString(d.MpaApprovalTeamArn))
	assert.Regexp(t, `^arn:aws:mpa:us-east-1:123456789012:session/`, aws.ToString(d.MpaSessionArn))

	ra, err := other.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: lag.BackupVaultArn,
		BackupVaultName: aws.String("ir-access"), CreatorRequestId: aws.String("req-1"), BackupVaultTags: map[string]string{"case": "42"}})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:backup:us-east-1:210987654321:backup-vault:ir-access", aws.ToString(ra.RestoreAccessBackupVaultArn))
	assert.Equal(t, types.VaultStateAvailable, ra.VaultState)
	again, err := other.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: lag.BackupVaultArn,
		BackupVaultName: aws.String("ir-access"), CreatorRequestId: aws.String("req-1")})
	require.NoError(t, err, "same creator request id")
	assert.Equal(t, aws.ToString(ra.RestoreAccessBackupVaultArn), aws.ToString(again.RestoreAccessBackupVaultArn))
	rd, err := other.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("ir-access")})
	require.NoError(t, err)
	assert.Equal(t, types.VaultTypeRestoreAccessBackupVault, rd.VaultType)
	assert.Equal(t, aws.ToString(lag.BackupVaultArn), aws.ToString(rd.SourceBackupVaultArn))

	l, err := env.c.ListRestoreAccessBackupVaults(ctx, &awsbackup.ListRestoreAccessBackupVaultsInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	require.Len(t, l.RestoreAccessBackupVaults, 1)
	assert.Equal(t, aws.ToString(ra.RestoreAccessBackupVaultArn), aws.ToString(l.RestoreAccessBackupVaults[0].RestoreAccessBackupVaultArn))
	assert.NotNil(t, l.RestoreAccessBackupVaults[0].ApprovalDate)

	// A second restore access vault with a generated name.
	gen, err := env.c.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: lag.BackupVaultArn})
	require.NoError(t, err)
	assert.Regexp(t, `^airgap-restore-[0-9a-f]{8}$`, aws.ToString(gen.RestoreAccessBackupVaultName))

	var nf *types.ResourceNotFoundException
	_, err = other.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: aws.String("arn:aws:backup:us-east-1:123456789012:backup-vault:nope")})
	require.ErrorAs(t, err, &nf)
	_, err = other.CreateRestoreAccessBackupVault(ctx, &awsbackup.CreateRestoreAccessBackupVaultInput{SourceBackupVaultArn: aws.String("vault")})
	require.ErrorAs(t, err, &ipv)

	// Revoking deletes the restore access vault.
	_, err = env.c.RevokeRestoreAccessBackupVault(ctx, &awsbackup.RevokeRestoreAccessBackupVaultInput{BackupVaultName: aws.String("airgap"),
		RestoreAccessBackupVaultArn: ra.RestoreAccessBackupVaultArn, RequesterComment: aws.String("incident closed")})
	require.NoError(t, err)
	_, err = other.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("ir-access")})
	require.ErrorAs(t, err, &nf)
	_, err = env.c.RevokeRestoreAccessBackupVault(ctx, &awsbackup.RevokeRestoreAccessBackupVaultInput{BackupVaultName: aws.String("airgap"), RestoreAccessBackupVaultArn: ra.RestoreAccessBackupVaultArn})
	require.ErrorAs(t, err, &nf, "already revoked")
	l, err = env.c.ListRestoreAccessBackupVaults(ctx, &awsbackup.ListRestoreAccessBackupVaultsInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	assert.Len(t, l.RestoreAccessBackupVaults, 1)

	_, err = env.c.DisassociateBackupVaultMpaApprovalTeam(ctx, &awsbackup.DisassociateBackupVaultMpaApprovalTeamInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	_, err = env.c.DisassociateBackupVaultMpaApprovalTeam(ctx, &awsbackup.DisassociateBackupVaultMpaApprovalTeamInput{BackupVaultName: aws.String("airgap")})
	require.ErrorAs(t, err, &ire, "no team any more")
	d, err = env.c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("airgap")})
	require.NoError(t, err)
	assert.Nil(t, d.MpaApprovalTeamArn)
}
