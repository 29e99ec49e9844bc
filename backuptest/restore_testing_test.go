package backuptest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func rtPlan(name string) *types.RestoreTestingPlanForCreate {
	return &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String(name),
		ScheduleExpression:     aws.String("cron(0 1 ? * SUN *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
			Algorithm:          types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults:      []string{"*"},
			RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot},
		},
	}
}

func rtSelection(name string) *types.RestoreTestingSelectionForCreate {
	return &types.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String(name),
		IamRoleArn:                  aws.String(testRole),
		ProtectedResourceType:       aws.String("EBS"),
		ProtectedResourceArns:       []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0123"},
		RestoreMetadataOverrides:    map[string]string{"volumeType": "gp3"},
		ValidationWindowHours:       aws.Int32(2),
	}
}

func TestRestoreTestingPlanLifecycle(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()

	created, err := c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{
		RestoreTestingPlan: rtPlan("weekly_drill"), CreatorRequestId: aws.String("rtp-1"), Tags: map[string]string{"team": "dr"},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(aws.ToString(created.RestoreTestingPlanArn), "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:weekly_drill-"))
	require.NotNil(t, created.CreationTime)

	tags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: created.RestoreTestingPlanArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "dr"}, tags.Tags)

	again, err := c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("weekly_drill"), CreatorRequestId: aws.String("rtp-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.RestoreTestingPlanArn), aws.ToString(again.RestoreTestingPlanArn))
	_, err = c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("weekly_drill"), CreatorRequestId: aws.String("rtp-2")})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)

	got, err := c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill")})
	require.NoError(t, err)
	p := got.RestoreTestingPlan
	assert.Equal(t, int32(24), p.StartWindowHours, "default start window")
	assert.Equal(t, int32(30), p.RecoveryPointSelection.SelectionWindowDays, "default selection window")
	assert.Equal(t, "Etc/UTC", aws.ToString(p.ScheduleExpressionTimezone))
	assert.Equal(t, "rtp-1", aws.ToString(p.CreatorRequestId))
	assert.Equal(t, []string{"*"}, p.RecoveryPointSelection.IncludeVaults)

	upd, err := c.UpdateRestoreTestingPlan(ctx, &awsbackup.UpdateRestoreTestingPlanInput{
		RestoreTestingPlanName: aws.String("weekly_drill"),
		RestoreTestingPlan: &types.RestoreTestingPlanForUpdate{StartWindowHours: 8, ScheduleExpressionTimezone: aws.String("Europe/Paris"),
			RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{
				Algorithm:          types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow,
				IncludeVaults:      []string{"arn:aws:backup:us-east-1:123456789012:backup-vault:prod-*"},
				RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeContinuous}, SelectionWindowDays: 7,
			}},
	})
	require.NoError(t, err)
	require.NotNil(t, upd.UpdateTime)
	got, err = c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill")})
	require.NoError(t, err)
	assert.Equal(t, int32(8), got.RestoreTestingPlan.StartWindowHours)
	assert.Equal(t, "cron(0 1 ? * SUN *)", aws.ToString(got.RestoreTestingPlan.ScheduleExpression), "unchanged members stay")
	assert.Equal(t, types.RestoreTestingRecoveryPointSelectionAlgorithmRandomWithinWindow, got.RestoreTestingPlan.RecoveryPointSelection.Algorithm)
	assert.Equal(t, int32(7), got.RestoreTestingPlan.RecoveryPointSelection.SelectionWindowDays)

	_, err = c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("another")})
	require.NoError(t, err)
	list, err := c.ListRestoreTestingPlans(ctx, &awsbackup.ListRestoreTestingPlansInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, list.RestoreTestingPlans, 1)
	assert.Equal(t, "another", aws.ToString(list.RestoreTestingPlans[0].RestoreTestingPlanName))
	require.NotNil(t, list.NextToken)
	list, err = c.ListRestoreTestingPlans(ctx, &awsbackup.ListRestoreTestingPlansInput{NextToken: list.NextToken})
	require.NoError(t, err)
	require.Len(t, list.RestoreTestingPlans, 1)
	assert.Equal(t, "Europe/Paris", aws.ToString(list.RestoreTestingPlans[0].ScheduleExpressionTimezone))

	_, err = c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill")})
	require.NoError(t, err)
	var nf *types.ResourceNotFoundException
	_, err = c.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill")})
	require.ErrorAs(t, err, &nf)
	_, err = c.UpdateRestoreTestingPlan(ctx, &awsbackup.UpdateRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill"), RestoreTestingPlan: &types.RestoreTestingPlanForUpdate{}})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: aws.String("weekly_drill")})
	require.ErrorAs(t, err, &nf)
}

func TestCreateRestoreTestingPlanIs201(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var status int
	c := srv.Client(func(o *awsbackup.Options) {
		o.HTTPClient = statusRecorder{next: http.DefaultClient, status: &status}
	})
	_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("p201")})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, status)
	_, err = c.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("p201"), RestoreTestingSelection: rtSelection("s201")})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, status)
}

type statusRecorder struct {
	next   *http.Client
	status *int
}

func (s statusRecorder) Do(r *http.Request) (*http.Response, error) {
	resp, err := s.next.Do(r)
	if err == nil {
		*s.status = resp.StatusCode
	}
	return resp, err
}

func TestRestoreTestingPlanValidation(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	mod := func(f func(p *types.RestoreTestingPlanForCreate)) *types.RestoreTestingPlanForCreate {
		p := rtPlan("valid_plan")
		f(p)
		return p
	}
	tests := []struct {
		name    string
		plan    *types.RestoreTestingPlanForCreate
		field   string
		missing bool
	}{
		{"hyphen in name", mod(func(p *types.RestoreTestingPlanForCreate) { p.RestoreTestingPlanName = aws.String("weekly-drill") }), "RestoreTestingPlan.RestoreTestingPlanName", false},
		{"long name", mod(func(p *types.RestoreTestingPlanForCreate) {
			p.RestoreTestingPlanName = aws.String(strings.Repeat("a", 51))
		}), "RestoreTestingPlan.RestoreTestingPlanName", false},
		{"no schedule", mod(func(p *types.RestoreTestingPlanForCreate) { p.ScheduleExpression = aws.String("") }), "RestoreTestingPlan.ScheduleExpression", true},
		{"bad schedule", mod(func(p *types.RestoreTestingPlanForCreate) { p.ScheduleExpression = aws.String("cron(0 1 * * * *)") }), "RestoreTestingPlan.ScheduleExpression", false},
		{"bad timezone", mod(func(p *types.RestoreTestingPlanForCreate) { p.ScheduleExpressionTimezone = aws.String("CET+1") }), "ScheduleExpressionTimezone", false},
		{"start window 169", mod(func(p *types.RestoreTestingPlanForCreate) { p.StartWindowHours = 169 }), "RestoreTestingPlan.StartWindowHours", false},
		{"no algorithm", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.Algorithm = "" }), "RecoveryPointSelection.Algorithm", true},
		{"bad algorithm", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.Algorithm = "OLDEST" }), "RecoveryPointSelection.Algorithm", false},
		{"no vaults", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.IncludeVaults = nil }), "RecoveryPointSelection.IncludeVaults", true},
		{"vault not an arn", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.IncludeVaults = []string{"prod"} }), "RecoveryPointSelection.IncludeVaults[0]", false},
		{"no types", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.RecoveryPointTypes = nil }), "RecoveryPointSelection.RecoveryPointTypes", true},
		{"bad type", mod(func(p *types.RestoreTestingPlanForCreate) {
			p.RecoveryPointSelection.RecoveryPointTypes = []types.RestoreTestingRecoveryPointType{"ARCHIVE"}
		}), "RecoveryPointSelection.RecoveryPointTypes[0]", false},
		{"window 366 days", mod(func(p *types.RestoreTestingPlanForCreate) { p.RecoveryPointSelection.SelectionWindowDays = 366 }), "RecoveryPointSelection.SelectionWindowDays", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: tt.plan}, serverSide)
			require.Error(t, err)
			if tt.missing {
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			} else {
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestRestoreTestingPlanQuota(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	for i := range 100 {
		_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan(fmt.Sprintf("p%d", i))})
		require.NoError(t, err)
	}
	_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("p100")}, serverSide)
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}

func TestRestoreTestingSelections(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	ctx := t.Context()
	plan, err := c.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("drill")})
	require.NoError(t, err)
	planName := aws.String("drill")

	created, err := c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: planName, RestoreTestingSelection: rtSelection("volumes"), CreatorRequestId: aws.String("sel-1"),
	})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(plan.RestoreTestingPlanArn), aws.ToString(created.RestoreTestingPlanArn))
	assert.Equal(t, "volumes", aws.ToString(created.RestoreTestingSelectionName))

	again, err := c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: planName, RestoreTestingSelection: rtSelection("volumes"), CreatorRequestId: aws.String("sel-1"),
	})
	require.NoError(t, err)
	assert.Equal(t, created.CreationTime.Unix(), again.CreationTime.Unix())
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelection: rtSelection("volumes")})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)

	tables := &types.RestoreTestingSelectionForCreate{
		RestoreTestingSelectionName: aws.String("tables"), IamRoleArn: aws.String(testRole), ProtectedResourceType: aws.String("DynamoDB"),
		ProtectedResourceConditions: &types.ProtectedResourceConditions{
			StringEquals:    []types.KeyValue{{Key: aws.String("aws:ResourceTag/env"), Value: aws.String("prod")}},
			StringNotEquals: []types.KeyValue{{Key: aws.String("aws:ResourceTag/drill"), Value: aws.String("skip")}},
		},
	}
	_, err = c.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelection: tables})
	require.NoError(t, err)

	got, err := c.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes")})
	require.NoError(t, err)
	s := got.RestoreTestingSelection
	assert.Equal(t, "EBS", aws.ToString(s.ProtectedResourceType))
	assert.Equal(t, int32(2), s.ValidationWindowHours)
	assert.Equal(t, map[string]string{"volumeType": "gp3"}, s.RestoreMetadataOverrides)
	assert.Equal(t, "sel-1", aws.ToString(s.CreatorRequestId))
	assert.Equal(t, "drill", aws.ToString(s.RestoreTestingPlanName))

	_, err = c.UpdateRestoreTestingSelection(ctx, &awsbackup.UpdateRestoreTestingSelectionInput{
		RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes"),
		RestoreTestingSelection: &types.RestoreTestingSelectionForUpdate{ProtectedResourceArns: []string{"*"}, ValidationWindowHours: aws.Int32(0)},
	})
	require.NoError(t, err)
	got, err = c.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes")})
	require.NoError(t, err)
	assert.Equal(t, []string{"*"}, got.RestoreTestingSelection.ProtectedResourceArns)
	assert.Equal(t, int32(0), got.RestoreTestingSelection.ValidationWindowHours)
	assert.Equal(t, testRole, aws.ToString(got.RestoreTestingSelection.IamRoleArn), "unchanged members stay")

	var ipv *types.InvalidParameterValueException
	_, err = c.UpdateRestoreTestingSelection(ctx, &awsbackup.UpdateRestoreTestingSelectionInput{
		RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes"),
		RestoreTestingSelection: &types.RestoreTestingSelectionForUpdate{ProtectedResourceArns: []string{"arn:aws:dynamodb:us-east-1:123456789012:table/t"}},
	})
	require.ErrorAs(t, err, &ipv, "ARNs must match the selection's resource type")
	_, err = c.UpdateRestoreTestingSelection(ctx, &awsbackup.UpdateRestoreTestingSelectionInput{
		RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes"),
		RestoreTestingSelection: &types.RestoreTestingSelectionForUpdate{ValidationWindowHours: aws.Int32(169)},
	})
	require.ErrorAs(t, err, &ipv)

	list, err := c.ListRestoreTestingSelections(ctx, &awsbackup.ListRestoreTestingSelectionsInput{RestoreTestingPlanName: planName})
	require.NoError(t, err)
	require.Len(t, list.RestoreTestingSelections, 2)
	assert.Equal(t, "tables", aws.ToString(list.RestoreTestingSelections[0].RestoreTestingSelectionName))
	assert.Equal(t, "DynamoDB", aws.ToString(list.RestoreTestingSelections[0].ProtectedResourceType))

	// A plan with selections cannot be deleted.
	_, err = c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: planName})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)

	for _, n := range []string{"volumes", "tables"} {
		_, err = c.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String(n)})
		require.NoError(t, err)
	}
	var nf *types.ResourceNotFoundException
	_, err = c.GetRestoreTestingSelection(ctx, &awsbackup.GetRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes")})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteRestoreTestingSelection(ctx, &awsbackup.DeleteRestoreTestingSelectionInput{RestoreTestingPlanName: planName, RestoreTestingSelectionName: aws.String("volumes")})
	require.ErrorAs(t, err, &nf)
	_, err = c.ListRestoreTestingSelections(ctx, &awsbackup.ListRestoreTestingSelectionsInput{RestoreTestingPlanName: aws.String("nope")})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteRestoreTestingPlan(ctx, &awsbackup.DeleteRestoreTestingPlanInput{RestoreTestingPlanName: planName})
	require.NoError(t, err)
}

func TestRestoreTestingSelectionValidation(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("drill")})
	require.NoError(t, err)
	mod := func(f func(s *types.RestoreTestingSelectionForCreate)) *types.RestoreTestingSelectionForCreate {
		s := rtSelection("sel")
		f(s)
		return s
	}
	arns := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%d", i)
		}
		return out
	}
	tests := []struct {
		name    string
		sel     *types.RestoreTestingSelectionForCreate
		field   string
		missing bool
	}{
		{"bad name", mod(func(s *types.RestoreTestingSelectionForCreate) { s.RestoreTestingSelectionName = aws.String("my sel") }), "RestoreTestingSelection.RestoreTestingSelectionName", false},
		{"no role", mod(func(s *types.RestoreTestingSelectionForCreate) { s.IamRoleArn = aws.String("") }), "RestoreTestingSelection.IamRoleArn", true},
		{"bad role", mod(func(s *types.RestoreTestingSelectionForCreate) { s.IamRoleArn = aws.String("role/x") }), "RestoreTestingSelection.IamRoleArn", false},
		{"no type", mod(func(s *types.RestoreTestingSelectionForCreate) { s.ProtectedResourceType = aws.String("") }), "RestoreTestingSelection.ProtectedResourceType", true},
		{"bad type", mod(func(s *types.RestoreTestingSelectionForCreate) { s.ProtectedResourceType = aws.String("Lambda") }), "RestoreTestingSelection.ProtectedResourceType", false},
		{"neither", mod(func(s *types.RestoreTestingSelectionForCreate) { s.ProtectedResourceArns = nil }), "RestoreTestingSelection.ProtectedResourceArns", true},
		// API_RestoreTestingSelectionForCreate: conditions go with the
		// wildcard ARN, or specific ARNs alone.
		{"conditions with specific ARNs", mod(func(s *types.RestoreTestingSelectionForCreate) {
			s.ProtectedResourceConditions = &types.ProtectedResourceConditions{StringEquals: []types.KeyValue{{Key: aws.String("aws:ResourceTag/a"), Value: aws.String("b")}}}
		}), "not with specific ARNs", false},
		{"31 arns", mod(func(s *types.RestoreTestingSelectionForCreate) { s.ProtectedResourceArns = arns(31) }), "RestoreTestingSelection.ProtectedResourceArns", false},
		{"wrong type arn", mod(func(s *types.RestoreTestingSelectionForCreate) {
			s.ProtectedResourceArns = []string{"arn:aws:rds:us-east-1:123456789012:db:orders"}
		}), "RestoreTestingSelection.ProtectedResourceArns[0]", false},
		{"condition key form", mod(func(s *types.RestoreTestingSelectionForCreate) {
			s.ProtectedResourceArns = nil
			s.ProtectedResourceConditions = &types.ProtectedResourceConditions{StringEquals: []types.KeyValue{{Key: aws.String("env"), Value: aws.String("prod")}}}
		}), "ProtectedResourceConditions.StringEquals[0].Key", false},
		{"validation window", mod(func(s *types.RestoreTestingSelectionForCreate) { s.ValidationWindowHours = aws.Int32(169) }), "RestoreTestingSelection.ValidationWindowHours", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("drill"), RestoreTestingSelection: tt.sel}, serverSide)
			require.Error(t, err)
			if tt.missing {
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			} else {
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}

	var nf *types.ResourceNotFoundException
	_, err = c.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("nope"), RestoreTestingSelection: rtSelection("s")})
	require.ErrorAs(t, err, &nf)
}

func TestRestoreTestingSelectionQuota(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	_, err := c.CreateRestoreTestingPlan(t.Context(), &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: rtPlan("drill")})
	require.NoError(t, err)
	for i := range 30 {
		_, err := c.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("drill"), RestoreTestingSelection: rtSelection(fmt.Sprintf("s%d", i))})
		require.NoError(t, err)
	}
	_, err = c.CreateRestoreTestingSelection(t.Context(), &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("drill"), RestoreTestingSelection: rtSelection("s30")}, serverSide)
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}

func TestGetRestoreTestingInferredMetadataErrors(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	var nf *types.ResourceNotFoundException
	_, err := c.GetRestoreTestingInferredMetadata(t.Context(), &awsbackup.GetRestoreTestingInferredMetadataInput{
		BackupVaultName: aws.String("nope"), RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-1"),
	})
	require.ErrorAs(t, err, &nf)
	_, err = c.GetRestoreTestingInferredMetadata(t.Context(), &awsbackup.GetRestoreTestingInferredMetadataInput{
		BackupVaultName: aws.String("Default"), RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-1"),
	})
	require.ErrorAs(t, err, &nf)
	var ipv *types.InvalidParameterValueException
	_, err = c.GetRestoreTestingInferredMetadata(t.Context(), &awsbackup.GetRestoreTestingInferredMetadataInput{
		BackupVaultName: aws.String("Default"), RecoveryPointArn: aws.String("arn:aws:ec2:us-east-1::snapshot/snap-1"), BackupVaultAccountId: aws.String("12"),
	})
	require.ErrorAs(t, err, &ipv)
}

func TestGetRestoreTestingInferredMetadata(t *testing.T) {
	t.Parallel()
	srv, c := newPlanServer(t)
	ctx := t.Context()
	const vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0inferred"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 8 << 30}))
	job, err := c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("Default"), ResourceArn: aws.String(vol), IamRoleArn: aws.String(testRole)})
	require.NoError(t, err)
	var rpARN string
	for range 5 { // JobDuration 0: the job completes on a later request
		d, err := c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: job.BackupJobId})
		require.NoError(t, err)
		if d.State == types.BackupJobStateCompleted {
			rpARN = aws.ToString(d.RecoveryPointArn)
			break
		}
	}
	require.NotEmpty(t, rpARN, "backup job did not complete")

	want, err := c.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{BackupVaultName: aws.String("Default"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	got, err := c.GetRestoreTestingInferredMetadata(ctx, &awsbackup.GetRestoreTestingInferredMetadataInput{BackupVaultName: aws.String("Default"), RecoveryPointArn: aws.String(rpARN)})
	require.NoError(t, err)
	assert.Equal(t, want.RestoreMetadata, got.InferredMetadata)
	assert.Equal(t, "8", got.InferredMetadata["volumeSize"])

	// The point is in Default, not in secondary.
	var nf *types.ResourceNotFoundException
	_, err = c.GetRestoreTestingInferredMetadata(ctx, &awsbackup.GetRestoreTestingInferredMetadataInput{BackupVaultName: aws.String("secondary"), RecoveryPointArn: aws.String(rpARN)})
	require.ErrorAs(t, err, &nf)
}
