package backup

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

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
