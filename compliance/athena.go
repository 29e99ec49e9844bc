package compliance

import (
	"fmt"
	"regexp"
	"strings"
)

// Athena support for Audit Manager reports delivered to S3.
//
// The DDL reads the JSON report files ({"reportItems":[…]}) with the
// OpenX JSON SerDe, one table per template, and the queries UNNEST the
// items. Columns are matched by name, so the order of fields in the files
// does not matter and fields a template lacks read as NULL. Timestamps are
// kept as strings in the table and parsed in the queries with
// from_iso8601_timestamp. The OpenX SerDe reads one JSON document per line;
// for report files that are not single-line JSON, or for CSV-only report
// plans (cross-account or cross-Region), use [AthenaCSVDDL] with the
// delivered header instead.

var athenaIdentRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,127}$`)

// athenaColumns are the report item fields the tables expose, per template
// family. Names are AWS's JSON field names; Athena lower-cases them.
var athenaColumns = map[string][]string{
	"job": {
		"reportTimePeriodStart", "reportTimePeriodEnd", "accountId", "region",
		"backupJobId", "copyJobId", "restoreJobId", "scanJobId", "jobStatus", "statusMessage",
		"resourceType", "resourceArn", "resourceName", "backupPlanArn", "backupRuleId",
		"backupVaultArn", "destinationBackupVaultArn", "recoveryPointArn",
		"creationDate", "initiationDate", "completionDate", "backupSizeInBytes",
	},
	"compliance": {
		"reportTimePeriodStart", "reportTimePeriodEnd", "accountId", "region",
		"frameworkName", "controlName", "complianceStatus", "resourceType", "resourceArn", "resourceName",
	},
}

// AthenaDDL returns a CREATE EXTERNAL TABLE statement over the JSON report
// files of template under s3Location ("s3://bucket/prefix/"). database and
// table must be lower-case Athena identifiers.
func AthenaDDL(template ReportTemplate, database, table, s3Location string) (string, error) {
	var ps problems
	if !athenaIdentRE.MatchString(database) {
		ps.add("database", "must match %s, got %q", athenaIdentRE, database)
	}
	if !athenaIdentRE.MatchString(table) {
		ps.add("table", "must match %s, got %q", athenaIdentRE, table)
	}
	if !strings.HasPrefix(s3Location, "s3://") || strings.ContainsAny(s3Location, "'\n\\") {
		ps.add("s3Location", "must be an s3:// URI without quotes, got %q", s3Location)
	}
	family := "job"
	switch {
	case template.IsCompliance():
		family = "compliance"
	case template == BackupJobReport, template == CopyJobReport, template == RestoreJobReport, template == ScanJobReport:
	default:
		ps.add("template", "unknown report template %q", template)
	}
	if err := ps.err(); err != nil {
		return "", err
	}
	if !strings.HasSuffix(s3Location, "/") {
		s3Location += "/"
	}
	var fields []string
	for _, c := range athenaColumns[family] {
		fields = append(fields, fmt.Sprintf("%s:string", strings.ToLower(c)))
	}
	return fmt.Sprintf(`CREATE EXTERNAL TABLE IF NOT EXISTS %s.%s (
  reportitems array<struct<%s>>
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true', 'case.insensitive' = 'true')
LOCATION '%s'
TBLPROPERTIES ('classification' = 'json', 'backupkit.report_template' = '%s')`,
		database, table, strings.Join(fields, ", "), s3Location, template), nil
}

// QueryFailedJobsByAccount counts failed (FAILED, ABORTED, EXPIRED) jobs
// per account and job type over the last days days, from a job report
// table made with [AthenaDDL].
func QueryFailedJobsByAccount(database, table string, days int) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	if days < 1 || days > 3660 {
		return "", &ValidationError{Field: "days", Reason: fmt.Sprintf("must be 1–3660, got %d", days)}
	}
	return fmt.Sprintf(`SELECT item.accountid AS account_id,
       item.resourcetype AS resource_type,
       count(*) AS failed_jobs
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.jobstatus IN ('FAILED', 'ABORTED', 'EXPIRED')
  AND from_iso8601_timestamp(coalesce(item.creationdate, item.initiationdate)) >= current_timestamp - INTERVAL '%d' DAY
GROUP BY item.accountid, item.resourcetype
ORDER BY failed_jobs DESC, account_id`, database, table, days), nil
}

// QueryRestoreTimePerResource reports, per restored resource, the number
// of completed restores and their average and maximum duration in minutes,
// from a RESTORE_JOB_REPORT table.
func QueryRestoreTimePerResource(database, table string) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT item.resourcearn AS resource_arn,
       item.resourcetype AS resource_type,
       count(*) AS restores,
       avg(date_diff('second', from_iso8601_timestamp(item.creationdate), from_iso8601_timestamp(item.completiondate))) / 60.0 AS avg_minutes,
       max(date_diff('second', from_iso8601_timestamp(item.creationdate), from_iso8601_timestamp(item.completiondate))) / 60.0 AS max_minutes
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.jobstatus = 'COMPLETED'
  AND item.completiondate IS NOT NULL
GROUP BY item.resourcearn, item.resourcetype
ORDER BY max_minutes DESC`, database, table), nil
}

// QueryNonCompliantResourcesPerControl counts distinct non-compliant
// resources per framework and control, from a RESOURCE_COMPLIANCE_REPORT
// (or CONTROL_COMPLIANCE_REPORT) table.
func QueryNonCompliantResourcesPerControl(database, table string) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT item.frameworkname AS framework_name,
       item.controlname AS control_name,
       count(DISTINCT item.resourcearn) AS non_compliant_resources
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.compliancestatus = 'NON_COMPLIANT'
GROUP BY item.frameworkname, item.controlname
ORDER BY non_compliant_resources DESC, framework_name, control_name`, database, table), nil
}

func checkQueryArgs(database, table string) error {
	var ps problems
	if !athenaIdentRE.MatchString(database) {
		ps.add("database", "must match %s, got %q", athenaIdentRE, database)
	}
	if !athenaIdentRE.MatchString(table) {
		ps.add("table", "must match %s, got %q", athenaIdentRE, table)
	}
	return ps.err()
}

// AthenaCSVDDL returns a CREATE EXTERNAL TABLE statement over delivered CSV
// report files whose header row is header (read it from one delivered
// file, e.g. the first line given to [ParseReportCSV]). Columns keep the
// header's order, as CSV requires, and are named by lower-casing each
// header and joining its words with '_' ("Account ID" → account_id); every
// column is a string. Use it when reports are delivered as CSV only
// (cross-account or cross-Region report plans).
func AthenaCSVDDL(database, table, s3Location string, header []string) (string, error) {
	var ps problems
	if !athenaIdentRE.MatchString(database) {
		ps.add("database", "must match %s, got %q", athenaIdentRE, database)
	}
	if !athenaIdentRE.MatchString(table) {
		ps.add("table", "must match %s, got %q", athenaIdentRE, table)
	}
	if !strings.HasPrefix(s3Location, "s3://") || strings.ContainsAny(s3Location, "'\n\\") {
		ps.add("s3Location", "must be an s3:// URI without quotes, got %q", s3Location)
	}
	if len(header) == 0 {
		ps.add("header", "at least one column is required")
	}
	seen := map[string]bool{}
	var cols []string
	for i, h := range header {
		c := snakeColumn(h)
		if c == "" {
			ps.add(fmt.Sprintf("header[%d]", i), "no letters or digits in %q", h)
			continue
		}
		if seen[c] {
			ps.add(fmt.Sprintf("header[%d]", i), "duplicate column %q", c)
		}
		seen[c] = true
		cols = append(cols, fmt.Sprintf("  `%s` string", c))
	}
	if err := ps.err(); err != nil {
		return "", err
	}
	if !strings.HasSuffix(s3Location, "/") {
		s3Location += "/"
	}
	return fmt.Sprintf(`CREATE EXTERNAL TABLE IF NOT EXISTS %s.%s (
%s
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '\\')
LOCATION '%s'
TBLPROPERTIES ('skip.header.line.count' = '1')`, database, table, strings.Join(cols, ",\n"), s3Location), nil
}

// snakeColumn turns a header ("Account ID", "backupJobId", "Resource-ARN")
// into a snake_case Athena column name.
func snakeColumn(h string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range strings.TrimPrefix(h, "\ufeff") {
		switch {
		case r >= 'A' && r <= 'Z':
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(r + 'a' - 'A')
			prevLower = false
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			prevLower = true
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		}
	}
	s := strings.Trim(b.String(), "_")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "c_" + s
	}
	return s
}
