package restore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/backupkit/backupkit/backup"
)

// Tags every resource a drill restores carries. Cleanup deletes a resource
// only if its DrillTagKey value is the drill's id and it is the
// CreatedResourceArn of the drill's own restore job.
const (
	DrillTagKey       = "backupkit:drill-id"
	DrillSourceTagKey = "backupkit:drill-source"
)

// Drill phases, as reported in events and TargetResult.PhaseSeconds.
const (
	PhaseBackup   = "backup"
	PhaseSelect   = "select"
	PhaseRestore  = "restore"
	PhaseValidate = "validate"
	PhaseCleanup  = "cleanup"
	PhaseDone     = "done"
)

// Outcomes of a target's validation and cleanup, and of the target.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
	Deleted = "deleted"
	Left    = "left"
)

// DefaultDrillConcurrency is how many targets a drill works on at once
// unless Drill.Concurrency says otherwise.
const DefaultDrillConcurrency = 10

// Drill describes one restore drill: what to restore, where the recovery
// points are, and the RTO/RPO targets to meet.
type Drill struct {
	// ID names the drill; it tags restored resources, seeds staging names
	// and idempotency tokens. Default: "drill-<UTC time>-<random>".
	ID string
	// Vault is the vault recovery points are taken from (and fresh backups
	// go to). Empty: any vault (ListRecoveryPointsByResource); required for
	// Selection, AllInVault and FreshBackup.
	Vault string
	// Targets are explicit resources to drill.
	Targets []Target
	// Selection adds the resources with recovery points in Vault that it
	// matches.
	Selection *Selection
	// AllInVault adds every resource with a recovery point in Vault.
	AllInVault bool
	// FreshBackup takes an on-demand backup of each target first and
	// restores that.
	FreshBackup bool
	// IAMRoleARN is the role for backup and restore jobs. Default
	// Options.IAMRoleARN.
	IAMRoleARN string
	// MaxRTO and MaxRPO are the global targets (0: none); a Target's own
	// values win.
	MaxRTO, MaxRPO time.Duration
	// Concurrency bounds the targets in flight. Default 10.
	Concurrency int
	// PerTypeConcurrency bounds targets in flight per resource type (for
	// example to respect a service's API rate). A target waiting for its
	// type's turn holds one of the Concurrency slots.
	PerTypeConcurrency map[backup.ResourceType]int
	// Validators run on every target after the built-in validation.
	Validators []Validator
	// Tags are extra tags put on restored resources.
	Tags map[string]string
	// Policy, when set, names the RTO/RPO policy the drill is judged
	// against (for example an AWS Resilience Hub resiliency policy) and
	// chooses each target's objectives once its recovery point is known.
	// A Target's own MaxRTO/MaxRPO still win; targets the policy has no
	// objective for keep the drill-wide ones.
	Policy *Policy
}

// Policy is a named set of RTO/RPO objectives a drill is judged against.
// The report records its ARN, name and tier, and per target the name of
// the objective that applied.
type Policy struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	Tier string `json:"tier,omitempty"`
	// Objective returns the objective for restoring resourceARN from
	// recoveryPointARN: its name (e.g. the disruption type "AZ" or
	// "Region") and its RTO and RPO targets; ok false when none applies.
	Objective func(resourceARN, recoveryPointARN string) (name string, rto, rpo time.Duration, ok bool) `json:"-"`
}

// Target is one resource to drill.
type Target struct {
	// ResourceARN is the protected resource; required.
	ResourceARN string
	// ResourceType is the AWS Backup type. Default: from the ARN.
	ResourceType backup.ResourceType
	// RecoveryPointARN pins the recovery point. Default: the latest
	// completed one.
	RecoveryPointARN string
	// Input adds restore metadata over the recovery point's own and the
	// drill's staging name; its values win.
	Input Input
	// MaxRTO and MaxRPO override the drill's targets.
	MaxRTO, MaxRPO time.Duration
	// Validators run after the drill's validators.
	Validators []Validator
}

// Event is a drill progress event.
type Event struct {
	// Time is when it happened.
	Time time.Time
	// DrillID is the drill's id.
	DrillID string
	// ResourceARN and ResourceType name the target.
	ResourceARN  string
	ResourceType backup.ResourceType
	// Phase is one of the Phase constants.
	Phase string
	// Done is false when the phase starts and true when it ends.
	Done bool
	// Err is set when the phase failed.
	Err error
	// Result is the target's result, on the PhaseDone event.
	Result *TargetResult
}

// drillRun is the state of one Run.
type drillRun struct {
	d        *Drill
	start    time.Time
	handlers map[backup.ResourceType]Handler
	vaultRPs map[string]types.RecoveryPointByBackupVault // latest completed per resource
	role     string
}

// targetRun is the state of one target.
type targetRun struct {
	t       Target
	idx     int
	res     *TargetResult
	h       Handler
	job     *Job // terminal restore job description, once known
	jobID   string
	created string
	tagged  bool
	vault   string
	// pending is set while a StartRestoreJob call's outcome is unknown
	// (ctx ended mid-call); cleanup repeats it with the same idempotency
	// token to learn the job id.
	pending func(context.Context) (string, error)
}

// Run runs drill d and returns its report. Targets fail independently;
// the report records each. Run returns an error only for an invalid drill,
// a failure to resolve targets, or ctx ending (the report is then still
// complete: started targets are cleaned up on a detached context, targets
// not started are reported as failed with the context's error).
//
// When ctx ends while a StartRestoreJob call is in flight, the drill
// cannot know whether AWS started the job; cleanup repeats the call with
// the same idempotency token, which returns the job if it exists (or
// starts it), waits for it and deletes what it created, so that no
// untracked restore is left behind.
func (c *Client) Run(ctx context.Context, d *Drill) (*Report, error) {
	if d == nil {
		return nil, &ValidationError{Field: "Drill", Reason: "is required"}
	}
	d = d.withDefaults(c.opts.Now())
	r := c.stepRun(d, c.opts.Now())
	if err := errors.Join(d.check(), c.checkFreshBackup(r, true)); err != nil {
		return nil, err
	}
	c.opts.Logger.InfoContext(ctx, "drill started", "drill", d.ID, "vault", d.Vault)
	targets, err := c.resolveTargets(ctx, r)
	if err != nil {
		return nil, err
	}
	rep := newReport(d, r.start)
	results := make([]TargetResult, len(targets))
	sems := map[backup.ResourceType]*semaphore.Weighted{}
	for typ, n := range d.PerTypeConcurrency {
		if n > 0 {
			sems[typ] = semaphore.NewWeighted(int64(n))
		}
	}
	var g errgroup.Group
	g.SetLimit(d.Concurrency)
	for i, t := range targets {
		if err := ctx.Err(); err != nil {
			results[i] = notStarted(r, t, err)
			continue
		}
		g.Go(func() error {
			if sem := sems[t.ResourceType]; sem != nil {
				if err := sem.Acquire(ctx, 1); err != nil {
					results[i] = notStarted(r, t, err)
					return nil
				}
				defer sem.Release(1)
			}
			if err := ctx.Err(); err != nil {
				results[i] = notStarted(r, t, err)
				return nil
			}
			results[i] = c.runTarget(ctx, r, i, t)
			return nil
		})
	}
	_ = g.Wait()
	rep.Targets = results
	rep.FinishedAt = c.opts.Now()
	rep.Canceled = ctx.Err() != nil
	rep.summarize()
	c.opts.Logger.InfoContext(ctx, "drill finished", "drill", d.ID, "targets", rep.Summary.Targets,
		"passed", rep.Summary.Passed, "failed", rep.Summary.Failed, "leftBehind", len(rep.LeftBehind))
	if err := ctx.Err(); err != nil {
		return rep, fmt.Errorf("drill %s: %w", d.ID, err)
	}
	return rep, nil
}

func (d *Drill) withDefaults(now time.Time) *Drill {
	cp := *d
	if cp.ID == "" {
		var b [3]byte
		_, _ = rand.Read(b[:])
		cp.ID = "drill-" + now.UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b[:])
	}
	if cp.Concurrency <= 0 {
		cp.Concurrency = DefaultDrillConcurrency
	}
	return &cp
}

func (d *Drill) check() error {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: "Drill." + field, Reason: fmt.Sprintf(format, args...)})
	}
	if len(d.ID) > 128 || strings.ContainsAny(d.ID, " \t\n") {
		fail("ID", "is %q; want at most 128 characters without spaces", d.ID)
	}
	if len(d.Targets) == 0 && d.Selection == nil && !d.AllInVault {
		fail("Targets", "no targets: set Targets, Selection or AllInVault")
	}
	if d.Vault == "" {
		if d.Selection != nil {
			fail("Vault", "is required with Selection")
		}
		if d.AllInVault {
			fail("Vault", "is required with AllInVault")
		}
		if d.FreshBackup {
			fail("Vault", "is required with FreshBackup")
		}
	}
	if d.MaxRTO < 0 {
		fail("MaxRTO", "is %v; want ≥ 0", d.MaxRTO)
	}
	if d.MaxRPO < 0 {
		fail("MaxRPO", "is %v; want ≥ 0", d.MaxRPO)
	}
	for i, t := range d.Targets {
		if t.ResourceARN == "" {
			fail(fmt.Sprintf("Targets[%d].ResourceARN", i), "is required")
		}
	}
	return errors.Join(errs...)
}

func notStarted(r *drillRun, t Target, err error) TargetResult {
	res := newResult(r, t)
	res.Error = "not started: " + err.Error()
	res.finish(r.start)
	return *res
}

func newResult(r *drillRun, t Target) *TargetResult {
	res := &TargetResult{
		ResourceARN:  t.ResourceARN,
		ResourceType: t.ResourceType,
		Validation:   Skipped,
		Cleanup:      Skipped,
		MaxRTO:       r.d.MaxRTO,
		MaxRPO:       r.d.MaxRPO,
		PhaseSeconds: map[string]float64{},
	}
	if t.MaxRTO > 0 {
		res.MaxRTO = t.MaxRTO
	}
	if t.MaxRPO > 0 {
		res.MaxRPO = t.MaxRPO
	}
	return res
}

func (c *Client) emit(ctx context.Context, r *drillRun, tr *targetRun, phase string, done bool, err error) {
	ev := Event{Time: c.opts.Now(), DrillID: r.d.ID, ResourceARN: tr.t.ResourceARN, ResourceType: tr.t.ResourceType, Phase: phase, Done: done, Err: err}
	if phase == PhaseDone {
		res := *tr.res
		ev.Result = &res
	}
	if err != nil {
		c.opts.Logger.WarnContext(ctx, "drill phase failed", "drill", r.d.ID, "resource", tr.t.ResourceARN, "phase", phase, "err", err)
	} else {
		c.opts.Logger.DebugContext(ctx, "drill phase", "drill", r.d.ID, "resource", tr.t.ResourceARN, "phase", phase, "done", done)
	}
	if c.opts.OnEvent != nil {
		c.opts.OnEvent(ev)
	}
}

// phase runs fn as a named phase, timing it and emitting events.
func (c *Client) phase(ctx context.Context, r *drillRun, tr *targetRun, name string, fn func() error) error {
	c.emit(ctx, r, tr, name, false, nil)
	start := c.opts.Now()
	err := fn()
	tr.res.PhaseSeconds[name] += c.opts.Now().Sub(start).Seconds()
	c.emit(ctx, r, tr, name, true, err)
	return err
}

func (c *Client) runTarget(ctx context.Context, r *drillRun, idx int, t Target) (result TargetResult) {
	tr := &targetRun{t: t, idx: idx, res: newResult(r, t), vault: r.d.Vault}
	tr.res.StartedAt = c.opts.Now()
	recoveryStart := tr.res.StartedAt
	defer func() {
		if p := recover(); p != nil {
			tr.res.fail(fmt.Errorf("panic: %v", p))
		}
		c.cleanup(ctx, r, tr)
		tr.res.FinishedAt = c.opts.Now()
		tr.res.finish(r.start)
		c.emit(ctx, r, tr, PhaseDone, true, nil)
		result = *tr.res
	}()
	if t.ResourceType == "" {
		tr.res.fail(fmt.Errorf("cannot tell the resource type of %s; set Target.ResourceType", t.ResourceARN))
		return
	}
	tr.h = r.handlers[t.ResourceType]
	if tr.h == nil {
		tr.res.fail(fmt.Errorf("%w %q: configure Options.Services or Options.Handlers", ErrNoHandler, t.ResourceType))
		return
	}
	if r.d.FreshBackup {
		if err := c.phase(ctx, r, tr, PhaseBackup, func() error { return c.freshBackup(ctx, r, tr) }); err != nil {
			tr.res.fail(err)
			return
		}
		recoveryStart = c.opts.Now()
	} else if err := c.phase(ctx, r, tr, PhaseSelect, func() error { return c.selectPoint(ctx, r, tr) }); err != nil {
		tr.res.fail(err)
		return
	}
	r.measureRPO(tr)
	if err := c.phase(ctx, r, tr, PhaseRestore, func() error { return c.restoreTarget(ctx, r, tr) }); err != nil {
		tr.res.fail(err)
		return
	}
	err := c.phase(ctx, r, tr, PhaseValidate, func() error { return c.validate(ctx, r, tr) })
	tr.res.RTOTotal = c.opts.Now().Sub(recoveryStart)
	if err != nil {
		tr.res.fail(err)
	}
	return
}

func (c *Client) freshBackup(ctx context.Context, r *drillRun, tr *targetRun) error {
	job, err := c.opts.Backup.StartBackup(ctx, r.backupJob(tr))
	if err != nil {
		return err
	}
	tr.res.BackupJobID = job.ID
	out, err := job.Wait(ctx, c.opts.MaxWait, c.waiterOptions)
	if err != nil {
		return fmt.Errorf("wait for backup job %s: %w", job.ID, err)
	}
	tr.res.RecoveryPointARN = aws.ToString(out.RecoveryPointArn)
	tr.res.RecoveryPointCreated = aws.ToTime(out.CreationDate)
	return nil
}

// checkFreshBackup reports what a FreshBackup drill lacks for r: the role
// StartBackupJob needs and, when the drill starts the backups itself
// (Run, not the step API), a BackupStarter.
func (c *Client) checkFreshBackup(r *drillRun, starts bool) error {
	if !r.d.FreshBackup {
		return nil
	}
	var errs []error
	if r.role == "" {
		errs = append(errs, &ValidationError{Field: "Drill.IAMRoleARN", Reason: "is required with FreshBackup (or set Options.IAMRoleARN): StartBackupJob needs the role AWS Backup assumes"})
	}
	if starts && c.opts.Backup == nil {
		errs = append(errs, &ValidationError{Field: "Drill.FreshBackup", Reason: "needs Options.Backup (a *backup.Client): the API given to restore.New is not a whole AWS Backup client"})
	}
	return errors.Join(errs...)
}

func (c *Client) restoreTarget(ctx context.Context, r *drillRun, tr *targetRun) error {
	var base map[string]string
	if tr.vault != "" {
		out, err := c.api.GetRecoveryPointRestoreMetadata(ctx, &awsbackup.GetRecoveryPointRestoreMetadataInput{
			BackupVaultName:  aws.String(tr.vault),
			RecoveryPointArn: aws.String(tr.res.RecoveryPointARN),
		})
		if err != nil {
			return fmt.Errorf("get restore metadata of %s: %w", tr.res.RecoveryPointARN, err)
		}
		base = out.RestoreMetadata
	}
	md, err := r.restoreMetadata(tr, base)
	if err != nil {
		return err
	}
	so := r.restoreStartOptions(tr)
	id, err := c.startJob(ctx, tr.res.RecoveryPointARN, tr.t.ResourceType, md, so)
	if err != nil {
		if ctx.Err() != nil {
			tr.pending = func(ctx context.Context) (string, error) {
				return c.startJob(ctx, tr.res.RecoveryPointARN, tr.t.ResourceType, md, so)
			}
		}
		return err
	}
	tr.jobID = id
	tr.res.RestoreJobID = id
	job, err := c.wait(ctx, id, c.opts.MaxWait, true)
	if job != nil && (job.Status == string(types.RestoreJobStatusCompleted) || isJobFailed(err)) {
		tr.job = job
		tr.created = job.CreatedResourceARN
		tr.res.CreatedResourceARN = job.CreatedResourceARN
		tr.res.RTORestore = job.Duration()
	}
	if err != nil {
		return err
	}
	if tr.created == "" {
		return fmt.Errorf("restore job %s completed without a created resource ARN", id)
	}
	if err := tr.h.Tag(ctx, tr.created, r.drillTags(tr)); err != nil {
		return err
	}
	tr.tagged = true
	return nil
}
