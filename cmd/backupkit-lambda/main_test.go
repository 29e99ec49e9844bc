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
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
)

// TestPackage builds the function for Lambda (linux/arm64) and checks the
// zip: one executable named bootstrap at its root, an arm64 ELF, at most
// 15 MB zipped.
func TestPackage(t *testing.T) {
	t.Parallel()
	path, err := automation.Package(t.Context(), t.TempDir(), func(o *automation.PackageOptions) { o.Source = "../.." })
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
	assert.Equal(t, uint16(183), binary.LittleEndian.Uint16(hdr[18:20]), "EM_AARCH64")
	t.Logf("FIGURE zip %.2f MB (bootstrap %.2f MB unzipped)", float64(st.Size())/(1<<20), float64(f.UncompressedSize64)/(1<<20))
}

func TestBadPackageSource(t *testing.T) {
	t.Parallel()
	_, err := automation.Package(t.Context(), t.TempDir(), func(o *automation.PackageOptions) { o.Source = t.TempDir() })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not the github.com/backupkit/backupkit module")
	_, err = automation.Package(t.Context(), t.TempDir(), func(o *automation.PackageOptions) { o.GOARCH = "s390x" })
	assert.ErrorContains(t, err, "arm64 or amd64")
}

// runtimeAPI is the Lambda Runtime API's first call: the function asks
// for its next event when its init is done.
type runtimeAPI struct {
	ready  chan time.Time
	errors chan string
	srv    *http.Server
	addr   string
}

func newRuntimeAPI(t testing.TB, event string) *runtimeAPI {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &runtimeAPI{ready: make(chan time.Time, 1), errors: make(chan string, 1), addr: ln.Addr().String()}
	served := false
	r.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case strings.HasSuffix(req.URL.Path, "/invocation/next"):
			select {
			case r.ready <- time.Now():
			default:
			}
			if served {
				<-req.Context().Done()
				return
			}
			served = true
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms", "9999999999999")
			_, _ = io.WriteString(w, event)
		case strings.HasSuffix(req.URL.Path, "/error"), strings.HasSuffix(req.URL.Path, "/response"):
			b, _ := io.ReadAll(req.Body)
			select {
			case r.errors <- req.URL.Path + " " + string(b):
			default:
			}
			w.WriteHeader(http.StatusAccepted)
		}
	})}
	go func() { _ = r.srv.Serve(ln) }()
	t.Cleanup(func() { _ = r.srv.Close() })
	return r
}

func buildHost(t testing.TB, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", bin, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// coldStart starts bin as Lambda would and returns the time from process
// start until it asks the Runtime API for its first event, and what it
// answered to that event.
func coldStart(t testing.TB, bin, event string) (time.Duration, string) {
	t.Helper()
	api := newRuntimeAPI(t, event)
	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + api.addr, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_LAMBDA_FUNCTION_NAME=backupkit", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_EC2_METADATA_DISABLED=true",
		automation.EnvReportBucket + "=reports", "HOME=" + t.TempDir()}
	start := time.Now()
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var ready time.Time
	select {
	case ready = <-api.ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the function never asked for an event")
	}
	var answer string
	select {
	case answer = <-api.errors:
	case <-time.After(30 * time.Second):
		t.Fatal("the function never answered")
	}
	return ready.Sub(start), answer
}

// TestLambdaRuntime runs the real binary against a local Lambda Runtime
// API: an unknown step comes back as a function error whose type is the
// step error name Step Functions matches on.
func TestLambdaRuntime(t *testing.T) {
	t.Parallel()
	bin := buildHost(t, ".")
	_, answer := coldStart(t, bin, `{"step":"no-such-step","item":{}}`)
	assert.Contains(t, answer, "/invocation/req-1/error")
	var le struct{ ErrorType, ErrorMessage string }
	require.NoError(t, json.Unmarshal([]byte(answer[strings.Index(answer, " ")+1:]), &le))
	assert.Equal(t, "backupkit.StepFailed", le.ErrorType)
	assert.Contains(t, le.ErrorMessage, `unknown step "no-such-step"`)
}

// BenchmarkColdStart measures init (process start → first request for an
// event) of the function and of a do-nothing aws-lambda-go function in
// the same run: go test -run '^$' -bench ColdStart -benchtime 20x ./cmd/backupkit-lambda
func BenchmarkColdStart(b *testing.B) {
	bins := map[string]string{"backupkit": buildHost(b, "."), "baseline": buildHost(b, "./testdata/minimal")}
	times := map[string][]time.Duration{}
	for b.Loop() {
		for name, bin := range bins {
			d, _ := coldStart(b, bin, `{"step":"no-such-step","item":{}}`)
			times[name] = append(times[name], d)
		}
	}
	median := func(ds []time.Duration) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2]
	}
	ours, base := median(times["backupkit"]), median(times["baseline"])
	b.ReportMetric(float64(ours.Microseconds())/1000, "init-ms")
	b.ReportMetric(float64(base.Microseconds())/1000, "baseline-init-ms")
	b.ReportMetric(float64(ours)/float64(base), "ratio")
	_ = context.Background
}
