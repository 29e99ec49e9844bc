package compliance

import (
	"errors"
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
// family: every scalar field of AWS's documented sample report of each
// template in the family ("Choosing your report template", AWS Backup
// Developer Guide; the samples are in testdata/reports), so a table over
// any template of the family reads every field it delivers. Fields a
// template lacks read as NULL. The nested backupOptions object is left
// out (a string column cannot hold it). Athena lower-cases the names.
var athenaColumns = map[string][]string{
	"job": {
		"reportTimePeriodStart", "reportTimePeriodEnd", "reportTimePeriod", "accountId", "region",
		"backupJobId", "copyJobId", "restoreJobId", "scanJobId", "scanId", "malwareScanner",
		"jobStatus", "scanResultStatus", "statusMessage", "jobRunTime", "percentDone",
		"resourceType", "resourceArn", "sourceResourceArn", "resourceName",
		"backupPlanArn", "backupPlanName", "backupRuleId", "backupRuleName", "backupRuleSchedule", "backupRuleTimezone",
		"initiationDate", "startWindowEnd", "creationDate", "completionDate", "isParentJob", "parentJobId",
		"recoveryPointArn", "sourceRecoveryPointArn", "destinationRecoveryPointArn", "backupSizeInBytes",
		"backupVaultName", "backupVaultArn", "sourceBackupVaultArn", "destinationBackupVaultArn",
		"vaultType", "vaultLockStatus", "isEncrypted", "encryptionKeyArn",
		"deleteAfterDays", "moveToColdAfterDays", "enableArchive", "iamRoleArn", "scannerRoleArn",
	},
	"compliance": {
		"accountId", "region", "frameworkName", "frameworkDescription", "controlName",
		"controlComplianceStatus", "resourceComplianceStatus", "resourceId", "resourceType", "lastEvaluationTime",
		"numResourcesCompliant", "numResourcesNonCompliant", "controlFrequency", "controlScope", "controlParameters",
	},
}

// templateFamily is "job" or "compliance".
func templateFamily(t ReportTemplate) (string, bool) {
	switch {
	case t.IsCompliance():
		return "compliance", true
	case t == BackupJobReport, t == CopyJobReport, t == RestoreJobReport, t == ScanJobReport:
		return "job", true
	}
	return "", false
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
	family, ok := templateFamily(template)
	if !ok {
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
// from a RESTORE_JOB_REPORT table. Restore reports name the resource
// sourceResourceArn (resourceArn is read too); AWS's sample restore report
// has no completionDate, so only rows that carry one are counted.
func QueryRestoreTimePerResource(database, table string) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT coalesce(item.sourceresourcearn, item.resourcearn) AS resource_arn,
       item.resourcetype AS resource_type,
       count(*) AS restores,
       avg(date_diff('second', from_iso8601_timestamp(item.creationdate), from_iso8601_timestamp(item.completiondate))) / 60.0 AS avg_minutes,
       max(date_diff('second', from_iso8601_timestamp(item.creationdate), from_iso8601_timestamp(item.completiondate))) / 60.0 AS max_minutes
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.jobstatus = 'COMPLETED'
  AND item.completiondate IS NOT NULL
GROUP BY coalesce(item.sourceresourcearn, item.resourcearn), item.resourcetype
ORDER BY max_minutes DESC`, database, table), nil
}

// QueryNonCompliantResourcesPerControl counts distinct non-compliant
// resources (resourceId, e.g. "AWS::EFS::FileSystem/fs-1") per framework
// and control, from a RESOURCE_COMPLIANCE_REPORT table.
func QueryNonCompliantResourcesPerControl(database, table string) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT item.frameworkname AS framework_name,
       item.controlname AS control_name,
       count(DISTINCT item.resourceid) AS non_compliant_resources
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.resourcecompliancestatus = 'NON_COMPLIANT'
GROUP BY item.frameworkname, item.controlname
ORDER BY non_compliant_resources DESC, framework_name, control_name`, database, table), nil
}

// QueryNonCompliantControls lists the non-compliant controls per
// framework with their latest count of non-compliant resources, from a
// CONTROL_COMPLIANCE_REPORT table.
func QueryNonCompliantControls(database, table string) (string, error) {
	if err := checkQueryArgs(database, table); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT item.frameworkname AS framework_name,
       item.controlname AS control_name,
       max_by(try_cast(item.numresourcesnoncompliant AS bigint), from_iso8601_timestamp(item.lastevaluationtime)) AS non_compliant_resources,
       max(item.lastevaluationtime) AS last_evaluation_time
FROM %s.%s
CROSS JOIN UNNEST(reportitems) AS t(item)
WHERE item.controlcompliancestatus = 'NON_COMPLIANT'
GROUP BY item.frameworkname, item.controlname
ORDER BY non_compliant_resources DESC, framework_name, control_name`, database, table), nil
}

// AthenaQueries returns the ready queries for a table of template's
// report files, each with a title: failed jobs by account (job reports),
// restore time per resource (restore reports), non-compliant resources per
// control (resource compliance) or non-compliant controls (control
// compliance).
func AthenaQueries(template ReportTemplate, database, table string, days int) ([]NamedQuery, error) {
	// Every problem of the arguments at once, before any query is built.
	var errs []error
	if err := checkQueryArgs(database, table); err != nil {
		errs = append(errs, err)
	}
	switch template {
	case RestoreJobReport, BackupJobReport, CopyJobReport, ScanJobReport:
		if days < 1 || days > 3660 {
			errs = append(errs, &ValidationError{Field: "days", Reason: fmt.Sprintf("must be 1–3660, got %d", days)})
		}
	case ResourceComplianceReport, ControlComplianceReport:
	default:
		errs = append(errs, &ValidationError{Field: "template", Reason: fmt.Sprintf("unknown report template %q", template)})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []NamedQuery
	add := func(title string, q string, err error) error {
		if err != nil {
			return err
		}
		out = append(out, NamedQuery{Title: title, SQL: q})
		return nil
	}
	var err error
	switch template {
	case ResourceComplianceReport:
		q, qerr := QueryNonCompliantResourcesPerControl(database, table)
		err = add("non-compliant resources per control", q, qerr)
	case ControlComplianceReport:
		q, qerr := QueryNonCompliantControls(database, table)
		err = add("non-compliant controls", q, qerr)
	case RestoreJobReport:
		q, qerr := QueryRestoreTimePerResource(database, table)
		if err = add("restore time per resource", q, qerr); err == nil {
			q, qerr = QueryFailedJobsByAccount(database, table, days)
			err = add(fmt.Sprintf("failed jobs by account over %d days", days), q, qerr)
		}
	case BackupJobReport, CopyJobReport, ScanJobReport:
		q, qerr := QueryFailedJobsByAccount(database, table, days)
		err = add(fmt.Sprintf("failed jobs by account over %d days", days), q, qerr)
	default:
		err = &ValidationError{Field: "template", Reason: fmt.Sprintf("unknown report template %q", template)}
	}
	return out, err
}

// NamedQuery is a query with a title.
type NamedQuery struct {
	Title string
	SQL   string
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
