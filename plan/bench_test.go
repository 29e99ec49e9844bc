package plan

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
)

func tenRulePlan() *Plan {
	p := validPlan()
	for i := len(p.Rules); i < MaxRulesPerPlan; i++ {
		p.Rules = append(p.Rules, Rule{Name: fmt.Sprintf("r%d", i), TargetVault: "Default",
			Schedule: fmt.Sprintf("cron(%d %d ? * MON-FRI *)", i, i), Timezone: "America/New_York",
			StartWindow: time.Hour, CompletionWindow: 3 * time.Hour,
			Lifecycle:   backup.Lifecycle{MoveToColdStorageAfter: backup.Days(30), DeleteAfter: backup.Days(365)},
			CopyActions: []CopyAction{{DestinationVaultARN: testVaultARN, Lifecycle: backup.Lifecycle{DeleteAfter: backup.Days(90)}}}})
	}
	return p
}

// BenchmarkValidate10RulePlan validates a plan at the 10-rule quota with
// every kind of check exercised (schedules, zones, lifecycles, copies, tags).
func BenchmarkValidate10RulePlan(b *testing.B) {
	p := tenRulePlan()
	if err := p.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate10RulePlanBaseline is the work every CreateBackupPlan
// call does anyway: converting the same plan to the SDK input and encoding
// it as JSON. BenchmarkValidate10RulePlan is reported as a ratio to it.
func BenchmarkValidate10RulePlanBaseline(b *testing.B) {
	p := tenRulePlan()
	b.ReportAllocs()
	for b.Loop() {
		body, err := json.Marshal(p.CreateInput())
		if err != nil || len(body) == 0 {
			b.Fatal(err)
		}
	}
}

var benchStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// benchSchedule fires daily at 02:30 New York time: it crosses both DST
// changes within 1,000 fire times.
func benchSchedule(b *testing.B) *Schedule {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	return MustParseSchedule("cron(30 2 * * ? *)").In(loc)
}

// BenchmarkNext1000 computes 1,000 fire times with Schedule.Next.
func BenchmarkNext1000(b *testing.B) {
	s := benchSchedule(b)
	b.ReportAllocs()
	for b.Loop() {
		if got := s.Next(benchStart, 1000); len(got) != 1000 {
			b.Fatalf("got %d", len(got))
		}
	}
}

// BenchmarkNext1000Baseline computes the same 1,000 fire times the naive
// way: step minute by minute from the start and keep each instant that
// Schedule.Matches, skipping the second pass through a repeated
// (fall-back) hour. Same semantics as Next, no calendar skipping.
func BenchmarkNext1000Baseline(b *testing.B) {
	s := benchSchedule(b)
	want := s.Next(benchStart, 1000)
	b.ReportAllocs()
	for b.Loop() {
		got := naiveNext(s, benchStart, 1000)
		if len(got) != 1000 || !got[999].Equal(want[999]) {
			b.Fatalf("baseline disagrees with Next: %v vs %v", got[len(got)-1], want[999])
		}
	}
}

func naiveNext(s *Schedule, after time.Time, n int) []time.Time {
	out := make([]time.Time, 0, n)
	t := after.Truncate(time.Minute).Add(time.Minute)
	var lastWall time.Time
	for len(out) < n {
		if s.Matches(t) {
			lt := t.In(s.Location())
			wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), 0, 0, time.UTC)
			if !wall.Equal(lastWall) {
				out = append(out, t)
				lastWall = wall
			}
		}
		t = t.Add(time.Minute)
	}
	return out
}

func TestNaiveBaselineAgrees(t *testing.T) {
	t.Parallel()
	loc := mustLoc(t, "America/New_York")
	for _, expr := range []string{"cron(30 1 * * ? *)", "cron(30 2 * * ? *)", "cron(0 * ? * SUN *)"} {
		s := MustParseSchedule(expr).In(loc)
		start := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
		a, b := s.Next(start, 300), naiveNext(s, start, 300)
		for i := range a {
			if !a[i].Equal(b[i]) {
				t.Fatalf("%s: Next[%d] = %s; naive = %s", expr, i, a[i], b[i])
			}
		}
	}
}
