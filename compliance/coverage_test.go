package compliance

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/backupkit/backupkit/plan"
)

var t0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func TestCoverageBasics(t *testing.T) {
	t.Parallel()
	inv := []Resource{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", Tags: map[string]string{"env": "prod"}},
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-2", Tags: map[string]string{"env": "dev"}},
		{ARN: "arn:aws:rds:us-east-1:123456789012:db:orders"},
		{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/sessions", Tags: map[string]string{"env": "prod", "backup": "skip"}},
	}
	plans := []PlanSelections{
		{PlanID: "p1", Plan: &plan.Plan{Name: "prod", Rules: []plan.Rule{
			{Name: "daily", TargetVault: "v", Schedule: "cron(0 5 ? * * *)", CopyActions: []plan.CopyAction{{DestinationVaultARN: "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr"}}},
			{Name: "hourly", TargetVault: "v", Schedule: "cron(0 * ? * * *)"},
		}}, Selections: []*plan.Selection{{Name: "prod-tagged", ListOfTags: []plan.TagCondition{{Key: "env", Value: "prod"}}, Conditions: []plan.Condition{{Op: plan.StringNotEquals, Key: "aws:ResourceTag/backup", Value: "skip"}}}}},
		{PlanID: "p2", Plan: &plan.Plan{Name: "db", Rules: []plan.Rule{
			{Name: "weekly", TargetVault: "v", Schedule: "cron(0 3 ? * SUN *)", CopyActions: []plan.CopyAction{{DestinationVaultARN: "arn:aws:backup:us-west-2:123456789012:backup-vault:west"}}},
		}}, Selections: []*plan.Selection{{Name: "all-rds", Resources: []string{"arn:aws:rds:*:*:db:*"}}}},
		{PlanID: "p3", Plan: &plan.Plan{Name: "pitr", Rules: []plan.Rule{{Name: "cont", TargetVault: "v", ContinuousBackup: true}}},
			Selections: []*plan.Selection{{Name: "orders", Resources: []string{"arn:aws:rds:us-east-1:123456789012:db:orders"}}}},
	}
	rep, err := Coverage(inv, plans, CoverageOptions{Start: t0, Horizon: 14 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Unprotected, []string{inv[1].ARN, inv[3].ARN}; !reflect.DeepEqual(got, want) {
		t.Errorf("Unprotected = %v; want %v", got, want)
	}
	vol := rep.Resources[0]
	if len(vol.Protections) != 2 || vol.Type != "EBS" {
		t.Fatalf("vol-1 = %+v; want 2 protections, type EBS", vol)
	}
	if vol.RPO != time.Hour {
		t.Errorf("vol-1 RPO = %v; want 1h (hourly + daily merged)", vol.RPO)
	}
	if vol.Protections[0].RPO != 24*time.Hour {
		t.Errorf("daily rule RPO = %v; want 24h", vol.Protections[0].RPO)
	}
	if !vol.CrossRegion || !vol.CrossAccount {
		t.Errorf("vol-1 cross-region %v cross-account %v; want both (copy to eu-west-1 in 210987654321)", vol.CrossRegion, vol.CrossAccount)
	}
	db := rep.Resources[2]
	if len(db.Protections) != 2 || db.RPO != ContinuousRPO {
		t.Errorf("orders = %d protections, RPO %v; want 2, %v", len(db.Protections), db.RPO, ContinuousRPO)
	}
	if !db.CrossRegion || db.CrossAccount {
		t.Errorf("orders cross-region %v cross-account %v; want true, false", db.CrossRegion, db.CrossAccount)
	}
	if db.Protections[0].RPO != 7*24*time.Hour {
		t.Errorf("weekly RPO = %v; want 168h", db.Protections[0].RPO)
	}
	if _, err := Coverage(inv, []PlanSelections{{Plan: &plan.Plan{Name: "bad", Rules: []plan.Rule{{Name: "r", Schedule: "rate(1 day)"}}}}}, CoverageOptions{Start: t0}); err == nil {
		t.Error("bad schedule: got nil error")
	}
}

// randomWorld builds an inventory and plans from a seed, with overlapping
// ARNs, tags and selection shapes so that matches are frequent.
func randomWorld(rng *rand.Rand, nRes, nSel int) ([]Resource, []PlanSelections) {
	types := []struct{ svc, res string }{{"ec2", "volume/vol-"}, {"ec2", "instance/i-"}, {"rds", "db:db-"}, {"rds", "cluster:c-"}, {"dynamodb", "table/t-"}, {"elasticfilesystem", "file-system/fs-"}}
	regions := []string{"us-east-1", "eu-west-1"}
	accounts := []string{"123456789012", "210987654321"}
	keys := []string{"env", "team", "backup", "aws:cloudformation:stack-name"}
	vals := []string{"prod", "dev", "a", "b", "c", ""}
	inv := make([]Resource, nRes)
	for i := range inv {
		ty := types[rng.IntN(len(types))]
		inv[i].ARN = fmt.Sprintf("arn:aws:%s:%s:%s:%s%04x", ty.svc, regions[rng.IntN(2)], accounts[rng.IntN(2)], ty.res, rng.IntN(4096))
		if rng.IntN(4) > 0 {
			inv[i].Tags = map[string]string{}
			for range rng.IntN(4) {
				inv[i].Tags[keys[rng.IntN(len(keys))]] = vals[rng.IntN(len(vals))]
			}
		}
	}
	pattern := func() string {
		switch rng.IntN(6) {
		case 0:
			return inv[rng.IntN(len(inv))].ARN
		case 1:
			a := inv[rng.IntN(len(inv))].ARN
			return a[:len(a)-rng.IntN(4)-1] + "*"
		case 2:
			ty := types[rng.IntN(len(types))]
			return fmt.Sprintf("arn:aws:%s:*:*:%s*", ty.svc, ty.res[:len(ty.res)-1])
		case 3:
			ty := types[rng.IntN(len(types))]
			return fmt.Sprintf("arn:aws:%s:%s:*:*", ty.svc, regions[rng.IntN(2)])
		case 4:
			return "*"
		default:
			return fmt.Sprintf("arn:aws:ec2:us-east-1:%s:volume/vol-0*", accounts[rng.IntN(2)])
		}
	}
	ops := []plan.ConditionOp{plan.StringEquals, plan.StringNotEquals, plan.StringLike, plan.StringNotLike}
	var plans []PlanSelections
	for i := 0; i < nSel; i++ {
		if i%3 == 0 {
			ps := PlanSelections{PlanID: fmt.Sprint("p", i), Plan: &plan.Plan{Name: fmt.Sprint("plan", i), Rules: []plan.Rule{{Name: "r", Schedule: "cron(0 5 ? * * *)"}}}}
			if rng.IntN(2) == 0 { // a plan that lives in one account and Region
				ps.Account, ps.Region = accounts[rng.IntN(2)], regions[rng.IntN(2)]
			}
			plans = append(plans, ps)
		}
		s := &plan.Selection{Name: fmt.Sprint("s", i)}
		for range rng.IntN(3) {
			s.Resources = append(s.Resources, pattern())
		}
		for range rng.IntN(2) {
			s.NotResources = append(s.NotResources, pattern())
		}
		for range rng.IntN(3) {
			k := keys[rng.IntN(len(keys))]
			if rng.IntN(2) == 0 {
				k = plan.ResourceTagPrefix + k
			}
			s.ListOfTags = append(s.ListOfTags, plan.TagCondition{Key: k, Value: vals[rng.IntN(len(vals))]})
		}
		for range rng.IntN(3) {
			v := vals[rng.IntN(len(vals))]
			op := ops[rng.IntN(len(ops))]
			if op == plan.StringLike || op == plan.StringNotLike {
				v += "*"
			}
			s.Conditions = append(s.Conditions, plan.Condition{Op: op, Key: plan.ResourceTagPrefix + keys[rng.IntN(len(keys))], Value: v})
		}
		p := &plans[len(plans)-1]
		p.Selections = append(p.Selections, s)
	}
	return inv, plans
}

// TestCoverageProperty: a resource is reported protected iff some
// selection of a plan in its account and Region Matches it, and the indexed
// result equals the all-pairs loop.
func TestCoverageProperty(t *testing.T) {
	t.Parallel()
	for seed := range uint64(80) {
		rng := rand.New(rand.NewPCG(seed, seed*7+1))
		inv, plans := randomWorld(rng, 1+rng.IntN(200), 1+rng.IntN(12))
		opts := CoverageOptions{Start: t0, Horizon: 3 * 24 * time.Hour}
		got, err := Coverage(inv, plans, opts)
		if err != nil {
			t.Fatal(err)
		}
		want, err := coverageNaive(inv, plans, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range inv {
			any := false
			acct, region := arnAccountRegion(r.ARN)
			for _, p := range plans {
				inScope := (p.Account == "" || p.Account == acct) && (p.Region == "" || p.Region == region)
				for _, s := range p.Selections {
					any = any || (inScope && s.Matches(r.ARN, r.Tags))
				}
			}
			if got.Resources[i].Protected() != any {
				t.Fatalf("seed %d: %s protected = %v; some selection Matches = %v", seed, r.ARN, got.Resources[i].Protected(), any)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: indexed coverage differs from the all-pairs loop", seed)
		}
	}
}

// benchWorld: 100,000 resources and 100 selections in 20 plans, shaped like
// a real estate: tag-based selections, type-wide selections with
// conditions, ARN lists and ARN prefixes.
func benchWorld(n int) ([]Resource, []PlanSelections) {
	rng := rand.New(rand.NewPCG(1, 2))
	types := []struct{ svc, res string }{{"ec2", "volume/vol-"}, {"ec2", "instance/i-"}, {"rds", "db:db-"}, {"dynamodb", "table/t-"}, {"elasticfilesystem", "file-system/fs-"}}
	inv := make([]Resource, n)
	for i := range inv {
		ty := types[i%len(types)]
		inv[i] = Resource{
			ARN: fmt.Sprintf("arn:aws:%s:us-east-1:123456789012:%s%08x", ty.svc, ty.res, i),
			Tags: map[string]string{
				"env":  []string{"prod", "staging", "dev"}[rng.IntN(3)],
				"team": fmt.Sprint("team", rng.IntN(50)),
				"app":  fmt.Sprint("app", rng.IntN(1000)),
			},
		}
	}
	var plans []PlanSelections
	for p := range 20 {
		ps := PlanSelections{PlanID: fmt.Sprint("plan-", p), Plan: &plan.Plan{Name: fmt.Sprint("plan", p), Rules: []plan.Rule{
			{Name: "daily", Schedule: "cron(0 5 ? * * *)"},
			{Name: "weekly", Schedule: "cron(0 3 ? * SUN *)", CopyActions: []plan.CopyAction{{DestinationVaultARN: "arn:aws:backup:eu-west-1:210987654321:backup-vault:dr"}}},
		}}}
		for s := range 5 {
			n := p*5 + s
			sel := &plan.Selection{Name: fmt.Sprint("sel", n)}
			switch n % 4 {
			case 0: // by tag
				sel.ListOfTags = []plan.TagCondition{{Key: "team", Value: fmt.Sprint("team", n%50)}, {Key: "app", Value: fmt.Sprint("app", n)}}
			case 1: // whole type, prod only
				ty := types[n%len(types)]
				sel.Resources = []string{fmt.Sprintf("arn:aws:%s:*:*:%s*", ty.svc, ty.res[:len(ty.res)-1])}
				sel.Conditions = []plan.Condition{{Op: plan.StringEquals, Key: "aws:ResourceTag/env", Value: "prod"}, {Op: plan.StringEquals, Key: "aws:ResourceTag/team", Value: fmt.Sprint("team", n%50)}}
			case 2: // explicit ARNs
				for k := range 20 {
					sel.Resources = append(sel.Resources, inv[(n*997+k*4099)%len(inv)].ARN)
				}
			case 3: // ARN prefix
				ty := types[n%len(types)]
				sel.Resources = []string{fmt.Sprintf("arn:aws:%s:us-east-1:123456789012:%s%06x*", ty.svc, ty.res, n)}
				sel.NotResources = []string{fmt.Sprintf("arn:aws:%s:us-east-1:123456789012:%s%06x0*", ty.svc, ty.res, n)}
			}
			ps.Selections = append(ps.Selections, sel)
		}
		plans = append(plans, ps)
	}
	return inv, plans
}

func BenchmarkCoverage100kx100(b *testing.B) {
	inv, plans := benchWorld(100_000)
	opts := CoverageOptions{Start: t0}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Coverage(inv, plans, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCoverageNaive100kx100(b *testing.B) {
	inv, plans := benchWorld(100_000)
	opts := CoverageOptions{Start: t0}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := coverageNaive(inv, plans, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchWorldSameResult(t *testing.T) {
	t.Parallel()
	inv, plans := benchWorld(1_000)
	opts := CoverageOptions{Start: t0}
	got, err := Coverage(inv, plans, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := coverageNaive(inv, plans, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("indexed coverage differs from all-pairs on the benchmark world")
	}
	if len(got.Unprotected) == 0 || len(got.Unprotected) == len(inv) {
		t.Errorf("unprotected = %d of %d; want a mix", len(got.Unprotected), len(inv))
	}
}

func TestCoveragePlanScope(t *testing.T) {
	t.Parallel()
	inv := []Resource{
		{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-home", Tags: map[string]string{"b": "1"}},
		{ARN: "arn:aws:ec2:eu-west-1:123456789012:volume/vol-eu", Tags: map[string]string{"b": "1"}},
		{ARN: "arn:aws:ec2:us-east-1:210987654321:volume/vol-other", Tags: map[string]string{"b": "1"}},
		{ARN: "arn:aws:s3:::bucket", Tags: map[string]string{"b": "1"}},
	}
	plans := []PlanSelections{{PlanID: "p", Account: "123456789012", Region: "us-east-1",
		Plan:       &plan.Plan{Name: "p", Rules: []plan.Rule{{Name: "r", Schedule: "cron(0 5 ? * * *)"}}},
		Selections: []*plan.Selection{{Name: "s", ListOfTags: []plan.TagCondition{{Key: "b", Value: "1"}}}}}}
	for _, f := range []func([]Resource, []PlanSelections, CoverageOptions) (*CoverageReport, error){Coverage, coverageNaive} {
		rep, err := f(inv, plans, CoverageOptions{Start: t0})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{inv[1].ARN, inv[2].ARN}; !reflect.DeepEqual(rep.Unprotected, want) {
			t.Errorf("unprotected = %v; want the other Region's and account's volumes %v", rep.Unprotected, want)
		}
	}
}

func TestARNFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ arn, account, region string }{
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "123456789012", "us-east-1"},
		{"arn:aws:rds:eu-west-1:210987654321:db:orders", "210987654321", "eu-west-1"},
		{"arn:aws:s3:::bucket", "", ""},
		{"not-an-arn", "", ""},
		{"arn:aws:x", "", ""},
	} {
		a, r := arnFields(tt.arn)
		if a != tt.account || r != tt.region {
			t.Errorf("arnFields(%q) = %q, %q; want %q, %q", tt.arn, a, r, tt.account, tt.region)
		}
		if wa, wr := arnAccountRegion(tt.arn); tt.arn != "arn:aws:x" && (wa != a || wr != r) {
			t.Errorf("arnFields(%q) disagrees with arn.Parse: %q, %q", tt.arn, wa, wr)
		}
	}
}
