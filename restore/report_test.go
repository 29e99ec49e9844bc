package restore

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleReport() *Report {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	ok := TargetResult{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS",
		RecoveryPointARN: "arn:aws:ec2:us-east-1::snapshot/snap-1", RestoreJobID: "job-1", CreatedResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-2",
		RPO: 2 * time.Hour, RTORestore: 3 * time.Minute, RTOTotal: 4 * time.Minute, MaxRTO: 10 * time.Minute, MaxRPO: 24 * time.Hour,
		Validation: Passed, Cleanup: Deleted, PhaseSeconds: map[string]float64{PhaseRestore: 180}}
	bad := TargetResult{ResourceARN: "arn:aws:rds:us-east-1:123456789012:db:orders<&>", ResourceType: "RDS",
		RecoveryPointARN: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-2", RestoreJobID: "job-2", CreatedResourceARN: "arn:aws:rds:us-east-1:123456789012:db:bkdrill-1",
		RPO: 30 * time.Hour, RTORestore: 20 * time.Minute, RTOTotal: 25 * time.Minute, MaxRTO: 10 * time.Minute, MaxRPO: 24 * time.Hour,
		Validation: Failed, ValidationMessage: "DB instance status is \"failed\"", Cleanup: Left, LeftBehind: []string{"arn:aws:rds:us-east-1:123456789012:db:bkdrill-1"},
		Error: "validate: status failed", PhaseSeconds: map[string]float64{}}
	ok.finish(start)
	bad.finish(start)
	r := &Report{SchemaVersion: ReportSchemaVersion, DrillID: "drill-test", StartedAt: start, FinishedAt: start.Add(26 * time.Minute), Concurrency: 2, Targets: []TargetResult{ok, bad}}
	r.summarize()
	return r
}

func TestReportSummary(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	want := Summary{Targets: 2, Passed: 1, Failed: 1, MissedRTO: 1, MissedRPO: 1, LeftBehind: 1}
	if r.Summary != want {
		t.Errorf("Summary = %+v; want %+v", r.Summary, want)
	}
	if r.Passed {
		t.Errorf("Passed = true; want false")
	}
	if r.Targets[0].Status != Passed || r.Targets[1].Status != Failed {
		t.Errorf("statuses = %s, %s; want passed, failed", r.Targets[0].Status, r.Targets[1].Status)
	}
}

func TestReportJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sampleReport().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion int      `json:"schemaVersion"`
		DrillID       string   `json:"drillId"`
		Passed        bool     `json:"passed"`
		LeftBehind    []string `json:"leftBehind"`
		Targets       []map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("report JSON does not parse: %v\n%s", err, buf.String())
	}
	if doc.SchemaVersion != 1 || doc.DrillID != "drill-test" || doc.Passed || len(doc.LeftBehind) != 1 || len(doc.Targets) != 2 {
		t.Fatalf("parsed report = %+v; want schema 1, drill-test, failed, 1 left behind, 2 targets", doc)
	}
	t0 := doc.Targets[0]
	for _, k := range []string{"resourceArn", "resourceType", "recoveryPointArn", "createdResourceArn", "rpoSeconds", "rtoRestoreSeconds", "rtoTotalSeconds", "validation", "cleanup", "error"} {
		if _, ok := t0[k]; !ok {
			t.Errorf("target JSON lacks %q: %v", k, t0)
		}
	}
	if t0["rpoSeconds"] != 7200.0 || t0["rtoRestoreSeconds"] != 180.0 || t0["rtoTotalSeconds"] != 240.0 || t0["validation"] != "passed" || t0["cleanup"] != "deleted" {
		t.Errorf("target 0 = %v; want rpo 7200, rto restore 180, total 240, passed, deleted", t0)
	}
	if t1 := doc.Targets[1]; t1["error"] != "validate: status failed" || t1["cleanup"] != "left" || t1["validation"] != "failed" {
		t.Errorf("target 1 = %v; want error, validation failed, cleanup left", t1)
	}
	// A fully typed round trip keeps every exported JSON field.
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Targets[1].CreatedResourceARN != "arn:aws:rds:us-east-1:123456789012:db:bkdrill-1" || back.Summary.MissedRTO != 1 {
		t.Errorf("round trip = %+v; want the same created ARN and summary", back)
	}
}

func TestReportJUnit(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sampleReport().WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 2 || doc.Fails != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("JUnit = %+v; want 2 tests, 1 failure, one suite of 2 cases", doc)
	}
	c0, c1 := doc.Suites[0].Cases[0], doc.Suites[0].Cases[1]
	if c0.Failure != nil || c0.ClassName != "backupkit.drill.EBS" || c0.Time != 240 {
		t.Errorf("case 0 = %+v; want passing EBS case with time 240", c0)
	}
	if c1.Failure == nil || !strings.Contains(c1.Failure.Message, "RTO 25m00s exceeds target 10m00s") || !strings.Contains(c1.Failure.Message, "left behind") {
		t.Errorf("case 1 failure = %+v; want RTO miss and leftover named", c1.Failure)
	}
	if c1.Name != "arn:aws:rds:us-east-1:123456789012:db:orders<&>" {
		t.Errorf("case 1 name = %q; want the ARN with its special characters", c1.Name)
	}
}

func TestReportMarkdown(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sampleReport().WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"# Restore drill drill-test: FAILED", "| `arn:aws:ec2:us-east-1:123456789012:volume/vol-1` | EBS | job-1 | 2h00m | 24h00m | met | 3m00s | 4m00s | 10m00s | met | passed | deleted | passed |  |",
		"| RDS | job-2 | 30h00m | 24h00m | missed | 20m00s | 25m00s | 10m00s | missed | failed | left | failed | validate: status failed; validation: DB instance status is \"failed\";", "## Left behind"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestReportHTML(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sampleReport().WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, "<svg "); n != 3 {
		t.Errorf("HTML has %d <svg> charts; want 3 (timeline, RTO and RPO)", n)
	}
	// 2 targets × RTO, RPO; the timeline's one restore phase; its legend of 5 phases.
	if n := strings.Count(page, "<rect "); n != 4+1+5 {
		t.Errorf("HTML has %d bars; want 10", n)
	}
	if !strings.Contains(page, `stroke-dasharray`) || !strings.Contains(page, "#cf222e") {
		t.Errorf("HTML lacks target lines or a missed-target bar")
	}
	if strings.Contains(page, "orders<&>") {
		t.Errorf("HTML does not escape resource names")
	}
	for _, svg := range regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1) {
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			if _, err := dec.Token(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("inline SVG is not well-formed: %v", err)
				}
				break
			}
		}
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]|<script|<link|src=`).FindString(page); m != "" {
		t.Errorf("HTML references an external asset or script: %q", m)
	}
}

// failedRestoreReport has a target whose restore job failed (no RTO was
// measured) and one whose RPO is 437 ms against a 1 h target; with
// targets unset, nothing has a target.
func failedRestoreReport(targets bool) *Report {
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	failed := TargetResult{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-9", ResourceType: "EBS",
		RecoveryPointARN: "arn:aws:ec2:us-east-1::snapshot/snap-9", RecoveryPointCreated: start.Add(-time.Hour), RPO: time.Hour, RestoreJobID: "job-9",
		Validation: Skipped, Cleanup: Skipped, Error: "restore job job-9 FAILED: quota", PhaseSeconds: map[string]float64{PhaseRestore: 1}}
	fresh := TargetResult{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-8", ResourceType: "EBS",
		RecoveryPointARN: "arn:aws:ec2:us-east-1::snapshot/snap-8", RecoveryPointCreated: start.Add(-437 * time.Millisecond), RPO: 437 * time.Millisecond,
		RestoreJobID: "job-8", RTORestore: time.Minute, RTOTotal: 2 * time.Minute, Validation: Passed, Cleanup: Deleted, PhaseSeconds: map[string]float64{PhaseRestore: 60}}
	if targets {
		failed.MaxRTO, failed.MaxRPO, fresh.MaxRTO, fresh.MaxRPO = time.Hour, time.Hour, time.Hour, time.Hour
	}
	failed.finish(start)
	fresh.finish(start)
	r := &Report{SchemaVersion: ReportSchemaVersion, DrillID: "drill-failed", StartedAt: start, FinishedAt: start.Add(3 * time.Minute), Targets: []TargetResult{failed, fresh}}
	r.summarize()
	return r
}

func TestReportNothingMeasuredIsNotZero(t *testing.T) {
	t.Parallel()
	r := failedRestoreReport(true)
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Targets []map[string]any }
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	t0 := doc.Targets[0]
	if v, ok := t0["rtoTotalSeconds"]; !ok || v != nil {
		t.Errorf("failed restore: rtoTotalSeconds = %v (present %v); want null: nothing was measured", v, ok)
	}
	if v, ok := t0["rtoRestoreSeconds"]; !ok || v != nil {
		t.Errorf("failed restore: rtoRestoreSeconds = %v; want null", v)
	}
	if t0["rpoSeconds"] != 3600.0 {
		t.Errorf("failed restore: rpoSeconds = %v; want 3600 (the recovery point was found)", t0["rpoSeconds"])
	}
	if got := r.Targets[0].RTOTotalText(); got != "n/a" {
		t.Errorf("RTOTotalText = %q; want n/a", got)
	}
	buf.Reset()
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| job-9 | 1h00m | 1h00m | met | n/a | n/a | 1h00m | missed |") {
		t.Errorf("Markdown does not show n/a for the failed restore:\n%s", buf.String())
	}
	buf.Reset()
	if err := r.WriteJUnit(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "RTO 0s") || !strings.Contains(buf.String(), "rtoTotal=n/a") {
		t.Errorf("JUnit shows a 0 s RTO for a failed restore:\n%s", buf.String())
	}
	buf.Reset()
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, "n/a / target 1h00m: missed") || strings.Contains(page, ">0s<") {
		t.Errorf("HTML does not show n/a for the failed restore")
	}
	// 437 ms against a 1 h target spans four orders of magnitude: a log
	// scale, on which the 437 ms bar is wider than a sliver.
	if !strings.Contains(page, "Log scale") {
		t.Errorf("RPO chart of 437ms against 1h is not on a log scale")
	}
	bars := regexp.MustCompile(`<rect x="300" y="\d+" width="([0-9.]+)" height="14" fill="#2f81f7"><title>437ms`).FindAllStringSubmatch(page, -1)
	if len(bars) != 1 {
		t.Errorf("found %d bars for the 437ms RPO; want 1", len(bars))
	}
	for _, w := range bars {
		if f, err := strconv.ParseFloat(w[1], 64); err != nil || f < 50 {
			t.Errorf("437ms RPO bar is %s units wide of 680; want clearly visible", w[1])
		}
	}
}

func TestReportNoTargetSet(t *testing.T) {
	t.Parallel()
	r := failedRestoreReport(false)
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, "No target set") || !strings.Contains(page, "2m00s (no target set)") || strings.Contains(page, "stroke-dasharray") {
		t.Errorf("HTML without targets does not say \"no target set\" (or draws a target line)")
	}
	// Nothing measured (no recovery point found) and no target: no axis
	// made up at 1 s, a sentence instead.
	none := &Report{DrillID: "drill-none", Targets: []TargetResult{{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-7", ResourceType: "EBS",
		Validation: Skipped, Cleanup: Skipped, Error: "no recovery point", PhaseSeconds: map[string]float64{}}}}
	none.Targets[0].finish(time.Time{})
	none.summarize()
	buf.Reset()
	if err := none.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if page := buf.String(); strings.Contains(page, ">1.0s<") || strings.Count(page, "Nothing measured and no target set.") != 2 {
		t.Errorf("HTML with nothing measured draws an axis or does not say so")
	}
	buf.Reset()
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| no target set | no target set |") {
		t.Errorf("Markdown without targets does not say \"no target set\":\n%s", buf.String())
	}
}
