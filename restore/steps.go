package restore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// Step-wise drills. A workflow engine that keeps a drill's state as JSON
// between stateless calls (the automation package's Step Functions
// workflow, whose Lambda steps call these methods) runs a drill one phase
// at a time: PlanSteps, then per target StepPrepare, StepBackedUp (after a
// fresh backup), StepRestoreInput, StepValidate and StepCleanup, and
// finally StepReport. The AWS Backup calls between the steps (start and
// describe jobs, restore metadata, PutRestoreValidationResult) are the
// engine's. Client.Run and the steps share every rule: target selection,
// recovery point choice, staging names and restore metadata, idempotency
// tokens, the per-type handlers and validators, the cleanup guard (only
// the restore job's own created resource, only with the drill tag) and
// the report.

// TargetStep is one drill target between steps. Its JSON form is what the
// steps pass along; Result is complete once StepCleanup says done.
type TargetStep struct {
	// Index is the target's position in the drill (it seeds the staging name).
	Index int `json:"index"`
	// ResourceARN, ResourceType and RecoveryPointARN (a pinned point) are
	// the Target.
	ResourceARN      string              `json:"resourceArn"`
	ResourceType     backup.ResourceType `json:"resourceType,omitempty"`
	RecoveryPointARN string              `json:"recoveryPointArn,omitempty"`
	// Metadata is the target's own restore metadata (a Raw input); its
	// values win over the recovery point's and the staging name.
	Metadata map[string]string `json:"metadata,omitempty"`
	// MaxRTO and MaxRPO override the drill's targets.
	MaxRTO time.Duration `json:"maxRto,omitempty"`
	MaxRPO time.Duration `json:"maxRpo,omitempty"`

	// Vault holds the chosen recovery point.
	Vault string `json:"vault,omitempty"`
	// RestoreJobID and CreatedResourceARN are the drill's restore job and
	// what it created; Tagged says the drill tag is on it.
	RestoreJobID       string `json:"restoreJobId,omitempty"`
	CreatedResourceARN string `json:"createdResourceArn,omitempty"`
	Tagged             bool   `json:"tagged,omitempty"`
	// RecoveryStart starts RTO total (after a fresh backup).
	RecoveryStart time.Time `json:"recoveryStart,omitzero"`
	// ValidateDeadline bounds waiting for the restored resource to be ready.
	ValidateDeadline time.Time `json:"validateDeadline,omitzero"`
	// DeleteStarted says cleanup asked the resource's service to delete it.
	DeleteStarted bool `json:"deleteStarted,omitempty"`
	// Phase is the phase in progress since PhaseStart.
	Phase      string    `json:"phase,omitempty"`
	PhaseStart time.Time `json:"phaseStart,omitzero"`
	// Durations carries the Result's durations, which its JSON holds only
	// as derived seconds.
	Durations StepDurations `json:"durations"`
	// Result is the target's result so far.
	Result TargetResult `json:"result"`
}

// StepDurations are a TargetResult's durations.
type StepDurations struct {
	RPO        time.Duration `json:"rpo"`
	RTORestore time.Duration `json:"rtoRestore"`
	RTOTotal   time.Duration `json:"rtoTotal"`
	MaxRPO     time.Duration `json:"maxRpo"`
	MaxRTO     time.Duration `json:"maxRto"`
}

// ErrTargetFailed is wrapped by step errors that end a target (it goes to
// StepCleanup with the error); other step errors are worth retrying.
var ErrTargetFailed = errors.New("target failed")

type targetFailed struct{ err error }

func (e *targetFailed) Error() string   { return e.err.Error() }
func (e *targetFailed) Unwrap() []error { return []error{e.err, ErrTargetFailed} }

func failTarget(err error) error {
	if err == nil || errors.Is(err, ErrTargetFailed) {
		return err
	}
	return &targetFailed{err: err}
}

// PlanSteps checks d, fills its defaults (an ID when it has none),
// resolves its targets like Run (explicit targets, Selection,
// AllInVault; the latest completed recovery point of each resource in the
// vault is chosen here) and returns the drill, its start time and one
// TargetStep per target. Targets must use Raw inputs (or none).
func (c *Client) PlanSteps(ctx context.Context, d *Drill) (*Drill, time.Time, []TargetStep, error) {
	if d == nil {
		return nil, time.Time{}, nil, &ValidationError{Field: "Drill", Reason: "is required"}
	}
	d = d.withDefaults(c.opts.Now())
	r := c.stepRun(d, c.opts.Now())
	if err := errors.Join(d.check(), c.checkFreshBackup(r, false)); err != nil {
		return nil, time.Time{}, nil, err
	}
	targets, err := c.resolveTargets(ctx, r)
	if err != nil {
		return nil, time.Time{}, nil, err
	}
	steps := make([]TargetStep, len(targets))
	for i, t := range targets {
		s := TargetStep{Index: i, ResourceARN: t.ResourceARN, ResourceType: t.ResourceType, RecoveryPointARN: t.RecoveryPointARN,
			MaxRTO: t.MaxRTO, MaxRPO: t.MaxRPO}
		switch in := t.Input.(type) {
		case nil:
		case Raw:
			s.Metadata = maps.Clone(in.Values)
		default:
			md, err := in.Metadata()
			if err != nil {
				return nil, time.Time{}, nil, fmt.Errorf("Targets[%d]: %w", i, err)
			}
			s.Metadata = md
		}
		if rp, ok := r.vaultRPs[t.ResourceARN]; ok && (t.RecoveryPointARN == "" || t.RecoveryPointARN == aws.ToString(rp.RecoveryPointArn)) {
			s.RecoveryPointARN = aws.ToString(rp.RecoveryPointArn)
			s.Result.RecoveryPointCreated = aws.ToTime(rp.CreationDate)
			s.Vault = aws.ToString(rp.BackupVaultName)
		}
		res := newResult(r, t)
		res.RecoveryPointCreated = s.Result.RecoveryPointCreated
		s.Result = *res
		s.save(res)
		steps[i] = s
	}
	return d, r.start, steps, nil
}

func (c *Client) stepRun(d *Drill, start time.Time) *drillRun {
	r := &drillRun{d: d, start: start, handlers: c.handlers(), role: d.IAMRoleARN}
	if r.role == "" {
		r.role = c.opts.IAMRoleARN
	}
	return r
}

// load rebuilds the in-process state of s.
func (c *Client) load(d *Drill, start time.Time, s *TargetStep) (*drillRun, *targetRun) {
	r := c.stepRun(d, start)
	t := Target{ResourceARN: s.ResourceARN, ResourceType: s.ResourceType, RecoveryPointARN: s.RecoveryPointARN, MaxRTO: s.MaxRTO, MaxRPO: s.MaxRPO}
	if s.Metadata != nil {
		t.Input = Raw{Type: s.ResourceType, Values: s.Metadata}
	}
	res := s.Result
	res.RPO, res.RTORestore, res.RTOTotal = s.Durations.RPO, s.Durations.RTORestore, s.Durations.RTOTotal
	res.MaxRPO, res.MaxRTO = s.Durations.MaxRPO, s.Durations.MaxRTO
	if res.PhaseSeconds == nil {
		res.PhaseSeconds = map[string]float64{}
	}
	tr := &targetRun{t: t, idx: s.Index, res: &res, h: r.handlers[s.ResourceType], jobID: s.RestoreJobID,
		created: s.CreatedResourceARN, tagged: s.Tagged, vault: s.Vault}
	return r, tr
}

// save stores tr's result back into s.
func (s *TargetStep) save(res *TargetResult) {
	s.Durations = StepDurations{RPO: res.RPO, RTORestore: res.RTORestore, RTOTotal: res.RTOTotal, MaxRPO: res.MaxRPO, MaxRTO: res.MaxRTO}
	s.Result = *res
}

func (s *TargetStep) saveRun(tr *targetRun) {
	s.RestoreJobID, s.CreatedResourceARN, s.Tagged, s.Vault = tr.jobID, tr.created, tr.tagged, tr.vault
	s.save(tr.res)
}

// beginPhase ends the phase in progress (adding its time) and starts name.
func (c *Client) beginPhase(s *TargetStep, res *TargetResult, name string) {
	now := c.opts.Now()
	if s.Phase != "" && !s.PhaseStart.IsZero() {
		res.PhaseSeconds[s.Phase] += now.Sub(s.PhaseStart).Seconds()
	}
	s.Phase, s.PhaseStart = name, now
}

// StepPrepare starts target s: it checks that its type has a handler and
// either returns the StartBackupJob input of a fresh backup (with
// Drill.FreshBackup; the engine starts and awaits the job, then calls
// StepBackedUp) or chooses the recovery point and measures the RPO.
// Errors wrapping ErrTargetFailed end the target.
func (c *Client) StepPrepare(ctx context.Context, d *Drill, start time.Time, s *TargetStep) (*awsbackup.StartBackupJobInput, error) {
	r, tr := c.load(d, start, s)
	defer s.saveRun(tr)
	tr.res.StartedAt = c.opts.Now()
	s.RecoveryStart = tr.res.StartedAt
	if s.ResourceType == "" {
		return nil, failTarget(fmt.Errorf("cannot tell the resource type of %s; set Target.ResourceType", s.ResourceARN))
	}
	if tr.h == nil {
		return nil, failTarget(fmt.Errorf("%w %q: configure Options.Services or Options.Handlers", ErrNoHandler, s.ResourceType))
	}
	if d.FreshBackup {
		c.beginPhase(s, tr.res, PhaseBackup)
		in, err := r.backupJob(tr).SDK()
		if err != nil {
			return nil, failTarget(err)
		}
		return in, nil
	}
	c.beginPhase(s, tr.res, PhaseSelect)
	if s.Vault != "" && !tr.res.RecoveryPointCreated.IsZero() {
		tr.res.RecoveryPointARN = s.RecoveryPointARN
	} else {
		r.vaultRPs = nil
		if err := c.selectPoint(ctx, r, tr); err != nil {
			return nil, failTarget(err)
		}
		// Later steps (and the workflow's restore metadata Task) restore
		// the point chosen here.
		s.RecoveryPointARN = tr.res.RecoveryPointARN
	}
	r.measureRPO(tr)
	c.beginPhase(s, tr.res, "")
	return nil, nil
}

// StepBackedUp records the fresh backup job backupJobID (COMPLETED) as the
// point to restore, measures the RPO and starts the RTO clock.
func (c *Client) StepBackedUp(ctx context.Context, d *Drill, start time.Time, s *TargetStep, backupJobID string) error {
	r, tr := c.load(d, start, s)
	defer s.saveRun(tr)
	tr.res.BackupJobID = backupJobID
	out, err := c.api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: aws.String(backupJobID)})
	if err != nil {
		return fmt.Errorf("describe backup job %s: %w", backupJobID, err)
	}
	if out.State != types.BackupJobStateCompleted {
		return failTarget(&backup.JobFailedError{JobType: "BACKUP", JobID: backupJobID, State: string(out.State), StatusMessage: aws.ToString(out.StatusMessage)})
	}
	tr.res.RecoveryPointARN = aws.ToString(out.RecoveryPointArn)
	tr.res.RecoveryPointCreated = aws.ToTime(out.CreationDate)
	tr.vault = d.Vault
	s.RecoveryPointARN = tr.res.RecoveryPointARN
	c.beginPhase(s, tr.res, "")
	s.RecoveryStart = c.opts.Now()
	r.measureRPO(tr)
	return nil
}

// StepRestoreInput returns the StartRestoreJob input of target s: base
// (the recovery point's GetRecoveryPointRestoreMetadata) overlaid with the
// staging name and the target's metadata, the drill's role and the
// deterministic idempotency token — the same request Run sends.
func (c *Client) StepRestoreInput(ctx context.Context, d *Drill, start time.Time, s *TargetStep, base map[string]string) (*awsbackup.StartRestoreJobInput, error) {
	r, tr := c.load(d, start, s)
	defer s.saveRun(tr)
	c.beginPhase(s, tr.res, PhaseRestore)
	md, err := r.restoreMetadata(tr, base)
	if err != nil {
		return nil, failTarget(err)
	}
	so := r.restoreStartOptions(tr)
	return startInput(tr.res.RecoveryPointARN, s.ResourceType, so.IdempotencyToken, md, so), nil
}

// StepValidate validates target s once its restore job restoreJobID has
// COMPLETED: the first call records the job (created resource, AWS's
// restore time) and tags what it created with the drill tags; each call
// checks the resource once. It returns nil, nil while the resource is not
// ready yet (call again later, until Options.MaxWait has passed), and
// otherwise the PutRestoreValidationResult input with the verdict.
func (c *Client) StepValidate(ctx context.Context, d *Drill, start time.Time, s *TargetStep, restoreJobID string) (*awsbackup.PutRestoreValidationResultInput, error) {
	r, tr := c.load(d, start, s)
	defer s.saveRun(tr)
	tr.jobID, tr.res.RestoreJobID = restoreJobID, restoreJobID
	if !s.Tagged {
		job, err := c.Wait(ctx, restoreJobID, c.opts.MaxWait)
		if job != nil {
			tr.job = job
			tr.created, tr.res.CreatedResourceARN = job.CreatedResourceARN, job.CreatedResourceARN
			tr.res.RTORestore = job.Duration()
		}
		if err != nil {
			return nil, failTarget(err)
		}
		if tr.created == "" {
			return nil, failTarget(fmt.Errorf("restore job %s completed without a created resource ARN", restoreJobID))
		}
		if err := tr.h.Tag(ctx, tr.created, r.drillTags(tr)); err != nil {
			return nil, err
		}
		tr.tagged = true
		c.beginPhase(s, tr.res, PhaseValidate)
		s.ValidateDeadline = c.opts.Now().Add(c.opts.MaxWait)
	}
	err := c.validateOnce(ctx, r, tr)
	if errors.Is(err, ErrNotReady) && c.opts.Now().Before(s.ValidateDeadline) {
		return nil, nil
	}
	c.beginPhase(s, tr.res, "")
	tr.res.RTOTotal = c.opts.Now().Sub(s.RecoveryStart)
	put := r.validationOutcome(tr, err)
	if err != nil {
		tr.res.fail(err)
	}
	return put, nil
}

// StepCleanup ends target s: failure (an error of an earlier step or of
// the engine) is recorded; a restore whose start is pending (the engine
// cannot tell whether its StartRestoreJob call was applied) is re-sent
// with the same idempotency token to learn the job; the job's outcome is
// read without waiting; then only the job's own created resource, and
// only with the drill tag, is deleted. done is false while the job is
// still running or the deletion is in progress: call again later. When
// done, s.Result is final.
func (c *Client) StepCleanup(ctx context.Context, d *Drill, start time.Time, s *TargetStep, failure error, pending *awsbackup.StartRestoreJobInput) (done bool, err error) {
	r, tr := c.load(d, start, s)
	defer s.saveRun(tr)
	if failure != nil && !s.DeleteStarted && s.Phase != PhaseCleanup {
		tr.res.fail(failure)
	}
	if s.Phase != PhaseCleanup {
		c.beginPhase(s, tr.res, PhaseCleanup)
	}
	finish := func() (bool, error) {
		c.beginPhase(s, tr.res, "")
		tr.res.FinishedAt = c.opts.Now()
		tr.res.finish(r.start)
		return true, nil
	}
	if tr.jobID == "" && pending != nil {
		id, err := c.startJob(ctx, aws.ToString(pending.RecoveryPointArn), backup.ResourceType(aws.ToString(pending.ResourceType)), pending.Metadata,
			StartOptions{IAMRoleARN: aws.ToString(pending.IamRoleArn), IdempotencyToken: aws.ToString(pending.IdempotencyToken)})
		if err != nil {
			unknownRestoreLeft(r, tr, err)
			return finish()
		}
		tr.jobID, tr.res.RestoreJobID = id, id
	}
	if tr.jobID == "" {
		return finish() // nothing was started
	}
	if !s.DeleteStarted {
		out, err := c.api.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: aws.String(tr.jobID)})
		if err != nil {
			return false, fmt.Errorf("describe restore job %s: %w", tr.jobID, err)
		}
		switch out.Status {
		case types.RestoreJobStatusCompleted, types.RestoreJobStatusFailed, types.RestoreJobStatusAborted:
		default:
			return false, nil // still running: its outcome decides what to delete
		}
		tr.job = jobFromOutput(out)
		if tr.created == "" {
			tr.created, tr.res.CreatedResourceARN = tr.job.CreatedResourceARN, tr.job.CreatedResourceARN
		}
		if tr.res.RTORestore == 0 {
			tr.res.RTORestore = tr.job.Duration()
		}
		if out.Status != types.RestoreJobStatusCompleted && tr.res.Error == "" {
			tr.res.fail(&backup.JobFailedError{JobType: "RESTORE", JobID: tr.jobID, State: string(out.Status), StatusMessage: aws.ToString(out.StatusMessage)})
		}
		if tr.h == nil {
			tr.h = r.handlers[s.ResourceType]
		}
		if tr.created != "" && tr.h != nil && keepsRestored(tr) {
			return finish()
		}
		started, err := c.deleteOwn(ctx, r, tr)
		if err != nil {
			return c.cleanupFailed(tr, err, finish)
		}
		if !started {
			return finish()
		}
		s.DeleteStarted = true
	}
	_, err = tr.h.Tags(ctx, tr.created)
	switch {
	case errors.Is(err, ErrNotFound):
		tr.res.Cleanup = Deleted
		return finish()
	case err != nil:
		return c.cleanupFailed(tr, err, finish)
	}
	return false, nil
}

func (c *Client) cleanupFailed(tr *targetRun, err error, finish func() (bool, error)) (bool, error) {
	tr.res.Cleanup = Left
	if tr.created != "" {
		tr.res.LeftBehind = []string{tr.created}
	}
	tr.res.fail(fmt.Errorf("cleanup: %w", err))
	return finish()
}

// StepNotStarted is the result of a target the drill never started
// (the execution ended first).
func (c *Client) StepNotStarted(d *Drill, start time.Time, s *TargetStep, err error) TargetResult {
	r, tr := c.load(d, start, s)
	return notStarted(r, tr.t, err)
}

// StepReport builds the drill's report from its targets' results, as Run
// does.
func (c *Client) StepReport(d *Drill, start time.Time, results []TargetResult, canceled bool) *Report {
	d = d.withDefaults(c.opts.Now())
	rep := newReport(d, start)
	rep.Targets = results
	rep.FinishedAt = c.opts.Now()
	rep.Canceled = canceled
	rep.summarize()
	return rep
}

// newReport starts the report of drill d.
func newReport(d *Drill, start time.Time) *Report {
	return &Report{
		SchemaVersion: ReportSchemaVersion,
		DrillID:       d.ID,
		Vault:         d.Vault,
		StartedAt:     start,
		Concurrency:   d.Concurrency,
		MaxRTOSeconds: d.MaxRTO.Seconds(),
		MaxRPOSeconds: d.MaxRPO.Seconds(),
		Policy:        d.Policy,
	}
}

// measureRPO sets the RPO (the point's age at drill start) and, with a
// Policy, the target's objectives.
func (r *drillRun) measureRPO(tr *targetRun) {
	if !tr.res.RecoveryPointCreated.IsZero() {
		// AWS reports creation dates to the millisecond: compare at that
		// precision, or a point created just after the drill started
		// (a fresh backup) could look up to 1ms old.
		tr.res.RPO = max(0, r.start.Truncate(time.Millisecond).Sub(tr.res.RecoveryPointCreated))
	}
	if p := r.d.Policy; p != nil && p.Objective != nil && tr.t.MaxRTO == 0 && tr.t.MaxRPO == 0 {
		if name, rto, rpo, ok := p.Objective(tr.t.ResourceARN, tr.res.RecoveryPointARN); ok {
			tr.res.Objective, tr.res.MaxRTO, tr.res.MaxRPO = name, rto, rpo
		}
	}
}

// backupJob is the on-demand backup of a fresh-backup target: Run starts
// it with Options.Backup, the step API hands its SDK form to the engine.
func (r *drillRun) backupJob(tr *targetRun) backup.JobInput {
	return backup.JobInput{
		VaultName:        r.d.Vault,
		ResourceARN:      tr.t.ResourceARN,
		IAMRoleARN:       r.role,
		IdempotencyToken: backup.DeriveToken("drill-backup", r.d.ID, tr.t.ResourceARN),
	}
}

// restoreMetadata lays the staging name and the target's metadata over
// base (the recovery point's restore metadata).
func (r *drillRun) restoreMetadata(tr *targetRun, base map[string]string) (map[string]string, error) {
	md := MergeMetadata(base, restoremeta.Staging(string(tr.t.ResourceType), stagingName(r.d.ID, tr.idx)))
	if tr.t.Input != nil {
		user, err := tr.t.Input.Metadata()
		if err != nil {
			return nil, err
		}
		md = MergeMetadata(md, user)
	}
	if tr.t.ResourceType == backup.EFS {
		md = MergeMetadata(md, map[string]string{"newFileSystem": "true"}) // never restore into the source
	}
	if err := checkRestoreMetadata(tr.h, tr.t.ResourceARN, md); err != nil {
		return nil, err
	}
	return md, nil
}

// restoreStartOptions are the drill's StartRestoreJob options: its role
// and a token derived from the drill, the resource and the point.
func (r *drillRun) restoreStartOptions(tr *targetRun) StartOptions {
	return StartOptions{IAMRoleARN: r.role, IdempotencyToken: backup.DeriveToken("drill-restore", r.d.ID, tr.t.ResourceARN, tr.res.RecoveryPointARN)}
}

// drillTags are the tags put on what a drill restored.
func (r *drillRun) drillTags(tr *targetRun) map[string]string {
	tags := map[string]string{}
	maps.Copy(tags, r.d.Tags)
	tags[DrillTagKey] = r.d.ID
	tags[DrillSourceTagKey] = tr.t.ResourceARN
	return tags
}

// validationOutcome records the validation verdict err in tr's result and
// returns the PutRestoreValidationResult input, or nil when validation was
// cut short by cancellation (nothing to report).
func (r *drillRun) validationOutcome(tr *targetRun, err error) *awsbackup.PutRestoreValidationResultInput {
	status, msg := types.RestoreValidationStatusSuccessful, "validated by backupkit drill "+r.d.ID
	tr.res.Validation = Passed
	if err != nil {
		status, msg = types.RestoreValidationStatusFailed, err.Error()
		tr.res.Validation = Failed
		tr.res.ValidationMessage = err.Error()
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			tr.res.Validation = Skipped
			return nil
		}
	}
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	return &awsbackup.PutRestoreValidationResultInput{
		RestoreJobId:            aws.String(tr.jobID),
		ValidationStatus:        status,
		ValidationStatusMessage: aws.String(msg),
	}
}

// startInput is a StartRestoreJob request.
func startInput(rpARN string, resourceType backup.ResourceType, token string, md map[string]string, so StartOptions) *awsbackup.StartRestoreJobInput {
	in := &awsbackup.StartRestoreJobInput{
		RecoveryPointArn:                 aws.String(rpARN),
		Metadata:                         md,
		ResourceType:                     aws.String(string(resourceType)),
		IdempotencyToken:                 aws.String(token),
		CopySourceTagsToRestoredResource: so.CopySourceTags,
	}
	if so.IAMRoleARN != "" {
		in.IamRoleArn = aws.String(so.IAMRoleARN)
	}
	return in
}

// Validate reports every problem of d that Run would refuse, as an
// errors.Join of *ValidationError naming each field, without calling AWS.
func (d *Drill) Validate() error {
	return d.withDefaults(time.Now()).check()
}
