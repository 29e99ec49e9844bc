package backuptest_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	smithy "github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

// FuzzPlanFromJSON feeds arbitrary schedules, time zones and lifecycles to
// GetBackupPlanFromJSON and, when the plan is accepted, previews its runs.
// The emulator must answer with a client error or a plan, never fail
// internally, and an accepted schedule must preview in order.
func FuzzPlanFromJSON(f *testing.F) {
	for _, seed := range []struct {
		cron, tz  string
		cold, del int64
	}{
		{"cron(0 5 ? * * *)", "Etc/UTC", 0, 35},
		{"cron(0 12 LW * ? *)", "Europe/Berlin", 30, 120},
		{"cron(15 */3 ? * MON-FRI,SUN 2026-2030)", "America/New_York", 0, 36500},
		{"cron(0 0 ? * 6#5 *)", "Asia/Kolkata", -1, -1},
		{"cron(0 8 31W 2 ? *)", "", 10, 99},
		{"cron(0 0 ? * 7L *)", "Australia/Lord_Howe", 0, 0},
		{"rate(1 hour)", "UTC", 1, 91},
	} {
		f.Add(seed.cron, seed.tz, seed.cold, seed.del)
	}
	srv := backuptest.NewServer(f)
	c := srv.Client(func(o *awsbackup.Options) { o.RetryMaxAttempts = 1 })
	if _, err := c.CreateBackupVault(f.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("Default")}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, cron, tz string, cold, del int64) {
		rule := map[string]any{"RuleName": "r", "TargetBackupVaultName": "Default", "ScheduleExpression": cron}
		if tz != "" {
			rule["ScheduleExpressionTimezone"] = tz
		}
		lc := map[string]any{}
		if cold != 0 {
			lc["MoveToColdStorageAfterDays"] = cold
		}
		if del != 0 {
			lc["DeleteAfterDays"] = del
		}
		if len(lc) > 0 {
			rule["Lifecycle"] = lc
		}
		doc, err := json.Marshal(map[string]any{"BackupPlanName": "fuzz", "Rules": []any{rule}})
		if err != nil {
			t.Skip() // not valid UTF-8 for JSON; nothing to send
		}
		out, err := c.GetBackupPlanFromJSON(t.Context(), &awsbackup.GetBackupPlanFromJSONInput{BackupPlanTemplateJson: aws.String(string(doc))})
		if err != nil {
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorFault() == smithy.FaultServer {
				t.Fatalf("GetBackupPlanFromJSON(%s): %v; want a client error", doc, err)
			}
			return
		}
		if got := aws.ToString(out.BackupPlan.Rules[0].ScheduleExpression); got != cron {
			t.Fatalf("ScheduleExpression = %q; want %q", got, cron)
		}
		var in types.BackupPlanInput
		if err := json.Unmarshal(doc, &in); err != nil {
			t.Fatal(err)
		}
		plan, err := c.CreateBackupPlan(t.Context(), &awsbackup.CreateBackupPlanInput{BackupPlan: &in})
		if err != nil {
			t.Fatalf("CreateBackupPlan of a plan GetBackupPlanFromJSON accepted: %v", err)
		}
		defer func() {
			if _, err := c.DeleteBackupPlan(t.Context(), &awsbackup.DeleteBackupPlanInput{BackupPlanId: plan.BackupPlanId}); err != nil {
				t.Fatal(err)
			}
		}()
		got, err := c.GetBackupPlan(t.Context(), &awsbackup.GetBackupPlanInput{BackupPlanId: plan.BackupPlanId, MaxScheduledRunsPreview: 10})
		if err != nil {
			t.Fatalf("GetBackupPlan preview of %q: %v", cron, err)
		}
		for i := 1; i < len(got.ScheduledRunsPreview); i++ {
			if !got.ScheduledRunsPreview[i].ExecutionTime.After(*got.ScheduledRunsPreview[i-1].ExecutionTime) {
				t.Fatalf("preview of %q is not in order: %v then %v", cron, got.ScheduledRunsPreview[i-1].ExecutionTime, got.ScheduledRunsPreview[i].ExecutionTime)
			}
		}
	})
}
