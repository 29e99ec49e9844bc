package compliance_test

import (
	"fmt"

	"github.com/backupkit/backupkit/compliance"
)

// The table and the ready queries for delivered restore job reports; run
// them with compliance.NewAthenaRunner(athena.NewFromConfig(cfg), …).Run.
func ExampleAthenaQueries() {
	ddl, _ := compliance.AthenaDDL(compliance.RestoreJobReport, "backup_reports", "restores", "s3://audit-reports/audit/Backup/")
	fmt.Println(ddl[:61])
	qs, _ := compliance.AthenaQueries(compliance.RestoreJobReport, "backup_reports", "restores", 7)
	for _, q := range qs {
		fmt.Println("--", q.Title)
	}
	// Output:
	// CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.restores (
	// -- restore time per resource
	// -- failed jobs by account over 7 days
}
