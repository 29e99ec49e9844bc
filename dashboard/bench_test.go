package dashboard_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/restore"
)

// benchHistory writes a synthetic history once per process: by default
// 10,000 drills of 100 targets each (BACKUPKIT_BENCH_DRILLS changes the
// number of drills), one drill every 45 minutes over a pool of 1,000
// resources.
var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchHistory() (string, error) {
	benchOnce.Do(func() { benchDir, benchErr = makeBenchHistory() })
	return benchDir, benchErr
}

func makeBenchHistory() (string, error) {
	drills := 10000
	if v, err := strconv.Atoi(os.Getenv("BACKUPKIT_BENCH_DRILLS")); err == nil && v > 0 {
		drills = v
	}
	dir, err := os.MkdirTemp("", "backupkit-dashboard-bench-")
	if err != nil {
		return "", err
	}
	st := history.NewDir(dir)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range drills {
		g.Go(func() error {
			r := genReport(i, 100, 1000, t0, 45*time.Minute)
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			return st.Put(context.Background(), history.FileName(r), b)
		})
	}
	return dir, g.Wait()
}

func loadBenchHistory(b *testing.B) *history.History {
	b.Helper()
	dir, err := benchHistory()
	if err != nil {
		b.Fatal(err)
	}
	return history.New(history.NewDir(dir))
}

// BenchmarkDashboard compares, in one run, reading and decoding every
// history file alone (the baseline) with building and rendering the whole
// dashboard from the same files. The two alternate for Rounds rounds (so
// load from other work on the machine hits both alike) and the best of
// each is kept. Metrics: decode-s and render-s (wall), decode-cpu-s and
// render-cpu-s (process CPU time, which other processes do not inflate),
// ratio and cpu-ratio (render ÷ decode; issue limit 1.5), page-bytes
// (limit 2 MiB). Run with -benchtime=1x.
func BenchmarkDashboard(b *testing.B) {
	h := loadBenchHistory(b)
	const rounds = 2
	decode := func() error {
		res, err := h.Scan(context.Background(), func(r *restore.Report) error { return nil })
		if err == nil && len(res.Corrupt) > 0 {
			err = res.Corrupt[0]
		}
		return err
	}
	var page countWriter
	render := func() error {
		bl := dashboard.NewBuilder(func(o *dashboard.Options) { o.Now = t0.Add(400 * 24 * time.Hour) })
		res, err := h.Scan(context.Background(), func(r *restore.Report) error { bl.Add(r); return nil })
		if err == nil && len(res.Corrupt) > 0 {
			err = res.Corrupt[0]
		}
		if err != nil {
			return err
		}
		page = 0
		return bl.Build().WriteHTML(&page)
	}
	measure := func(fn func() error) (wall, cpu time.Duration) {
		runtime.GC()
		w0, c0 := time.Now(), processCPU()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		return time.Since(w0), processCPU() - c0
	}
	for b.Loop() {
		best := func(cur, v time.Duration) time.Duration {
			if cur == 0 || v < cur {
				return v
			}
			return cur
		}
		var dw, dc, rw, rc time.Duration
		for range rounds {
			w, c := measure(decode)
			dw, dc = best(dw, w), best(dc, c)
			w, c = measure(render)
			rw, rc = best(rw, w), best(rc, c)
		}
		b.ReportMetric(dw.Seconds(), "decode-s")
		b.ReportMetric(rw.Seconds(), "render-s")
		b.ReportMetric(dc.Seconds(), "decode-cpu-s")
		b.ReportMetric(rc.Seconds(), "render-cpu-s")
		b.ReportMetric(float64(rw)/float64(dw), "ratio")
		b.ReportMetric(float64(rc)/float64(dc), "cpu-ratio")
		b.ReportMetric(float64(page), "page-bytes")
		if page > 2<<20 {
			b.Errorf("page is %d bytes; want ≤ 2 MiB", page)
		}
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// TestMain removes the benchmark history after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
