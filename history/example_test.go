package history_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

// Append two drills to a local history, then scan it: a file that is not
// a report is reported and skipped.
func Example() {
	dir, _ := os.MkdirTemp("", "drills")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	h := history.New(history.NewDir(dir))
	for i, id := range []string{"drill-a", "drill-b"} {
		rep := &restore.Report{SchemaVersion: restore.ReportSchemaVersion, DrillID: id, Passed: true,
			StartedAt: time.Date(2026, 1, 2+i, 3, 0, 0, 0, time.UTC)}
		name, _ := h.Append(ctx, rep)
		fmt.Println(name)
	}
	_ = os.WriteFile(dir+"/20260105T000000.000Z_broken.json", []byte("{"), 0o644)
	passed := 0
	res, _ := h.Scan(ctx, func(r *restore.Report) error {
		if r.Passed {
			passed++
		}
		return nil
	})
	fmt.Println(res.Reports, "reports,", passed, "passed,", len(res.Corrupt), "corrupt:", res.Corrupt[0].Name)
	// Output:
	// 20260102T030000.000Z_drill-a.json
	// 20260103T030000.000Z_drill-b.json
	// 2 reports, 2 passed, 1 corrupt: 20260105T000000.000Z_broken.json
}
