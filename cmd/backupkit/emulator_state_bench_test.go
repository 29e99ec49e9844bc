package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backuptest"
)

// BenchmarkEmulatorStateDurability measures what `emulator --state` costs
// the calls it serves, against the same emulator without --state, in one
// run: each iteration makes one CreateBackupVault and one
// DeleteBackupVault against each of three emulators, in turn (every order
// of the three in turn), holding the same number of recovery points:
//
//   - off: no --state;
//   - debounced: --state as shipped (backuptest.StateSaver: the file is
//     written 200 ms after a mutating request, coalescing the requests in
//     between, off the request path);
//   - sync: the alternative that would make every change durable before its
//     response (the whole state written, atomically and synced, after each
//     mutating request and before the response leaves).
//
// Metrics: off-µs/call, and the debounced and sync ratios to off.
//
//	go test -run '^$' -bench EmulatorStateDurability -benchtime 20x ./cmd/backupkit/
func BenchmarkEmulatorStateDurability(b *testing.B) {
	for _, points := range []int{0, 1000} {
		b.Run(fmt.Sprintf("points=%d", points), func(b *testing.B) {
			modes := []string{"off", "debounced", "sync"}
			clients, files := map[string]*awsbackup.Client{}, map[string]string{}
			for _, mode := range modes {
				clients[mode], files[mode] = stateBenchServer(b, mode, points)
			}
			ctx := b.Context()
			var took [3]time.Duration
			b.ResetTimer()
			// Every order of the three modes in turn, so that each follows
			// each other equally often (a sync write's aftermath, fsync and
			// garbage, slows whichever call comes next).
			orders := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
			for i := range b.N {
				for _, m := range orders[i%len(orders)] {
					name := aws.String(fmt.Sprintf("bench-%d", i))
					start := time.Now()
					if _, err := clients[modes[m]].CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: name}); err != nil {
						b.Fatal(err)
					}
					if _, err := clients[modes[m]].DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: name}); err != nil {
						b.Fatal(err)
					}
					took[m] += time.Since(start)
				}
			}
			b.StopTimer()
			// The debounced saver writes 200 ms after a change: within the
			// loop when it ran longer than that, else just after it.
			deadline := time.Now().Add(5 * time.Second)
			for {
				_, err := os.Stat(files["debounced"])
				if err == nil {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("debounced --state never wrote its file: %v", err)
				}
				time.Sleep(20 * time.Millisecond)
			}
			calls := float64(2 * b.N)
			b.ReportMetric(float64(took[0].Microseconds())/calls, "off-µs/call")
			b.ReportMetric(float64(took[1])/float64(took[0]), "debounced/off")
			b.ReportMetric(float64(took[2])/float64(took[0]), "sync/off")
		})
	}
}

// stateBenchServer starts an emulator holding points recovery points,
// served with mode's kind of --state, and returns an AWS Backup client of
// it and the state file.
func stateBenchServer(b *testing.B, mode string, points int) (*awsbackup.Client, string) {
	b.Helper()
	e := backuptest.New(func(o *backuptest.Options) { o.RunPlans = false })
	if points > 0 {
		if err := e.SeedRecoveryPoints("", "", "bench", points, func(i int) backuptest.Resource {
			return backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%06d", i%100), SizeBytes: 8 << 30}
		}); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "state.json")
	var h http.Handler = e
	switch mode {
	case "debounced":
		saver := backuptest.NewStateSaver(e, path)
		h = saver.Handler(e)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); saver.Run(ctx) }()
		b.Cleanup(func() { cancel(); <-done })
	case "sync":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, r)
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				if err := e.SaveStateFile(path); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return awsbackup.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDBENCH", "secret", "")}), path
}
