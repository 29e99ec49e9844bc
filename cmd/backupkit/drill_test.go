package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
)

func runDrillCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

type drillReportDoc struct {
	Passed  bool `json:"passed"`
	Summary struct {
		Targets, Passed, Failed, MissedRTO, LeftBehind int
	} `json:"summary"`
	Targets []struct {
		ResourceARN        string  `json:"resourceArn"`
		ResourceType       string  `json:"resourceType"`
		CreatedResourceARN string  `json:"createdResourceArn"`
		RTOTotalSeconds    float64 `json:"rtoTotalSeconds"`
		Validation         string  `json:"validation"`
		Cleanup            string  `json:"cleanup"`
	} `json:"targets"`
}

func readDrillReport(t *testing.T, dir string) drillReportDoc {
	t.Helper()
	var doc drillReportDoc
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	return doc
}

func TestDrillDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := time.Now()
	code, out, errOut := runDrillCLI(t, "drill", "--out", dir, "--restore-duration", "50ms")
	if code != 0 {
		t.Fatalf("backupkit drill exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("demo took %v; want well under a minute", took)
	}
	for _, want := range []string{"RESOURCE", "RPO", "RTO RESTORE", "RTO TOTAL", "VALIDATION", "CLEANUP", "Drill PASSED", "✔ EBS"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	doc := readDrillReport(t, dir)
	types := map[string]bool{}
	for _, tg := range doc.Targets {
		types[tg.ResourceType] = true
		if tg.Validation != "passed" || tg.Cleanup != "deleted" || tg.CreatedResourceARN == "" {
			t.Errorf("target %+v; want validated, deleted, with a created ARN", tg)
		}
	}
	if !doc.Passed || len(doc.Targets) != 6 || len(types) != 6 {
		t.Errorf("report passed=%v targets=%d types=%v; want 6 passing targets of 6 types", doc.Passed, len(doc.Targets), types)
	}
	var junit struct {
		Tests int `xml:"tests,attr"`
	}
	xmlData, err := os.ReadFile(filepath.Join(dir, "report.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(xmlData, &junit); err != nil || junit.Tests != 6 {
		t.Errorf("report.xml tests=%d err=%v; want 6", junit.Tests, err)
	}
	for _, name := range []string{"report.md", "report.html"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v; want a non-empty file", name, err)
		}
	}
}

func TestDrillDemoScaleAndFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		check    func(t *testing.T, doc drillReportDoc)
	}{
		{name: "more targets", args: []string{"--demo-targets", "14", "--restore-duration", "20ms", "--concurrency", "5"}, wantCode: 0, wantOut: "14 targets: 14 passed",
			check: func(t *testing.T, doc drillReportDoc) {
				if len(doc.Targets) != 14 || doc.Summary.Passed != 14 {
					t.Errorf("summary %+v; want 14 passed", doc.Summary)
				}
			}},
		{name: "missed RTO fails the drill", args: []string{"--demo-targets", "2", "--restore-duration", "20ms", "--max-rto", "1ms"}, wantCode: 2, wantOut: "2 missed RTO",
			check: func(t *testing.T, doc drillReportDoc) {
				if doc.Passed || doc.Summary.MissedRTO != 2 || doc.Summary.LeftBehind != 0 {
					t.Errorf("summary %+v passed=%v; want 2 RTO misses, nothing left", doc.Summary, doc.Passed)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			code, out, errOut := runDrillCLI(t, append([]string{"drill", "--out", dir}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Fatalf("exit %d, output lacks %q? want exit %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantOut, tt.wantCode, out, errOut)
			}
			tt.check(t, readDrillReport(t, dir))
		})
	}
}

func TestDrillBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"drill", "--concurrency", "0"},
		{"drill", "--demo-targets", "0"},
		{"drill", "--max-rto", "soon"},
	} {
		code, _, errOut := runDrillCLI(t, args...)
		if code != 1 || errOut == "" {
			t.Errorf("%v: exit %d stderr %q; want exit 1 with a message", args, code, errOut)
		}
	}
}

// seedEndpointDrill puts one resource of each of the six demo types into
// srv, backs each up into vault and returns their ARNs.
func seedEndpointDrill(t *testing.T, srv *backuptest.Server, vault, role string) []string {
	t.Helper()
	api := srv.Client()
	ctx := t.Context()
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(vault)}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i, k := range drillDemoKinds {
		r := backuptest.Resource{ARN: k.arn(100 + i), SizeBytes: k.size, Attributes: k.attrs}
		if err := srv.PutResource(r); err != nil {
			t.Fatal(err)
		}
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(vault), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(role)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond }).Wait(ctx, aws.ToString(j.BackupJobId), time.Minute); err != nil {
			t.Fatal(err)
		}
		arns = append(arns, r.ARN)
	}
	return arns
}

// checkEndpointDrill checks a drill of the six demo types passed through
// the services' own APIs: every type validated and deleted, nothing left
// in the emulator, and no control-API request while the drill ran.
func checkEndpointDrill(t *testing.T, srv *backuptest.Server, dir string, callsBefore int) {
	t.Helper()
	doc := readDrillReport(t, dir)
	types := map[string]bool{}
	for _, tg := range doc.Targets {
		types[tg.ResourceType] = true
		if tg.Validation != "passed" || tg.Cleanup != "deleted" {
			t.Errorf("target %s: validation %s cleanup %s; want passed, deleted", tg.ResourceARN, tg.Validation, tg.Cleanup)
		}
	}
	if !doc.Passed || len(types) != 6 {
		t.Errorf("report passed=%v types=%v; want 6 passing types", doc.Passed, types)
	}
	for _, r := range srv.Resources() {
		if r.CreatedBy != "" {
			t.Errorf("restored resource %s left in the emulator", r.ARN)
		}
	}
	services := map[string]bool{}
	for _, c := range srv.Calls()[callsBefore:] {
		if strings.HasPrefix(c.Path, "/_backupkit/") {
			t.Errorf("control-API request during the drill: %s %s", c.Method, c.Path)
		}
		services[c.Service] = true
	}
	for _, s := range []string{"ec2", "rds", "dynamodb", "elasticfilesystem", "s3"} {
		if !services[s] {
			t.Errorf("no %s call during the drill; the validators did not run on the wire (services called: %v)", s, services)
		}
	}
}

func TestDrillAgainstEmulatorEndpoint(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	role := "arn:aws:iam::123456789012:role/drill"
	seedEndpointDrill(t, srv, "ep-vault", role)
	before := len(srv.Calls())
	dir := t.TempDir()
	code, out, errOut := runDrillCLI(t, "drill", "--endpoint", srv.URL, "--region", "us-east-1", "--vault", "ep-vault", "--role", role, "--poll-interval", "20ms", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	checkEndpointDrill(t, srv, dir, before)
}

// TestDrillWithAWSEndpointURL points the drill at the emulator the way
// users point any SDK at LocalStack: AWS_ENDPOINT_URL, no --endpoint.
func TestDrillWithAWSEndpointURL(t *testing.T) {
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = 20 * time.Millisecond })
	role := "arn:aws:iam::123456789012:role/drill"
	seedEndpointDrill(t, srv, "env-vault", role)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	before := len(srv.Calls())
	dir := t.TempDir()
	code, out, errOut := runDrillCLI(t, "drill", "--vault", "env-vault", "--role", role, "--poll-interval", "20ms", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	checkEndpointDrill(t, srv, dir, before)
}
