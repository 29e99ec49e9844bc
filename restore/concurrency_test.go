package restore_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

func TestDrillConcurrencyBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		concurrency int
		perType     map[backup.ResourceType]int
		wantMax     map[backup.ResourceType]int // per type
		wantTotal   int
	}{
		{name: "overall", concurrency: 3, wantMax: map[backup.ResourceType]int{"EBS": 3, "DynamoDB": 3}, wantTotal: 3},
		{name: "per type", concurrency: 8, perType: map[backup.ResourceType]int{"EBS": 2, "DynamoDB": 1}, wantMax: map[backup.ResourceType]int{"EBS": 2, "DynamoDB": 1}, wantTotal: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu       sync.Mutex
				inFlight = map[backup.ResourceType]int{}
				maxSeen  = map[backup.ResourceType]int{}
				total    int
				maxTotal int
			)
			e := newEnv(t, func(o *backuptest.Options) { o.JobDuration = 40 * time.Minute }, func(o *restore.Options) {
				o.OnEvent = func(ev restore.Event) {
					mu.Lock()
					defer mu.Unlock()
					switch {
					case ev.Phase == restore.PhaseSelect && !ev.Done:
						inFlight[ev.ResourceType]++
						total++
						maxSeen[ev.ResourceType] = max(maxSeen[ev.ResourceType], inFlight[ev.ResourceType])
						maxTotal = max(maxTotal, total)
					case ev.Phase == restore.PhaseDone:
						inFlight[ev.ResourceType]--
						total--
					}
				}
			})
			var res []backuptest.Resource
			for i := range 6 {
				res = append(res,
					backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-cc%d", i)},
					backuptest.Resource{ARN: fmt.Sprintf("arn:aws:dynamodb:us-east-1:123456789012:table/cc-%d", i)})
			}
			e.seed(t, res...)
			rep, err := e.client.Run(t.Context(), &restore.Drill{Vault: testVault, AllInVault: true, Concurrency: tt.concurrency, PerTypeConcurrency: tt.perType})
			if err != nil || !rep.Passed {
				t.Fatalf("Run() = %v, passed %v%s", err, rep != nil && rep.Passed, describeTargets(rep))
			}
			mu.Lock()
			defer mu.Unlock()
			for typ, want := range tt.wantMax {
				if maxSeen[typ] > want {
					t.Errorf("%s targets in flight peaked at %d; want at most %d", typ, maxSeen[typ], want)
				}
			}
			if maxTotal > tt.wantTotal || maxTotal < 2 {
				t.Errorf("targets in flight peaked at %d; want 2–%d (bounded, yet concurrent)", maxTotal, tt.wantTotal)
			}
		})
	}
}
