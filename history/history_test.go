package history

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/restore"
)

func report(id string, start time.Time, arns ...string) *restore.Report {
	r := &restore.Report{SchemaVersion: restore.ReportSchemaVersion, DrillID: id, StartedAt: start, FinishedAt: start.Add(time.Minute), Passed: true}
	for _, a := range arns {
		r.Targets = append(r.Targets, restore.TargetResult{ResourceARN: a, ResourceType: "EBS", Status: restore.Passed,
			RPOSeconds: 3600, RTOTotalSeconds: 90.5, MaxRTOSeconds: 600})
	}
	return r
}

// fakeS3 is an in-memory S3API with small pages, so paging is exercised.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // bucket/key
	calls   []string
}

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objects == nil {
		f.objects = map[string][]byte{}
	}
	f.objects[*in.Bucket+"/"+*in.Key] = b
	f.calls = append(f.calls, "PutObject "+*in.Key)
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.objects[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, &s3types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (f *fakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys []string
	for k := range f.objects {
		b, key, _ := strings.Cut(k, "/")
		if b == *in.Bucket && strings.HasPrefix(key, aws.ToString(in.Prefix)) && key > aws.ToString(in.ContinuationToken) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false)}
	if len(keys) > 2 {
		keys = keys[:2]
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(keys[1])
	}
	for _, k := range keys {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k)})
	}
	return out, nil
}

func TestFileName(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 600e6, time.FixedZone("x", 3600))
	got := FileName(report("drill/a b", start))
	if want := "20260102T020405.600Z_drill_a_b.json"; got != want {
		t.Errorf("FileName = %q; want %q", got, want)
	}
	if ts, ok := StartFromName(got); !ok || !ts.Equal(start) {
		t.Errorf("StartFromName(%q) = %v, %v; want %v", got, ts, ok, start)
	}
}

func TestHistoryStores(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	stores := map[string]func(t *testing.T) Store{
		"dir":    func(t *testing.T) Store { return NewDir(filepath.Join(t.TempDir(), "hist")) },
		"bucket": func(t *testing.T) Store { return NewBucket(&fakeS3{}, "drills", "team/a") },
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := mk(t)
			h := New(st)
			for i := range 5 {
				if _, err := h.Append(t.Context(), report("d"+string(rune('0'+i)), base.Add(time.Duration(i)*24*time.Hour), "arn:aws:ec2:us-east-1:111122223333:volume/vol-1")); err != nil {
					t.Fatal(err)
				}
			}
			// The same drill again replaces its file.
			if _, err := h.Append(t.Context(), report("d4", base.Add(4*24*time.Hour), "arn:aws:ec2:us-east-1:111122223333:volume/vol-2")); err != nil {
				t.Fatal(err)
			}
			if err := st.Put(t.Context(), "20260301T000000.000Z_broken.json", []byte(`{"schemaVersion":1,"drillId":`)); err != nil {
				t.Fatal(err)
			}
			if err := st.Put(t.Context(), "20260301T000000.000Z_other.json", []byte(`{"hello":"world"}`)); err != nil {
				t.Fatal(err)
			}
			var ids []string
			res, err := h.Scan(t.Context(), func(r *restore.Report) error {
				ids = append(ids, r.DrillID)
				if r.Targets[0].RTOTotal != 90500*time.Millisecond || r.Targets[0].MaxRTO != 10*time.Minute {
					t.Errorf("durations not restored from seconds: %+v", r.Targets[0])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(ids)
			if want := []string{"d0", "d1", "d2", "d3", "d4"}; !slices.Equal(ids, want) {
				t.Errorf("scanned %v; want %v", ids, want)
			}
			if res.Files != 7 || res.Reports != 5 || len(res.Corrupt) != 2 {
				t.Errorf("result = %+v; want 7 files, 5 reports, 2 corrupt", res)
			}
			if len(res.Corrupt) == 2 && (res.Corrupt[0].Name != "20260301T000000.000Z_broken.json" || !strings.Contains(res.Corrupt[1].Error(), "schemaVersion 0")) {
				t.Errorf("corrupt = %v, %v", res.Corrupt[0], res.Corrupt[1])
			}
			last, _, err := h.LastDrilled(t.Context(), base.Add(2*24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if got := last["arn:aws:ec2:us-east-1:111122223333:volume/vol-1"]; !got.Equal(base.Add(3 * 24 * time.Hour)) {
				t.Errorf("vol-1 last drilled %v; want %v", got, base.Add(3*24*time.Hour))
			}
			if got := last["arn:aws:ec2:us-east-1:111122223333:volume/vol-2"]; !got.Equal(base.Add(4 * 24 * time.Hour)) {
				t.Errorf("vol-2 last drilled %v", got)
			}
		})
	}
}

func TestDirLeavesNoTemporaryFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := NewDir(dir)
	if err := d.Put(t.Context(), "a.json", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(t.Context(), "a.json", []byte("two")); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries; want 1 (no temporary files)", len(entries))
	}
	if b, _ := d.Get(t.Context(), "a.json"); string(b) != "two" {
		t.Errorf("content %q; want two", b)
	}
	if err := d.Put(t.Context(), "../x.json", nil); err == nil {
		t.Error("Put accepted a name with a path")
	}
	if names, err := NewDir(filepath.Join(dir, "missing")).List(t.Context()); err != nil || len(names) != 0 {
		t.Errorf("missing directory: %v, %v; want empty history", names, err)
	}
}

func TestScanStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	h := New(NewDir(t.TempDir()))
	for i := range 20 {
		if _, err := h.Append(t.Context(), report("d"+string(rune('a'+i)), time.Unix(int64(i)*3600, 0))); err != nil {
			t.Fatal(err)
		}
	}
	stop := errors.New("stop")
	_, err := h.Scan(t.Context(), func(*restore.Report) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("Scan error = %v; want the callback's", err)
	}
}

func TestParseLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		loc, bucket, prefix string
		s3, bad             bool
	}{
		{"drills", "", "", false, false},
		{"s3://my-bucket", "my-bucket", "", true, false},
		{"s3://my-bucket/a/b/", "my-bucket", "a/b", true, false},
		{"s3://My_Bucket/x", "", "", true, true},
		{"s3:///x", "", "", true, true},
		{"", "", "", false, true},
	}
	for _, tt := range tests {
		b, p, s3, err := ParseLocation(tt.loc)
		if (err != nil) != tt.bad || s3 != tt.s3 || (!tt.bad && (b != tt.bucket || p != tt.prefix)) {
			t.Errorf("ParseLocation(%q) = %q, %q, %v, %v; want %q, %q, %v, bad=%v", tt.loc, b, p, s3, err, tt.bucket, tt.prefix, tt.s3, tt.bad)
		}
	}
	if _, err := Open("s3://ok-bucket/p", func() (S3API, error) { return nil, errors.New("no credentials") }); err == nil {
		t.Error("Open did not report the S3 client error")
	}
}
