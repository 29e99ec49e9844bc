package compliance

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/selection"
	"github.com/backupkit/backupkit/plan"
)

// Resource is one resource of an inventory: its ARN and tags.
type Resource struct {
	ARN  string              `json:"arn"`
	Type backup.ResourceType `json:"type,omitempty"` // AWS Backup type, from the ARN when empty
	Tags map[string]string   `json:"tags,omitempty"`
}

// PlanSelections is a live backup plan with its selections.
type PlanSelections struct {
	PlanID     string
	Plan       *plan.Plan
	Selections []*plan.Selection
	// Account and Region the plan lives in: the plan protects only
	// resources there, and copies elsewhere count as cross-account /
	// cross-Region. Empty: any, and the resource's own are used.
	Account, Region string
}

// Protection is one plan rule that protects a resource.
type Protection struct {
	PlanID    string `json:"planId,omitempty"`
	Plan      string `json:"plan"`
	Rule      string `json:"rule"`
	Selection string `json:"selection"`
	Vault     string `json:"vault"`
	Schedule  string `json:"schedule"`
	// RPO is the longest gap between consecutive runs of this rule over the
	// horizon (ContinuousRPO for continuous backup; 0 if it runs < 2 times).
	RPO        time.Duration `json:"rpo"`
	Continuous bool          `json:"continuous,omitempty"`
	// CopyRegions / CopyAccounts are copy destinations other than the
	// resource's own Region / account.
	CopyRegions  []string `json:"copyRegions,omitempty"`
	CopyAccounts []string `json:"copyAccounts,omitempty"`
}

// ContinuousRPO is the RPO assumed for rules with continuous backup
// (point-in-time restore is typically within 5 minutes of the present).
const ContinuousRPO = 5 * time.Minute

// ResourceCoverage is the protection of one resource.
type ResourceCoverage struct {
	Resource
	Protections []Protection `json:"protections,omitempty"`
	// RPO is the longest gap between consecutive backups from all rules
	// protecting the resource, merged; 0 when unprotected (or unknown).
	RPO          time.Duration `json:"rpo"`
	CrossRegion  bool          `json:"crossRegion"`
	CrossAccount bool          `json:"crossAccount"`
}

// Protected reports whether any plan rule protects the resource.
func (r ResourceCoverage) Protected() bool { return len(r.Protections) > 0 }

// CoverageReport is the result of [Coverage].
type CoverageReport struct {
	// Resources in inventory order.
	Resources []ResourceCoverage `json:"resources"`
	// Unprotected are the ARNs no selection matches, in inventory order.
	Unprotected []string      `json:"unprotected"`
	Horizon     time.Duration `json:"horizon"`
	Start       time.Time     `json:"start"`
}

// CoverageOptions tune [Coverage].
type CoverageOptions struct {
	// Start of the horizon the RPO is measured over. Default: now.
	Start time.Time
	// Horizon over which schedules are expanded. Default 31 days (long
	// enough for a monthly rule to show its gap).
	Horizon time.Duration
}

func (o *CoverageOptions) defaults() {
	if o.Start.IsZero() {
		o.Start = time.Now()
	}
	if o.Horizon <= 0 {
		o.Horizon = 31 * 24 * time.Hour
	}
}

// ruleInfo is the precomputed per-rule data.
type ruleInfo struct {
	prot                      Protection
	fires                     []time.Time // within the horizon (plus the first after it)
	destRegions, destAccounts []string
}

type selRef struct {
	plan int // index into plans
	sel  *plan.Selection
}

// Coverage computes, for every resource of the inventory, the plan rules
// protecting it (per plan.Selection.Matches), the implied RPO, whether
// copies reach another Region or account, and lists the unprotected ones.
//
// It indexes the selections instead of testing every resource against
// every selection: each selection contributes candidates from an index of
// exact ARNs and ARN prefixes (a sorted ARN list; resource-type patterns
// are prefixes) and of tag key/value pairs (ListOfTags; or, since
// Conditions are AND-ed, the shortest posting list of a StringEquals
// condition alone); only candidates are checked with Matches. Candidate sets are supersets of the
// matches, so the result equals the all-pairs loop.
func Coverage(inventory []Resource, plans []PlanSelections, opts CoverageOptions) (*CoverageReport, error) {
	opts.defaults()
	rules, err := expandRules(plans, opts)
	if err != nil {
		return nil, err
	}
	idx := newInventoryIndex(inventory)
	matches := make([][]int32, len(inventory)) // resource → selection refs
	var refs []selRef
	for pi, p := range plans {
		for _, s := range p.Selections {
			refs = append(refs, selRef{plan: pi, sel: s})
		}
	}
	scope := resourceScopes(inventory, plans)
	stamp := make([]int32, len(inventory))
	for i := range stamp {
		stamp[i] = -1
	}
	for ri, ref := range refs {
		idx.candidates(ref.sel, func(r int32) {
			if stamp[r] == int32(ri) {
				return
			}
			stamp[r] = int32(ri)
			res := &inventory[r]
			if inPlanScope(plans[ref.plan], scope[r]) && ref.sel.Matches(res.ARN, res.Tags) {
				matches[r] = append(matches[r], int32(ri))
			}
		})
	}
	return buildReport(inventory, plans, refs, rules, matches, opts), nil
}

// coverageNaive is the all-pairs reference implementation, for tests and
// the benchmark baseline.
func coverageNaive(inventory []Resource, plans []PlanSelections, opts CoverageOptions) (*CoverageReport, error) {
	opts.defaults()
	rules, err := expandRules(plans, opts)
	if err != nil {
		return nil, err
	}
	var refs []selRef
	for pi, p := range plans {
		for _, s := range p.Selections {
			refs = append(refs, selRef{plan: pi, sel: s})
		}
	}
	scope := resourceScopes(inventory, plans)
	matches := make([][]int32, len(inventory))
	for r := range inventory {
		for ri, ref := range refs {
			if inPlanScope(plans[ref.plan], scope[r]) && ref.sel.Matches(inventory[r].ARN, inventory[r].Tags) {
				matches[r] = append(matches[r], int32(ri))
			}
		}
	}
	return buildReport(inventory, plans, refs, rules, matches, opts), nil
}

func expandRules(plans []PlanSelections, opts CoverageOptions) ([][]ruleInfo, error) {
	out := make([][]ruleInfo, len(plans))
	end := opts.Start.Add(opts.Horizon)
	n := int(opts.Horizon/time.Hour) + 2
	for pi, p := range plans {
		if p.Plan == nil {
			return nil, fmt.Errorf("coverage: plan %d (%s) is nil", pi, p.PlanID)
		}
		for _, r := range p.Plan.Rules {
			ri := ruleInfo{prot: Protection{PlanID: p.PlanID, Plan: p.Plan.Name, Rule: r.Name, Vault: r.TargetVault, Schedule: r.Schedule, Continuous: r.ContinuousBackup}}
			if ri.prot.Schedule == "" {
				ri.prot.Schedule = plan.DefaultSchedule
			}
			s, err := r.ParsedSchedule()
			if err != nil {
				return nil, fmt.Errorf("coverage: plan %s rule %s: %w", p.Plan.Name, r.Name, err)
			}
			for _, t := range s.Next(opts.Start, n) {
				ri.fires = append(ri.fires, t)
				if t.After(end) {
					break
				}
			}
			ri.prot.RPO = maxGap(ri.fires)
			if r.ContinuousBackup {
				ri.prot.RPO = ContinuousRPO
			}
			for _, ca := range r.CopyActions {
				a, err := arn.Parse(ca.DestinationVaultARN)
				if err != nil {
					return nil, fmt.Errorf("coverage: plan %s rule %s: copy destination %q: %w", p.Plan.Name, r.Name, ca.DestinationVaultARN, err)
				}
				ri.destRegions = append(ri.destRegions, a.Region)
				ri.destAccounts = append(ri.destAccounts, a.AccountID)
			}
			out[pi] = append(out[pi], ri)
		}
	}
	return out, nil
}

// acctRegion is a resource's account and Region from its ARN (empty for
// ARNs without them, like S3 buckets').
type acctRegion struct{ account, region string }

func resourceScopes(inv []Resource, plans []PlanSelections) []acctRegion {
	out := make([]acctRegion, len(inv))
	if !slices.ContainsFunc(plans, func(p PlanSelections) bool { return p.Account != "" || p.Region != "" }) {
		return out // no plan is scoped: nothing to compare
	}
	for i := range inv {
		out[i].account, out[i].region = arnFields(inv[i].ARN)
	}
	return out
}

// arnFields returns the account and Region parts of an ARN
// (arn:partition:service:region:account:resource) without allocating.
func arnFields(s string) (account, region string) {
	var cut [5]int
	n := 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			cut[n] = i
			n++
		}
	}
	if n < 5 || !strings.HasPrefix(s, "arn:") {
		return "", ""
	}
	return s[cut[3]+1 : cut[4]], s[cut[2]+1 : cut[3]]
}

// inPlanScope: a plan protects only resources of its own account and
// Region (when the plan's are known and the ARN has them).
func inPlanScope(p PlanSelections, r acctRegion) bool {
	return (p.Account == "" || r.account == "" || p.Account == r.account) &&
		(p.Region == "" || r.region == "" || p.Region == r.region)
}

func maxGap(ts []time.Time) time.Duration {
	var g time.Duration
	for i := 1; i < len(ts); i++ {
		g = max(g, ts[i].Sub(ts[i-1]))
	}
	return g
}

func buildReport(inventory []Resource, plans []PlanSelections, refs []selRef, rules [][]ruleInfo, matches [][]int32, opts CoverageOptions) *CoverageReport {
	rep := &CoverageReport{Resources: make([]ResourceCoverage, len(inventory)), Horizon: opts.Horizon, Start: opts.Start}
	rpoCache := map[string]time.Duration{}
	var key strings.Builder
	for r := range inventory {
		res := inventory[r]
		if res.Type == "" {
			if t, err := backup.ResourceTypeFromARN(res.ARN); err == nil {
				res.Type = t
			}
		}
		rc := ResourceCoverage{Resource: res}
		if len(matches[r]) == 0 {
			rep.Resources[r] = rc
			rep.Unprotected = append(rep.Unprotected, res.ARN)
			continue
		}
		srcAccount, srcRegion := arnAccountRegion(res.ARN)
		key.Reset()
		lastPlan := -1
		for _, ri := range matches[r] { // ascending, and a plan's refs are contiguous
			ref := refs[ri]
			if ref.plan == lastPlan { // two selections of one plan: the plan's rules run once
				continue
			}
			lastPlan = ref.plan
			acct, region := srcAccount, srcRegion
			if p := plans[ref.plan]; p.Account != "" || p.Region != "" {
				if p.Account != "" {
					acct = p.Account
				}
				if p.Region != "" {
					region = p.Region
				}
			}
			for k, rule := range rules[ref.plan] {
				prot := rule.prot
				prot.Selection = ref.sel.Name
				for i := range rule.destRegions {
					if dr := rule.destRegions[i]; dr != "" && dr != region && !slices.Contains(prot.CopyRegions, dr) {
						prot.CopyRegions = append(prot.CopyRegions, dr)
					}
					if da := rule.destAccounts[i]; da != "" && da != acct && !slices.Contains(prot.CopyAccounts, da) {
						prot.CopyAccounts = append(prot.CopyAccounts, da)
					}
				}
				rc.CrossRegion = rc.CrossRegion || len(prot.CopyRegions) > 0
				rc.CrossAccount = rc.CrossAccount || len(prot.CopyAccounts) > 0
				rc.Protections = append(rc.Protections, prot)
				key.WriteString(strconv.Itoa(ref.plan))
				key.WriteByte('.')
				key.WriteString(strconv.Itoa(k))
				key.WriteByte(',')
			}
		}
		k := key.String()
		rpo, ok := rpoCache[k]
		if !ok {
			rpo = mergedRPO(rc.Protections, rules, plans, opts.Start.Add(opts.Horizon))
			rpoCache[k] = rpo
		}
		rc.RPO = rpo
		rep.Resources[r] = rc
	}
	return rep
}

// mergedRPO merges the fire times of all protecting rules and returns the
// longest gap (ContinuousRPO when any rule is continuous).
func mergedRPO(prots []Protection, rules [][]ruleInfo, plans []PlanSelections, end time.Time) time.Duration {
	var all []time.Time
	for _, p := range prots {
		if p.Continuous {
			return ContinuousRPO
		}
	}
	for pi, rs := range rules {
		for _, r := range rs {
			for _, p := range prots {
				if p.Plan == plans[pi].Plan.Name && p.PlanID == plans[pi].PlanID && p.Rule == r.prot.Rule {
					all = append(all, r.fires...)
					break
				}
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Before(all[j]) })
	// Each rule's list ends with its first run after the horizon; keep only
	// the earliest of those, or a sparse rule's tail would fake a gap.
	for i, t := range all {
		if t.After(end) {
			all = all[:i+1]
			break
		}
	}
	return maxGap(all)
}

func arnAccountRegion(s string) (account, region string) {
	a, err := arn.Parse(s)
	if err != nil {
		return "", ""
	}
	return a.AccountID, a.Region
}

// inventoryIndex indexes resources by ARN (sorted, for exact and prefix
// lookups) and by tag key/value.
type inventoryIndex struct {
	sorted []int32 // resource indexes ordered by ARN
	arns   []string
	tags   map[string]map[string][]int32
	n      int
}

func newInventoryIndex(inv []Resource) *inventoryIndex {
	idx := &inventoryIndex{sorted: make([]int32, len(inv)), arns: make([]string, len(inv)), tags: map[string]map[string][]int32{}, n: len(inv)}
	for i := range inv {
		for k, v := range inv[i].Tags {
			m := idx.tags[k]
			if m == nil {
				m = map[string][]int32{}
				idx.tags[k] = m
			}
			m[v] = append(m[v], int32(i))
		}
	}
	type entry struct {
		arn string
		i   int32
	}
	es := make([]entry, len(inv))
	for i := range inv {
		es[i] = entry{inv[i].ARN, int32(i)}
	}
	slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.arn, b.arn) })
	for i, e := range es {
		idx.sorted[i], idx.arns[i] = e.i, e.arn
	}
	return idx
}

// prefix calls fn for every resource whose ARN starts with p.
func (idx *inventoryIndex) prefix(p string, fn func(int32)) {
	lo := sort.SearchStrings(idx.arns, p)
	for i := lo; i < len(idx.arns) && strings.HasPrefix(idx.arns[i], p); i++ {
		fn(idx.sorted[i])
	}
}

func (idx *inventoryIndex) all(fn func(int32)) {
	for i := range idx.n {
		fn(int32(i))
	}
}

// candidates calls fn with a superset of the resources s matches (possibly
// with repeats).
func (idx *inventoryIndex) candidates(s *plan.Selection, fn func(int32)) {
	// Conditions are AND-ed with everything else: a StringEquals condition
	// alone bounds the matches by its tag posting list. Use the shortest.
	var best []int32
	found := false
	for _, c := range s.Conditions {
		if c.Op != plan.StringEquals {
			continue
		}
		l := idx.tags[strings.TrimPrefix(c.Key, plan.ResourceTagPrefix)][c.Value]
		if !found || len(l) < len(best) {
			best, found = l, true
		}
	}
	if found {
		for _, r := range best {
			fn(r)
		}
		return
	}
	if len(s.Resources) == 0 && len(s.ListOfTags) == 0 {
		idx.all(fn)
		return
	}
	for _, p := range s.Resources {
		lit := selection.Prefix(p)
		if lit == "" {
			idx.all(fn)
			return
		}
		idx.prefix(lit, fn)
	}
	for _, t := range s.ListOfTags {
		for _, r := range idx.tags[strings.TrimPrefix(t.Key, plan.ResourceTagPrefix)][t.Value] {
			fn(r)
		}
	}
}

// TaggingAPI is the part of the Resource Groups Tagging API client
// [Inventory] uses.
type TaggingAPI interface {
	GetResources(context.Context, *resourcegroupstaggingapi.GetResourcesInput, ...func(*resourcegroupstaggingapi.Options)) (*resourcegroupstaggingapi.GetResourcesOutput, error)
}

var _ TaggingAPI = (*resourcegroupstaggingapi.Client)(nil)

// Inventory lists resources through the Resource Groups Tagging API
// (GetResources), optionally limited to tagging resource types such as
// "ec2:volume", "rds:db", "dynamodb:table".
func Inventory(ctx context.Context, api TaggingAPI, resourceTypeFilters ...string) ([]Resource, error) {
	var out []Resource
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(api, &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: resourceTypeFilters})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("get resources: %w", err)
		}
		for _, m := range page.ResourceTagMappingList {
			out = append(out, Resource{ARN: aws.ToString(m.ResourceARN), Tags: tagMap(m.Tags)})
		}
	}
	return out, nil
}

func tagMap(ts []tagtypes.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// LivePlans reads every backup plan, with its tags (ListTags), and its
// selections through the plan package's client.
func LivePlans(ctx context.Context, pc *plan.Client) ([]PlanSelections, error) {
	var out []PlanSelections
	// The plan client's errors already say what failed ("list backup
	// plans: …", "get backup plan ID: …"); they are returned as they are.
	for sum, err := range pc.Plans(ctx) {
		if err != nil {
			return nil, err
		}
		live, err := pc.Get(ctx, sum.ID)
		if err != nil {
			return nil, err
		}
		sels, err := pc.Selections(ctx, live.ID)
		if err != nil {
			return nil, err
		}
		ps := PlanSelections{PlanID: live.ID, Plan: live.Plan}
		if a, err := arn.Parse(live.ARN); err == nil {
			ps.Account, ps.Region = a.AccountID, a.Region
		}
		for _, s := range sels {
			ps.Selections = append(ps.Selections, s.Selection)
		}
		out = append(out, ps)
	}
	return out, nil
}
