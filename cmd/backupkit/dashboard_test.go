package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	qstypes "github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

func seedHistory(t *testing.T, st history.Store) {
	t.Helper()
	h := history.New(st)
	now := time.Now().UTC()
	for i, arn := range []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-dash1", "arn:aws:rds:us-east-1:123456789012:db:dash2"} {
		r := &restore.Report{SchemaVersion: restore.ReportSchemaVersion, DrillID: "drill-dash-" + string(rune('a'+i)), StartedAt: now.Add(-time.Duration(i*40*24) * time.Hour),
			Passed: i == 0, Targets: []restore.TargetResult{{ResourceARN: arn, ResourceType: []backup.ResourceType{backup.EBS, backup.RDS}[i], Status: []string{restore.Passed, restore.Failed}[i],
				RTOTotalSeconds: 120, RPOSeconds: 3600, MaxRTOSeconds: 600, RTOMet: true, RPOMet: true, Error: []string{"", "restore job failed: quota"}[i]}}}
		if _, err := h.Append(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Put(t.Context(), "20260101T000000.000Z_bad.json", []byte("not json")); err != nil {
		t.Fatal(err)
	}
}

func TestDashboardCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hist := filepath.Join(dir, "hist")
	seedHistory(t, history.NewDir(hist))
	out := filepath.Join(dir, "site", "dashboard.html")
	qs := filepath.Join(dir, "qs")
	code, stdout, stderr := runDrillCLI(t, "dashboard", "--history", hist, "--out", out, "--quicksight", qs, "--quicksight-s3", "s3://evidence/drills")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "20260101T000000.000Z_bad.json") || !strings.Contains(stdout, "from 2 drills") || !strings.Contains(stdout, "1 not drilled in 30 days") {
		t.Errorf("stdout %q stderr %q; want 2 drills, 1 stale target and the corrupt file named", stdout, stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"restore job failed: quota", "vol-dash1", `<svg class="chart"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	manifest, _ := os.ReadFile(filepath.Join(qs, "manifest.json"))
	if !strings.Contains(string(manifest), `"s3://evidence/drills/drills.csv"`) {
		t.Errorf("manifest = %s", manifest)
	}
	f, _ := os.Open(filepath.Join(qs, "drills.csv"))
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Errorf("drills.csv: %d records, %v; want header + 2", len(recs), err)
	}
}

func TestDashboardFlagsCheckedFirst(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--days", "0"}, "--days must be at least 1"},
		{[]string{"--quicksight", "qs"}, "set --quicksight-s3"},
		{[]string{"--quicksight", "qs", "--quicksight-s3", "/tmp"}, "--quicksight-s3"},
		{[]string{"--create"}, "need --quicksight"},
		{[]string{"--quicksight", "qs", "--quicksight-s3", "s3://b1b/x", "--create"}, "--create needs the data in S3"},
		{[]string{"--quicksight", "s3://ok-bucket/x", "--quicksight-account", "12"}, "want 12 digits"},
		{[]string{"--history", "s3://X/y"}, "--history"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		code, _, stderr := runDrillCLI(t, append([]string{"dashboard", "--out", filepath.Join(dir, "d.html"), "--history", dir}, tt.args...)...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("dashboard %v: exit %d stderr %q; want an error with %q", tt.args, code, stderr, tt.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "d.html")); err == nil {
			t.Errorf("dashboard %v wrote a page despite bad flags", tt.args)
		}
	}
}

// TestDashboardCoverage: with --endpoint, protected resources of the
// emulator that were never drilled join the "not drilled" table.
func TestDashboardCoverage(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	if err := srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-neverdrilled"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seedHistory(t, history.NewDir(filepath.Join(dir, "hist")))
	out := filepath.Join(dir, "d.html")
	code, stdout, stderr := runDrillCLI(t, "dashboard", "--endpoint", srv.URL, "--region", "us-east-1", "--history", filepath.Join(dir, "hist"), "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	page, _ := os.ReadFile(out)
	if !strings.Contains(stdout, "Coverage: 1 resources, 1 unprotected") || !strings.Contains(string(page), "vol-neverdrilled") {
		t.Errorf("stdout %q; page has the never-drilled volume: %v", stdout, strings.Contains(string(page), "vol-neverdrilled"))
	}
}

// memS3 is a minimal in-memory S3 for the history and the upload.
type memS3 struct {
	mu  sync.Mutex
	obj map[string][]byte
}

func (m *memS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, _ := io.ReadAll(in.Body)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.obj == nil {
		m.obj = map[string][]byte{}
	}
	m.obj[*in.Bucket+"/"+*in.Key] = b
	return &s3.PutObjectOutput{}, nil
}

func (m *memS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.obj[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, &s3types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (m *memS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := &s3.ListObjectsV2Output{}
	for k := range m.obj {
		if rest, ok := strings.CutPrefix(k, *in.Bucket+"/"+aws.ToString(in.Prefix)); ok && !strings.Contains(rest, "/") {
			out.Contents = append(out.Contents, s3types.Object{Key: aws.String(strings.TrimPrefix(k, *in.Bucket+"/"))})
		}
	}
	return out, nil
}

type memQuickSight struct{ calls []string }

func (q *memQuickSight) CreateDataSource(_ context.Context, in *quicksight.CreateDataSourceInput, _ ...func(*quicksight.Options)) (*quicksight.CreateDataSourceOutput, error) {
	q.calls = append(q.calls, "CreateDataSource "+*in.DataSourceParameters.(*qstypes.DataSourceParametersMemberS3Parameters).Value.ManifestFileLocation.Key)
	return &quicksight.CreateDataSourceOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:datasource/" + *in.DataSourceId)}, nil
}

func (q *memQuickSight) UpdateDataSource(context.Context, *quicksight.UpdateDataSourceInput, ...func(*quicksight.Options)) (*quicksight.UpdateDataSourceOutput, error) {
	panic("not expected")
}

func (q *memQuickSight) DescribeDataSource(context.Context, *quicksight.DescribeDataSourceInput, ...func(*quicksight.Options)) (*quicksight.DescribeDataSourceOutput, error) {
	return &quicksight.DescribeDataSourceOutput{DataSource: &qstypes.DataSource{Status: qstypes.ResourceStatusCreationSuccessful}}, nil
}

func (q *memQuickSight) CreateDataSet(_ context.Context, in *quicksight.CreateDataSetInput, _ ...func(*quicksight.Options)) (*quicksight.CreateDataSetOutput, error) {
	q.calls = append(q.calls, "CreateDataSet "+*in.AwsAccountId)
	return &quicksight.CreateDataSetOutput{Arn: aws.String("arn:aws:quicksight:us-east-1:123456789012:dataset/" + *in.DataSetId)}, nil
}

func (q *memQuickSight) UpdateDataSet(context.Context, *quicksight.UpdateDataSetInput, ...func(*quicksight.Options)) (*quicksight.UpdateDataSetOutput, error) {
	panic("not expected")
}

// TestDashboardS3AndCreate reads the history from S3, uploads the data set
// and manifest next to it and creates the QuickSight resources.
func TestDashboardS3AndCreate(t *testing.T) {
	t.Parallel()
	mem := &memS3{}
	seedHistory(t, history.NewBucket(mem, "evidence", "drills"))
	qs := &memQuickSight{}
	f := &dashboardFlags{history: "s3://evidence/drills", out: filepath.Join(t.TempDir(), "d.html"), days: 30, title: "t",
		qs: "s3://evidence/quicksight", create: true, qsAccount: "123456789012", qsDataSet: "backupkit-drills"}
	var stdout, stderr bytes.Buffer
	if err := runDashboard(t.Context(), &stdout, &stderr, f, &dashboardClients{s3: mem, qs: qs}); err != nil {
		t.Fatalf("%v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	for _, k := range []string{"evidence/quicksight/drills.csv", "evidence/quicksight/drills.jsonl", "evidence/quicksight/manifest.json"} {
		if _, ok := mem.obj[k]; !ok {
			t.Errorf("s3://%s not uploaded", k)
		}
	}
	if !strings.Contains(string(mem.obj["evidence/quicksight/manifest.json"]), "s3://evidence/quicksight/drills.csv") {
		t.Errorf("manifest = %s", mem.obj["evidence/quicksight/manifest.json"])
	}
	if got := strings.Join(qs.calls, "; "); got != "CreateDataSource quicksight/manifest.json; CreateDataSet 123456789012" {
		t.Errorf("QuickSight calls: %s", got)
	}
	if !strings.Contains(stdout.String(), "data set arn:aws:quicksight:us-east-1:123456789012:dataset/backupkit-drills created") {
		t.Errorf("stdout: %s", stdout.String())
	}
}
