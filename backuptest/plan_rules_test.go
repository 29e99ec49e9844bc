package backuptest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

func TestBackupPlanCronAccepted(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	for i, expr := range []string{
		"cron(0 5 ? * * *)", "cron(30 */2 ? * MON-FRI *)", "cron(0 0 L * ? *)", "cron(0 0 ? * 6#3 *)",
		"cron(15 10 1,15 JAN-JUN ? 2027)", "cron(0 12 LW * ? *)", "cron(0 12 ? * 6L *)", "cron(0 8 15W * ? *)",
	} {
		p := dailyPlan(fmt.Sprintf("cron-%d", i))
		p.Rules[0].ScheduleExpression = aws.String(expr)
		_, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: p})
		assert.NoError(t, err, expr)
	}
}

func TestGetBackupPlanScheduledRunsPreview(t *testing.T) {
	t.Parallel()
	clk := backuptest.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) // a Thursday
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk })
	c := srv.Client()
	_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")})
	require.NoError(t, err)
	plan, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("preview"),
		Rules: []types.BackupRuleInput{
			{RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("Default"), ScheduleExpression: aws.String("cron(0 5 ? * * *)")},
			{RuleName: aws.String("weekly"), TargetBackupVaultName: aws.String("Default"), ScheduleExpression: aws.String("cron(0 3 ? * SUN *)"),
				ScheduleExpressionTimezone: aws.String("Europe/Berlin"), EnableContinuousBackup: aws.Bool(true),
				Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(35)}},
		},
	}})
	require.NoError(t, err)

	got, err := c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId, MaxScheduledRunsPreview: 5})
	require.NoError(t, err)
	ruleIDs := map[string]string{}
	for _, r := range got.BackupPlan.Rules {
		ruleIDs[aws.ToString(r.RuleId)] = aws.ToString(r.RuleName)
	}
	var runs []string
	for _, r := range got.ScheduledRunsPreview {
		runs = append(runs, fmt.Sprintf("%s %s %s", r.ExecutionTime.UTC().Format(time.RFC3339), ruleIDs[aws.ToString(r.RuleId)], r.RuleExecutionType))
	}
	assert.Equal(t, []string{
		"2026-01-01T05:00:00Z daily SNAPSHOTS",
		"2026-01-02T05:00:00Z daily SNAPSHOTS",
		"2026-01-03T05:00:00Z daily SNAPSHOTS",
		"2026-01-04T02:00:00Z weekly CONTINUOUS_AND_SNAPSHOTS", // 03:00 in Berlin (CET)
		"2026-01-04T05:00:00Z daily SNAPSHOTS",
	}, runs)

	none, err := c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId})
	require.NoError(t, err)
	assert.Empty(t, none.ScheduledRunsPreview, "no preview unless asked")

	_, err = c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId, MaxScheduledRunsPreview: 11})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
}

func TestScheduledRunsPreviewCronForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr  string
		from  time.Time
		first string
	}{
		{"cron(0 8 15W * ? *)", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), "2026-02-16T08:00:00Z"}, // the 15th is a Sunday
		{"cron(0 0 L * ? *)", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), "2026-02-28T00:00:00Z"},   // last day of February
		{"cron(0 12 LW * ? *)", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), "2026-05-29T12:00:00Z"}, // May 31 is a Sunday
		{"cron(0 0 ? * 6#3 *)", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026-01-16T00:00:00Z"}, // third Friday
		{"cron(0 12 ? * 6L *)", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026-01-30T12:00:00Z"}, // last Friday
		{"cron(15 10 1,15 JAN-JUN ? 2027)", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2027-01-01T10:15:00Z"},
		{"cron(30 */2 ? * MON-FRI *)", time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), "2026-01-05T00:30:00Z"}, // from a Saturday
		{"cron(0 5 1W * ? *)", time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), "2026-08-03T05:00:00Z"},         // Aug 1 is a Saturday: Monday the 3rd
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			clk := backuptest.NewManualClock(tt.from)
			srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Clock = clk })
			c := srv.Client()
			_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")})
			require.NoError(t, err)
			p := dailyPlan("cron")
			p.Rules[0].ScheduleExpression = aws.String(tt.expr)
			plan, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: p})
			require.NoError(t, err)
			got, err := c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId, MaxScheduledRunsPreview: 2})
			require.NoError(t, err)
			require.Len(t, got.ScheduledRunsPreview, 2)
			assert.Equal(t, tt.first, got.ScheduledRunsPreview[0].ExecutionTime.UTC().Format(time.RFC3339))
			assert.True(t, got.ScheduledRunsPreview[1].ExecutionTime.After(*got.ScheduledRunsPreview[0].ExecutionTime))
		})
	}
}
