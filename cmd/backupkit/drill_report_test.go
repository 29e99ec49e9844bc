package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/restore"
)

// TestDrillReportAudit runs the demo drill and checks that every report
// says who ran it, where, with what and how.
func TestDrillReportAudit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := runBin(t, "drill", "--out", dir, "--demo-targets", "2", "--restore-duration", "20ms", "--history", "off")
	if res.code != exitOK {
		t.Fatalf("drill: %s", res)
	}
	var doc struct {
		Audit restore.Audit `json:"audit"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	a := doc.Audit
	if !strings.HasPrefix(a.Operator, "arn:aws:iam::123456789012:") || a.Account != "123456789012" || a.Region != "us-east-1" ||
		len(a.Vaults) != 1 || a.Vaults[0] != drillDemoVault || a.RestoreRole != drillDemoRole || !strings.HasPrefix(a.ToolVersion, "backupkit ") {
		t.Errorf("audit = %+v; want the caller ARN, account, Region, vault, role and tool version", a)
	}
	settings := map[string]string{}
	for _, s := range a.Settings {
		settings[s.Name] = s.Value
	}
	if settings["--max-rto"] != "1m" || settings["--concurrency"] == "" || settings["--demo-targets"] != "2" {
		t.Errorf("settings = %v; want --max-rto 1m, --concurrency, --demo-targets 2", settings)
	}

	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Operator | " + a.Operator + " |", "| Region | us-east-1 |", "| Vaults | backupkit-demo |", "| Restore role |",
		"| Tool version |", "| Started |", "| Finished |", "| Setting --max-rto | 1m |", "| RPO met |", "| RTO met |", "| Restore job |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}

	var junit struct {
		Suites []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	xmlData, err := os.ReadFile(filepath.Join(dir, "report.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(xmlData, &junit); err != nil || len(junit.Suites) != 1 {
		t.Fatalf("report.xml: %v (%d suites)", err, len(junit.Suites))
	}
	props := map[string]string{}
	for _, p := range junit.Suites[0].Props {
		props[p.Name] = p.Value
	}
	for k, want := range map[string]string{"operator": a.Operator, "account": "123456789012", "region": "us-east-1", "vaults": drillDemoVault,
		"restoreRole": drillDemoRole, "setting.--max-rpo": "1h"} {
		if props[k] != want {
			t.Errorf("JUnit property %s = %q; want %q (all: %v)", k, props[k], want, props)
		}
	}
	for _, k := range []string{"toolVersion", "started", "finished"} {
		if props[k] == "" {
			t.Errorf("JUnit property %s missing (all: %v)", k, props)
		}
	}

	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<th>Operator</th><td>" + a.Operator, "<th>Restore role</th>", "Timeline per target", "<th>RTO met</th>", "<th>Restore job</th>", "break-after:page"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	t.Parallel()
	res := runBin(t, "--version")
	if res.code != exitOK || !regexp.MustCompile(`^backupkit \S+ \(module github.com/backupkit/backupkit \S+.*, revision \S+.*go1\.\d+`).MatchString(res.stdout) {
		t.Errorf("--version: %s; want the version, module version and VCS revision", res)
	}
}

// layoutProbe runs in the page after load and records layout facts in the
// body's data-layout attribute, which --dump-dom prints.
const layoutProbe = `<script>
addEventListener('load', () => {
  const vw = window.innerWidth;
  const rows = [...document.querySelectorAll('tr.target')];
  const hidden = rows.filter(r => { const b = r.getBoundingClientRect(); return b.width === 0 || b.height === 0 || b.left < 0 || b.right > vw + 0.5; }).length;
  const clipped = [...document.querySelectorAll('td')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 80));
  const svgs = [...document.querySelectorAll('svg')].map(s => Math.round(s.getBoundingClientRect().width));
  const bars = [...document.querySelectorAll('svg rect')].filter(r => r.getBoundingClientRect().width < 1).length;
  document.body.setAttribute('data-layout', JSON.stringify({scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, rows: rows.length, hidden, clipped, svgs, bars}));
});
</script></body>`

type layoutFacts struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Rows        int      `json:"rows"`
	Hidden      int      `json:"hidden"`
	Clipped     []string `json:"clipped"`
	SVGs        []int    `json:"svgs"`
	Bars        int      `json:"bars"`
}

// chromiumLayout renders html in headless Chromium at 1280 px width, saves
// a screenshot beside it and returns the layout facts.
func chromiumLayout(t *testing.T, htmlPath string) layoutFacts {
	t.Helper()
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s not found: run scripts/test, which installs it, or apt-get install -y chromium", chromium)
	}
	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(t.TempDir(), "probe.html")
	if err := os.WriteFile(probe, []byte(strings.Replace(string(page), "</body>", layoutProbe, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, chromium, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--user-data-dir=" + t.TempDir(), "--window-size=1280,900"}, args...)...)
		cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	dom := run("--virtual-time-budget=5000", "--dump-dom", "file://"+probe)
	m := regexp.MustCompile(`data-layout="([^"]*)"`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("chromium did not run the layout probe; DOM:\n%.2000s", dom)
	}
	var facts layoutFacts
	raw := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(string(m[1]))
	if err := json.Unmarshal([]byte(raw), &facts); err != nil {
		t.Fatalf("layout facts %q: %v", raw, err)
	}
	run("--screenshot="+strings.TrimSuffix(htmlPath, ".html")+".png", "file://"+htmlPath)
	return facts
}

func checkLayout(t *testing.T, name string, f layoutFacts, wantRows int) {
	t.Helper()
	if f.InnerWidth != 1280 {
		t.Fatalf("%s: viewport %d px; want 1280", name, f.InnerWidth)
	}
	if f.ScrollWidth > f.InnerWidth {
		t.Errorf("%s: page is %d px wide at a 1280 px viewport: horizontal overflow", name, f.ScrollWidth)
	}
	if f.Rows != wantRows || f.Hidden != 0 {
		t.Errorf("%s: %d target rows, %d not fully visible; want %d, all visible", name, f.Rows, f.Hidden, wantRows)
	}
	if len(f.Clipped) > 0 {
		t.Errorf("%s: cells clipped instead of wrapping: %q", name, f.Clipped)
	}
	if len(f.SVGs) < 3 {
		t.Errorf("%s: %d charts; want the timeline, RTO and RPO", name, len(f.SVGs))
	}
	for _, w := range f.SVGs {
		if w < 1100 {
			t.Errorf("%s: a chart is %d px wide; want the page width (charts %v)", name, w, f.SVGs)
		}
	}
	if f.Bars > 0 {
		t.Errorf("%s: %d chart bars narrower than 1 px: invisible", name, f.Bars)
	}
}

// TestDrillReportInChromium renders drill reports in headless Chromium at
// 1280 px: the demo's, where every target misses its RTO, and one with long
// errors, failed restores and values from milliseconds to days.
func TestDrillReportInChromium(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := runBin(t, "drill", "--out", dir, "--demo-targets", "12", "--restore-duration", "20ms", "--max-rto", "1ms", "--history", "off")
	if res.code != exitFailed {
		t.Fatalf("drill with --max-rto 1ms: %s; want exit 2", res)
	}
	checkLayout(t, "demo report", chromiumLayout(t, filepath.Join(dir, "report.html")), 12)

	rep := wideReport(40)
	p := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	checkLayout(t, "report with failures", chromiumLayout(t, p), 40)
}

// wideReport is a report with n targets: long ARNs and errors, restores
// that failed (nothing measured), an RPO of 437 ms against a 1 h target and
// RPOs of days.
func wideReport(n int) *restore.Report {
	start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	r := &restore.Report{SchemaVersion: restore.ReportSchemaVersion, DrillID: "drill-wide", StartedAt: start, FinishedAt: start.Add(3 * time.Hour),
		Audit: restore.Audit{Operator: "arn:aws:sts::123456789012:assumed-role/BackupOperators/jane.doe@example.com", Account: "123456789012",
			Region: "eu-west-1", Vaults: []string{"prod-primary-vault-with-a-long-name", "prod-copy"}, RestoreRole: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"}}
	for i := range n {
		t := restore.TargetResult{
			ResourceARN:  fmt.Sprintf("arn:aws:rds:eu-west-1:123456789012:cluster:orders-service-production-cluster-with-a-very-long-identifier-%04d", i),
			ResourceType: "Aurora", RecoveryPointARN: fmt.Sprintf("arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:awsbackup:job-%08x-aaaa-bbbb-cccc-dddddddddddd", i),
			RestoreJobID: fmt.Sprintf("%08x-1111-2222-3333-444455556666", i), MaxRTO: time.Hour, MaxRPO: time.Hour,
			RecoveryPointCreated: start.Add(-437 * time.Millisecond), RPO: 437 * time.Millisecond, RPOMet: true,
			StartedAt: start.Add(time.Duration(i) * time.Minute), PhaseSeconds: map[string]float64{restore.PhaseSelect: 0.2},
			Validation: restore.Skipped, Cleanup: restore.Skipped, Status: restore.Failed,
		}
		switch i % 3 {
		case 0: // the restore failed: no RTO was measured
			t.PhaseSeconds[restore.PhaseRestore] = 600
			t.Error = "restore job " + t.RestoreJobID + " FAILED: " + strings.Repeat("the DB cluster parameter group default.aurora-postgresql15 was not found in eu-west-1; ", 4)
		case 1: // restored and validated, over its RTO; RPO of days
			t.RPO, t.RecoveryPointCreated, t.RPOMet = 50*time.Hour, start.Add(-50*time.Hour), false
			t.RTORestore, t.RTOTotal, t.Validation, t.Cleanup = 70*time.Minute, 80*time.Minute, restore.Passed, restore.Deleted
			t.CreatedResourceARN = fmt.Sprintf("arn:aws:rds:eu-west-1:123456789012:cluster:bkdrill-0123456789-%04d", i)
			t.PhaseSeconds[restore.PhaseRestore], t.PhaseSeconds[restore.PhaseValidate], t.PhaseSeconds[restore.PhaseCleanup] = 4200, 600, 300
		default:
			t.RTORestore, t.RTOTotal, t.Validation, t.Cleanup, t.Status, t.RTOMet = 20*time.Minute, 25*time.Minute, restore.Passed, restore.Deleted, restore.Passed, true
			t.CreatedResourceARN = fmt.Sprintf("arn:aws:rds:eu-west-1:123456789012:cluster:bkdrill-0123456789-%04d", i)
			t.PhaseSeconds[restore.PhaseRestore], t.PhaseSeconds[restore.PhaseValidate], t.PhaseSeconds[restore.PhaseCleanup] = 1200, 300, 120
		}
		r.Targets = append(r.Targets, t)
	}
	return r
}
