package backuptest_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportAndReimportPlanTemplate(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	ctx := t.Context()
	plan, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("exported")})
	require.NoError(t, err)

	exp, err := c.ExportBackupPlanTemplate(ctx, &awsbackup.ExportBackupPlanTemplateInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(exp.BackupPlanTemplateJson)), &doc))
	assert.Equal(t, "exported", doc["BackupPlanName"])
	rules, ok := doc["Rules"].([]any)
	require.True(t, ok)
	require.Len(t, rules, 1)
	rule := rules[0].(map[string]any)
	assert.Equal(t, "daily", rule["RuleName"])
	assert.NotContains(t, rule, "RuleId", "a template has no rule ids")

	back, err := c.GetBackupPlanFromJSON(ctx, &awsbackup.GetBackupPlanFromJSONInput{BackupPlanTemplateJson: exp.BackupPlanTemplateJson})
	require.NoError(t, err)
	assert.Equal(t, "exported", aws.ToString(back.BackupPlan.BackupPlanName))
	require.Len(t, back.BackupPlan.Rules, 1)
	assert.Equal(t, int64(120), aws.ToInt64(back.BackupPlan.Rules[0].Lifecycle.DeleteAfterDays))
	assert.Equal(t, "cron(0 5 ? * * *)", aws.ToString(back.BackupPlan.Rules[0].ScheduleExpression))

	var nf *types.ResourceNotFoundException
	_, err = c.ExportBackupPlanTemplate(ctx, &awsbackup.ExportBackupPlanTemplateInput{BackupPlanId: aws.String("nope")})
	require.ErrorAs(t, err, &nf)
}

func TestGetBackupPlanFromJSONValidation(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	tests := []struct {
		name, json, field string
		missing           bool
	}{
		{"not json", `{"BackupPlanName":`, "BackupPlanTemplateJson", false},
		{"array", `[]`, "BackupPlanTemplateJson", false},
		{"wrong type", `{"BackupPlanName": 7, "Rules": []}`, "BackupPlanTemplateJson.BackupPlanName", false},
		{"no name", `{"Rules":[{"RuleName":"r","TargetBackupVaultName":"Default"}]}`, "BackupPlanTemplateJson.BackupPlanName", true},
		{"no rules", `{"BackupPlanName":"p"}`, "BackupPlanTemplateJson.Rules", true},
		{"bad lifecycle", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default","Lifecycle":{"MoveToColdStorageAfterDays":30,"DeleteAfterDays":60}}]}`,
			"BackupPlanTemplateJson.Rules[0].Lifecycle.DeleteAfterDays", false},
		{"bad cron", `{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default","ScheduleExpression":"cron(0 5 * * *)"}]}`,
			"BackupPlanTemplateJson.Rules[0].ScheduleExpression", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.GetBackupPlanFromJSON(t.Context(), &awsbackup.GetBackupPlanFromJSONInput{BackupPlanTemplateJson: aws.String(tt.json)})
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

	// Target vaults need not exist for a parse.
	out, err := c.GetBackupPlanFromJSON(t.Context(), &awsbackup.GetBackupPlanFromJSONInput{BackupPlanTemplateJson: aws.String(
		`{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"elsewhere","StartWindowMinutes":60}]}`)})
	require.NoError(t, err)
	assert.Equal(t, int64(60), aws.ToInt64(out.BackupPlan.Rules[0].StartWindowMinutes))
	assert.Equal(t, int64(10080), aws.ToInt64(out.BackupPlan.Rules[0].CompletionWindowMinutes))
}

func TestBackupPlanTemplates(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	ctx := t.Context()
	list, err := c.ListBackupPlanTemplates(ctx, &awsbackup.ListBackupPlanTemplatesInput{})
	require.NoError(t, err)
	require.Len(t, list.BackupPlanTemplatesList, 5)
	names := map[string]string{}
	for _, m := range list.BackupPlanTemplatesList {
		names[aws.ToString(m.BackupPlanTemplateName)] = aws.ToString(m.BackupPlanTemplateId)
	}
	require.Contains(t, names, "Daily-35day-Retention")
	require.Contains(t, names, "Daily-Weekly-Monthly-7yr-Retention")

	tpl, err := c.GetBackupPlanFromTemplate(ctx, &awsbackup.GetBackupPlanFromTemplateInput{BackupPlanTemplateId: aws.String(names["Daily-Weekly-Monthly-1yr-Retention"])})
	require.NoError(t, err)
	require.Len(t, tpl.BackupPlanDocument.Rules, 3)
	assert.Equal(t, int64(365), aws.ToInt64(tpl.BackupPlanDocument.Rules[2].Lifecycle.DeleteAfterDays))

	// A template document is a valid plan once its vault exists.
	in := &types.BackupPlanInput{BackupPlanName: aws.String("from-template")}
	for _, r := range tpl.BackupPlanDocument.Rules {
		in.Rules = append(in.Rules, types.BackupRuleInput{RuleName: r.RuleName, TargetBackupVaultName: r.TargetBackupVaultName,
			ScheduleExpression: r.ScheduleExpression, Lifecycle: r.Lifecycle})
	}
	_, err = c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: in})
	require.NoError(t, err)

	page, err := c.ListBackupPlanTemplates(ctx, &awsbackup.ListBackupPlanTemplatesInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, page.BackupPlanTemplatesList, 2)
	require.NotNil(t, page.NextToken)

	_, err = c.GetBackupPlanFromTemplate(ctx, &awsbackup.GetBackupPlanFromTemplateInput{BackupPlanTemplateId: aws.String("no-such-template")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
}
