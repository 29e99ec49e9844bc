package backuptest_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

const (
	runVolA  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-aaaaaaaaaaaaaaaaa"
	runVolB  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-bbbbbbbbbbbbbbbbb"
	runVolC  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-ccccccccccccccccc"
	runTable = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
)

// runT0 is midnight UTC; the default rule fires at 05:00 UTC.
var runT0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// runEnv is an emulator on a manual clock with vault "main" and, in the
// inventory, volumes A and B tagged backup=daily, an untagged volume C and
// a table tagged backup=daily; jobs take ten minutes.
type runEnv struct {
	srv *backuptest.Server
	c   *awsbackup.Client
	clk *backuptest.ManualClock
}

func newRunEnv(t *testing.T, runPlans bool) runEnv {
	t.Helper()
	clk := backuptest.NewManualClock(runT0)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = 10 * time.Minute
		o.RunPlans = runPlans
	})
	env := runEnv{srv: srv, c: srv.Client(), clk: clk}
	_, err := env.c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	daily := map[string]string{"backup": "daily"}
	for _, r := range []backuptest.Resource{
		{ARN: runVolA, SizeBytes: 1 << 30, Tags: daily},
		{ARN: runVolB, SizeBytes: 2 << 30, Tags: map[string]string{"backup": "daily", "env": "test"}},
		{ARN: runVolC, SizeBytes: 3 << 30},
		{ARN: runTable, SizeBytes: 1 << 20, Tags: daily},
	} {
		require.NoError(t, srv.PutResource(r))
	}
	return env
}

// rule is a daily 05:00 rule into vault "main".
func runRule() types.BackupRuleInput {
	return types.BackupRuleInput{
		RuleName:              aws.String("daily"),
		TargetBackupVaultName: aws.String("main"),
		ScheduleExpression:    aws.String("cron(0 5 ? * * *)"),
		Lifecycle:             &types.Lifecycle{DeleteAfterDays: aws.Int64(35)},
		RecoveryPointTags:     map[string]string{"by": "plan"},
	}
}

// plan creates a plan with the given rules and one selection and returns
// its id.
func (env runEnv) plan(t *testing.T, sel types.BackupSelection, rules ...types.BackupRuleInput) string {
	t.Helper()
	out, err := env.c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("runs"), Rules: rules,
	}})
	require.NoError(t, err)
	sel.SelectionName = aws.String("sel")
	sel.IamRoleArn = aws.String(testRole)
	_, err = env.c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: out.BackupPlanId, BackupSelection: &sel})
	require.NoError(t, err)
	return aws.ToString(out.BackupPlanId)
}

func tagSelection() types.BackupSelection {
	return types.BackupSelection{ListOfTags: []types.Condition{{
		ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily"),
	}}, Resources: []string{"arn:aws:ec2:*:*:volume/*"}, Conditions: &types.Conditions{StringEquals: []types.ConditionParameter{{
		ConditionKey: aws.String("aws:ResourceTag/backup"), ConditionValue: aws.String("daily"),
	}}}}
}

// jobs lists the backup jobs, oldest first.
func (env runEnv) jobs(t *testing.T) []types.BackupJob {
	t.Helper()
	out, err := env.c.ListBackupJobs(t.Context(), &awsbackup.ListBackupJobsInput{})
	require.NoError(t, err)
	slices.Reverse(out.BackupJobs)
	return out.BackupJobs
}

func (env runEnv) advanceTo(t *testing.T, at time.Time) {
	t.Helper()
	env.clk.Set(at)
}

func resourceARNs(jobs []types.BackupJob) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, aws.ToString(j.ResourceArn))
	}
	slices.Sort(out)
	return out
}

func TestPlanRunsOnSchedule(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	// The tagged volumes; the tagged table is excluded by NotResources.
	id := env.plan(t, types.BackupSelection{ListOfTags: []types.Condition{{
		ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily"),
	}}, NotResources: []string{runTable}}, runRule())
	plan, err := env.c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	require.NoError(t, err)
	rule := plan.BackupPlan.Rules[0]

	env.advanceTo(t, runT0.Add(4*time.Hour+59*time.Minute))
	assert.Empty(t, env.jobs(t), "nothing before 05:00")

	fire := runT0.Add(5 * time.Hour)
	env.advanceTo(t, fire.Add(5*time.Minute))
	jobs := env.jobs(t)
	require.Len(t, jobs, 2)
	assert.Equal(t, []string{runVolA, runVolB}, resourceARNs(jobs))
	for _, j := range jobs {
		assert.Equal(t, types.BackupJobStateRunning, j.State)
		assert.Equal(t, fire, aws.ToTime(j.CreationDate), "created at the scheduled time")
		assert.Equal(t, fire.Add(8*time.Hour), aws.ToTime(j.StartBy), "start window 480 minutes")
		require.NotNil(t, j.CreatedBy)
		assert.Equal(t, id, aws.ToString(j.CreatedBy.BackupPlanId))
		assert.Equal(t, aws.ToString(plan.BackupPlanArn), aws.ToString(j.CreatedBy.BackupPlanArn))
		assert.Equal(t, aws.ToString(plan.VersionId), aws.ToString(j.CreatedBy.BackupPlanVersion))
		assert.Equal(t, aws.ToString(rule.RuleId), aws.ToString(j.CreatedBy.BackupRuleId))
		assert.Equal(t, "daily", aws.ToString(j.CreatedBy.BackupRuleName))
		assert.Equal(t, "cron(0 5 ? * * *)", aws.ToString(j.CreatedBy.BackupRuleCron))
		assert.Equal(t, testRole, aws.ToString(j.IamRoleArn), "the selection's role")
		assert.Equal(t, int64(35), aws.ToInt64(j.RecoveryPointLifecycle.DeleteAfterDays))
	}

	env.advanceTo(t, fire.Add(10*time.Minute))
	jobs = env.jobs(t)
	require.Len(t, jobs, 2)
	for _, j := range jobs {
		assert.Equal(t, types.BackupJobStateCompleted, j.State)
		assert.Equal(t, fire.Add(10*time.Minute), aws.ToTime(j.CompletionDate))
	}
	rps, err := env.c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 2)
	for _, rp := range rps.RecoveryPoints {
		assert.Equal(t, id, aws.ToString(rp.CreatedBy.BackupPlanId))
		assert.Equal(t, fire, aws.ToTime(rp.CreationDate))
		tags, err := env.c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: rp.RecoveryPointArn})
		require.NoError(t, err)
		assert.Equal(t, "plan", tags.Tags["by"], "the rule's RecoveryPointTags")
	}
	plan, err = env.c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, fire, aws.ToTime(plan.LastExecutionDate))

	// Another day: two more.
	env.advanceTo(t, fire.Add(24*time.Hour+time.Minute))
	jobs = env.jobs(t)
	require.Len(t, jobs, 4)
	assert.Equal(t, fire.Add(24*time.Hour), aws.ToTime(jobs[3].CreationDate))

	// A jump of three days runs every firing in between.
	env.advanceTo(t, fire.Add(4*24*time.Hour+time.Hour))
	jobs = env.jobs(t)
	require.Len(t, jobs, 10)
	for _, j := range jobs {
		assert.Equal(t, types.BackupJobStateCompleted, j.State)
	}
}

func TestPlanRunsOffByDefault(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, false)
	env.plan(t, tagSelection(), runRule())
	env.advanceTo(t, runT0.Add(3*24*time.Hour))
	assert.Empty(t, env.jobs(t))
}

func TestPlanRunsInRuleTimezone(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	r := runRule()
	r.ScheduleExpressionTimezone = aws.String("America/New_York")
	env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, r)
	// 05:00 in New York on 1 March 2026 (EST, UTC-5) is 10:00 UTC.
	env.advanceTo(t, runT0.Add(9*time.Hour+59*time.Minute))
	assert.Empty(t, env.jobs(t))
	env.advanceTo(t, runT0.Add(10*time.Hour+time.Minute))
	jobs := env.jobs(t)
	require.Len(t, jobs, 1)
	assert.Equal(t, runT0.Add(10*time.Hour), aws.ToTime(jobs[0].CreationDate))
	assert.Equal(t, "America/New_York", aws.ToString(jobs[0].CreatedBy.BackupRuleTimezone))
	// After the switch to daylight saving time (8 March), 05:00 is 09:00 UTC.
	env.advanceTo(t, time.Date(2026, 3, 9, 9, 1, 0, 0, time.UTC))
	jobs = env.jobs(t)
	require.Len(t, jobs, 9)
	assert.Equal(t, time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC), aws.ToTime(jobs[8].CreationDate))
}

func TestPlanRunsSelectionSemantics(t *testing.T) {
	t.Parallel()
	daily := types.ConditionParameter{ConditionKey: aws.String("aws:ResourceTag/backup"), ConditionValue: aws.String("daily")}
	cases := []struct {
		name string
		sel  types.BackupSelection
		want []string
	}{
		{"NotResources excludes", types.BackupSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}, NotResources: []string{runVolB}},
			[]string{runVolA, runVolC}},
		{"Resources AND Conditions", types.BackupSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*"},
			Conditions: &types.Conditions{StringEquals: []types.ConditionParameter{daily}}}, []string{runVolA, runVolB}},
		{"Resources OR ListOfTags", types.BackupSelection{Resources: []string{runVolC}, ListOfTags: []types.Condition{{
			ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}}},
			[]string{runTable, runVolA, runVolB, runVolC}},
		{"Conditions AND-ed", types.BackupSelection{Resources: []string{"*"}, Conditions: &types.Conditions{
			StringEquals: []types.ConditionParameter{daily},
			StringLike:   []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("te*")}}}},
			[]string{runVolB}},
		{"StringNotEquals holds without the tag", types.BackupSelection{Resources: []string{"*"}, Conditions: &types.Conditions{
			StringNotEquals: []types.ConditionParameter{daily}}}, []string{runVolC}},
		{"StringNotLike", types.BackupSelection{Resources: []string{"*"}, Conditions: &types.Conditions{
			StringNotLike: []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/env"), ConditionValue: aws.String("t*t")}}}},
			[]string{runTable, runVolA, runVolC}},
		{"prefix wildcard", types.BackupSelection{Resources: []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-a*"}}, []string{runVolA}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newRunEnv(t, true)
			env.plan(t, tc.sel, runRule())
			env.advanceTo(t, runT0.Add(5*time.Hour+time.Minute))
			assert.Equal(t, tc.want, resourceARNs(env.jobs(t)))
		})
	}
}

func TestPlanRunsOnlyOptedInTypesForTagSelections(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	_, err := env.c.UpdateRegionSettings(t.Context(), &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"DynamoDB": false}})
	require.NoError(t, err)
	env.plan(t, types.BackupSelection{ListOfTags: []types.Condition{{
		ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}}}, runRule())
	env.advanceTo(t, runT0.Add(5*time.Hour+time.Minute))
	assert.Equal(t, []string{runVolA, runVolB}, resourceARNs(env.jobs(t)), "the table's type is not opted in")
}

func TestPlanRunsCopyActions(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	eu := env.srv.ClientFor("123456789012", "eu-west-1")
	dr, err := eu.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")})
	require.NoError(t, err)
	r := runRule()
	r.CopyActions = []types.CopyAction{{DestinationBackupVaultArn: dr.BackupVaultArn, Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(90)}}}
	id := env.plan(t, types.BackupSelection{Resources: []string{runVolA, runVolB}}, r)

	// The backups complete at 05:10, the copies at 05:20.
	env.advanceTo(t, runT0.Add(5*time.Hour+15*time.Minute))
	copies, err := env.c.ListCopyJobs(ctx, &awsbackup.ListCopyJobsInput{})
	require.NoError(t, err)
	require.Len(t, copies.CopyJobs, 2)
	for _, cj := range copies.CopyJobs {
		assert.Equal(t, types.CopyJobStateRunning, cj.State)
		assert.Equal(t, runT0.Add(5*time.Hour+10*time.Minute), aws.ToTime(cj.CreationDate))
		assert.Equal(t, id, aws.ToString(cj.CreatedBy.BackupPlanId))
		assert.Equal(t, aws.ToString(dr.BackupVaultArn), aws.ToString(cj.DestinationBackupVaultArn))
	}
	env.advanceTo(t, runT0.Add(5*time.Hour+20*time.Minute))
	rps, err := eu.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("dr")})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 2)
	for _, rp := range rps.RecoveryPoints {
		assert.Equal(t, types.RecoveryPointStatusCompleted, rp.Status)
		assert.Equal(t, int64(90), aws.ToInt64(rp.Lifecycle.DeleteAfterDays), "the copy action's lifecycle")
	}
}

func TestPlanRunsUseUpdatedVersion(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	_, err := env.c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("other")})
	require.NoError(t, err)
	id := env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, runRule())
	env.advanceTo(t, runT0.Add(6*time.Hour))
	require.Len(t, env.jobs(t), 1)

	r := runRule()
	r.ScheduleExpression = aws.String("cron(0 7 ? * * *)")
	r.TargetBackupVaultName = aws.String("other")
	up, err := env.c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("runs"), Rules: []types.BackupRuleInput{r},
	}})
	require.NoError(t, err)
	env.advanceTo(t, runT0.Add(24*time.Hour+7*time.Hour+time.Minute))
	jobs := env.jobs(t)
	var created []time.Time
	for _, j := range jobs {
		created = append(created, aws.ToTime(j.CreationDate))
	}
	assert.Equal(t, []time.Time{runT0.Add(5 * time.Hour), runT0.Add(7 * time.Hour), runT0.Add(31 * time.Hour)}, created,
		"the new 07:00 schedule from the update on, no 05:00 run on the second day")
	for _, j := range jobs[1:] {
		assert.Equal(t, "other", aws.ToString(j.BackupVaultName))
		assert.Equal(t, aws.ToString(up.VersionId), aws.ToString(j.CreatedBy.BackupPlanVersion))
	}
	assert.Equal(t, "main", aws.ToString(jobs[0].BackupVaultName))
}

func TestPlanRunsNoBackfill(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	env.advanceTo(t, runT0.Add(6*time.Hour))
	env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, runRule())
	env.advanceTo(t, runT0.Add(12*time.Hour))
	assert.Empty(t, env.jobs(t), "a plan created after 05:00 does not run today's 05:00")
	env.advanceTo(t, runT0.Add(29*time.Hour+time.Minute))
	assert.Len(t, env.jobs(t), 1)
}

// TestPlanRunsMissingVaultFails: AWS accepts a plan whose target vault
// does not exist yet; the vault "must exist in each specified AWS Region
// before the backup plan runs" (AWS Organizations, "Backup policy syntax
// and examples", Considerations, Backup vaults). A run without it fails.
func TestPlanRunsMissingVaultFails(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	ctx := t.Context()
	never := runRule()
	never.RuleName, never.TargetBackupVaultName = aws.String("never"), aws.String("not-yet")
	_, err := env.c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("before-its-vault"), Rules: []types.BackupRuleInput{never},
	}})
	require.NoError(t, err, "a plan may name a vault that does not exist yet")
	_, err = env.c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("gone")})
	require.NoError(t, err)
	r := runRule()
	r.TargetBackupVaultName = aws.String("gone")
	env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, r)
	_, err = env.c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String("gone")})
	require.NoError(t, err)
	env.advanceTo(t, runT0.Add(5*time.Hour+time.Minute))
	jobs := env.jobs(t)
	require.Len(t, jobs, 1)
	assert.Equal(t, types.BackupJobStateFailed, jobs[0].State)
	assert.Contains(t, aws.ToString(jobs[0].StatusMessage), "Backup vault gone does not exist")
}

func TestPlanRunsStateSurvivesSaveLoad(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, runRule())
	env.advanceTo(t, runT0.Add(6*time.Hour))
	require.Len(t, env.jobs(t), 1)
	var buf bytes.Buffer
	require.NoError(t, env.srv.SaveState(&buf))
	require.NoError(t, env.srv.LoadState(&buf))
	env.advanceTo(t, runT0.Add(7*time.Hour))
	assert.Len(t, env.jobs(t), 1, "the loaded plan does not run 05:00 again")
}

// TestPlanRunsEverythingSelection: API_BackupSelection says a selection
// without Resources, ListOfTags or Conditions selects every supported,
// opted-in resource, but AWS refuses to create it ("Either 'ListOfTags' or
// 'Resources' section must be non-empty", hashicorp/terraform-provider-aws#24235),
// Conditions alone included: AWS is stricter than its reference. Resources
// ["*"] selects every opted-in resource.
func TestPlanRunsEverythingSelection(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	_, err := env.c.UpdateRegionSettings(t.Context(), &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"DynamoDB": false}})
	require.NoError(t, err)
	plan, err := env.c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("everything"), Rules: []types.BackupRuleInput{runRule()},
	}})
	require.NoError(t, err)
	for _, sel := range []types.BackupSelection{{}, {Conditions: &types.Conditions{StringEquals: []types.ConditionParameter{
		{ConditionKey: aws.String("aws:ResourceTag/backup"), ConditionValue: aws.String("daily")}}}}} {
		sel.SelectionName, sel.IamRoleArn = aws.String("sel"), aws.String(testRole)
		_, err := env.c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: plan.BackupPlanId, BackupSelection: &sel})
		var ipe *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipe)
		assert.Contains(t, err.Error(), "Either 'ListOfTags' or 'Resources' section must be non-empty")
	}
	env.plan(t, types.BackupSelection{Resources: []string{"*"}}, runRule())
	env.advanceTo(t, runT0.Add(5*time.Hour+time.Minute))
	assert.Equal(t, []string{runVolA, runVolB, runVolC}, resourceARNs(env.jobs(t)), "every opted-in resource; DynamoDB is opted out")
}

// TestPlanRunsServiceAndTypePatterns: assigning-resources-json, "Filter by
// services or resource types": a service-wide pattern (arn:aws:ec2:*)
// depends on each type's opt-in; a pattern naming the resource type
// (arn:aws:dynamodb:::table/*) backs up regardless of the opt-in.
func TestPlanRunsServiceAndTypePatterns(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		pattern string
		want    []string
	}{
		{"service-wide needs the opt-in", "arn:aws:dynamodb:*", nil},
		{"type-wide ignores the opt-in", "arn:aws:dynamodb:::table/*", []string{runTable}},
		{"service-wide with the opt-in", "arn:aws:ec2:*", []string{runVolA, runVolB, runVolC}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newRunEnv(t, true)
			_, err := env.c.UpdateRegionSettings(t.Context(), &awsbackup.UpdateRegionSettingsInput{ResourceTypeOptInPreference: map[string]bool{"DynamoDB": false}})
			require.NoError(t, err)
			env.plan(t, types.BackupSelection{Resources: []string{tc.pattern}}, runRule())
			env.advanceTo(t, runT0.Add(5*time.Hour+time.Minute))
			assert.Equal(t, tc.want, resourceARNs(env.jobs(t)))
		})
	}
}

// TestPlanRunsSkipDSTGap: a rule at 02:00 America/New_York does not run on
// 8 March 2026, when 02:00 does not exist (EventBridge Scheduler,
// schedule-types "Daylight saving time"); the preview agrees.
func TestPlanRunsSkipDSTGap(t *testing.T) {
	t.Parallel()
	env := newRunEnv(t, true)
	r := runRule()
	r.ScheduleExpression = aws.String("cron(0 2 ? * * *)")
	r.ScheduleExpressionTimezone = aws.String("America/New_York")
	env.clk.Set(time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC))
	id := env.plan(t, types.BackupSelection{Resources: []string{runVolA}}, r)
	got, err := env.c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id), MaxScheduledRunsPreview: 2})
	require.NoError(t, err)
	require.Len(t, got.ScheduledRunsPreview, 2)
	assert.Equal(t, time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC), got.ScheduledRunsPreview[0].ExecutionTime.UTC(), "no run on 8 March")
	env.advanceTo(t, time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC))
	var at []time.Time
	for _, j := range env.jobs(t) {
		at = append(at, aws.ToTime(j.CreationDate).UTC())
	}
	assert.Equal(t, []time.Time{time.Date(2026, 3, 9, 6, 0, 0, 0, time.UTC)}, at)
}
