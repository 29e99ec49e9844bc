package backuptest

// Scheduled runs of backup plans (Options.RunPlans).
//
// With RunPlans on, every advance of the clock (each request, or Advance)
// runs the schedules of every plan that is not deleted: each rule of the
// plan's current version fires at the times its ScheduleExpression gives in
// its ScheduleExpressionTimezone (the cron evaluator of ScheduledRunsPreview)
// after the plan's LastScheduled instant and up to now. At each firing a
// backup job starts, created at the scheduled time, for every inventory
// resource in the plan's account and Region that one of the plan's
// selections matches, through the same code as StartBackupJob (vault lock
// checks, injected job failures, events, recovery points). When such a job
// completes, each of the rule's CopyActions starts a copy job.
//
// Selection matching follows the AWS documentation (BackupSelection and the
// "Assigning resources to a backup plan" examples):
//
//   - Resources (exact ARNs, "*", or patterns with a wildcard for a whole
//     ARN part or at the end) and ListOfTags (STRINGEQUALS on a tag key,
//     with or without the aws:ResourceTag/ prefix) are OR-ed: a resource
//     is a candidate when it matches any Resources entry or any tag
//     condition. With neither, every resource is a candidate.
//   - Conditions are AND-ed with the candidates and with each other:
//     StringEquals and StringLike need the tag present with a matching
//     value; StringNotEquals and StringNotLike hold when the tag is absent
//     or differs (IAM semantics). StringLike matches * and ? anywhere.
//   - NotResources removes matching resources.
//   - The resource type must be opted in (UpdateRegionSettings) unless a
//     Resources entry other than "*" matched it; Aurora, DocumentDB and
//     Neptune always need the opt-in.
//
// A resource several selections of one plan match is backed up once per
// rule firing, with the role of the first selection (oldest first).
//
// Rules fire at their scheduled time; the job starts within the rule's
// start window, and rules whose windows overlap run once, for the longest
// retention (plan_timing.go). When the clock jumps, every firing in between
// runs, each job created at its scheduled time, but at most 1000 firings
// per plan per advance: older ones are skipped.
//
// Known difference: continuous-backup rules start snapshot jobs only. Only the plan's current
// version runs; updating a plan does not run missed firings of the old one.
//
// Known difference: an S3 bucket ARN names no account or Region, so a
// bucket is a candidate for plans in every account and Region.

import (
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// maxPlanFiringsPerAdvance bounds the firings one plan runs in one advance
// of the clock; older firings are skipped.
const maxPlanFiringsPerAdvance = 1000

// runPlansLocked starts the backup jobs every plan's schedule has due by now.
// Called with e.mu held.
func (e *Emulator) runPlansLocked(now time.Time) {
	e.st.allRegions(func(rs *regionState) {
		if len(rs.Plans) == 0 {
			return
		}
		for _, p := range rs.sortedPlans(false) {
			e.runPlan(rs, p, now)
		}
	})
}

type planFiring struct {
	at   time.Time
	rule int
}

// runPlan fires the rules of p's current version scheduled in
// (p.LastScheduled, now].
func (e *Emulator) runPlan(rs *regionState, p *plan, now time.Time) {
	from := p.LastScheduled
	if from.IsZero() {
		from = p.current().CreationDate
	}
	if !now.After(from) {
		return
	}
	p.LastScheduled = now
	v := p.current()
	var firings []planFiring
	for i, r := range v.Plan.Rules {
		cs, err := parseCron(aws.ToString(r.ScheduleExpression))
		if err != nil {
			continue
		}
		loc, err := time.LoadLocation(aws.ToString(r.ScheduleExpressionTimezone))
		if err != nil {
			loc = time.UTC
		}
		for _, t := range cs.between(from, now, loc, maxPlanFiringsPerAdvance) {
			firings = append(firings, planFiring{at: t, rule: i})
		}
	}
	if len(firings) == 0 {
		return
	}
	sort.SliceStable(firings, func(i, j int) bool { return firings[i].at.Before(firings[j].at) })
	if n := len(firings) - maxPlanFiringsPerAdvance; n > 0 {
		e.opts.Logger.Warn("backuptest: plan schedule fell behind; skipping the oldest firings", "plan", p.ID, "skipped", n)
		firings = firings[n:]
	}
	targets := e.planTargets(rs, p)
	firingsOf := func(rule int, after, until time.Time) []time.Time {
		return ruleFirings(&v.Plan.Rules[rule], after, until)
	}
	for _, f := range firings {
		if mergedAway(v.Plan.Rules, f, firingsOf) {
			continue
		}
		if len(targets) > 0 {
			e.fireRule(rs, p, v, &v.Plan.Rules[f.rule], f.at, targets)
			p.LastExecutionDate = f.at
		}
	}
}

// planTarget is a resource one of a plan's selections matches.
type planTarget struct {
	res     *Resource
	typ     string
	iamRole string
}

// planTargets returns the resources p's selections match, by ARN.
func (e *Emulator) planTargets(rs *regionState, p *plan) []planTarget {
	if len(p.Selections) == 0 {
		return nil
	}
	sels := make([]*selection, 0, len(p.Selections))
	for _, s := range p.Selections {
		sels = append(sels, s)
	}
	sort.Slice(sels, func(i, j int) bool {
		if !sels[i].CreationDate.Equal(sels[j].CreationDate) {
			return sels[i].CreationDate.Before(sels[j].CreationDate)
		}
		return sels[i].ID < sels[j].ID
	})
	arns := make([]string, 0, len(e.st.Resources))
	for a := range e.st.Resources {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	var out []planTarget
	for _, a := range arns {
		res := e.st.Resources[a]
		pa, err := arn.Parse(a)
		if err != nil || pa.AccountID != "" && pa.AccountID != rs.Account || pa.Region != "" && pa.Region != rs.Region {
			continue
		}
		typ := res.Type
		if typ == "" {
			if typ, err = resourceTypeFromARN(a); err != nil {
				continue
			}
		}
		for _, s := range sels {
			ok, explicit := selectionMatches(&s.Selection, res)
			if !ok {
				continue
			}
			needOptIn := !explicit || typ == "Aurora" || typ == "DocumentDB" || typ == "Neptune"
			if needOptIn && !rs.optedIn(typ) {
				continue
			}
			out = append(out, planTarget{res: res, typ: typ, iamRole: aws.ToString(s.Selection.IamRoleArn)})
			break
		}
	}
	return out
}

// fireRule starts the backup jobs of one firing of rule r.
func (e *Emulator) fireRule(rs *regionState, p *plan, v *planVersion, r *types.BackupRule, at time.Time, targets []planTarget) {
	vaultName := aws.ToString(r.TargetBackupVaultName)
	vt := rs.Vaults[vaultName]
	if lag := aws.ToString(r.TargetLogicallyAirGappedBackupVaultArn); lag != "" {
		for _, cand := range rs.Vaults {
			if cand.ARN == lag && cand.Type == types.VaultTypeLogicallyAirGappedBackupVault {
				vt, vaultName = cand, cand.Name
			}
		}
	}
	creator := planCreator{
		BackupPlanID: p.ID, BackupPlanArn: p.ARN, BackupPlanVersion: v.VersionID, BackupPlanName: aws.ToString(v.Plan.BackupPlanName),
		BackupRuleID: aws.ToString(r.RuleId), BackupRuleName: aws.ToString(r.RuleName),
		BackupRuleCron: aws.ToString(r.ScheduleExpression), BackupRuleTimezone: aws.ToString(r.ScheduleExpressionTimezone),
	}
	for _, t := range targets {
		var opts map[string]string
		for _, s := range v.Plan.AdvancedBackupSettings {
			if aws.ToString(s.ResourceType) == t.typ {
				opts = s.BackupOptions
			}
		}
		e.createBackupJob(rs, backupJobSpec{
			vault: vt, vaultName: vaultName, res: t.res, typ: t.typ,
			iamRole: t.iamRole, now: at,
			startWin: aws.ToInt64(r.StartWindowMinutes), completeWin: aws.ToInt64(r.CompletionWindowMinutes),
			lifecycle: r.Lifecycle, tags: r.RecoveryPointTags, options: opts,
			creator: creator, copyActions: planClone(r.CopyActions),
		})
	}
}

// startCopyActions starts the copy jobs of a completed plan backup job's
// rule. Called with e.mu held, while jobs advance.
func (e *Emulator) startCopyActions(rs *regionState, j *backupJob, rp *recoveryPoint, at time.Time) {
	sv := rs.Vaults[j.VaultName]
	if sv == nil {
		return
	}
	creator := planCreator{BackupPlanID: j.BackupPlanID, BackupPlanArn: j.BackupPlanArn, BackupPlanVersion: j.BackupPlanVersion, BackupRuleID: j.BackupRuleID}
	for _, ca := range j.CopyActions {
		dARN := aws.ToString(ca.DestinationBackupVaultArn)
		dp, err := arn.Parse(dARN)
		if err != nil {
			continue
		}
		dName := strings.TrimPrefix(dp.Resource, "backup-vault:")
		spec := copyJobSpec{
			sv: sv, rp: rp, dAccount: dp.AccountID, dRegion: dp.Region, dName: dName, dARN: dARN,
			dv: e.st.region(dp.AccountID, dp.Region).Vaults[dName], iamRole: j.IAMRoleArn,
			lifecycle: ca.Lifecycle, now: at, creator: creator,
		}
		if dp.AccountID != rs.Account && e.st.account(rs.Account).GlobalSettings["isCrossAccountBackupEnabled"] != "true" {
			spec.failure = &JobFailure{State: "FAILED", StatusMessage: "Access denied: cross-account backup is not enabled for account " + rs.Account}
		}
		e.createCopyJob(rs, spec)
	}
}

// selectionMatches reports whether a backup selection assigns res, and
// whether a Resources entry other than "*" matched it explicitly.
func selectionMatches(s *types.BackupSelection, res *Resource) (ok, explicit bool) {
	candidate := len(s.Resources) == 0 && len(s.ListOfTags) == 0
	for _, pat := range s.Resources {
		if arnMatches(pat, res.ARN) {
			candidate = true
			explicit = explicit || pat != "*"
		}
	}
	for _, t := range s.ListOfTags {
		key := strings.TrimPrefix(aws.ToString(t.ConditionKey), "aws:ResourceTag/")
		if val, has := res.Tags[key]; has && val == aws.ToString(t.ConditionValue) {
			candidate = true
		}
	}
	if !candidate {
		return false, false
	}
	if cs := s.Conditions; cs != nil {
		check := func(items []types.ConditionParameter, f func(val string, has bool, want string) bool) bool {
			for _, c := range items {
				key := strings.TrimPrefix(aws.ToString(c.ConditionKey), "aws:ResourceTag/")
				val, has := res.Tags[key]
				if !f(val, has, aws.ToString(c.ConditionValue)) {
					return false
				}
			}
			return true
		}
		if !check(cs.StringEquals, func(v string, has bool, w string) bool { return has && v == w }) ||
			!check(cs.StringNotEquals, func(v string, has bool, w string) bool { return !has || v != w }) ||
			!check(cs.StringLike, func(v string, has bool, w string) bool { return has && globMatch(w, v) }) ||
			!check(cs.StringNotLike, func(v string, has bool, w string) bool { return !has || !globMatch(w, v) }) {
			return false, false
		}
	}
	for _, pat := range s.NotResources {
		if arnMatches(pat, res.ARN) {
			return false, false
		}
	}
	return true, explicit
}

// arnMatches matches an ARN against a selection pattern: "*", or an ARN
// whose parts may each be "*" and whose resource part may end in "*".
func arnMatches(pattern, a string) bool {
	if pattern == "*" || pattern == a {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	ap := strings.SplitN(a, ":", 6)
	if len(pp) != 6 || len(ap) != 6 {
		return false
	}
	for i := range pp {
		switch {
		case pp[i] == "*":
		case i == 5 && strings.HasSuffix(pp[i], "*"):
			if !strings.HasPrefix(ap[i], strings.TrimSuffix(pp[i], "*")) {
				return false
			}
		case pp[i] != ap[i]:
			return false
		}
	}
	return true
}

// globMatch matches s against an IAM-style pattern: * is any run of
// characters, ? any one character.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// between returns the run times in (after, until], in loc, oldest first;
// when there are more than limit, only the last limit.
func (cs *cronSpec) between(after, until time.Time, loc *time.Location, limit int) []time.Time {
	hours := cronSorted(cs.hours)
	minutes := cronSorted(cs.minutes)
	a, u := after.In(loc), until.In(loc)
	day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	last := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for d := day; !d.After(last); d = d.AddDate(0, 0, 1) {
		if !cs.matchDay(d) {
			continue
		}
		for _, h := range hours {
			for _, mi := range minutes {
				t := time.Date(d.Year(), d.Month(), d.Day(), h, mi, 0, 0, loc)
				if !t.After(after) || t.After(until) || len(out) > 0 && !t.After(out[len(out)-1]) {
					continue
				}
				out = append(out, t.UTC())
				if len(out) >= 2*limit {
					out = append(out[:0], out[len(out)-limit:]...)
				}
			}
		}
	}
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}
