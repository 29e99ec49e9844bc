package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
)

// `drill --restore-testing-plan` reports what AWS Backup's restore testing
// did — here the emulator running a plan on its manual clock — with the
// drill's reports and exit status, and restores nothing itself.
func TestDrillFromRestoreTesting(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	epoch := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clk := backuptest.NewManualClock(epoch.Add(-2 * time.Hour))
	srv := backuptest.NewServer(t, func(o *backuptest.Options) {
		o.Clock, o.RunPlans, o.JobDuration = clk, true, 20*time.Minute
	})
	const role = "arn:aws:iam::123456789012:role/restore-testing"
	vols := []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000a", "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000b"}
	for _, v := range vols {
		if err := srv.SeedRecoveryPoints("", "", "rt-vault", 1, func(int) backuptest.Resource { return backuptest.Resource{ARN: v, SizeBytes: 1 << 30} }); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(epoch)
	api := srv.Client()
	plan, err := api.CreateRestoreTestingPlan(ctx, &awsbackup.CreateRestoreTestingPlanInput{RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
		RestoreTestingPlanName: aws.String("nightly"), ScheduleExpression: aws.String("cron(0 10 ? * * *)"),
		RecoveryPointSelection: &types.RestoreTestingRecoveryPointSelection{Algorithm: types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
			IncludeVaults: []string{"*"}, RecoveryPointTypes: []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateRestoreTestingSelection(ctx, &awsbackup.CreateRestoreTestingSelectionInput{RestoreTestingPlanName: aws.String("nightly"),
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{RestoreTestingSelectionName: aws.String("volumes"), ProtectedResourceType: aws.String("EBS"),
			ProtectedResourceArns: []string{"*"}, IamRoleArn: aws.String(role), ValidationWindowHours: aws.Int32(1)}}); err != nil {
		t.Fatal(err)
	}

	// Bad input first: refused before any call.
	before := len(srv.Calls())
	for _, bad := range [][]string{
		{"--restore-testing-plan", "night-ly"},
		{"--restore-testing-plan", "arn:aws:backup:us-east-1:123456789012:backup-plan:x"},
		{"--since", "24h"},
		{"--restore-testing-plan", "nightly", "--vault", "rt-vault"},
		{"--restore-testing-plan", "nightly", "--since", "-1h"},
	} {
		args := append([]string{"drill", "--endpoint", srv.URL, "--region", "us-east-1", "--out", t.TempDir()}, bad...)
		code, _, errOut := runDrillCLI(t, args...)
		if code != exitErr || !strings.Contains(errOut, bad[len(bad)-2]) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming the flag", bad, code, errOut, exitErr)
		}
	}
	if code, _, errOut := runDrillCLI(t, "drill", "--restore-testing-plan", "nightly", "--out", t.TempDir()); code != exitErr || !strings.Contains(errOut, "--aws") {
		t.Errorf("without --aws or --endpoint: exit %d, %q", code, errOut)
	}
	if n := len(srv.Calls()) - before; n != 0 {
		t.Errorf("bad input made %d calls; want none", n)
	}

	// A plan that does not exist is named as such, in one line.
	if code, _, errOut := runDrillCLI(t, "drill", "--endpoint", srv.URL, "--region", "us-east-1", "--restore-testing-plan", "weekly", "--out", t.TempDir()); code != exitErr ||
		!strings.Contains(errOut, "no such restore testing plan in us-east-1") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("unknown plan: exit %d, stderr %q; want one line saying there is no such plan", code, errOut)
	}

	clk.Advance(time.Hour) // 10:00: the plan fires
	clk.Advance(25 * time.Minute)
	jobs, err := api.ListRestoreJobs(ctx, &awsbackup.ListRestoreJobsInput{ByRestoreTestingPlanArn: plan.RestoreTestingPlanArn})
	if err != nil || len(jobs.RestoreJobs) != 2 {
		t.Fatalf("restore tests: %+v, %v; want 2", jobs, err)
	}
	for _, j := range jobs.RestoreJobs {
		if _, err := api.PutRestoreValidationResult(ctx, &awsbackup.PutRestoreValidationResultInput{RestoreJobId: j.RestoreJobId,
			ValidationStatus: types.RestoreValidationStatusSuccessful}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(2 * time.Hour) // the validation window has closed: restored volumes deleted

	restoresBefore := countOps(srv, "StartRestoreJob")
	dir := t.TempDir()
	code, out, errOut := runDrillCLI(t, "drill", "--endpoint", srv.URL, "--region", "us-east-1", "--restore-testing-plan", "nightly", "--max-rpo", "12h", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := countOps(srv, "StartRestoreJob") - restoresBefore; n != 0 {
		t.Errorf("the drill started %d restore jobs; want none (it reads the plan's)", n)
	}
	var rep drillReportDoc
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.Passed || rep.Summary.Targets != 2 || rep.Summary.Passed != 2 {
		t.Errorf("report: passed %v, summary %+v; want 2 of 2 passed", rep.Passed, rep.Summary)
	}
	for _, f := range []string{"report.md", "report.xml", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}

	// An RPO target the recovery points miss fails the drill (exit 2).
	code, _, errOut = runDrillCLI(t, "drill", "--endpoint", srv.URL, "--region", "us-east-1", "--restore-testing-plan", *plan.RestoreTestingPlanArn, "--max-rpo", "1h", "--out", t.TempDir())
	if code != exitFailed || !strings.Contains(errOut, "missed RPO") {
		t.Errorf("--max-rpo 1h: exit %d, stderr %q; want %d with missed RPO", code, errOut, exitFailed)
	}
}

func countOps(srv *backuptest.Server, op string) int {
	n := 0
	for _, c := range srv.Calls() {
		if c.Operation == op {
			n++
		}
	}
	return n
}
