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

func TestBackupSelections(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	ctx := t.Context()
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("sel")})
	require.NoError(t, err)

	sel := &types.BackupSelection{
		SelectionName: aws.String("tagged"),
		IamRoleArn:    aws.String(testRole),
		Resources:     []string{"arn:aws:ec2:*:*:volume/*", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
		NotResources:  []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0scratch"},
		ListOfTags:    []types.Condition{{ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
		Conditions: &types.Conditions{
			StringEquals:  []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("prod")}},
			StringNotLike: []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/owner"), ConditionValue: aws.String("test-*")}},
		},
	}
	created, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: sel, CreatorRequestId: aws.String("sel-1")})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(created.SelectionId))
	assert.Equal(t, aws.ToString(plan.BackupPlanId), aws.ToString(created.BackupPlanId))

	again, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: sel, CreatorRequestId: aws.String("sel-1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.SelectionId), aws.ToString(again.SelectionId), "same CreatorRequestId, same selection")

	got, err := c.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: created.SelectionId})
	require.NoError(t, err)
	assert.Equal(t, "sel-1", aws.ToString(got.CreatorRequestId))
	assert.Equal(t, sel.Resources, got.BackupSelection.Resources)
	assert.Equal(t, sel.NotResources, got.BackupSelection.NotResources)
	require.Len(t, got.BackupSelection.ListOfTags, 1)
	assert.Equal(t, types.ConditionTypeStringequals, got.BackupSelection.ListOfTags[0].ConditionType)
	require.NotNil(t, got.BackupSelection.Conditions)
	assert.Equal(t, "prod", aws.ToString(got.BackupSelection.Conditions.StringEquals[0].ConditionValue))

	second, err := c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("all"), IamRoleArn: aws.String(testRole), Resources: []string{"*"}}})
	require.NoError(t, err)

	list, err := c.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: plan.BackupPlanId, MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, list.BackupSelectionsList, 1)
	require.NotNil(t, list.NextToken)
	list2, err := c.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: plan.BackupPlanId, NextToken: list.NextToken})
	require.NoError(t, err)
	require.Len(t, list2.BackupSelectionsList, 1)
	assert.Nil(t, list2.NextToken)
	names := []string{aws.ToString(list.BackupSelectionsList[0].SelectionName), aws.ToString(list2.BackupSelectionsList[0].SelectionName)}
	assert.ElementsMatch(t, []string{"tagged", "all"}, names)
	assert.Equal(t, testRole, aws.ToString(list.BackupSelectionsList[0].IamRoleArn))

	// A plan with selections cannot be deleted.
	_, err = c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	var ire *types.InvalidRequestException
	require.ErrorAs(t, err, &ire)

	for _, id := range []*string{created.SelectionId, second.SelectionId} {
		_, err = c.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: id})
		require.NoError(t, err)
	}
	_, err = c.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: created.SelectionId})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: plan.BackupPlanId, SelectionId: created.SelectionId})
	require.ErrorAs(t, err, &nf)

	_, err = c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
}

func TestBackupSelectionValidation(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	plan, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("selval")})
	require.NoError(t, err)
	base := func(f func(s *types.BackupSelection)) *types.BackupSelection {
		s := &types.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String(testRole), Resources: []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1"}}
		f(s)
		return s
	}
	many := func(n int, wildcard bool) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%d", i)
			if wildcard {
				out[i] += "*"
			}
		}
		return out
	}
	tests := []struct {
		name  string
		sel   *types.BackupSelection
		code  string
		field string
	}{
		{"missing name", base(func(s *types.BackupSelection) { s.SelectionName = nil }), "missing", "BackupSelection.SelectionName"},
		{"bad name", base(func(s *types.BackupSelection) { s.SelectionName = aws.String("a b") }), "invalid", "BackupSelection.SelectionName"},
		{"missing role", base(func(s *types.BackupSelection) { s.IamRoleArn = nil }), "missing", "BackupSelection.IamRoleArn"},
		{"user not role", base(func(s *types.BackupSelection) { s.IamRoleArn = aws.String("arn:aws:iam::123456789012:user/bob") }), "invalid", "BackupSelection.IamRoleArn"},
		{"not an arn", base(func(s *types.BackupSelection) { s.Resources = []string{"vol-1"} }), "invalid", "BackupSelection.Resources[0]"},
		{"wildcard in the middle", base(func(s *types.BackupSelection) {
			s.Resources = []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-*abc"}
		}), "invalid", "BackupSelection.Resources[0]"},
		{"501 arns", base(func(s *types.BackupSelection) { s.Resources = many(501, false) }), "limit", "BackupSelection.Resources"},
		{"31 wildcard arns", base(func(s *types.BackupSelection) { s.Resources = many(31, true) }), "limit", "BackupSelection.Resources"},
		{"tag not STRINGEQUALS", base(func(s *types.BackupSelection) {
			s.ListOfTags = []types.Condition{{ConditionType: "STRINGLIKE", ConditionKey: aws.String("k"), ConditionValue: aws.String("v")}}
		}), "invalid", "BackupSelection.ListOfTags[0].ConditionType"},
		{"31 tags", base(func(s *types.BackupSelection) {
			for range 31 {
				s.ListOfTags = append(s.ListOfTags, types.Condition{ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("k"), ConditionValue: aws.String("v")})
			}
		}), "limit", "BackupSelection.ListOfTags"},
		{"condition key form", base(func(s *types.BackupSelection) {
			s.Conditions = &types.Conditions{StringLike: []types.ConditionParameter{{ConditionKey: aws.String("env"), ConditionValue: aws.String("p*")}}}
		}), "invalid", "BackupSelection.Conditions.StringLike[0].ConditionKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: tt.sel},
				serverSide)
			require.Error(t, err)
			switch tt.code {
			case "invalid":
				var e *types.InvalidParameterValueException
				require.ErrorAs(t, err, &e)
			case "missing":
				var e *types.MissingParameterValueException
				require.ErrorAs(t, err, &e)
			case "limit":
				var e *types.LimitExceededException
				require.ErrorAs(t, err, &e)
			}
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestBackupSelectionQuota(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	plan, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("selquota")})
	require.NoError(t, err)
	sel := &types.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String(testRole), Resources: []string{"*"}}
	for range 100 {
		_, err := c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: sel})
		require.NoError(t, err)
	}
	_, err = c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: sel},
		serverSide)
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}
