package cron

import (
	"testing"
	"time"
)

// FuzzParseSchedule checks that Parse never panics and that, for
// every expression it accepts, Next returns strictly increasing times that
// each match the expression, in UTC and in a zone with daylight saving time.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{Default, "cron(0 12 L * ? *)", "cron(0 8 15W * ? *)",
		"cron(0 9 ? * 2#1 *)", "cron(30 2 * * ? *)", "cron(0 0/6 * * ? 2024-2030)", "rate(1 day)"} {
		f.Add(s, int64(1710036000), uint8(0))
	}
	zones := []*time.Location{time.UTC, mustLoc(f, "America/New_York"), mustLoc(f, "Australia/Lord_Howe")}
	f.Fuzz(func(t *testing.T, expr string, after int64, zone uint8) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		s = s.In(zones[int(zone)%len(zones)])
		// Keep the start inside the cron year range so every run is bounded.
		start := time.Unix(after%(230*365*86400), 0).UTC()
		prev := start
		for i, tm := range s.Next(start, 20) {
			if !tm.After(prev) {
				t.Fatalf("%s: Next[%d] = %s not after %s", expr, i, tm, prev)
			}
			if !s.Matches(tm) {
				t.Fatalf("%s: Next[%d] = %s does not match", expr, i, tm)
			}
			prev = tm
		}
	})
}
