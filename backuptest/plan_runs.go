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
// Selection matching is the library's (internal/selection, which cites the
// AWS documentation for each rule): Resources and ListOfTags are OR-ed,
// Conditions AND-ed, NotResources removes; the resource type must be opted
// in (UpdateRegionSettings) unless a Resources pattern naming the type
// matched it, and Aurora, DocumentDB, Neptune and FSx always need the
// opt-in.
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
// Continuous-backup rules start continuous backup jobs for the types that
// support them (continuous.go) and snapshot jobs for the rest.
//
// Known difference: only the plan's current version runs; updating a plan
// does not run missed firings of the old one.
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

	bsel "github.com/backupkit/backupkit/internal/selection"
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
	for i := range v.Plan.Rules {
		cs, ok := ruleSchedule(&v.Plan.Rules[i])
		if !ok {
			continue
		}
		for _, t := range cs.Between(from, now, maxPlanFiringsPerAdvance) {
			firings = append(firings, planFiring{at: t.UTC(), rule: i})
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
	rules := make([]bsel.Selection, len(sels))
	for i, s := range sels {
		rules[i] = selectionRule(&s.Selection)
	}
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
		for i, s := range sels {
			ok, byType := rules[i].Match(res.ARN, res.Tags)
			if !ok {
				continue
			}
			if bsel.NeedsOptIn(typ, byType) && !rs.optedIn(typ) {
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
			continuous: aws.ToBool(r.EnableContinuousBackup) && continuousTypes[t.typ],
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
