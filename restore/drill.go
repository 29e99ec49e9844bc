package restore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
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

// Selection picks drill targets among the resources with recovery points
// in Drill.Vault, like a backup selection: a resource matches when it
// matches any of Resources (ARNs, '*' wildcards) or any of Tags
// (STRINGEQUALS, OR-ed), and none of NotResources. With neither Resources
// nor Tags every resource matches. Match, when set, decides alone (pass
// a plan selection's Matches method to get its full semantics).
type Selection struct {
	// Resources are ARN patterns; '*' matches any characters.
	Resources []string
	// NotResources are ARN patterns to exclude.
	NotResources []string
	// Tags are key → value conditions, OR-ed.
	Tags map[string]string
	// Match overrides the rules above.
	Match func(resourceARN string, tags map[string]string) bool
}

func (s *Selection) needsTags() bool { return s.Match != nil || len(s.Tags) > 0 }

func (s *Selection) matches(resourceARN string, tags map[string]string) bool {
	if s.Match != nil {
		return s.Match(resourceARN, tags)
	}
	for _, p := range s.NotResources {
		if arnMatch(p, resourceARN) {
			return false
		}
	}
	if len(s.Resources) == 0 && len(s.Tags) == 0 {
		return true
	}
	for _, p := range s.Resources {
		if arnMatch(p, resourceARN) {
			return true
		}
	}
	for k, v := range s.Tags {
		if tv, ok := tags[k]; ok && tv == v {
			return true
		}
	}
	return false
}

func arnMatch(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	ok, err := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return err == nil && ok
}

// Restored describes a restored resource to a Validator.
type Restored struct {
	// DrillID is the drill's id.
	DrillID string
	// SourceARN is the protected resource that was restored.
	SourceARN string
	// ResourceType is its AWS Backup type.
	ResourceType backup.ResourceType
	// RecoveryPointARN is the recovery point restored.
	RecoveryPointARN string
	// RestoreJobID is the restore job.
	RestoreJobID string
	// CreatedResourceARN is the restored resource.
	CreatedResourceARN string
}

// Validator checks a restored resource, e.g. with a SQL query. Return a
// *ValidationFailedError (or any error) when it is not usable.
type Validator interface {
	Validate(ctx context.Context, r Restored) error
}

// ValidatorFunc adapts a function to Validator.
type ValidatorFunc func(ctx context.Context, r Restored) error

// Validate implements Validator.
func (f ValidatorFunc) Validate(ctx context.Context, r Restored) error { return f(ctx, r) }

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
	d = d.withDefaults()
	if err := d.check(); err != nil {
		return nil, err
	}
	r := &drillRun{d: d, start: c.opts.Now(), handlers: c.handlers(), role: d.IAMRoleARN}
	if r.role == "" {
		r.role = c.opts.IAMRoleARN
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

func (d *Drill) withDefaults() *Drill {
	cp := *d
	if cp.ID == "" {
		var b [3]byte
		_, _ = rand.Read(b[:])
		cp.ID = "drill-" + time.Now().UTC().Format("20060102t150405") + "-" + hex.EncodeToString(b[:])
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

// resolveTargets lists the vault's recovery points (once) and builds the
// deduplicated target list with resource types filled in.
func (c *Client) resolveTargets(ctx context.Context, r *drillRun) ([]Target, error) {
	d := r.d
	if d.Vault != "" {
		if err := c.indexVault(ctx, r); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []Target
	add := func(t Target) {
		if seen[t.ResourceARN] {
			return
		}
		seen[t.ResourceARN] = true
		if t.ResourceType == "" {
			if rp, ok := r.vaultRPs[t.ResourceARN]; ok && rp.ResourceType != nil {
				t.ResourceType = backup.ResourceType(*rp.ResourceType)
			} else if typ, err := backup.ResourceTypeFromARN(t.ResourceARN); err == nil {
				t.ResourceType = typ
			}
		}
		out = append(out, t)
	}
	for _, t := range d.Targets {
		add(t)
	}
	if d.AllInVault || d.Selection != nil {
		arns := slices.Sorted(maps.Keys(r.vaultRPs))
		for _, a := range arns {
			rp := r.vaultRPs[a]
			if d.Selection != nil && !d.AllInVault {
				var tags map[string]string
				if d.Selection.needsTags() {
					h := r.handlers[backup.ResourceType(aws.ToString(rp.ResourceType))]
					if h == nil {
						continue
					}
					t, err := h.Tags(ctx, a)
					if err != nil {
						c.opts.Logger.WarnContext(ctx, "cannot read tags; resource not selected", "resource", a, "err", err)
						continue
					}
					tags = t
				}
				if !d.Selection.matches(a, tags) {
					continue
				}
			}
			add(Target{ResourceARN: a, ResourceType: backup.ResourceType(aws.ToString(rp.ResourceType))})
		}
	}
	return out, nil
}

func (c *Client) indexVault(ctx context.Context, r *drillRun) error {
	r.vaultRPs = map[string]types.RecoveryPointByBackupVault{}
	in := &awsbackup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(r.d.Vault), MaxResults: aws.Int32(1000)}
	for {
		out, err := c.api.ListRecoveryPointsByBackupVault(ctx, in)
		if err != nil {
			return fmt.Errorf("list recovery points of vault %s: %w", r.d.Vault, err)
		}
		for _, rp := range out.RecoveryPoints {
			if rp.Status != types.RecoveryPointStatusCompleted || rp.ResourceArn == nil {
				continue
			}
			cur, ok := r.vaultRPs[*rp.ResourceArn]
			if !ok || aws.ToTime(rp.CreationDate).After(aws.ToTime(cur.CreationDate)) {
				r.vaultRPs[*rp.ResourceArn] = rp
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
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
	out, err := c.api.StartBackupJob(ctx, r.backupJobInput(tr))
	if err != nil {
		return fmt.Errorf("start backup job of %s: %w", tr.t.ResourceARN, err)
	}
	tr.res.BackupJobID = aws.ToString(out.BackupJobId)
	job, err := backup.NewJobWaiter(c.api, c.waiterOptions).Wait(ctx, tr.res.BackupJobID, c.opts.MaxWait)
	if err != nil {
		return fmt.Errorf("wait for backup job %s: %w", tr.res.BackupJobID, err)
	}
	tr.res.RecoveryPointARN = aws.ToString(job.RecoveryPointArn)
	tr.res.RecoveryPointCreated = aws.ToTime(job.CreationDate)
	return nil
}

func (c *Client) selectPoint(ctx context.Context, r *drillRun, tr *targetRun) error {
	if rp, ok := r.vaultRPs[tr.t.ResourceARN]; ok && (tr.t.RecoveryPointARN == "" || tr.t.RecoveryPointARN == aws.ToString(rp.RecoveryPointArn)) {
		tr.res.RecoveryPointARN = aws.ToString(rp.RecoveryPointArn)
		tr.res.RecoveryPointCreated = aws.ToTime(rp.CreationDate)
		tr.vault = aws.ToString(rp.BackupVaultName)
		return nil
	}
	var best *types.RecoveryPointByResource
	in := &awsbackup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(tr.t.ResourceARN)}
	for {
		out, err := c.api.ListRecoveryPointsByResource(ctx, in)
		if err != nil {
			return fmt.Errorf("list recovery points of %s: %w", tr.t.ResourceARN, err)
		}
		for i := range out.RecoveryPoints {
			rp := &out.RecoveryPoints[i]
			if tr.t.RecoveryPointARN != "" {
				if aws.ToString(rp.RecoveryPointArn) == tr.t.RecoveryPointARN {
					best = rp
				}
				continue
			}
			if rp.Status != types.RecoveryPointStatusCompleted {
				continue
			}
			if r.d.Vault != "" && aws.ToString(rp.BackupVaultName) != r.d.Vault {
				continue
			}
			if best == nil || aws.ToTime(rp.CreationDate).After(aws.ToTime(best.CreationDate)) {
				best = rp
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if best == nil {
		if tr.t.RecoveryPointARN != "" {
			return fmt.Errorf("recovery point %s of %s: %w", tr.t.RecoveryPointARN, tr.t.ResourceARN, ErrNoRecoveryPoint)
		}
		return fmt.Errorf("%s: %w", tr.t.ResourceARN, ErrNoRecoveryPoint)
	}
	tr.res.RecoveryPointARN = aws.ToString(best.RecoveryPointArn)
	tr.res.RecoveryPointCreated = aws.ToTime(best.CreationDate)
	tr.vault = aws.ToString(best.BackupVaultName)
	return nil
}

// stagingName is a unique, DNS- and identifier-safe name for target idx of
// drill id: lowercase, starts with a letter, at most 30 characters.
func stagingName(drillID string, idx int) string {
	h := sha256.Sum256([]byte(drillID))
	return fmt.Sprintf("bkdrill-%s-%04d", hex.EncodeToString(h[:5]), idx)
}

// stagingMetadata gives a restore of resourceType a unique new name, so a
// drill never restores over (or collides with) the source.
func stagingMetadata(resourceType backup.ResourceType, name string) map[string]string {
	switch resourceType {
	case backup.RDS:
		return map[string]string{"DBInstanceIdentifier": name}
	case backup.Aurora, backup.DocumentDB, backup.Neptune:
		return map[string]string{"dbClusterIdentifier": name}
	case backup.DynamoDB:
		return map[string]string{"targetTableName": name}
	case backup.EFS:
		return map[string]string{"newFileSystem": "true", "CreationToken": name}
	case backup.S3:
		return map[string]string{"DestinationBucketName": name, "NewBucket": "true"}
	case backup.Redshift:
		return map[string]string{"ClusterIdentifier": name}
	case backup.Timestream:
		return map[string]string{"TableName": name}
	case backup.CloudFormation:
		return map[string]string{"StackName": name, "ChangeSetName": name}
	}
	return nil
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

func (c *Client) validate(ctx context.Context, r *drillRun, tr *targetRun) error {
	err := c.validateResource(ctx, r, tr)
	put := r.validationOutcome(tr, err)
	if put == nil {
		return err
	}
	if _, perr := c.api.PutRestoreValidationResult(ctx, put); perr != nil {
		c.opts.Logger.WarnContext(ctx, "cannot report validation result to AWS Backup", "job", tr.jobID, "err", perr)
		tr.res.Notes = append(tr.res.Notes, "PutRestoreValidationResult: "+perr.Error())
	}
	return err
}

func (c *Client) validateResource(ctx context.Context, r *drillRun, tr *targetRun) error {
	deadline := c.opts.Now().Add(c.opts.MaxWait)
	for {
		err := c.validateOnce(ctx, r, tr)
		if !errors.Is(err, ErrNotReady) || c.opts.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, c.opts.DeletePollInterval); err != nil {
			return err
		}
	}
}

// validateOnce checks the restored resource once with its type's handler
// (which returns ErrNotReady while it is transitioning), then runs the
// drill's and the target's validators.
func (c *Client) validateOnce(ctx context.Context, r *drillRun, tr *targetRun) error {
	if err := tr.h.Validate(ctx, tr.created, tr.t.ResourceARN); err != nil {
		return err
	}
	rs := Restored{DrillID: r.d.ID, SourceARN: tr.t.ResourceARN, ResourceType: tr.t.ResourceType,
		RecoveryPointARN: tr.res.RecoveryPointARN, RestoreJobID: tr.jobID, CreatedResourceARN: tr.created}
	for _, v := range slices.Concat(r.d.Validators, tr.t.Validators) {
		if err := runValidator(ctx, v, rs); err != nil {
			var vf *ValidationFailedError
			if errors.As(err, &vf) {
				return err
			}
			return &ValidationFailedError{ResourceARN: tr.created, Reason: err.Error()}
		}
	}
	return nil
}

// runValidator runs v, turning a panic into a validation failure.
func runValidator(ctx context.Context, v Validator, rs Restored) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("validator panic: %v", p)
		}
	}()
	return v.Validate(ctx, rs)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// cleanup deletes what tr's restore job created, on a context detached
// from the drill's (so it also runs after cancellation), guarded by the
// job's CreatedResourceArn and the drill tag.
func (c *Client) cleanup(parent context.Context, r *drillRun, tr *targetRun) {
	if tr.jobID == "" && tr.pending == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), c.opts.CleanupTimeout)
	defer cancel()
	if tr.jobID == "" {
		// The same idempotency token returns the job if it was created,
		// or starts it now so that it can be cleaned up like any other.
		id, err := tr.pending(ctx)
		if err != nil {
			unknownRestoreLeft(r, tr, err)
			return
		}
		tr.jobID, tr.res.RestoreJobID = id, id
	}
	defer func() {
		if p := recover(); p != nil {
			tr.res.Cleanup = Left
			tr.res.fail(fmt.Errorf("cleanup panic: %v", p))
			if tr.created != "" {
				tr.res.LeftBehind = []string{tr.created}
			}
		}
	}()
	_ = c.phase(ctx, r, tr, PhaseCleanup, func() error {
		err := c.cleanupResource(ctx, r, tr)
		if err != nil {
			tr.res.Cleanup = Left
			if tr.created != "" {
				tr.res.LeftBehind = []string{tr.created}
			} else {
				tr.res.LeftBehind = []string{"unknown: what restore job " + tr.jobID + " created"}
			}
			tr.res.fail(fmt.Errorf("cleanup: %w", err))
		}
		return err
	})
}

func (c *Client) cleanupResource(ctx context.Context, r *drillRun, tr *targetRun) error {
	if tr.job == nil {
		// The wait was interrupted: learn the outcome of our own job.
		job, err := c.Wait(ctx, tr.jobID, c.opts.CleanupTimeout)
		if job == nil {
			return fmt.Errorf("restore job %s: %w", tr.jobID, err)
		}
		tr.job = job
		if tr.created == "" {
			tr.created = job.CreatedResourceARN
			tr.res.CreatedResourceARN = job.CreatedResourceARN
		}
	}
	// A failed delete (a throttled call, an outage) is tried again until
	// CleanupTimeout; only a resource that is not the drill's stops it.
	started, err := c.deleteOwn(ctx, r, tr)
	for err != nil && !errors.Is(err, ErrNotDrillOutput) && !errors.Is(err, ErrNoHandler) {
		if serr := sleep(ctx, c.opts.DeletePollInterval); serr != nil {
			return err
		}
		started, err = c.deleteOwn(ctx, r, tr)
	}
	if err != nil || !started {
		return err
	}
	// Deleted only once the service says the resource is gone.
	for {
		_, err := tr.h.Tags(ctx, tr.created)
		if errors.Is(err, ErrNotFound) {
			tr.res.Cleanup = Deleted
			return nil
		}
		if serr := sleep(ctx, c.opts.DeletePollInterval); serr != nil {
			if err != nil {
				return fmt.Errorf("cannot confirm %s is deleted: %w", tr.created, err)
			}
			return fmt.Errorf("%s still exists: %w", tr.created, serr)
		}
	}
}

// unknownRestoreLeft records that a restore may have started that nobody
// will clean up (its start could not be confirmed after a cancel): never
// report that as nothing left behind.
func unknownRestoreLeft(r *drillRun, tr *targetRun, err error) {
	tr.res.Cleanup = Left
	tr.res.LeftBehind = []string{fmt.Sprintf("unknown: a restore of %s may have started (idempotency token %s)",
		tr.res.RecoveryPointARN, restoreToken(r.d.ID, tr.t.ResourceARN, tr.res.RecoveryPointARN))}
	tr.res.fail(fmt.Errorf("cleanup: cannot learn whether the restore job started: %w", err))
}

// deleteOwn deletes the resource tr's restore job created: only that
// resource. The job's CreatedResourceArn proves the drill created it, so
// it is deleted even when its tags cannot be read or set (an error on the
// resource service's side must not leave it behind, and a resource that
// looks gone is deleted all the same, a no-op, to be confirmed by the
// caller); only another drill's tag stops the deletion. It returns false
// when nothing was created (Cleanup says so) and true once the deletion
// started.
func (c *Client) deleteOwn(ctx context.Context, r *drillRun, tr *targetRun) (bool, error) {
	if tr.job.CreatedResourceARN == "" {
		tr.res.Cleanup = Skipped // nothing was created
		return false, nil
	}
	if tr.created != tr.job.CreatedResourceARN {
		return false, fmt.Errorf("%w: %s is not restore job %s's created resource %s", ErrNotDrillOutput, tr.created, tr.jobID, tr.job.CreatedResourceARN)
	}
	if tr.h == nil {
		return false, fmt.Errorf("%w %q", ErrNoHandler, tr.t.ResourceType)
	}
	tags, err := tr.h.Tags(ctx, tr.created)
	var readErr error
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		readErr = err
	case tags[DrillTagKey] == "" && !tr.tagged:
		// Created by our job but the drill stopped before tagging it.
		if err := tr.h.Tag(ctx, tr.created, map[string]string{DrillTagKey: r.d.ID, DrillSourceTagKey: tr.t.ResourceARN}); err == nil {
			tr.tagged = true
		}
	case tags[DrillTagKey] != r.d.ID:
		return false, fmt.Errorf("%w: %s has %s=%q; want %q", ErrNotDrillOutput, tr.created, DrillTagKey, tags[DrillTagKey], r.d.ID)
	}
	if err := tr.h.Delete(ctx, tr.created); err != nil {
		return false, errors.Join(err, readErr)
	}
	return true, nil
}
