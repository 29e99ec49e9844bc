package fleet_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

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
	for i := range nAcct {
		id := fmt.Sprintf("%012d", 500000000000+i)
		accounts = append(accounts, fleet.Account{ID: id})
		if err := srv.Organization().AddAccount(id, backuptest.OrgRootID); err != nil {
			b.Fatal(err)
		}
		for _, reg := range benchRegions[:nReg] {
			for j := range nRes {
				if err := srv.PutResource(backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%06d", reg, id, j), SizeBytes: 1 << 30}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	srv.InjectFault(backuptest.Fault{Service: "*", Latency: latency})
	scope := fleet.Scope{Accounts: accounts, Regions: benchRegions[:nReg]}
	targets := nAcct * nReg
	pages := (nRes+49)/50 + 1 // GetResources at 50 per page, then ListBackupPlans
	ideal := time.Duration(pages) * latency * time.Duration(targets) / concurrency
	run := func(scope fleet.Scope) (time.Duration, time.Duration, int, map[string]int) {
		r, err := fleet.New(srv.ConfigFor(mgmt, "us-east-1"), func(o *fleet.Options) { o.Concurrency = concurrency })
		if err != nil {
			b.Fatal(err)
		}
		before := len(srv.Calls())
		cpu0, start := processCPU(), time.Now()
		res, err := fleet.Run(b.Context(), r, scope, coverageTarget)
		wall, cpu := time.Since(start), processCPU()-cpu0
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
		calls := srv.Calls()[before:]
		assumes := map[string]int{}
		for _, c := range calls {
			if c.Operation == "AssumeRole" {
				assumes[c.Account]++ // the caller's account: count per run below
			}
		}
		return wall, cpu, len(calls), assumes
	}
	b.ResetTimer()
	for b.Loop() {
		// Baseline, same run: one target alone, so the per-call time
		// includes this machine's timer and scheduling delays.
		one, _, oneCalls, _ := run(fleet.Scope{Accounts: accounts[:1], Regions: benchRegions[:1]})
		oneCalls-- // its AssumeRole
		wall, cpu, calls, assumes := run(scope)
		if n := assumes[mgmt]; n != nAcct {
			b.Fatalf("%d AssumeRole calls for %d accounts in one run; want exactly one per account", n, nAcct)
		}
		calls -= nAcct // the AssumeRole calls are not the targets'

		perCall := one / time.Duration(oneCalls)
		baseline := perCall * time.Duration(pages) * time.Duration(targets) / concurrency
		b.ReportMetric(float64(wall)/float64(ideal), "wall/ideal")
		b.ReportMetric(float64(wall)/float64(baseline), "wall/baseline")
		b.ReportMetric(float64(perCall)/float64(time.Millisecond), "ms/call-alone")
		b.ReportMetric(float64(calls)/float64(targets), "calls/target")
		// CPU (client and emulator, one process) per call: on a loaded
		// machine wall time follows the CPU the run gets, so this is the
		// figure to compare across machines.
		b.ReportMetric(float64(cpu)/float64(calls+nAcct)/float64(time.Millisecond), "cpu-ms/call")
		b.ReportMetric(float64(cpu)/float64(wall), "cpus-used")
		b.ReportMetric(float64(pages), "pages/target")
		b.ReportMetric(1, "assumes/account")
	}
}

// BenchmarkFleetDeniedAndThrottled runs 200 targets (50 accounts × 4
// Regions) where 5 accounts (10% of the targets) have no role to assume
// and 30% of all calls answer ThrottlingException, and checks the run ends
// with exactly those 10% failed and every other target complete.
func BenchmarkFleetDeniedAndThrottled(b *testing.B) {
	const nAcct, nRes = 50, 60
	srv := backuptest.NewServer(b, func(o *backuptest.Options) { o.Seed = 42 })
	org := srv.Organization()
	var accounts []fleet.Account
	denied := map[string]bool{}
	for i := range nAcct {
		id := fmt.Sprintf("%012d", 600000000000+i)
		accounts = append(accounts, fleet.Account{ID: id})
		if err := org.AddAccount(id, backuptest.OrgRootID); err != nil {
			b.Fatal(err)
		}
		if i%10 == 3 {
			org.DeleteRole(id, backuptest.DefaultOrgRole)
			denied[id] = true
		}
		for _, reg := range benchRegions[:4] {
			for j := range nRes {
				if err := srv.PutResource(backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%06d", reg, id, j)}); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	srv.InjectFault(backuptest.Fault{Service: "*", ErrorCode: "ThrottlingException", Rate: 0.3})
	scope := fleet.Scope{Accounts: accounts, Regions: benchRegions[:4]}
	for b.Loop() {
		r, err := fleet.New(srv.ConfigFor(mgmt, "us-east-1"), func(o *fleet.Options) {
			// The SDK's throttling backoff starts at 1s; a shorter one keeps
			// the benchmark's run time down without changing what it checks.
			o.Backoff = retryFast{}
		})
		if err != nil {
			b.Fatal(err)
		}
		res, err := fleet.Run(b.Context(), r, scope, coverageTarget)
		if err != nil {
			b.Fatal(err)
		}
		failed := 0
		for _, rs := range res {
			switch {
			case denied[rs.Account] && rs.Err == nil:
				b.Fatalf("%s/%s: succeeded without a role", rs.Account, rs.Region)
			case !denied[rs.Account] && rs.Err != nil:
				b.Fatalf("%s/%s: %v", rs.Account, rs.Region, rs.Err)
			case !denied[rs.Account] && rs.Value != nRes:
				b.Fatalf("%s/%s: %d resources; want %d", rs.Account, rs.Region, rs.Value, nRes)
			case rs.Err != nil:
				failed++
			}
		}
		throttled := 0
		for _, c := range srv.Calls() {
			if c.ErrorCode == "ThrottlingException" {
				throttled++
			}
		}
		b.ReportMetric(float64(len(res)), "targets")
		b.ReportMetric(float64(failed)/float64(len(res)), "failed/targets")
		b.ReportMetric(float64(throttled)/float64(len(srv.Calls())), "throttled/calls")
	}
}

// processCPU is the CPU time (user + system) this process used so far:
// client and emulator together.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
