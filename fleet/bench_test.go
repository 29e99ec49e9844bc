package fleet_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

// benchScale reads FLEET_BENCH_ACCOUNTS / _REGIONS / _RESOURCES (defaults
// 50 × 4 × 1000, the figure BENCHMARKS.md reports).
func benchScale() (accounts, regions, resources int) {
	get := func(k string, def int) int {
		if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
			return v
		}
		return def
	}
	return get("FLEET_BENCH_ACCOUNTS", 50), get("FLEET_BENCH_REGIONS", 4), get("FLEET_BENCH_RESOURCES", 1000)
}

var benchRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "eu-central-1", "ca-central-1"}

// coverageTarget is what `backupkit coverage` does in one account and
// Region: the tagging API's inventory, the live plans, the report.
func coverageTarget(ctx context.Context, tg fleet.Target) (int, error) {
	inv, err := compliance.Inventory(ctx, tagging.NewFromConfig(tg.Config))
	if err != nil {
		return 0, err
	}
	plans, err := compliance.LivePlans(ctx, plan.NewClient(awsbackup.NewFromConfig(tg.Config)))
	if err != nil {
		return 0, err
	}
	rep, err := compliance.Coverage(inv, plans, compliance.CoverageOptions{})
	if err != nil {
		return 0, err
	}
	return len(rep.Resources), nil
}

// BenchmarkCoverageFleet runs coverage across accounts × Regions with
// resources per target and 20 ms of injected latency on every call, and
// reports the wall time against the ideal (calls per target × latency ×
// targets / concurrency), AssumeRole calls per account, and calls per
// target against the pages needed.
func BenchmarkCoverageFleet(b *testing.B) {
	nAcct, nReg, nRes := benchScale()
	const latency = 20 * time.Millisecond
	const concurrency = 16
	srv := backuptest.NewServer(b)
	var accounts []fleet.Account
	var roles []string
	for i := range nAcct {
		id := fmt.Sprintf("%012d", 500000000000+i)
		accounts = append(accounts, fleet.Account{ID: id})
		roles = append(roles, role(id))
		for _, reg := range benchRegions[:nReg] {
			for j := range nRes {
				if err := srv.PutResource(backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%06d", reg, id, j), SizeBytes: 1 << 30}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	srv.InjectFault(backuptest.Fault{Latency: latency})
	scope := fleet.Scope{Accounts: accounts, Regions: benchRegions[:nReg]}
	targets := nAcct * nReg
	pages := (nRes+49)/50 + 1 // GetResources at 50 per page, then ListBackupPlans
	ideal := time.Duration(pages) * latency * time.Duration(targets) / concurrency
	run := func(scope fleet.Scope) (time.Duration, int, *fakeSTS) {
		fs := newFakeSTS(mgmt, roles...)
		r, err := fleet.New(srv.ConfigFor(mgmt, "us-east-1"), func(o *fleet.Options) {
			o.NewSTS = func(aws.Config) fleet.STSAPI { return fs }
			o.Concurrency = concurrency
		})
		if err != nil {
			b.Fatal(err)
		}
		before := len(srv.Calls())
		start := time.Now()
		res, err := fleet.Run(b.Context(), r, scope, coverageTarget)
		wall := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
		for _, rs := range res {
			if rs.Value != nRes {
				b.Fatalf("%s/%s: %d resources; want %d", rs.Account, rs.Region, rs.Value, nRes)
			}
		}
		return wall, len(srv.Calls()) - before, fs
	}
	b.ResetTimer()
	for b.Loop() {
		// Baseline, same run: one target alone, so the per-call time
		// includes this machine's timer and scheduling delays.
		one, oneCalls, _ := run(fleet.Scope{Accounts: accounts[:1], Regions: benchRegions[:1]})
		wall, calls, fs := run(scope)
		for _, ro := range roles {
			if n := fs.calls(ro); n != 1 {
				b.Fatalf("AssumeRole %s: %d calls in one run; want 1", ro, n)
			}
		}
		perCall := one / time.Duration(oneCalls)
		baseline := perCall * time.Duration(pages) * time.Duration(targets) / concurrency
		b.ReportMetric(float64(wall)/float64(ideal), "wall/ideal")
		b.ReportMetric(float64(wall)/float64(baseline), "wall/baseline")
		b.ReportMetric(float64(perCall)/float64(time.Millisecond), "ms/call-alone")
		b.ReportMetric(float64(calls)/float64(targets), "calls/target")
		b.ReportMetric(float64(pages), "pages/target")
		b.ReportMetric(1, "assumes/account")
	}
}
