package backup

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

func TestReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 10*time.Minute)
	ctx := t.Context()
	start := e.clk.Now()
	// vol1 succeeds twice, db1 once then fails, table1 only fails.
	for _, r := range []string{vol1, db1, vol1} {
		if _, err := e.backup(t, r).Wait(ctx, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(time.Hour)
	}
	lastVol := e.clk.Now()
	e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: db1, StatusMessage: "snapshot quota exceeded", Count: 1})
	e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: table1, State: "EXPIRED", StatusMessage: "start window passed", Count: 1})
	for _, r := range []string{db1, table1} {
		if _, err := e.backup(t, r).Wait(ctx, 24*time.Hour); err == nil {
			t.Fatalf("%s: want failure", r)
		}
	}
	e.clk.Advance(2 * time.Hour)

	rep, err := e.c.Report(ctx, start.Add(-time.Minute))
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	if got := rep.Counts["BACKUP"]; got["COMPLETED"] != 3 || got["FAILED"] != 1 || got["EXPIRED"] != 1 {
		t.Errorf("Counts[BACKUP] = %v; want 3 COMPLETED, 1 FAILED, 1 EXPIRED", got)
	}
	if got := rep.ByResourceType["EBS"]["COMPLETED"]; got != 2 {
		t.Errorf("ByResourceType[EBS][COMPLETED] = %d; want 2", got)
	}
	if got := rep.ByResourceType["RDS"]; got["COMPLETED"] != 1 || got["FAILED"] != 1 {
		t.Errorf("ByResourceType[RDS] = %v; want 1 COMPLETED, 1 FAILED", got)
	}
	if len(rep.Failed) != 2 || rep.Failed[0].ResourceARN != table1 || rep.Failed[1].StatusMessage != "snapshot quota exceeded" {
		t.Errorf("Failed = %+v; want table1 (newest) then db1 with reason", rep.Failed)
	}
	byARN := map[string]ResourceStatus{}
	for _, rs := range rep.Resources {
		byARN[rs.ResourceARN] = rs
	}
	if rs := byARN[table1]; !rs.LastSuccess.IsZero() || rs.AgeText != "never" || rep.Resources[0].ResourceARN != table1 {
		t.Errorf("table1 = %+v (first %s); want never backed up, listed first", rs, rep.Resources[0].ResourceARN)
	}
	if rs := byARN[db1]; rs.LastState != "FAILED" || rs.LastSuccess.IsZero() {
		t.Errorf("db1 = %+v; want last state FAILED with an earlier success", rs)
	}
	vol := byARN[vol1]
	if got, want := vol.Age, e.clk.Now().Sub(vol.LastSuccess); got != want || vol.LastSuccess.After(lastVol) || vol.Age < 2*time.Hour {
		t.Errorf("vol1 age = %v (last success %v); want now − last success ≥ 2h", got, vol.LastSuccess)
	}

	var tbl bytes.Buffer
	if err := rep.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"BACKUP", "COMPLETED", "EXPIRED", "snapshot quota exceeded", table1, "never", "RESOURCE TYPE", "AGE (RPO)"} {
		if !strings.Contains(tbl.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tbl.String())
		}
	}
	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("report JSON does not parse: %v", err)
	}
	if back.Counts["BACKUP"]["COMPLETED"] != 3 || len(back.Failed) != 2 || len(back.Resources) != 3 {
		t.Errorf("JSON round trip = %+v; want the same counts", back)
	}

	// A window after everything: no jobs counted, RPO still known.
	later, err := e.c.Report(ctx, e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if later.Total("BACKUP") != 0 || len(later.Resources) != 2 {
		t.Errorf("late report: total %d, resources %d; want 0 jobs and the 2 resources with successes", later.Total("BACKUP"), len(later.Resources))
	}
}

func TestBackupJobSummaries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := t.Context()
	e.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: db1, Count: 1})
	for _, r := range []string{vol1, vol2, db1} {
		_, _ = e.backup(t, r).Wait(ctx, time.Hour)
	}
	counts := map[string]int32{}
	for s, err := range e.c.JobSummaries(ctx, OneDay, "", "") {
		if err != nil {
			t.Fatalf("JobSummaries: %v", err)
		}
		counts[string(s.State)+"/"+aws.ToString(s.ResourceType)] += s.Count
	}
	if counts["COMPLETED/EBS"] != 2 || counts["FAILED/RDS"] != 1 {
		t.Errorf("summaries = %v; want COMPLETED/EBS 2 and FAILED/RDS 1", counts)
	}
	for _, err := range e.c.JobSummaries(ctx, "ONE_YEAR", "", "Lambda") {
		if got := len(fieldsOf(err)); got != 2 {
			t.Errorf("invalid summaries query: err = %v; want 2 validation errors", err)
		}
	}
}

func TestEmulatorEventsParse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 5*time.Minute)
	ctx := t.Context()
	dr := e.srv.ClientFor(acct, drRegion)
	if _, err := dr.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")}); err != nil {
		t.Fatal(err)
	}
	b, err := e.backup(t, vol1).Wait(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cj, err := e.c.StartCopy(ctx, CopyInput{SourceVaultName: testVlt, RecoveryPointARN: aws.ToString(b.RecoveryPointArn), IAMRoleARN: role, DestinationVaultName: "dr", DestinationRegion: drRegion})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cj.Wait(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, raw := range e.srv.Events() {
		ev, err := ParseEvent(raw.JSON())
		if err != nil {
			t.Errorf("ParseEvent(%s): %v", raw.JSON(), err)
			continue
		}
		if ev.Job == nil {
			continue
		}
		seen[ev.Job.JobType+"/"+ev.Job.State] = true
		if ev.Job.JobType == JobTypeBackup && ev.Job.State == "COMPLETED" && (ev.Job.JobID != aws.ToString(b.BackupJobId) || ev.Job.ResourceARN != vol1) {
			t.Errorf("backup COMPLETED event = %+v; want job %s of %s", ev.Job, aws.ToString(b.BackupJobId), vol1)
		}
		if ev.Job.JobType == JobTypeCopy && ev.Job.JobID != cj.ID {
			t.Errorf("copy event job id = %s; want %s", ev.Job.JobID, cj.ID)
		}
	}
	if !seen["BACKUP/COMPLETED"] || !seen["COPY/COMPLETED"] {
		t.Errorf("job events seen = %v; want BACKUP/COMPLETED and COPY/COMPLETED", seen)
	}
}
