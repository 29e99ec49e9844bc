package backup

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseEventAWSSample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/events/backup_failed.json")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ParseEvent(data)
	if err != nil {
		t.Fatalf("ParseEvent: %v", err)
	}
	j := ev.Job
	if j == nil {
		t.Fatal("Job = nil; want a backup job event")
	}
	if j.JobType != JobTypeBackup || j.JobID != "9A8C6E8B-2B0C-4F0C-8B1E-1C5C0C1D2E3F" || j.State != "FAILED" || !j.Failed() {
		t.Errorf("job = %+v; want FAILED backup job 9A8C…", j)
	}
	if want := time.Date(2020, 7, 15, 21, 39, 7, 0, time.UTC); !j.ExpectedCompletionDate.Equal(want) {
		t.Errorf("ExpectedCompletionDate = %v; want %v", j.ExpectedCompletionDate, want)
	}
	if want := time.Date(2020, 7, 15, 21, 38, 1, 436e6, time.UTC); !j.CreationDate.Equal(want) {
		t.Errorf("CreationDate = %v; want %v", j.CreationDate, want)
	}
	if j.BackupPlanID != "plan-1" || j.BackupRuleID != "rule-1" || j.ResourceType != "EBS" || j.BackupVaultName != "Default" {
		t.Errorf("job = %+v; want plan-1/rule-1/EBS/Default", j)
	}
	if ev.Time.IsZero() || ev.Account != "123456789012" {
		t.Errorf("envelope = %+v; want time and account", ev)
	}
}

func TestParseEventTolerance(t *testing.T) {
	t.Parallel()
	env := func(dt, detail string) []byte {
		return []byte(`{"version":"0","id":"e1","detail-type":"` + dt + `","source":"aws.backup","account":"123456789012","time":"2024-01-02T03:04:05Z","region":"eu-west-1","resources":[],"detail":` + detail + `}`)
	}
	tests := []struct {
		name  string
		data  []byte
		check func(*JobEvent) string
	}{
		{"sizes as numbers", env(DetailTypeBackupJob, `{"backupJobId":"j1","state":"COMPLETED","backupSizeInBytes":1073741824,"bytesTransferred":12.0,"percentDone":100}`),
			func(j *JobEvent) string {
				if j.BackupSizeInBytes != 1<<30 || j.BytesTransferred != 12 || j.PercentDone != 100 {
					return "sizes wrong"
				}
				return ""
			}},
		{"sizes as strings with percent", env(DetailTypeBackupJob, `{"backupJobId":"j1","state":"RUNNING","backupSizeInBytes":"2048","percentDone":"42.5%"}`),
			func(j *JobEvent) string {
				if j.BackupSizeInBytes != 2048 || j.PercentDone != 42.5 {
					return "string sizes wrong"
				}
				return ""
			}},
		{"epoch seconds and millis", env(DetailTypeBackupJob, `{"backupJobId":"j1","state":"COMPLETED","creationDate":1568928754.747,"completionDate":1568928760000}`),
			func(j *JobEvent) string {
				if j.CreationDate.Unix() != 1568928754 || j.CompletionDate.Unix() != 1568928760 {
					return "epoch dates wrong: " + j.CreationDate.String() + " " + j.CompletionDate.String()
				}
				return ""
			}},
		{"narrow nbsp before PM and capitalized keys", env(DetailTypeBackupJob, `{"BackupJobId":"j1","State":"expired","ExpectedCompletionDate":"Jan 5, 2021 1:02:03\u202fAM"}`),
			func(j *JobEvent) string {
				if j.JobID != "j1" || j.State != "EXPIRED" || !j.ExpectedCompletionDate.Equal(time.Date(2021, 1, 5, 1, 2, 3, 0, time.UTC)) {
					return "case/nbsp handling wrong"
				}
				return ""
			}},
		{"restore uses status", env(DetailTypeRestoreJob, `{"restoreJobId":"r1","status":"COMPLETED","createdResourceArn":"arn:aws:ec2:eu-west-1:123456789012:volume/vol-9"}`),
			func(j *JobEvent) string {
				if j.JobType != JobTypeRestore || j.State != "COMPLETED" || j.CreatedResourceARN == "" {
					return "restore fields wrong"
				}
				return ""
			}},
		{"copy", env(DetailTypeCopyJob, `{"copyJobId":"c1","state":"FAILED","destinationBackupVaultArn":"arn:aws:backup:eu-west-1:123456789012:backup-vault:dr","sourceRecoveryPointArn":"arn:aws:ec2:us-east-1::snapshot/snap-1","statusMessage":"Access denied"}`),
			func(j *JobEvent) string {
				if j.JobType != JobTypeCopy || !j.Failed() || j.DestinationBackupVaultARN == "" || j.SourceRecoveryPointARN == "" {
					return "copy fields wrong"
				}
				return ""
			}},
		{"nulls", env(DetailTypeBackupJob, `{"backupJobId":"j1","state":"CREATED","completionDate":null,"backupSizeInBytes":null,"statusMessage":null}`),
			func(j *JobEvent) string {
				if !j.CompletionDate.IsZero() || j.BackupSizeInBytes != 0 {
					return "nulls not ignored"
				}
				return ""
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ParseEvent(tt.data)
			if err != nil {
				t.Fatalf("ParseEvent: %v", err)
			}
			if ev.Job == nil {
				t.Fatal("Job = nil")
			}
			if msg := tt.check(ev.Job); msg != "" {
				t.Errorf("%s: got %+v", msg, ev.Job)
			}
		})
	}
}

func TestParseEventErrors(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"not json":     `{`,
		"bad date":     `{"detail-type":"Backup Job State Change","detail":{"backupJobId":"j","creationDate":"yesterday"}}`,
		"bad size":     `{"detail-type":"Backup Job State Change","detail":{"backupJobId":"j","backupSizeInBytes":"lots"}}`,
		"no job id":    `{"detail-type":"Backup Job State Change","detail":{"state":"FAILED"}}`,
		"detail array": `{"detail-type":"Copy Job State Change","detail":[]}`,
	} {
		if _, err := ParseEvent([]byte(data)); err == nil {
			t.Errorf("ParseEvent(%s) error = nil; want error", name)
		}
	}
	ev, err := ParseEvent([]byte(`{"detail-type":"Backup Vault State Change","source":"aws.backup","detail":{"x":1}}`))
	if err != nil || ev.Job != nil || string(ev.Detail) != `{"x":1}` {
		t.Errorf("other detail-type: ev = %+v, err = %v; want raw detail and no Job", ev, err)
	}
}

func TestRulePattern(t *testing.T) {
	t.Parallel()
	js, err := FailedJobs().WithResourceTypes(EBS, RDS).WithVaults("prod").JSON()
	if err != nil {
		t.Fatal(err)
	}
	var pat struct {
		Source     []string `json:"source"`
		DetailType []string `json:"detail-type"`
		Detail     map[string][]string
	}
	if err := json.Unmarshal([]byte(js), &pat); err != nil {
		t.Fatalf("pattern is not JSON: %v", err)
	}
	if strings.Join(pat.Source, ",") != "aws.backup" || strings.Join(pat.DetailType, ",") != DetailTypeBackupJob {
		t.Errorf("pattern = %s; want source aws.backup and the backup detail-type", js)
	}
	if got := strings.Join(pat.Detail["state"], ","); got != "FAILED,EXPIRED,ABORTED,PARTIAL" {
		t.Errorf("detail.state = %s; want FAILED,EXPIRED,ABORTED,PARTIAL", got)
	}
	if got := strings.Join(pat.Detail["resourceType"], ","); got != "EBS,RDS" {
		t.Errorf("detail.resourceType = %s; want EBS,RDS", got)
	}
	rjs, err := NewRulePattern(DetailTypeRestoreJob).WithStates("FAILED").JSON()
	if err != nil || !strings.Contains(rjs, `"status":["FAILED"]`) {
		t.Errorf("restore pattern = %s, %v; want detail.status", rjs, err)
	}
	if _, err := NewRulePattern().WithStates("FAILED").JSON(); err == nil {
		t.Error("mixed restore/backup states pattern: error = nil; want error")
	}
	if _, err := NewRulePattern("Backup Plan State Change").WithStates("BROKEN").JSON(); len(fieldsOf(err)) != 2 {
		t.Errorf("bad detail-type and state: err = %v; want 2 validation errors", err)
	}

	data, _ := os.ReadFile("testdata/events/backup_failed.json")
	ev, err := ParseEvent(data)
	if err != nil {
		t.Fatal(err)
	}
	if !FailedJobs().Matches(ev) {
		t.Error("FailedJobs().Matches(failed EBS event) = false; want true")
	}
	if FailedJobs().WithResourceTypes(RDS).Matches(ev) {
		t.Error("RDS-only pattern matches an EBS event")
	}
}

func FuzzParseEvent(f *testing.F) {
	data, err := os.ReadFile("testdata/events/backup_failed.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"detail-type":"Restore Job State Change","detail":{"restoreJobId":"r","status":"FAILED","percentDone":"12%","creationDate":1568928754}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ParseEvent(b)
		if err != nil {
			return
		}
		if ev.Job != nil && ev.Job.JobID == "" {
			t.Errorf("parsed job event without id: %+v", ev.Job)
		}
	})
}
