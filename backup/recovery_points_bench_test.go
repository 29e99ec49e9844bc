package backup

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backuptest"
)

const benchPoints = 100_000

// benchServer seeds benchPoints recovery points in one vault with the
// emulator's bulk seeding (no HTTP) and returns a client for it.
func benchServer(b *testing.B) *awsbackup.Client {
	b.Helper()
	srv := backuptest.NewServer(b)
	err := srv.SeedRecoveryPoints("", "", "bench", benchPoints, func(i int) backuptest.Resource {
		return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%08d", i%5000), SizeBytes: 8 << 30}
	})
	if err != nil {
		b.Fatal(err)
	}
	return srv.Client()
}

// heapSampler tracks the live heap while a listing runs: every 10,000
// points it stops the timer, runs a GC and reads the live heap, so the
// peak shows what the listing retains, not garbage awaiting collection.
// The emulator runs in-process, so its 100k stored points are part of
// the base, which is subtracted.
type heapSampler struct {
	b      *testing.B
	sample []metrics.Sample
	base   uint64
	peak   uint64
}

func newHeapSampler(b *testing.B) *heapSampler {
	h := &heapSampler{b: b, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	h.base = h.live()
	return h
}

func (h *heapSampler) live() uint64 {
	runtime.GC()
	metrics.Read(h.sample)
	return h.sample[0].Value.Uint64()
}

func (h *heapSampler) tick(n int) {
	if n%10_000 != 0 {
		return
	}
	h.b.StopTimer()
	if v := h.live(); v > h.peak {
		h.peak = v
	}
	h.b.StartTimer()
}

func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

func report(b *testing.B, h *heapSampler, start uint64) {
	b.ReportMetric(float64(totalAlloc()-start)/float64(b.N)/float64(benchPoints), "B/point")
	b.ReportMetric(float64(h.peak-min(h.peak, h.base))/(1<<20), "peak-live-heap-growth-MiB")
	b.ReportMetric(float64(h.base)/(1<<20), "base-heap-MiB")
}

// BenchmarkRecoveryPointIterator lists 100,000 recovery points through
// RecoveryPoints (1,000 per page) and reports allocated bytes per point and
// the peak live heap (which includes the in-process emulator's state).
func BenchmarkRecoveryPointIterator(b *testing.B) {
	api := benchServer(b)
	ctx := context.Background()
	h := newHeapSampler(b)
	b.ReportAllocs()
	start := totalAlloc()
	for b.Loop() {
		n := 0
		for _, err := range RecoveryPoints(ctx, api, "bench", RecoveryPointFilter{PageSize: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
			h.tick(n)
		}
		if n != benchPoints {
			b.Fatalf("listed %d points; want %d", n, benchPoints)
		}
	}
	report(b, h, start)
}

// BenchmarkRawPaginatorBaseline lists the same data with the raw SDK
// paginator, the baseline the iterator is compared with.
func BenchmarkRawPaginatorBaseline(b *testing.B) {
	api := benchServer(b)
	ctx := context.Background()
	h := newHeapSampler(b)
	b.ReportAllocs()
	start := totalAlloc()
	for b.Loop() {
		n := 0
		p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, &awsbackup.ListRecoveryPointsByBackupVaultInput{
			BackupVaultName: aws.String("bench"), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for range out.RecoveryPoints {
				n++
				h.tick(n)
			}
		}
		if n != benchPoints {
			b.Fatalf("listed %d points; want %d", n, benchPoints)
		}
	}
	report(b, h, start)
}

// BenchmarkRawPaginatorCollectAll is the common anti-pattern for contrast:
// appending every page to one slice, so the heap grows with the vault.
func BenchmarkRawPaginatorCollectAll(b *testing.B) {
	api := benchServer(b)
	ctx := context.Background()
	h := newHeapSampler(b)
	b.ReportAllocs()
	start := totalAlloc()
	for b.Loop() {
		var all []types.RecoveryPointByBackupVault
		p := awsbackup.NewListRecoveryPointsByBackupVaultPaginator(api, &awsbackup.ListRecoveryPointsByBackupVaultInput{
			BackupVaultName: aws.String("bench"), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				b.Fatal(err)
			}
			all = append(all, out.RecoveryPoints...)
			h.tick(len(all))
		}
		if len(all) != benchPoints {
			b.Fatalf("listed %d points; want %d", len(all), benchPoints)
		}
	}
	report(b, h, start)
}
