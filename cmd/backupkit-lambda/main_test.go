package main

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backuptest"
)

// asFunction makes the test binary run main() instead of the tests: the
// runtime test starts the function this way, without a second build.
const asFunction = "BACKUPKIT_LAMBDA_TEST_AS_FUNCTION"

func TestMain(m *testing.M) {
	if os.Getenv(asFunction) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// lambdaServices are the AWS SDK service packages the function may link:
// the ones its steps call (AWS Backup, the restored resources' services,
// S3 for records and reports, SNS for remediation notices, STS for
// cross-account roles) and the ones the default credential chain brings
// (SSO, SSO OIDC, Sign-In). Every service package's init runs on each
// cold start (the largest cost of init after the Go runtime).
var lambdaServices = []string{"backup", "dynamodb", "ec2", "efs", "fsx", "rds", "s3", "signin", "sns", "ssmsap", "sso", "ssooidc", "sts"}

// TestDependencies fails when the function's import graph again holds a
// service it does not call or a backupkit package it does not run (the
// automation package's template generation, which brought Organizations,
// Config, Athena and the Resource Groups Tagging API through compliance
// and fleet, and Step Functions).
func TestDependencies(t *testing.T) {
	t.Parallel()
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", ".").Output()
	require.NoError(t, err)
	const sdk, own = "github.com/aws/aws-sdk-go-v2/service/", "github.com/backupkit/backupkit/"
	var services []string
	for _, pkg := range strings.Fields(string(out)) {
		if name, ok := strings.CutPrefix(pkg, sdk); ok && !strings.Contains(name, "/") {
			services = append(services, name)
		}
		if name, ok := strings.CutPrefix(pkg, own); ok {
			assert.NotContains(t, []string{"automation", "automation/asl", "compliance", "fleet", "plan", "backuptest"}, name, "backupkit-lambda imports %s", pkg)
		}
		assert.NotContains(t, pkg, "yaml", "backupkit-lambda imports %s", pkg)
	}
	slices.Sort(services)
	assert.Equal(t, lambdaServices, services, "AWS SDK services linked into backupkit-lambda")
}

// TestPackage builds the function as Lambda runs it, through the real
// automation.Package path (linux/arm64, CGO_ENABLED=0, -trimpath,
// stripped), and checks the zip: one executable named bootstrap at its
// root, an arm64 ELF, at most 15 MB zipped. scripts/test builds the same
// binary first, so here the build cache only links it; a cold cache
// compiles the AWS SDK for arm64, which takes minutes of CPU, so the
// build gets the test's remaining time less a minute and fails saying so.
func TestPackage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	if dl, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-time.Minute))
		defer cancel()
	}
	started := time.Now()
	path, err := automation.Package(ctx, t.TempDir(), func(o *automation.PackageOptions) { o.Source = "../.." })
	if ctx.Err() != nil {
		t.Fatalf("the linux/arm64 build did not finish before the test's deadline (%v): scripts/test builds it before the tests to fill the build cache", time.Since(started))
	}
	require.NoError(t, err)
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.LessOrEqual(t, st.Size(), int64(automation.MaxPackageBytes), "zipped size")
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	f := zr.File[0]
	assert.Equal(t, "bootstrap", f.Name)
	assert.Equal(t, os.FileMode(0o755), f.Mode().Perm())
	rc, err := f.Open()
	require.NoError(t, err)
	defer rc.Close()
	hdr := make([]byte, 20)
	_, err = io.ReadFull(rc, hdr)
	require.NoError(t, err)
	assert.Equal(t, "\x7fELF", string(hdr[:4]))
	assert.Equal(t, byte(2), hdr[4], "ELFCLASS64")
	assert.Equal(t, uint16(183), binary.LittleEndian.Uint16(hdr[18:20]), "e_machine EM_AARCH64")
	t.Logf("backupkit-lambda.zip: %.2f MB zipped, %.2f MB unzipped, packaged in %v", float64(st.Size())/(1<<20), float64(f.UncompressedSize64)/(1<<20), time.Since(started).Round(time.Millisecond))
}

func TestBadPackageSource(t *testing.T) {
	t.Parallel()
	_, err := automation.Package(t.Context(), t.TempDir(), func(o *automation.PackageOptions) { o.Source = t.TempDir() })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not the github.com/backupkit/backupkit module")
	_, err = automation.Package(t.Context(), t.TempDir(), func(o *automation.PackageOptions) { o.GOARCH = "s390x" })
	assert.ErrorContains(t, err, "arm64 or amd64")
}

// runtimeAPI is a local Lambda Runtime API: it hands out events one at a
// time and records when the function first asks for one (its init is
// done) and each answer.
type runtimeAPI struct {
	addr    string
	ready   chan time.Time
	answers chan string

	mu     sync.Mutex
	events []string
}

func newRuntimeAPI(tb testing.TB, events ...string) *runtimeAPI {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	r := &runtimeAPI{addr: ln.Addr().String(), ready: make(chan time.Time, 1), answers: make(chan string, len(events)+1), events: events}
	srv := &http.Server{Handler: http.HandlerFunc(r.serve)}
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return r
}

func (r *runtimeAPI) serve(w http.ResponseWriter, req *http.Request) {
	switch {
	case strings.HasSuffix(req.URL.Path, "/invocation/next"):
		select {
		case r.ready <- time.Now():
		default:
		}
		r.mu.Lock()
		n := len(r.events)
		var ev string
		if n > 0 {
			ev, r.events = r.events[0], r.events[1:]
		}
		r.mu.Unlock()
		if n == 0 {
			<-req.Context().Done() // no more events: the function waits, as on Lambda
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", "9999999999999")
		_, _ = io.WriteString(w, ev)
	case strings.HasSuffix(req.URL.Path, "/error"), strings.HasSuffix(req.URL.Path, "/response"):
		b, _ := io.ReadAll(req.Body)
		kind := "response"
		if strings.HasSuffix(req.URL.Path, "/error") {
			kind = "error"
		}
		r.answers <- kind + " " + string(b)
		w.WriteHeader(http.StatusAccepted)
	}
}

func (r *runtimeAPI) answer(tb testing.TB) (kind string, body string) {
	tb.Helper()
	select {
	case a := <-r.answers:
		kind, body, _ = strings.Cut(a, " ")
		return kind, body
	case <-time.After(time.Minute):
		tb.Fatal("the function never answered")
		return "", ""
	}
}

// start runs cmd as Lambda's provided.al2023 runtime would, with the
// function's environment, and returns when it is started.
func start(tb testing.TB, cmd *exec.Cmd, api *runtimeAPI, endpoint string, extra ...string) time.Time {
	tb.Helper()
	cmd.Env = append([]string{"AWS_LAMBDA_RUNTIME_API=" + api.addr, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_LAMBDA_FUNCTION_NAME=backupkit", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_EC2_METADATA_DISABLED=true",
		function.EnvReportBucket + "=reports", "HOME=" + tb.TempDir()}, extra...)
	if endpoint != "" {
		cmd.Env = append(cmd.Env, "AWS_ENDPOINT_URL="+endpoint)
	}
	started := time.Now()
	require.NoError(tb, cmd.Start())
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return started
}

// TestLambdaRuntime runs the function (this test binary, running main)
// against a local Lambda Runtime API and the emulator: a "job" step
// describes a running backup job through the function's own AWS Backup
// client and fails with backupkit.JobRunning, the error name the
// workflows' poll retries on; an unknown step comes back as
// backupkit.StepFailed.
func TestLambdaRuntime(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.JobDuration = time.Hour })
	api := srv.Client()
	_, err := api.CreateBackupVault(t.Context(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("rt-vault")})
	require.NoError(t, err)
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-rt"
	require.NoError(t, srv.PutResource(backuptest.Resource{ARN: vol, SizeBytes: 1 << 30}))
	job, err := api.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("rt-vault"), ResourceArn: aws.String(vol),
		IamRoleArn: aws.String("arn:aws:iam::123456789012:role/backup")})
	require.NoError(t, err)

	rt := newRuntimeAPI(t,
		`{"step":"job","jobType":"BACKUP","jobId":"`+aws.ToString(job.BackupJobId)+`","item":{}}`,
		`{"step":"no-such-step","item":{}}`)
	self, err := os.Executable()
	require.NoError(t, err)
	start(t, exec.Command(self), rt, srv.URL, asFunction+"=1")

	var le struct{ ErrorType, ErrorMessage string }
	kind, body := rt.answer(t)
	require.Equal(t, "error", kind, body)
	require.NoError(t, json.Unmarshal([]byte(body), &le))
	assert.Equal(t, function.ErrorJobRunning, le.ErrorType)
	assert.Contains(t, le.ErrorMessage, aws.ToString(job.BackupJobId))
	assert.Positive(t, srv.CallCount("DescribeBackupJob"), "the function called the emulator")

	kind, body = rt.answer(t)
	require.Equal(t, "error", kind, body)
	require.NoError(t, json.Unmarshal([]byte(body), &le))
	assert.Equal(t, "backupkit.StepFailed", le.ErrorType)
	assert.Contains(t, le.ErrorMessage, `unknown step "no-such-step"`)
}

// BenchmarkColdStart measures init — process start until the function
// asks the Runtime API for its first event — of the function built as
// Package builds it (for the host: stripped, -trimpath, lambda.norpc) and
// of a do-nothing aws-lambda-go function, in the same run:
//
//	go test -run '^$' -bench ColdStart -benchtime 20x ./cmd/backupkit-lambda
//
// It reports the medians (init-ms, baseline-init-ms) and their ratio.
// BACKUPKIT_COLDSTART_COMPARE names another build of the function (say,
// of an earlier commit, built with the same flags) to start in the same
// rounds; its median is compare-init-ms.
func BenchmarkColdStart(b *testing.B) {
	bins := map[string]string{"backupkit": buildHost(b, "."), "baseline": buildHost(b, "./testdata/minimal")}
	names := []string{"backupkit", "baseline"}
	if other := os.Getenv("BACKUPKIT_COLDSTART_COMPARE"); other != "" {
		bins["compare"] = other
		names = append(names, "compare")
	}
	times := map[string][]time.Duration{}
	for b.Loop() {
		for _, name := range names {
			rt := newRuntimeAPI(b)
			started := start(b, exec.Command(bins[name]), rt, "")
			select {
			case ready := <-rt.ready:
				times[name] = append(times[name], ready.Sub(started))
			case <-time.After(time.Minute):
				b.Fatal(name, ": the function never asked for an event")
			}
		}
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	ours, base := median(times["backupkit"]), median(times["baseline"])
	b.ReportMetric(float64(ours.Microseconds())/1000, "init-ms")
	b.ReportMetric(float64(base.Microseconds())/1000, "baseline-init-ms")
	b.ReportMetric(float64(ours)/float64(base), "ratio")
	if ds := times["compare"]; len(ds) > 0 {
		b.ReportMetric(float64(median(ds).Microseconds())/1000, "compare-init-ms")
	}
}

func buildHost(tb testing.TB, pkg string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "bootstrap")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(tb, err, "%s", out)
	return bin
}
