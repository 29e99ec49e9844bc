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

// newTimingEnv is newRunEnv with the given options on top.
func newTimingEnv(t *testing.T, opt func(*backuptest.Options)) runEnv {
	t.Helper()
	clk := backuptest.NewManualClock(runT0)
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock = clk
		o.JobDuration = 10 * time.Minute
		o.RunPlans = true
		opt(o)
	})
	env := runEnv{srv: srv, c: srv.Client(), clk: clk}
	_, err := env.c.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("main")})
	require.NoError(t, err)
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: runVolA, SizeBytes: 1 << 30}))
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: runVolB, SizeBytes: 1 << 30}))
	return env
}

// namedPlan creates plan name selecting volumes A and B with rules.
func (env runEnv) namedPlan(t *testing.T, name string, rules ...types.BackupRuleInput) {
	t.Helper()
	out, err := env.c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String(name), Rules: rules,
	}})
	require.NoError(t, err)
	_, err = env.c.CreateBackupSelection(t.Context(), &awsbackup.CreateBackupSelectionInput{BackupPlanId: out.BackupPlanId,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("vols"), IamRoleArn: aws.String(testRole), Resources: []string{runVolA, runVolB}}})
	require.NoError(t, err)
}

func timingRule(name, cron string, keepDays int64) types.BackupRuleInput {
	return types.BackupRuleInput{
		RuleName: aws.String(name), TargetBackupVaultName: aws.String("main"),
		ScheduleExpression: aws.String(cron), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(keepDays)},
	}
}

// TestPlanJobsStartWithinStartWindow: with PlanStartDelay, plan jobs are
// created at the scheduled time and stay CREATED until their seeded start,
// inside the start window; the same Seed gives the same starts.
func TestPlanJobsStartWithinStartWindow(t *testing.T) {
	t.Parallel()
	fire := runT0.Add(5 * time.Hour)
	run := func(seed uint64) map[string]time.Time {
		env := newTimingEnv(t, func(o *backuptest.Options) { o.PlanStartDelay = 2 * time.Hour; o.Seed = seed })
		r := timingRule("daily", "cron(0 5 ? * * *)", 35)
		r.StartWindowMinutes = aws.Int64(90) // caps the delay below PlanStartDelay
		env.namedPlan(t, "delayed", r)

		env.advanceTo(t, fire)
		jobs := env.jobs(t)
		require.Len(t, jobs, 2)
		for _, j := range jobs {
			assert.Equal(t, fire, aws.ToTime(j.CreationDate))
			assert.Equal(t, fire.Add(90*time.Minute), aws.ToTime(j.StartBy))
		}
		// Step minute by minute: each job turns RUNNING once, at its start.
		starts := map[string]time.Time{}
		for at := fire; !at.After(fire.Add(2 * time.Hour)); at = at.Add(time.Minute) {
			env.advanceTo(t, at)
			for _, j := range env.jobs(t) {
				arn := aws.ToString(j.ResourceArn)
				if _, seen := starts[arn]; !seen && j.State != types.BackupJobStateCreated {
					starts[arn] = at
				}
			}
		}
		require.Len(t, starts, 2)
		for arn, at := range starts {
			assert.False(t, at.Before(fire), arn)
			assert.True(t, at.Before(fire.Add(90*time.Minute)), "%s started at %s, after its start window", arn, at)
		}
		for _, j := range env.jobs(t) {
			assert.Equal(t, types.BackupJobStateCompleted, j.State)
		}
		return starts
	}
	a := run(7)
	assert.Equal(t, a, run(7), "same seed, same starts")
	assert.NotEqual(t, a, run(8), "another seed, other starts")
	var delayed bool
	for _, at := range a {
		delayed = delayed || at.After(fire)
	}
	assert.True(t, delayed, "a job starts after its scheduled time")
}

// TestPlanJobExpiresPastStartWindow: a plan job waits while another backup
// of its resource runs and ends EXPIRED at StartBy if it cannot start by
// then; the completion window counts from the scheduled time (API
// StartBackupJob CompleteWindowMinutes: "It does not add additional time
// for StartWindowMinutes, or if the backup started later than scheduled").
func TestPlanJobExpiresPastStartWindow(t *testing.T) {
	t.Parallel()
	env := newTimingEnv(t, func(o *backuptest.Options) { o.JobDuration = 2 * time.Hour })
	env.namedPlan(t, "early", timingRule("at4", "cron(0 4 ? * * *)", 35)) // runs 04:00–06:00
	short := timingRule("at5", "cron(0 5 ? * * *)", 35)
	short.StartWindowMinutes = aws.Int64(60) // until 06:00: never free in time
	env.namedPlan(t, "short", short)
	late := timingRule("at5b", "cron(0 5 ? * * *)", 35)
	late.StartWindowMinutes = aws.Int64(90)       // starts at 06:00 …
	late.CompletionWindowMinutes = aws.Int64(150) // … but must be done by 07:30
	env.namedPlan(t, "late", late)

	byRule := func() map[string]types.BackupJob {
		out := map[string]types.BackupJob{}
		for _, j := range env.jobs(t) {
			if aws.ToString(j.ResourceArn) == runVolA {
				out[aws.ToString(j.CreatedBy.BackupRuleName)] = j
			}
		}
		return out
	}
	fire := runT0.Add(5 * time.Hour)
	env.advanceTo(t, fire.Add(59*time.Minute))
	jobs := byRule()
	require.Len(t, jobs, 3)
	assert.Equal(t, types.BackupJobStateRunning, jobs["at4"].State)
	assert.Equal(t, types.BackupJobStateCreated, jobs["at5"].State, "waits for the running backup")
	assert.Equal(t, types.BackupJobStateCreated, jobs["at5b"].State)

	env.advanceTo(t, fire.Add(time.Hour))
	jobs = byRule()
	assert.Equal(t, types.BackupJobStateCompleted, jobs["at4"].State)
	assert.Equal(t, types.BackupJobStateExpired, jobs["at5"].State)
	assert.Equal(t, fire.Add(time.Hour), aws.ToTime(jobs["at5"].CompletionDate), "expires at StartBy")
	assert.Contains(t, aws.ToString(jobs["at5"].StatusMessage), "start window")
	assert.Equal(t, types.BackupJobStateRunning, jobs["at5b"].State, "started when the resource was free")

	env.advanceTo(t, fire.Add(4*time.Hour))
	jobs = byRule()
	assert.Equal(t, types.BackupJobStateAborted, jobs["at5b"].State)
	assert.Equal(t, fire.Add(150*time.Minute), aws.ToTime(jobs["at5b"].CompletionDate), "completion window from the scheduled time")
	assert.Contains(t, aws.ToString(jobs["at5b"].StatusMessage), "completion window")

	rps, err := env.c.ListRecoveryPointsByResource(t.Context(), &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(runVolA)})
	require.NoError(t, err)
	require.Len(t, rps.RecoveryPoints, 1, "only the 04:00 backup made a point")
}

// TestPlanRulesFiringTogetherMerge: "If you have a backup plan with multiple
// rules and the time frames of the two rules overlap, AWS Backup optimizes
// the backup and takes a backup for the rule with the longer retention
// time. The optimization takes into account the full start window" —
// https://docs.aws.amazon.com/aws-backup/latest/devguide/plan-options-and-configuration.html
func TestPlanRulesFiringTogetherMerge(t *testing.T) {
	t.Parallel()
	rules := func(t *testing.T, rs ...types.BackupRuleInput) map[string]int {
		env := newTimingEnv(t, func(*backuptest.Options) {})
		env.namedPlan(t, "merge", rs...)
		env.advanceTo(t, runT0.Add(12*time.Hour))
		out := map[string]int{}
		for _, j := range env.jobs(t) {
			out[aws.ToString(j.CreatedBy.BackupRuleName)]++
			assert.Equal(t, types.BackupJobStateCompleted, j.State)
		}
		return out
	}
	t.Run("longer retention wins across the start window", func(t *testing.T) {
		// 05:00 keeps 7 days, 07:00 keeps 35: 07:00 is inside 05:00's
		// eight-hour start window, so only the 07:00 rule runs.
		assert.Equal(t, map[string]int{"long": 2}, rules(t,
			timingRule("short", "cron(0 5 ? * * *)", 7), timingRule("long", "cron(0 7 ? * * *)", 35)))
	})
	t.Run("the earlier rule can win", func(t *testing.T) {
		assert.Equal(t, map[string]int{"early-long": 2}, rules(t,
			timingRule("early-long", "cron(0 5 ? * * *)", 35), timingRule("late-short", "cron(0 7 ? * * *)", 7)))
	})
	t.Run("no retention is longest", func(t *testing.T) {
		forever := timingRule("forever", "cron(0 6 ? * * *)", 1)
		forever.Lifecycle = nil
		assert.Equal(t, map[string]int{"forever": 2}, rules(t, timingRule("month", "cron(0 5 ? * * *)", 30), forever))
	})
	t.Run("equal retention: the earlier firing", func(t *testing.T) {
		assert.Equal(t, map[string]int{"first": 2}, rules(t,
			timingRule("first", "cron(0 5 ? * * *)", 35), timingRule("second", "cron(0 6 ? * * *)", 35)))
	})
	t.Run("windows apart: both run", func(t *testing.T) {
		a := timingRule("a", "cron(0 5 ? * * *)", 7)
		a.StartWindowMinutes = aws.Int64(60)
		b := timingRule("b", "cron(0 7 ? * * *)", 35)
		b.StartWindowMinutes = aws.Int64(60)
		assert.Equal(t, map[string]int{"a": 2, "b": 2}, rules(t, a, b))
	})
}
