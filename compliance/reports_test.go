package compliance

import (
	"bytes"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const sampleBackupJobJSON = `{
  "reportItems": [
    {
      "reportTimePeriodStart": "2021-07-14T00:00:00Z",
      "reportTimePeriodEnd": "2021-07-15T00:00:00Z",
      "accountId": "112233445566",
      "region": "us-west-2",
      "backupJobId": "FCCB040A-9426-2A49-2EA9-5EAFFAC656AC",
      "jobStatus": "COMPLETED",
      "resourceType": "EC2",
      "resourceArn": "arn:aws:ec2:us-west-2:112233445566:instance/i-0bc877aee7782ba75",
      "resourceName": "MyEC2Instance",
      "backupPlanArn": "arn:aws:backup:us-west-2:112233445566:backup-plan:349f2247-b489-4301-83ac-4b7dd724db9a",
      "backupRuleId": "ab88bbf8-ff4e-4f1b-92e7-e13d3e65dcfb",
      "initiationDate": "2021-07-14T23:53:47.229Z",
      "completionDate": "2021-07-15T00:03:12.000Z",
      "backupSizeInBytes": 8589934592,
      "backupRuleSchedule": "cron(0 5 ? * * *)"
    }
  ]
}`

const sampleRestoreCSV = "\ufeffReport Time Period Start,Report Time Period End,Account ID,Region,Restore Job ID,Job Status,Status Message,Resource Type,Resource ARN,Creation Date,Completion Date\r\n" +
	"2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,123456789012,us-east-1,job-1,COMPLETED,,EBS,\"arn:aws:ec2:us-east-1:123456789012:volume/vol-1\",2024-01-01 10:00:00,2024-01-01 10:42:30\r\n" +
	"2024-01-01T00:00:00Z,2024-01-02T00:00:00Z,123456789012,us-east-1,job-2,FAILED,\"Access denied, role lacks ec2:CreateVolume\",EBS,arn:aws:ec2:us-east-1:123456789012:volume/vol-2,1704103200,\r\n"

func TestParseReportJSON(t *testing.T) {
	t.Parallel()
	rows, err := ParseReportJSON(strings.NewReader(sampleBackupJobJSON))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("got %d rows; want 1", len(rows))
	}
	r := rows[0]
	checks := []struct{ name, got, want string }{
		{"AccountID", r.AccountID, "112233445566"},
		{"Region", r.Region, "us-west-2"},
		{"JobID", r.JobID, "FCCB040A-9426-2A49-2EA9-5EAFFAC656AC"},
		{"JobStatus", r.JobStatus, "COMPLETED"},
		{"ResourceType", string(r.ResourceType), "EC2"},
		{"ResourceName", r.ResourceName, "MyEC2Instance"},
		{"BackupRuleID", r.BackupRuleID, "ab88bbf8-ff4e-4f1b-92e7-e13d3e65dcfb"},
		{"Raw schedule", r.Raw["backupRuleSchedule"], "cron(0 5 ? * * *)"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q; want %q", c.name, c.got, c.want)
		}
	}
	if r.SizeBytes != 8<<30 {
		t.Errorf("SizeBytes = %d; want %d", r.SizeBytes, 8<<30)
	}
	if want := time.Date(2021, 7, 14, 0, 0, 0, 0, time.UTC); !r.PeriodStart.Equal(want) {
		t.Errorf("PeriodStart = %v; want %v", r.PeriodStart, want)
	}
	if got, want := r.Duration(), 9*time.Minute+24*time.Second+771*time.Millisecond; got != want {
		t.Errorf("Duration = %v; want %v", got, want)
	}
}

func TestParseReportCSV(t *testing.T) {
	t.Parallel()
	rows, err := ParseReportCSV(strings.NewReader(sampleRestoreCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows; want 2", len(rows))
	}
	if rows[0].AccountID != "123456789012" || rows[0].JobID != "job-1" {
		t.Errorf("row 0 = %+v; want account 123456789012, job-1", rows[0])
	}
	if got := rows[0].Duration(); got != 42*time.Minute+30*time.Second {
		t.Errorf("row 0 duration = %v; want 42m30s", got)
	}
	if rows[1].StatusMessage != "Access denied, role lacks ec2:CreateVolume" {
		t.Errorf("row 1 status message = %q", rows[1].StatusMessage)
	}
	if want := time.Unix(1704103200, 0).UTC(); !rows[1].Created.Equal(want) {
		t.Errorf("row 1 created = %v; want %v (epoch seconds)", rows[1].Created, want)
	}
	if !rows[1].Completed.IsZero() || rows[1].Duration() != 0 {
		t.Errorf("row 1: empty completion should be zero; got %v", rows[1].Completed)
	}
}

func TestParseReportErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		csv      bool
	}{
		{"csv short row", "a,b\n1\n", true},
		{"csv bad time", "Creation Date\nyesterday\n", true},
		{"csv bad size", "backupSizeInBytes\nlots\n", true},
		{"json not object", `[1,2]`, false},
		{"json bad time", `{"reportItems":[{"completionDate":"soon"}]}`, false},
		{"json bad period", `{"reportItems":[{"reportTimePeriod":"2021"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.csv {
				_, err = ParseReportCSV(strings.NewReader(tt.in))
			} else {
				_, err = ParseReportJSON(strings.NewReader(tt.in))
			}
			if err == nil {
				t.Error("got nil error; want one")
			}
		})
	}
}

// roundTrip checks that rows survive WriteReportJSON → ParseReportJSON.
func roundTrip(t *testing.T, rows []ReportRow) {
	t.Helper()
	for _, r := range rows {
		for k, v := range r.Raw {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return // JSON cannot carry invalid UTF-8 unchanged
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteReportJSON(&buf, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ParseReportJSON(&buf)
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, buf.Bytes())
	}
	if len(back) != len(rows) {
		t.Fatalf("re-parse: got %d rows; want %d", len(back), len(rows))
	}
	for i := range rows {
		if !maps.Equal(back[i].Raw, rows[i].Raw) || !reflect.DeepEqual(back[i], rows[i]) {
			t.Fatalf("row %d: got %+v; want %+v", i, back[i], rows[i])
		}
	}
}

func TestReportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, in := range []string{sampleRestoreCSV} {
		rows, err := ParseReportCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, rows)
	}
	rows, err := ParseReportJSON(strings.NewReader(sampleBackupJobJSON))
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, rows)
}

func FuzzParseReportCSV(f *testing.F) {
	f.Add(sampleRestoreCSV)
	f.Add("Account ID,Job Status\n123456789012,FAILED\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseReportCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		roundTrip(t, rows)
	})
}

func FuzzParseReportJSON(f *testing.F) {
	f.Add(sampleBackupJobJSON)
	f.Add(`{"reportItems":[{"controlName":"BACKUP_RECOVERY_POINT_ENCRYPTED","complianceStatus":"NON_COMPLIANT","x":null,"n":1.5}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ParseReportJSON(strings.NewReader(in))
		if err != nil {
			return
		}
		roundTrip(t, rows)
	})
}
