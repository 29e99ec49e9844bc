package restore_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

// BenchmarkDrill1000 drills 1,000 targets (all six built-in types) with
// concurrency 50 on the emulator, each restore taking 100 ms. It reports
// the wall time per drill against the ideal ⌈N/K⌉ × duration (2 s), AWS
// Backup API calls and resource-service (fake) calls per target, and bytes
// allocated per target (the in-process emulator's allocations included).
func BenchmarkDrill1000(b *testing.B) {
	const (
		n           = 1000
		concurrency = 50
		duration    = 100 * time.Millisecond
	)
	// The benchmark runs on real time (the tests use a manual clock): it
	// measures how close the drill comes to the ideal wall time.
	e := newEnv(b, func(o *backuptest.Options) { o.Clock, o.JobDuration = nil, duration }, func(o *restore.Options) {
		o.Now, o.Sleep = time.Now, nil
		o.Waiter = benchWaiter
		o.DeletePollInterval = 5 * time.Millisecond
		o.OnEvent = nil
	})
	kinds := demoResources("x")
	var resources []backuptest.Resource
	for i := range n {
		r := kinds[i%len(kinds)]
		r.ARN = fmt.Sprintf("%s-%04d", r.ARN, i)
		resources = append(resources, r)
	}
	seedConcurrently(b, e, resources)
	ideal := time.Duration((n+concurrency-1)/concurrency) * duration

	var wall time.Duration
	calls0, fake0 := len(e.srv.Calls()), e.fakes.CallCount()
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	cpu0 := processCPU()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		rep, err := e.client.Run(context.Background(), &restore.Drill{
			ID: fmt.Sprintf("bench-%d", i), Vault: testVault, AllInVault: true, Concurrency: concurrency,
		})
		wall += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Passed || rep.Summary.Passed != n {
			b.Fatalf("drill %d: summary %+v; want %d passed", i, rep.Summary, n)
		}
	}
	b.StopTimer()
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&ms1)
	targets := float64(n * b.N)
	perDrill := wall / time.Duration(b.N)
	b.ReportMetric(perDrill.Seconds(), "s/drill")
	b.ReportMetric(ideal.Seconds(), "ideal-s/drill")
	b.ReportMetric(float64(perDrill)/float64(ideal), "x-ideal")
	b.ReportMetric(float64(len(e.srv.Calls())-calls0)/targets, "backup-calls/target")
	b.ReportMetric(float64(e.fakes.CallCount()-fake0)/targets, "service-calls/target")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/targets, "alloc-B/target")
	// CPU time of the whole process (drill, SDK clients and the in-process
	// emulator) per target: independent of how busy the machine is.
	b.ReportMetric(float64(cpu.Microseconds())/1000/targets, "cpu-ms/target")
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(int64(ms1.HeapAlloc)-int64(ms0.HeapAlloc))/targets, "retained-heap-B/target")
	if left := e.restored(); len(left) != 0 {
		b.Fatalf("%d restored resources left", len(left))
	}
}

// seedConcurrently backs up resources with 50 backup jobs in flight.
func seedConcurrently(b *testing.B, e *env, resources []backuptest.Resource) {
	b.Helper()
	ctx := context.Background()
	ids := make([]string, len(resources))
	for i, r := range resources {
		if err := e.srv.PutResource(r); err != nil {
			b.Fatal(err)
		}
		out, err := e.api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String(testVault), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(testRole),
		})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = aws.ToString(out.BackupJobId)
	}
	w := backup.NewJobWaiter(e.api, benchWaiter)
	for _, id := range ids {
		if _, err := w.Wait(ctx, id, time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

// benchWaiter polls every 20ms on real time.
func benchWaiter(o *backup.WaiterOptions) {
	o.MinDelay, o.MaxDelay, o.Sleep = 20*time.Millisecond, 20*time.Millisecond, nil
}
