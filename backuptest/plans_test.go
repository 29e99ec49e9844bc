package backuptest_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/backuptest"
)

const testRole = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"

// newPlanServer returns a server with vaults "Default" and "secondary".
func newPlanServer(t *testing.T) (*backuptest.Server, *awsbackup.Client) {
	t.Helper()
	srv := backuptest.NewServer(t)
	c := srv.Client()
	for _, n := range []string{"Default", "secondary"} {
		_, err := c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(n)})
		require.NoError(t, err)
	}
	return srv, c
}

// serverSide makes one call without the SDK's client-side checks of
// required members and without retries, so the emulator's own validation
// answers.
func serverSide(o *awsbackup.Options) {
	o.RetryMaxAttempts = 1
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func dailyPlan(name string) *types.BackupPlanInput {
	return &types.BackupPlanInput{
		BackupPlanName: aws.String(name),
		Rules: []types.BackupRuleInput{{
			RuleName:              aws.String("daily"),
			TargetBackupVaultName: aws.String("Default"),
			ScheduleExpression:    aws.String("cron(0 5 ? * * *)"),
			Lifecycle:             &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(30), DeleteAfterDays: aws.Int64(120)},
			CopyActions: []types.CopyAction{{
				DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"),
				Lifecycle:                 &types.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			}},
			RecoveryPointTags: map[string]string{"by": "plan"},
		}},
		AdvancedBackupSettings: []types.AdvancedBackupSetting{{ResourceType: aws.String("EC2"), BackupOptions: map[string]string{"WindowsVSS": "enabled"}}},
	}
}

func TestBackupPlanLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := newPlanServer(t)
	ctx := t.Context()

	created, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{
		BackupPlan:       dailyPlan("prod"),
		BackupPlanTags:   map[string]string{"team": "storage"},
		CreatorRequestId: aws.String("plan-req-1"),
	})
	require.NoError(t, err)
	id := aws.ToString(created.BackupPlanId)
	assert.Equal(t, "arn:aws:backup:us-east-1:123456789012:backup-plan:"+id, aws.ToString(created.BackupPlanArn))
	require.NotEmpty(t, aws.ToString(created.VersionId))
	require.NotNil(t, created.CreationDate)
	require.Len(t, created.AdvancedBackupSettings, 1)

	// Same CreatorRequestId: the same plan, no second plan.
	again, err := c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("other"), CreatorRequestId: aws.String("plan-req-1")})
	require.NoError(t, err)
	assert.Equal(t, id, aws.ToString(again.BackupPlanId))

	_, err = c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("tagged"), BackupPlanTags: map[string]string{"aws:owner": "x"}}, serverSide)
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv, "reserved tag prefix")
	assert.Contains(t, err.Error(), "BackupPlanTags")

	// Same document, another request: AlreadyExistsException.
	_, err = c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod"), CreatorRequestId: aws.String("plan-req-2")})
	var ae *types.AlreadyExistsException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, aws.ToString(created.BackupPlanArn), aws.ToString(ae.Arn))

	got, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId})
	require.NoError(t, err)
	assert.Equal(t, "plan-req-1", aws.ToString(got.CreatorRequestId))
	assert.Equal(t, aws.ToString(created.VersionId), aws.ToString(got.VersionId))
	require.Len(t, got.BackupPlan.Rules, 1)
	r := got.BackupPlan.Rules[0]
	assert.NotEmpty(t, aws.ToString(r.RuleId))
	assert.Equal(t, int64(480), aws.ToInt64(r.StartWindowMinutes), "default start window")
	assert.Equal(t, int64(10080), aws.ToInt64(r.CompletionWindowMinutes), "default completion window")
	assert.Equal(t, "Etc/UTC", aws.ToString(r.ScheduleExpressionTimezone))
	assert.Equal(t, int64(120), aws.ToInt64(r.Lifecycle.DeleteAfterDays))
	assert.Equal(t, map[string]string{"by": "plan"}, r.RecoveryPointTags)
	require.Len(t, r.CopyActions, 1)

	// Update: a new version; the old one stays readable.
	upd := dailyPlan("prod")
	upd.Rules[0].StartWindowMinutes = aws.Int64(120)
	upd.Rules = append(upd.Rules, types.BackupRuleInput{RuleName: aws.String("weekly"), TargetBackupVaultName: aws.String("secondary"),
		ScheduleExpression: aws.String("cron(0 3 ? * SUN *)"), ScheduleExpressionTimezone: aws.String("Europe/Berlin")})
	updated, err := c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: created.BackupPlanId, BackupPlan: upd})
	require.NoError(t, err)
	assert.NotEqual(t, aws.ToString(created.VersionId), aws.ToString(updated.VersionId))

	cur, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId})
	require.NoError(t, err)
	require.Len(t, cur.BackupPlan.Rules, 2)
	assert.Equal(t, aws.ToString(r.RuleId), aws.ToString(cur.BackupPlan.Rules[0].RuleId), "an unchanged rule name keeps its id")
	assert.Equal(t, int64(120), aws.ToInt64(cur.BackupPlan.Rules[0].StartWindowMinutes))

	old, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId, VersionId: created.VersionId})
	require.NoError(t, err)
	require.Len(t, old.BackupPlan.Rules, 1)
	assert.Equal(t, int64(480), aws.ToInt64(old.BackupPlan.Rules[0].StartWindowMinutes))

	_, err = c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId, VersionId: aws.String("bm9wZQ")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	versions, err := c.ListBackupPlanVersions(ctx, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: created.BackupPlanId})
	require.NoError(t, err)
	require.Len(t, versions.BackupPlanVersionsList, 2)
	assert.Equal(t, aws.ToString(updated.VersionId), aws.ToString(versions.BackupPlanVersionsList[0].VersionId), "newest first")

	tags, err := c.ListTags(ctx, &awsbackup.ListTagsInput{ResourceArn: created.BackupPlanArn})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "storage"}, tags.Tags)

	// Delete, then it is only listed with IncludeDeleted.
	del, err := c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: created.BackupPlanId})
	require.NoError(t, err)
	require.NotNil(t, del.DeletionDate)
	assert.Equal(t, aws.ToString(updated.VersionId), aws.ToString(del.VersionId))

	list, err := c.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{})
	require.NoError(t, err)
	assert.Empty(t, list.BackupPlansList)
	list, err = c.ListBackupPlans(ctx, &awsbackup.ListBackupPlansInput{IncludeDeleted: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, list.BackupPlansList, 1)
	assert.NotNil(t, list.BackupPlansList[0].DeletionDate)

	gotDeleted, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId})
	require.NoError(t, err)
	assert.NotNil(t, gotDeleted.DeletionDate)

	_, err = c.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: created.BackupPlanId, BackupPlan: upd})
	require.ErrorAs(t, err, &nf)
	_, err = c.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: created.BackupPlanId})
	require.ErrorAs(t, err, &nf)

	var states []string
	for _, ev := range srv.Events() {
		if ev.DetailType != "Backup Plan State Change" {
			continue
		}
		var d struct{ BackupPlanId, VersionId, State string }
		require.NoError(t, json.Unmarshal(ev.Detail, &d))
		assert.Equal(t, id, d.BackupPlanId)
		assert.Equal(t, []string{aws.ToString(created.BackupPlanArn)}, ev.Resources)
		states = append(states, d.State+" "+d.VersionId)
	}
	assert.Equal(t, []string{"CREATED " + aws.ToString(created.VersionId), "MODIFIED " + aws.ToString(updated.VersionId), "DELETED " + aws.ToString(updated.VersionId)}, states)

	// The same document can be created again once the first plan is gone.
	_, err = c.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("prod")})
	require.NoError(t, err)
}

func TestBackupPlanNotFound(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	ctx := t.Context()
	missing := aws.String("00000000-0000-0000-0000-000000000000")
	var nf *types.ResourceNotFoundException
	_, err := c.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: missing})
	require.ErrorAs(t, err, &nf)
	_, err = c.ListBackupPlanVersions(ctx, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: missing})
	require.ErrorAs(t, err, &nf)
	_, err = c.ListBackupSelections(ctx, &awsbackup.ListBackupSelectionsInput{BackupPlanId: missing})
	require.ErrorAs(t, err, &nf)
	_, err = c.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: missing, SelectionId: missing})
	require.ErrorAs(t, err, &nf)
	_, err = c.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{BackupPlanId: missing,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("s"), IamRoleArn: aws.String(testRole), Resources: []string{"*"}}})
	require.ErrorAs(t, err, &nf)
}

func TestBackupPlanValidation(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	mod := func(f func(p *types.BackupPlanInput)) *types.BackupPlanInput {
		p := dailyPlan("valid")
		f(p)
		return p
	}
	tests := []struct {
		name  string
		plan  *types.BackupPlanInput
		code  string // "invalid", "missing", "limit"
		field string
	}{
		{"bad plan name", mod(func(p *types.BackupPlanInput) { p.BackupPlanName = aws.String("has space") }), "invalid", "BackupPlan.BackupPlanName"},
		{"long plan name", mod(func(p *types.BackupPlanInput) { p.BackupPlanName = aws.String(fmt.Sprintf("%051d", 0)) }), "invalid", "BackupPlan.BackupPlanName"},
		{"no rules", mod(func(p *types.BackupPlanInput) { p.Rules = nil }), "missing", "BackupPlan.Rules"},
		{"too many rules", mod(func(p *types.BackupPlanInput) {
			for i := range 10 {
				r := p.Rules[0]
				r.RuleName = aws.String(fmt.Sprintf("r%d", i))
				p.Rules = append(p.Rules, r)
			}
		}), "limit", "BackupPlan.Rules"},
		{"duplicate rule names", mod(func(p *types.BackupPlanInput) { p.Rules = append(p.Rules, p.Rules[0]) }), "invalid", "BackupPlan.Rules[1].RuleName"},
		{"bad rule name", mod(func(p *types.BackupPlanInput) { p.Rules[0].RuleName = aws.String("a/b") }), "invalid", "BackupPlan.Rules[0].RuleName"},
		{"missing vault", mod(func(p *types.BackupPlanInput) { p.Rules[0].TargetBackupVaultName = nil }), "missing", "BackupPlan.Rules[0].TargetBackupVaultName"},
		{"five-field cron", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 * * ?)") }), "invalid", "ScheduleExpression"},
		{"two question marks", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 ? * ? *)") }), "invalid", "ScheduleExpression"},
		{"no question mark", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 * * * *)") }), "invalid", "ScheduleExpression"},
		{"hour out of range", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 24 ? * * *)") }), "invalid", "ScheduleExpression"},
		{"more than hourly", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0/15 * ? * * *)") }), "invalid", "ScheduleExpression"},
		{"rate", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("rate(1 day)") }), "invalid", "ScheduleExpression"},
		{"bad timezone", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpressionTimezone = aws.String("Mars/Olympus") }), "invalid", "ScheduleExpressionTimezone"},
		// eb-cron-expressions, Wildcards: "3#1,6#3" is not valid; L and W
		// stand alone too (the library's cron rule, internal/cron).
		{"L in a list", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 L,15 * ? *)") }), "invalid", "ScheduleExpression"},
		{"W in a list", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 15W,1 * ? *)") }), "invalid", "ScheduleExpression"},
		{"# in a list", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 ? * 2#1,3 *)") }), "invalid", "ScheduleExpression"},
		{"nL in a list", mod(func(p *types.BackupPlanInput) { p.Rules[0].ScheduleExpression = aws.String("cron(0 5 ? * 6L,MON *)") }), "invalid", "ScheduleExpression"},
		{"start window 59", mod(func(p *types.BackupPlanInput) { p.Rules[0].StartWindowMinutes = aws.Int64(59) }), "invalid", "StartWindowMinutes"},
		{"cold plus 90", mod(func(p *types.BackupPlanInput) { p.Rules[0].Lifecycle.DeleteAfterDays = aws.Int64(119) }), "invalid", "BackupPlan.Rules[0].Lifecycle.DeleteAfterDays"},
		{"retention too long", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(36501)}
		}), "invalid", "Lifecycle.DeleteAfterDays"},
		{"continuous over 35", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].EnableContinuousBackup = aws.Bool(true)
			p.Rules[0].Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(36)}
		}), "invalid", "DeleteAfterDays"},
		// lgallard/terraform-aws-backup#40: AWS answers "Invalid lifecycle.
		// MoveToColdStorageAfterDays is unavailable" for a continuous rule.
		{"continuous cold", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].EnableContinuousBackup = aws.Bool(true)
			p.Rules[0].Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(7), DeleteAfterDays: aws.Int64(30)}
		}), "invalid", "MoveToColdStorageAfterDays is unavailable"},
		// aws/aws-cdk#17602: "Lifecycle must be specified for backup rule
		// enabled continuous backup".
		{"continuous without lifecycle", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].EnableContinuousBackup = aws.Bool(true)
			p.Rules[0].Lifecycle = nil
		}), "invalid", "Lifecycle must be specified"},
		// The archive tier follows cold storage, which continuous backups
		// do not have (API_Lifecycle OptInToArchiveForSupportedResources).
		{"continuous archive", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].EnableContinuousBackup = aws.Bool(true)
			p.Rules[0].Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(30), OptInToArchiveForSupportedResources: aws.Bool(true)}
		}), "invalid", "OptInToArchiveForSupportedResources"},
		// cloudposse/terraform-aws-backup, completion_window: "Must be at
		// least 60 minutes greater than start_window" (not in AWS's API
		// reference); with no start window AWS's default, 480, counts.
		{"windows 60/60", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].StartWindowMinutes = aws.Int64(60)
			p.Rules[0].CompletionWindowMinutes = aws.Int64(60)
		}), "invalid", "CompletionWindowMinutes"},
		{"completion 1 with the default start window", mod(func(p *types.BackupPlanInput) { p.Rules[0].CompletionWindowMinutes = aws.Int64(1) }),
			"invalid", "AWS's default"},
		// API_Lifecycle: -1 keeps points forever in both members together.
		{"-1 delete alone", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(-1)}
		}),
			"invalid", "only with -1 in both"},
		{"-1 cold with delete 30", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(-1), DeleteAfterDays: aws.Int64(30)}
		}), "invalid", "only with -1 in both"},
		// API_Lifecycle DeleteAfterEvent: "Not valid as an input."
		{"DeleteAfterEvent", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].Lifecycle.DeleteAfterEvent = types.LifecycleDeleteAfterEventDeleteAfterCopy
		}),
			"invalid", "DeleteAfterEvent"},
		{"copy to non-vault", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].CopyActions[0].DestinationBackupVaultArn = aws.String("arn:aws:s3:::bucket")
		}), "invalid", "CopyActions[0].DestinationBackupVaultArn"},
		{"copy lifecycle", mod(func(p *types.BackupPlanInput) {
			p.Rules[0].CopyActions[0].Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(20)}
		}), "invalid", "CopyActions[0].Lifecycle.DeleteAfterDays"},
		{"six copy actions", mod(func(p *types.BackupPlanInput) {
			for range 5 {
				p.Rules[0].CopyActions = append(p.Rules[0].CopyActions, p.Rules[0].CopyActions[0])
			}
		}), "limit", "CopyActions"},
		{"vss on rds", mod(func(p *types.BackupPlanInput) { p.AdvancedBackupSettings[0].ResourceType = aws.String("RDS") }), "invalid", "AdvancedBackupSettings[0].ResourceType"},
		{"vss bad value", mod(func(p *types.BackupPlanInput) {
			p.AdvancedBackupSettings[0].BackupOptions = map[string]string{"WindowsVSS": "yes"}
		}), "invalid", "BackupOptions"},
		{"reserved tag key", mod(func(p *types.BackupPlanInput) { p.Rules[0].RecoveryPointTags = map[string]string{"aws:backup": "x"} }), "invalid", "RecoveryPointTags"},
		{"too many recovery point tags", mod(func(p *types.BackupPlanInput) {
			for i := range 11 {
				p.Rules[0].RecoveryPointTags[fmt.Sprintf("k%d", i)] = "v"
			}
		}), "invalid", "RecoveryPointTags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: tt.plan}, serverSide)
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

func TestListBackupPlansPaging(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	want := map[string]bool{}
	for i := range 5 {
		out, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan(fmt.Sprintf("p%d", i))})
		require.NoError(t, err)
		want[aws.ToString(out.BackupPlanId)] = true
	}
	p := awsbackup.NewListBackupPlansPaginator(c, &awsbackup.ListBackupPlansInput{MaxResults: aws.Int32(2)})
	got := map[string]bool{}
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		require.NoError(t, err)
		pages++
		for _, m := range out.BackupPlansList {
			got[aws.ToString(m.BackupPlanId)] = true
		}
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, want, got)

	_, err := c.ListBackupPlans(t.Context(), &awsbackup.ListBackupPlansInput{MaxResults: aws.Int32(0)})
	var ipv *types.InvalidParameterValueException
	require.ErrorAs(t, err, &ipv)
	_, err = c.ListBackupPlans(t.Context(), &awsbackup.ListBackupPlansInput{NextToken: aws.String("garbage!")})
	require.ErrorAs(t, err, &ipv)
}

func TestBackupPlanQuota(t *testing.T) {
	t.Parallel()
	_, c := newPlanServer(t)
	for i := range 300 {
		_, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan(fmt.Sprintf("q%d", i))})
		require.NoError(t, err)
	}
	_, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("one-too-many")}, func(o *awsbackup.Options) {
		o.RetryMaxAttempts = 1 // the SDK retries LimitExceededException
	})
	var le *types.LimitExceededException
	require.ErrorAs(t, err, &le)
}

// TestCreateBackupPlanConcurrentIdempotency retries one CreatorRequestId
// from many clients at once: exactly one plan must exist afterwards.
func TestCreateBackupPlanConcurrentIdempotency(t *testing.T) {
	t.Parallel()
	srv, _ := newPlanServer(t)
	const n = 16
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := srv.Client().CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: dailyPlan("racy"), CreatorRequestId: aws.String("same-request")})
			if err != nil {
				t.Errorf("CreateBackupPlan: %v", err)
				return
			}
			ids <- aws.ToString(out.BackupPlanId)
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	assert.Len(t, seen, 1, "every retry gets the same plan")
	list, err := srv.Client().ListBackupPlans(t.Context(), &awsbackup.ListBackupPlansInput{})
	require.NoError(t, err)
	assert.Len(t, list.BackupPlansList, 1)
}
