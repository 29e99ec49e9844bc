package compliance

import (
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backup"
)

func balanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '<':
			depth++
		case ')', '>':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

func TestAthenaDDL(t *testing.T) {
	t.Parallel()
	for _, tmpl := range ReportTemplates() {
		t.Run(string(tmpl), func(t *testing.T) {
			t.Parallel()
			ddl, err := AthenaDDL(tmpl, "backup_reports", "jobs", "s3://my-bucket/reports")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"CREATE EXTERNAL TABLE IF NOT EXISTS backup_reports.jobs", "reportitems array<struct<", "LOCATION 's3://my-bucket/reports/'", "accountid:string", "JsonSerDe", string(tmpl)} {
				if !strings.Contains(ddl, want) {
					t.Errorf("DDL lacks %q:\n%s", want, ddl)
				}
			}
			col := "jobstatus:string"
			if tmpl.IsCompliance() {
				col = "compliancestatus:string"
			}
			if !strings.Contains(ddl, col) {
				t.Errorf("DDL lacks %q", col)
			}
			// '>' in '=>' would break the count; there is none in the DDL.
			if !balanced(ddl) {
				t.Errorf("unbalanced brackets:\n%s", ddl)
			}
		})
	}
	if _, err := AthenaDDL("NOPE", "Bad-DB", "t;drop", "http://x'"); len(backup.ValidationErrors(err)) != 4 {
		t.Errorf("got %v; want 4 validation errors", err)
	}
}

func TestAthenaQueries(t *testing.T) {
	t.Parallel()
	failed, err := QueryFailedJobsByAccount("db", "backup_jobs", 7)
	if err != nil {
		t.Fatal(err)
	}
	restore, err := QueryRestoreTimePerResource("db", "restore_jobs")
	if err != nil {
		t.Fatal(err)
	}
	nc, err := QueryNonCompliantResourcesPerControl("db", "resource_compliance")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, q string
		want    []string
	}{
		{"failed", failed, []string{"FROM db.backup_jobs", "UNNEST(reportitems)", "INTERVAL '7' DAY", "'FAILED'", "GROUP BY item.accountid", "count(*)"}},
		{"restore", restore, []string{"FROM db.restore_jobs", "date_diff('second'", "avg(", "max(", "GROUP BY coalesce(item.sourceresourcearn, item.resourcearn)", "'COMPLETED'"}},
		{"noncompliant", nc, []string{"FROM db.resource_compliance", "'NON_COMPLIANT'", "count(DISTINCT item.resourceid)", "item.resourcecompliancestatus = 'NON_COMPLIANT'", "GROUP BY item.frameworkname, item.controlname"}},
	}
	for _, tt := range tests {
		if !strings.HasPrefix(tt.q, "SELECT ") {
			t.Errorf("%s: does not start with SELECT", tt.name)
		}
		if !balanced(strings.ReplaceAll(tt.q, ">=", "")) {
			t.Errorf("%s: unbalanced parentheses:\n%s", tt.name, tt.q)
		}
		if strings.Contains(tt.q, "%!") {
			t.Errorf("%s: formatting error:\n%s", tt.name, tt.q)
		}
		for _, w := range tt.want {
			if !strings.Contains(tt.q, w) {
				t.Errorf("%s lacks %q:\n%s", tt.name, w, tt.q)
			}
		}
	}
	if _, err := QueryFailedJobsByAccount("db", "t", 0); err == nil {
		t.Error("days 0: got nil error")
	}
	if _, err := QueryRestoreTimePerResource("db", "x y"); err == nil {
		t.Error("bad table: got nil error")
	}
}

func TestAthenaCSVDDL(t *testing.T) {
	t.Parallel()
	ddl, err := AthenaCSVDDL("db", "restore_csv", "s3://b/p", []string{"\ufeffReport Time Period Start", "Account ID", "restoreJobId", "Resource-ARN", "2nd"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CREATE EXTERNAL TABLE IF NOT EXISTS db.restore_csv", "`report_time_period_start` string,\n  `account_id` string,\n  `restore_job_id` string,\n  `resource_arn` string,\n  `c_2nd` string", "OpenCSVSerde", "'skip.header.line.count' = '1'", "LOCATION 's3://b/p/'"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q:\n%s", want, ddl)
		}
	}
	if !balanced(ddl) {
		t.Errorf("unbalanced:\n%s", ddl)
	}
	if _, err := AthenaCSVDDL("db", "t", "s3://b", []string{"Account ID", "account_id", "!!"}); len(backup.ValidationErrors(err)) != 2 {
		t.Errorf("got %v; want duplicate and empty column errors", err)
	}
}

// AthenaQueries reports every problem of its arguments at once, before it
// builds any query.
func TestAthenaQueriesAllProblems(t *testing.T) {
	t.Parallel()
	_, err := AthenaQueries(BackupJobReport, "bad-db", "jobs;", -5)
	for _, field := range []string{"database:", "table:", "days:"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("error %v; want it to name %s", err, field)
		}
	}
	if _, err := AthenaQueries("NOPE", "db", "t", 7); err == nil || !strings.Contains(err.Error(), "template:") {
		t.Errorf("unknown template: %v", err)
	}
	if qs, err := AthenaQueries(ResourceComplianceReport, "db", "t", 0); err != nil || len(qs) != 1 {
		t.Errorf("compliance report with no days: %d queries, %v; want one (days is not used)", len(qs), err)
	}
}
