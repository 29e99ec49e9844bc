//go:build unix

package backuptest_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

// Many clients at once: 32 SDK clients, each on its own goroutine and
// connection pool, issue a mix of reads and writes. The same mix runs
// against a bare net/http handler that answers each operation with a fixed
// body the emulator sent (the floor: the clients' own work and HTTP over
// loopback), in the same benchmark, so machine noise cancels in the ratio.
const (
	mixClients     = 32
	mixVaultPoints = 100_000
	mixPageSize    = 100
	mixPages       = 10  // a client walks this many list pages, then starts over
	mixRound       = 256 // operations per side per round of the alternation
)

// mixOp is one operation of the mix, by index: 0 DescribeBackupVault,
// 1 ListRecoveryPointsByBackupVault, 2 StartBackupJob, 3 DescribeBackupJob.
type mixClient struct {
	c       *awsbackup.Client
	next    *string // the list's next page
	pages   int
	lastJob *string
}

func (m *mixClient) do(ctx context.Context, op int) error {
	switch op {
	case 0:
		_, err := m.c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String("bench")})
		return err
	case 1:
		out, err := m.c.ListRecoveryPointsByBackupVault(ctx, &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("bench"),
			MaxResults: aws.Int32(mixPageSize), NextToken: m.next})
		if err != nil {
			return err
		}
		if len(out.RecoveryPoints) != mixPageSize {
			return fmt.Errorf("page of %d points", len(out.RecoveryPoints))
		}
		m.next, m.pages = out.NextToken, m.pages+1
		if m.pages == mixPages {
			m.next, m.pages = nil, 0
		}
		return nil
	case 2:
		out, err := m.c.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String("jobs"),
			ResourceArn: aws.String(jobVolume), IamRoleArn: aws.String(jobRole)})
		if err != nil {
			return err
		}
		m.lastJob = out.BackupJobId
		return nil
	default:
		_, err := m.c.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: m.lastJob})
		return err
	}
}

// runMix issues n operations of the mix from mixClients goroutines and
// returns the wall time.
func runMix(b *testing.B, clients []*mixClient, n int) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for _, m := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if err := m.do(b.Context(), int(i%4)); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func newMixClients(b *testing.B, cfg aws.Config, firstJob *string) []*mixClient {
	out := make([]*mixClient, mixClients)
	for i := range out {
		// Each client builds its own HTTP client (and connection pool).
		out[i] = &mixClient{c: awsbackup.NewFromConfig(cfg), lastJob: firstJob}
	}
	return out
}

// recordingTransport keeps the last response body of each operation, so
// the baseline can answer with exactly what the emulator sent.
type recordingTransport struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.bodies[mixRoute(r)] = body
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// mixRoute names the operation of a request of the mix.
func mixRoute(r *http.Request) string {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, "/recovery-points"):
		return "list"
	case strings.HasPrefix(p, "/backup-vaults/"):
		return "vault"
	case r.Method == http.MethodPut:
		return "start"
	}
	return "job"
}

// BenchmarkManyClients runs the mix against the emulator (a 100,000-point
// vault) and against the bare baseline, b.N operations each, and reports
// both throughputs and their ratio (emulator / baseline; 1 is no overhead).
func BenchmarkManyClients(b *testing.B) {
	srv := backuptest.NewServer(b)
	if err := srv.SeedRecoveryPoints("", "", "bench", mixVaultPoints, nil); err != nil {
		b.Fatal(err)
	}
	if err := srv.PutResource(backuptest.Resource{ARN: jobVolume, SizeBytes: 8 << 30}); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	rec := &recordingTransport{bodies: map[string][]byte{}}
	warm := &mixClient{c: awsbackup.NewFromConfig(srv.Config(func(c *aws.Config) { c.HTTPClient = &http.Client{Transport: rec} }))}
	if _, err := warm.c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("jobs")}); err != nil {
		b.Fatal(err)
	}
	for op := range 4 {
		if err := warm.do(ctx, op); err != nil {
			b.Fatal(err)
		}
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(rec.bodies[mixRoute(r)])
	}))
	b.Cleanup(ts.Close)

	base := newMixClients(b, srv.Config(func(c *aws.Config) { c.BaseEndpoint = aws.String(ts.URL) }), warm.lastJob)
	emu := newMixClients(b, srv.Config(), warm.lastJob)
	// Warm both (connections, caches) before timing.
	runMix(b, base, 4*mixClients)
	runMix(b, emu, 4*mixClients)
	b.ResetTimer()
	var tBase, tEmu, cBase, cEmu time.Duration
	// Alternate in short rounds, swapping which side goes first, so drift
	// in machine load (and the garbage one side leaves for the other's
	// collections) hits both alike; the ratio reported is the median of the
	// rounds' ratios, so a burst of load on a shared machine during one
	// round does not decide it.
	rounds := max(b.N/mixRound, 1)
	part := max(b.N/rounds, 1)
	var wall, cpu []float64
	for i := range rounds {
		var tb, te, cb, ce time.Duration
		if i%2 == 1 {
			c0 := processCPU()
			te = runMix(b, emu, part)
			c1 := processCPU()
			tb = runMix(b, base, part)
			ce, cb = c1-c0, processCPU()-c1
		} else {
			c0 := processCPU()
			tb = runMix(b, base, part)
			c1 := processCPU()
			te = runMix(b, emu, part)
			cb, ce = c1-c0, processCPU()-c1
		}
		tBase, tEmu, cBase, cEmu = tBase+tb, tEmu+te, cBase+cb, cEmu+ce
		wall = append(wall, tb.Seconds()/te.Seconds())
		if ce > 0 {
			cpu = append(cpu, cb.Seconds()/ce.Seconds())
		}
	}
	n := float64(rounds * part)
	b.ReportMetric(n/tBase.Seconds(), "baseline-ops/s")
	b.ReportMetric(n/tEmu.Seconds(), "emulator-ops/s")
	b.ReportMetric(median(wall), "throughput-ratio")
	// CPU per operation (client and server share the process): on a busy
	// machine wall time measures the neighbours too; CPU does not.
	b.ReportMetric(float64(cBase.Nanoseconds())/n, "baseline-cpu-ns/op")
	b.ReportMetric(float64(cEmu.Nanoseconds())/n, "emulator-cpu-ns/op")
	b.ReportMetric(median(cpu), "cpu-ratio")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

// BenchmarkRecoveryPointMemory1M reports the live heap per stored recovery
// point with 1,000,000 points in one vault, and the time to save and load
// the whole state (--state) at that size.
func BenchmarkRecoveryPointMemory1M(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		before := liveHeap()
		e := backuptest.New()
		if err := e.SeedRecoveryPoints("", "", "bench", n, nil); err != nil {
			b.Fatal(err)
		}
		after := liveHeap()
		b.ReportMetric(float64(after-before)/n, "heap-B/point")

		path := filepath.Join(b.TempDir(), "state.json")
		t0, c0 := time.Now(), processCPU()
		if err := e.SaveStateFile(path); err != nil {
			b.Fatal(err)
		}
		save, saveCPU := time.Since(t0), processCPU()-c0
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		loaded := backuptest.New()
		t0, c0 = time.Now(), processCPU()
		if ok, err := loaded.LoadStateFile(path); err != nil || !ok {
			b.Fatalf("load: %v %v", ok, err)
		}
		load, loadCPU := time.Since(t0), processCPU()-c0
		b.ReportMetric(save.Seconds(), "save-s")
		b.ReportMetric(load.Seconds(), "load-s")
		// CPU time (all threads, GC included): on a busy machine wall time
		// counts the neighbours too.
		b.ReportMetric(saveCPU.Seconds(), "save-cpu-s")
		b.ReportMetric(loadCPU.Seconds(), "load-cpu-s")
		b.ReportMetric(float64(st.Size())/n, "file-B/point")
		runtime.KeepAlive(e)
		runtime.KeepAlive(loaded)
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
