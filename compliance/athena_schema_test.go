package compliance

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The report files in testdata/reports are AWS's documented samples, one
// per template (see testdata/reports/README.md).

func reportSample(t *testing.T, tmpl ReportTemplate, ext string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reports", string(tmpl)+"."+ext))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ddlColumns returns the struct fields of a JSON table's DDL.
func ddlColumns(t *testing.T, ddl string) []string {
	t.Helper()
	m := regexp.MustCompile(`array<struct<([^>]*)>>`).FindStringSubmatch(ddl)
	if m == nil {
		t.Fatalf("no array<struct<…>> in DDL:\n%s", ddl)
	}
	var cols []string
	for _, f := range strings.Split(m[1], ", ") {
		name, typ, ok := strings.Cut(f, ":")
		if !ok || typ != "string" {
			t.Fatalf("DDL field %q: want name:string", f)
		}
		cols = append(cols, name)
	}
	return cols
}

// serdeRead reads a report file the way the OpenX JSON SerDe does with the
// DDL's columns ('case.insensitive' = 'true'): each item's fields are
// matched to the columns ignoring case; scalars become strings (JSON null
// is NULL), fields without a column are dropped. It returns the rows and
// the scalar fields that no column took.
func serdeRead(t *testing.T, data []byte, cols []string) (rows []map[string]*string, dropped []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 1 {
		t.Fatalf("report file has %d lines; the SerDe reads one JSON document per line", len(lines))
	}
	var doc struct {
		ReportItems []map[string]any `json:"reportItems"`
	}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.ReportItems {
		row := map[string]*string{}
		taken := map[string]bool{}
		for _, c := range cols {
			for k, v := range item {
				if strings.EqualFold(k, c) {
					taken[k] = true
					if v != nil {
						s := strings.Trim(mustJSON(t, v), `"`)
						row[c] = &s
					}
				}
			}
		}
		for k, v := range item {
			if _, nested := v.(map[string]any); !taken[k] && !nested && !slices.Contains(dropped, k) {
				dropped = append(dropped, k)
			}
		}
		rows = append(rows, row)
	}
	return rows, dropped
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAthenaDDLReadsAWSReportFiles checks, for every template, that the
// table made by AthenaDDL has a column for every field of AWS's sample
// report file, and that the fields its ready queries use hold values.
func TestAthenaDDLReadsAWSReportFiles(t *testing.T) {
	t.Parallel()
	// Fields each template's queries rely on (one of each group must be set).
	needs := map[ReportTemplate][][]string{
		BackupJobReport:          {{"accountid"}, {"jobstatus"}, {"creationdate", "initiationdate"}, {"resourcetype"}},
		CopyJobReport:            {{"accountid"}, {"jobstatus"}, {"creationdate", "initiationdate"}, {"resourcetype"}},
		ScanJobReport:            {{"accountid"}, {"jobstatus"}, {"creationdate", "initiationdate"}, {"resourcetype"}},
		RestoreJobReport:         {{"accountid"}, {"jobstatus"}, {"creationdate", "initiationdate"}, {"sourceresourcearn", "resourcearn"}},
		ResourceComplianceReport: {{"frameworkname"}, {"controlname"}, {"resourceid"}, {"resourcecompliancestatus"}},
		ControlComplianceReport:  {{"frameworkname"}, {"controlname"}, {"controlcompliancestatus"}, {"numresourcesnoncompliant"}, {"lastevaluationtime"}},
	}
	for _, tmpl := range ReportTemplates() {
		t.Run(string(tmpl), func(t *testing.T) {
			t.Parallel()
			ddl, err := AthenaDDL(tmpl, "backup_reports", "t", "s3://bucket/reports/")
			if err != nil {
				t.Fatal(err)
			}
			cols := ddlColumns(t, ddl)
			rows, dropped := serdeRead(t, reportSample(t, tmpl, "json"), cols)
			if len(rows) == 0 {
				t.Fatal("sample has no items")
			}
			if len(dropped) > 0 {
				t.Errorf("the table drops fields AWS delivers: %v", dropped)
			}
			for _, group := range needs[tmpl] {
				ok := false
				for _, c := range group {
					if v := rows[0][c]; v != nil && *v != "" {
						ok = true
					}
				}
				if !ok {
					t.Errorf("none of %v holds a value for the first item", group)
				}
			}
			// Every column a query names exists in the table.
			qs, err := AthenaQueries(tmpl, "backup_reports", "t", 7)
			if err != nil || len(qs) == 0 {
				t.Fatalf("AthenaQueries: %v, %d queries", err, len(qs))
			}
			for _, q := range qs {
				for _, m := range regexp.MustCompile(`item\.([a-z0-9_]+)`).FindAllStringSubmatch(q.SQL, -1) {
					if !slices.Contains(cols, m[1]) {
						t.Errorf("query %q uses item.%s, which the table lacks", q.Title, m[1])
					}
				}
			}
		})
	}
}

// TestAthenaColumnsComeFromAWSSamples: every declared column appears in at
// least one sample of its family (no invented names).
func TestAthenaColumnsComeFromAWSSamples(t *testing.T) {
	t.Parallel()
	seen := map[string]map[string]bool{"job": {}, "compliance": {}}
	for _, tmpl := range ReportTemplates() {
		fam, _ := templateFamily(tmpl)
		var doc struct {
			ReportItems []map[string]any `json:"reportItems"`
		}
		if err := json.Unmarshal(reportSample(t, tmpl, "json"), &doc); err != nil {
			t.Fatal(err)
		}
		for _, it := range doc.ReportItems {
			for k := range it {
				seen[fam][k] = true
			}
		}
	}
	for fam, cols := range athenaColumns {
		for _, c := range cols {
			if !seen[fam][c] {
				t.Errorf("%s column %q is in no AWS sample report", fam, c)
			}
		}
	}
}

// TestAthenaCSVDDLReadsAWSReportFiles: a CSV table made from a delivered
// header has one column per field, and every row has that many fields.
func TestAthenaCSVDDLReadsAWSReportFiles(t *testing.T) {
	t.Parallel()
	for _, tmpl := range ReportTemplates() {
		recs, err := csv.NewReader(strings.NewReader(string(reportSample(t, tmpl, "csv")))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		ddl, err := AthenaCSVDDL("backup_reports", "t", "s3://bucket/csv/", recs[0])
		if err != nil {
			t.Fatalf("%s: %v", tmpl, err)
		}
		n := strings.Count(ddl, "` string")
		for i, r := range recs {
			if len(r) != n {
				t.Errorf("%s record %d has %d fields; the table has %d columns", tmpl, i, len(r), n)
			}
		}
		if !strings.Contains(ddl, "`account_id` string") {
			t.Errorf("%s: DDL lacks account_id:\n%s", tmpl, ddl)
		}
	}
}

// TestReportParserReadsAWSReportFiles: the fuzzed report parser reads every
// sample, CSV and JSON alike, into the same typed rows.
func TestReportParserReadsAWSReportFiles(t *testing.T) {
	t.Parallel()
	for _, tmpl := range ReportTemplates() {
		jrows, err := ParseReportJSON(strings.NewReader(string(reportSample(t, tmpl, "json"))))
		if err != nil {
			t.Fatalf("%s JSON: %v", tmpl, err)
		}
		crows, err := ParseReportCSV(strings.NewReader(string(reportSample(t, tmpl, "csv"))))
		if err != nil {
			t.Fatalf("%s CSV: %v", tmpl, err)
		}
		if len(jrows) == 0 || len(jrows) != len(crows) {
			t.Fatalf("%s: %d JSON rows, %d CSV rows", tmpl, len(jrows), len(crows))
		}
		for i := range jrows {
			j, c := jrows[i], crows[i]
			j.Raw, c.Raw = nil, nil
			if !slices.Equal([]string{j.AccountID, j.Region, j.JobID, j.JobStatus, j.ResourceARN, j.ControlName, j.ComplianceStatus},
				[]string{c.AccountID, c.Region, c.JobID, c.JobStatus, c.ResourceARN, c.ControlName, c.ComplianceStatus}) || !j.Created.Equal(c.Created) || j.SizeBytes != c.SizeBytes {
				t.Errorf("%s row %d: JSON %+v differs from CSV %+v", tmpl, i, j, c)
			}
		}
		r := jrows[0]
		if r.AccountID == "" || r.Region == "" {
			t.Errorf("%s: no account or Region: %+v", tmpl, r)
		}
		if tmpl.IsCompliance() {
			if r.ComplianceStatus != "NON_COMPLIANT" || r.ControlName == "" || r.FrameworkName == "" {
				t.Errorf("%s: compliance fields %+v", tmpl, r)
			}
			continue
		}
		if r.JobID == "" || r.JobStatus == "" || r.ResourceARN == "" || r.Created.IsZero() || r.PeriodStart.IsZero() || r.PeriodEnd.IsZero() {
			t.Errorf("%s: job fields %+v", tmpl, r)
		}
	}
	// The copy report has both initiationDate and creationDate: Created is
	// the creation date.
	rows, _ := ParseReportJSON(strings.NewReader(string(reportSample(t, CopyJobReport, "json"))))
	if got := rows[0].Created.Format("2006-01-02T15:04:05.000Z"); got != "2021-07-15T15:42:04.771Z" {
		t.Errorf("copy job Created = %s; want creationDate 2021-07-15T15:42:04.771Z", got)
	}
}
