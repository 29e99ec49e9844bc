package dashboard_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/restore"
)

var t0 = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

// sampleDashboard is 60 daily drills of 5 targets over a pool of 12
// resources, one resource not drilled for 45 days, and an inventory with
// a protected resource never drilled.
func sampleDashboard(t testing.TB, failedDrills int) *dashboard.Dashboard {
	t.Helper()
	now := t0.Add(60 * 24 * time.Hour)
	b := dashboard.NewBuilder(func(o *dashboard.Options) {
		o.Now = now
		o.Slowest = 5
		o.FailedDrills = failedDrills
		o.Inventory = []dashboard.Resource{{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-never", Protected: true}}
	})
	for i := range 60 {
		b.Add(genReport(i, 5, 12, t0, 24*time.Hour))
	}
	old := genReport(0, 1, 1, t0.Add(15*24*time.Hour), 0)
	old.DrillID = "drill-<old>"
	old.Targets[0].ResourceARN = "arn:aws:rds:us-east-1:123456789012:db:legacy"
	old.Targets[0].Status, old.Targets[0].Error, old.Passed = restore.Failed, "restore job failed: <quota>", false
	b.Add(old)
	return b.Build()
}

func TestBuild(t *testing.T) {
	t.Parallel()
	d := sampleDashboard(t, 3)
	if d.Drills != 61 || d.Targets != 301 || d.BucketDays != 1 || len(d.PassRate) != 60 {
		t.Fatalf("drills %d targets %d bucket %d points %d; want 61, 301, 1, 60", d.Drills, d.Targets, d.BucketDays, len(d.PassRate))
	}
	var types []string
	for _, ts := range d.Types {
		types = append(types, ts.Type)
		for _, p := range ts.Points {
			if p.RTOTarget != 3600 || p.MaxRTO < p.MeanRTO || p.MeanRTO <= 0 {
				t.Fatalf("%s point %+v: want target 3600s and worst ≥ mean > 0", ts.Type, p)
			}
		}
	}
	if strings.Join(types, ",") != "DynamoDB,EBS,EFS,RDS,S3" {
		t.Errorf("types %v", types)
	}
	if len(d.Slowest) != 5 {
		t.Fatalf("slowest: %d; want 5", len(d.Slowest))
	}
	for i := 1; i < len(d.Slowest); i++ {
		if d.Slowest[i].MaxRTO > d.Slowest[i-1].MaxRTO {
			t.Errorf("slowest not sorted: %v then %v", d.Slowest[i-1].MaxRTO, d.Slowest[i].MaxRTO)
		}
	}
	var stale []string
	for _, s := range d.NotDrilled {
		stale = append(stale, s.ResourceARN)
	}
	if want := "arn:aws:ec2:us-east-1:123456789012:volume/vol-never,arn:aws:rds:us-east-1:123456789012:db:legacy"; strings.Join(stale, ",") != want {
		t.Errorf("not drilled = %v; want never-drilled inventory resource first, then the one drilled 45 days ago", stale)
	}
	if d.NotDrilled[0].ResourceType != "EBS" || !d.NotDrilled[0].Protected || !d.NotDrilled[0].LastDrilled.IsZero() {
		t.Errorf("never drilled: %+v", d.NotDrilled[0])
	}
	if len(d.Failed) != 3 || !d.Failed[0].StartedAt.After(d.Failed[1].StartedAt) || !d.Failed[1].StartedAt.After(d.Failed[2].StartedAt) {
		t.Fatalf("failed drills: %d; want the 3 most recent, newest first", len(d.Failed))
	}
	for _, f := range d.Failed {
		if f.Failed == 0 || len(f.Errors) == 0 || f.Errors[0].Error == "" {
			t.Errorf("failed drill %s has no errors: %+v", f.DrillID, f)
		}
	}
}

func TestWriteHTML(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := sampleDashboard(t, 100).WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	charts := regexp.MustCompile(`(?s)<svg class="chart".*?</svg>`).FindAllString(page, -1)
	if len(charts) != 12 { // pass rate, 5 types × RTO and RPO, slowest
		t.Errorf("%d charts; want 12", len(charts))
	}
	for _, c := range charts {
		if !strings.Contains(c, `class="data`) {
			t.Errorf("chart without data: %.120s", c)
		}
	}
	if !strings.Contains(page, `class="target"`) && !strings.Contains(page, `class="data target"`) {
		t.Error("no target line in the RTO/RPO charts")
	}
	for _, want := range []string{"Not drilled in the last 30 days (2)", "vol-never", "never", "45 days ago", "Slowest targets", "drill-&lt;old&gt;", "restore job failed: &lt;quota&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]|<script|<link|src=|url\(`).FindString(page); m != "" {
		t.Errorf("page references something outside itself: %q", m)
	}
}

func TestEmptyHistory(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := dashboard.NewBuilder().Build().WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "The history holds no drills yet.") || strings.Contains(buf.String(), "<svg") {
		t.Errorf("empty dashboard:\n%s", buf.String())
	}
}

func TestLongHistoryIsBucketed(t *testing.T) {
	t.Parallel()
	b := dashboard.NewBuilder(func(o *dashboard.Options) { o.Now = t0.Add(1000 * 24 * time.Hour) })
	for i := range 1000 {
		b.Add(genReport(i, 2, 10, t0, 24*time.Hour))
	}
	d := b.Build()
	if d.BucketDays != 3 || len(d.PassRate) > 370 {
		t.Errorf("1000 days: bucket %d days, %d points; want 3-day buckets, ≤ 370 points", d.BucketDays, len(d.PassRate))
	}
	var sum int
	for _, p := range d.PassRate {
		sum += p.Drills
	}
	if sum != 1000 {
		t.Errorf("buckets hold %d drills; want 1000", sum)
	}
}
