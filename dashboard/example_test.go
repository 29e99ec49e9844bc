package dashboard_test

import (
	"fmt"
	"io"
	"time"

	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/restore"
)

// Build a dashboard from drill reports (in practice from
// history.History.Scan) and render it.
func Example() {
	start := time.Date(2026, 4, 1, 2, 0, 0, 0, time.UTC)
	b := dashboard.NewBuilder(func(o *dashboard.Options) { o.Now = start.Add(40 * 24 * time.Hour) })
	for day := range 3 {
		b.Add(&restore.Report{DrillID: fmt.Sprint("nightly-", day), StartedAt: start.Add(time.Duration(day) * 24 * time.Hour), Passed: day != 1,
			Targets: []restore.TargetResult{{ResourceARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS",
				Status: map[bool]string{true: restore.Passed, false: restore.Failed}[day != 1], Error: map[bool]string{true: "", false: "restore job failed"}[day != 1],
				RTOTotalSeconds: float64(600 + 60*day), MaxRTOSeconds: 3600, RTOMet: true, RPOMet: true}}})
	}
	d := b.Build()
	fmt.Println(len(d.PassRate), "days,", len(d.Charts()), "charts,", len(d.Failed), "failed drill:", d.Failed[0].Errors[0].Error)
	fmt.Println("not drilled in 30 days:", d.NotDrilled[0].ResourceARN)
	_ = d.WriteHTML(io.Discard)
	// Output:
	// 3 days, 4 charts, 1 failed drill: restore job failed
	// not drilled in 30 days: arn:aws:ec2:us-east-1:123456789012:volume/vol-1
}
