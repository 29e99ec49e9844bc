package compliance

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/backupkit/backupkit/backup"
)

// ReportRow is one item of a delivered AWS Backup Audit Manager report,
// whichever the template: job reports fill the job fields, compliance
// reports the framework/control fields. Raw keeps every column as
// delivered, keyed by its original name.
//
// Column names follow AWS's sample reports (JSON: "accountId",
// "backupJobId", "jobStatus", "resourceArn", "reportTimePeriodStart", …).
// CSV headers are matched ignoring case, spaces and punctuation, so
// "Account ID", "account_id" and "accountId" are the same column. Only the
// BACKUP_JOB_REPORT sample's names are confirmed against AWS's
// documentation; the others are the analogous names (copyJobId,
// restoreJobId, controlName, complianceStatus, …) and Raw always carries
// what was there.
type ReportRow struct {
	PeriodStart, PeriodEnd time.Time
	AccountID, Region      string
	// JobID is backupJobId, copyJobId, restoreJobId or scanJobId.
	JobID, JobStatus, StatusMessage  string
	ResourceType                     backup.ResourceType
	ResourceARN, ResourceName        string
	BackupPlanARN, BackupRuleID      string
	BackupVaultARN, RecoveryPointARN string
	// DestinationVaultARN is where a copy job copied to.
	DestinationVaultARN string
	// Created is the job's creation (or initiation) time, Completed its
	// completion time.
	Created, Completed time.Time
	SizeBytes          int64
	// FrameworkName, ControlName and ComplianceStatus (COMPLIANT,
	// NON_COMPLIANT, …) come from compliance reports.
	FrameworkName, ControlName, ComplianceStatus string
	Raw                                          map[string]string
}

// Duration is Completed − Created, or 0 when either is unknown.
func (r ReportRow) Duration() time.Duration {
	if r.Created.IsZero() || r.Completed.IsZero() {
		return 0
	}
	return r.Completed.Sub(r.Created)
}

// canonical field names (as written by WriteReportJSON) and the aliases
// they accept, compared after normalize().
var reportFields = []struct {
	name    string
	aliases []string
	set     func(r *ReportRow, v string) error
}{
	{"reportTimePeriodStart", nil, func(r *ReportRow, v string) (err error) { r.PeriodStart, err = parseReportTime(v); return }},
	{"reportTimePeriodEnd", nil, func(r *ReportRow, v string) (err error) { r.PeriodEnd, err = parseReportTime(v); return }},
	{"reportTimePeriod", nil, func(r *ReportRow, v string) error {
		a, b, ok := strings.Cut(v, " - ")
		if !ok {
			return fmt.Errorf("report time period %q: want \"start - end\"", v)
		}
		var err1, err2 error
		r.PeriodStart, err1 = parseReportTime(a)
		r.PeriodEnd, err2 = parseReportTime(b)
		return errors.Join(err1, err2)
	}},
	{"accountId", []string{"account"}, func(r *ReportRow, v string) error { r.AccountID = v; return nil }},
	{"region", nil, func(r *ReportRow, v string) error { r.Region = v; return nil }},
	{"jobId", []string{"backupJobId", "copyJobId", "restoreJobId", "scanJobId"}, func(r *ReportRow, v string) error { r.JobID = v; return nil }},
	{"jobStatus", []string{"status", "state"}, func(r *ReportRow, v string) error { r.JobStatus = v; return nil }},
	{"statusMessage", nil, func(r *ReportRow, v string) error { r.StatusMessage = v; return nil }},
	{"resourceType", nil, func(r *ReportRow, v string) error { r.ResourceType = backup.ResourceType(v); return nil }},
	{"resourceArn", []string{"sourceResourceArn", "resourceId"}, func(r *ReportRow, v string) error { r.ResourceARN = v; return nil }},
	{"resourceName", nil, func(r *ReportRow, v string) error { r.ResourceName = v; return nil }},
	{"backupPlanArn", nil, func(r *ReportRow, v string) error { r.BackupPlanARN = v; return nil }},
	{"backupRuleId", nil, func(r *ReportRow, v string) error { r.BackupRuleID = v; return nil }},
	{"backupVaultArn", []string{"sourceBackupVaultArn"}, func(r *ReportRow, v string) error { r.BackupVaultARN = v; return nil }},
	{"destinationBackupVaultArn", []string{"destinationVaultArn"}, func(r *ReportRow, v string) error { r.DestinationVaultARN = v; return nil }},
	{"recoveryPointArn", []string{"sourceRecoveryPointArn"}, func(r *ReportRow, v string) error { r.RecoveryPointARN = v; return nil }},
	{"creationDate", []string{"initiationDate", "jobCreationDate", "creationTime"}, func(r *ReportRow, v string) (err error) { r.Created, err = parseReportTime(v); return }},
	{"completionDate", []string{"jobCompletionDate", "completionTime"}, func(r *ReportRow, v string) (err error) { r.Completed, err = parseReportTime(v); return }},
	{"backupSizeInBytes", []string{"sizeInBytes", "backupSize"}, func(r *ReportRow, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(v, 64)
			if ferr != nil || f < 0 || f > 9.2e18 {
				return fmt.Errorf("size %q: not a number", v)
			}
			n = int64(f)
		}
		r.SizeBytes = n
		return nil
	}},
	{"frameworkName", nil, func(r *ReportRow, v string) error { r.FrameworkName = v; return nil }},
	{"controlName", nil, func(r *ReportRow, v string) error { r.ControlName = v; return nil }},
	{"complianceStatus", []string{"resourceComplianceStatus", "controlComplianceStatus"}, func(r *ReportRow, v string) error { r.ComplianceStatus = v; return nil }},
}

var reportFieldIndex = func() map[string]int {
	m := map[string]int{}
	for i, f := range reportFields {
		m[normalize(f.name)] = i
		for _, a := range f.aliases {
			m[normalize(a)] = i
		}
	}
	return m
}()

// normalize lower-cases and drops everything but letters and digits.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// parseReportTime accepts RFC 3339 (with or without fraction), "2006-01-02
// 15:04:05[.000]" (UTC) and epoch seconds. Empty is the zero time.
func parseReportTime(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f < 1e11 {
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC().Truncate(time.Millisecond), nil
	}
	return time.Time{}, fmt.Errorf("time %q: not RFC 3339, \"YYYY-MM-DD hh:mm:ss\" or epoch seconds", v)
}

// derive fills the typed fields from Raw, visiting columns in sorted order
// so the result depends only on Raw: aliases first, then canonical names,
// so that a canonical column wins when a report has both (AWS's copy job
// report has initiationDate and creationDate; Created is creationDate).
func (r *ReportRow) derive() error {
	names := slices.Sorted(maps.Keys(r.Raw))
	for _, canonical := range []bool{false, true} {
		for _, name := range names {
			n := normalize(name)
			i, ok := reportFieldIndex[n]
			if !ok || (normalize(reportFields[i].name) == n) != canonical {
				continue
			}
			if err := reportFields[i].set(r, r.Raw[name]); err != nil {
				return fmt.Errorf("column %q: %w", name, err)
			}
		}
	}
	return nil
}

// ParseReportCSV parses a delivered CSV report: a header row, then one row
// per item. Quoted fields, embedded commas and a UTF-8 byte-order mark are
// handled; rows shorter or longer than the header are errors.
func ParseReportCSV(r io.Reader) ([]ReportRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("parse report CSV header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	var rows []ReportRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parse report CSV: %w", err)
		}
		row := ReportRow{Raw: make(map[string]string, len(rec))}
		for i, v := range rec {
			row.Raw[header[i]] = v
		}
		if err := row.derive(); err != nil {
			return nil, fmt.Errorf("parse report CSV line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
}

// ParseReportJSON parses a delivered JSON report: {"reportItems": [ {…} ]}.
// Values may be strings, numbers, booleans or null (null is empty).
func ParseReportJSON(r io.Reader) ([]ReportRow, error) {
	var doc struct {
		ReportItems []map[string]json.RawMessage `json:"reportItems"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse report JSON: %w", err)
	}
	rows := make([]ReportRow, 0, len(doc.ReportItems))
	for i, item := range doc.ReportItems {
		row := ReportRow{Raw: make(map[string]string, len(item))}
		for k, raw := range item {
			v, err := jsonScalar(raw)
			if err != nil {
				return nil, fmt.Errorf("parse report JSON item %d field %q: %w", i, k, err)
			}
			row.Raw[k] = v
		}
		if err := row.derive(); err != nil {
			return nil, fmt.Errorf("parse report JSON item %d: %w", i, err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func jsonScalar(raw json.RawMessage) (string, error) {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	default:
		// Nested values are kept as their JSON text.
		return string(raw), nil
	}
}

// WriteReportJSON writes rows in the delivered JSON shape, each item made
// of its Raw columns (so parsing the output yields the same rows).
func WriteReportJSON(w io.Writer, rows []ReportRow) error {
	items := make([]map[string]string, len(rows))
	for i, r := range rows {
		items[i] = r.Raw
		if items[i] == nil {
			items[i] = map[string]string{}
		}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(map[string]any{"reportItems": items})
}
