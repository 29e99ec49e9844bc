package function

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/restore"
)

// Environment variables the Lambda function reads (the template sets them).
const (
	EnvReportBucket = "BACKUPKIT_REPORT_BUCKET"
	EnvReportPrefix = "BACKUPKIT_REPORT_PREFIX"
	EnvTopicARN     = "BACKUPKIT_TOPIC_ARN"
	EnvRestoreRole  = "BACKUPKIT_RESTORE_ROLE_ARN"
	EnvBackupRole   = "BACKUPKIT_BACKUP_ROLE_ARN"
)

// DefaultReportPrefix is where drills keep their records and reports in
// the report bucket: <prefix><drill id>/….
const DefaultReportPrefix = "drills/"

// DrillInput is the input of a drill execution: what Client.Run's Drill
// says, in JSON. The drill's id is the execution's name.
type DrillInput struct {
	// Vault is where recovery points are taken from (and fresh backups go).
	Vault string `json:"vault,omitempty"`
	// Targets are explicit resources.
	Targets []TargetInput `json:"targets,omitempty"`
	// Selection adds the resources with recovery points in Vault it matches.
	Selection *SelectionInput `json:"selection,omitempty"`
	// AllInVault adds every resource with a recovery point in Vault.
	AllInVault bool `json:"allInVault,omitempty"`
	// FreshBackup backs each target up first and restores that backup.
	FreshBackup bool `json:"freshBackup,omitempty"`
	// IAMRoleARN is the role for restore and backup jobs.
	IAMRoleARN string `json:"iamRoleArn,omitempty"`
	// MaxRTOSeconds and MaxRPOSeconds are the drill's targets (0: none).
	MaxRTOSeconds float64 `json:"maxRtoSeconds,omitempty"`
	MaxRPOSeconds float64 `json:"maxRpoSeconds,omitempty"`
	// Tags are put on restored resources beside the drill tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// TargetInput is one explicit target.
type TargetInput struct {
	ResourceARN      string              `json:"resourceArn"`
	ResourceType     backup.ResourceType `json:"resourceType,omitempty"`
	RecoveryPointARN string              `json:"recoveryPointArn,omitempty"`
	Metadata         map[string]string   `json:"metadata,omitempty"`
	MaxRTOSeconds    float64             `json:"maxRtoSeconds,omitempty"`
	MaxRPOSeconds    float64             `json:"maxRpoSeconds,omitempty"`
	// RoleARN is the role in the target's account that the workflow's
	// AWS Backup calls use (automation.Options.CrossAccount).
	RoleARN string `json:"roleArn,omitempty"`
	// IAMRoleARN is the role of this target's restore (and fresh backup)
	// job; default the drill's IAMRoleARN. AWS Backup takes only a role of
	// the account the job runs in, so a cross-account target names one in
	// its own account.
	IAMRoleARN string `json:"iamRoleArn,omitempty"`
}

// SelectionInput is restore.Selection without its Match function.
type SelectionInput struct {
	Resources    []string          `json:"resources,omitempty"`
	NotResources []string          `json:"notResources,omitempty"`
	Tags         map[string]string `json:"tags,omitempty"`
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// Drill converts the input into the restore package's Drill.
func (in *DrillInput) Drill(id string) *restore.Drill {
	d := &restore.Drill{ID: id, Vault: in.Vault, AllInVault: in.AllInVault, FreshBackup: in.FreshBackup, IAMRoleARN: in.IAMRoleARN,
		MaxRTO: seconds(in.MaxRTOSeconds), MaxRPO: seconds(in.MaxRPOSeconds), Tags: maps.Clone(in.Tags)}
	for _, t := range in.Targets {
		rt := restore.Target{ResourceARN: t.ResourceARN, ResourceType: t.ResourceType, RecoveryPointARN: t.RecoveryPointARN,
			MaxRTO: seconds(t.MaxRTOSeconds), MaxRPO: seconds(t.MaxRPOSeconds)}
		if t.Metadata != nil {
			rt.Input = restore.Raw{Type: t.ResourceType, Values: t.Metadata}
		}
		d.Targets = append(d.Targets, rt)
	}
	if s := in.Selection; s != nil {
		d.Selection = &restore.Selection{Resources: s.Resources, NotResources: s.NotResources, Tags: s.Tags}
	}
	return d
}

// Check reports what restore.Drill would refuse, and target roles that
// are not IAM role ARNs, naming each field.
func (in *DrillInput) Check() error {
	errs := []error{in.Drill("check").Validate()}
	for i, t := range in.Targets {
		for _, r := range []struct{ field, role string }{{"RoleARN", t.RoleARN}, {"IAMRoleARN", t.IAMRoleARN}} {
			if r.role != "" && !awsid.RoleARN(r.role) {
				errs = append(errs, &backup.ValidationError{Field: fmt.Sprintf("Targets[%d].%s", i, r.field), Reason: fmt.Sprintf("is %q; want an IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME", r.role)})
			}
		}
	}
	return errors.Join(errs...)
}

// DrillState is the drill as the workflow's steps pass it along.
type DrillState struct {
	ID        string     `json:"id"`
	Input     DrillInput `json:"input"`
	StartedAt time.Time  `json:"startedAt"`
	Bucket    string     `json:"bucket"`
	Prefix    string     `json:"prefix"`
}

func (d *DrillState) drill() *restore.Drill { return d.Input.Drill(d.ID) }

// ItemState is the workflow-level state of one target's child execution:
// the AWS Backup requests the Lambda steps prepare for the next Task, and
// the loop controls.
type ItemState struct {
	RoleARN           string         `json:"roleArn,omitempty"`
	IAMRoleARN        string         `json:"iamRoleArn,omitempty"`
	StartBackup       map[string]any `json:"startBackup,omitempty"`
	StartRestore      map[string]any `json:"startRestore,omitempty"`
	PutValidation     map[string]any `json:"putValidation,omitempty"`
	Deadline          string         `json:"deadline,omitempty"`
	Done              bool           `json:"done,omitempty"`
	RetryDelaySeconds int            `json:"retryDelaySeconds,omitempty"`
	Attempt           int            `json:"attempt,omitempty"`
}

// Item is the data of one target's child execution.
type Item struct {
	Drill           DrillState          `json:"drill"`
	Target          restore.TargetStep  `json:"target"`
	State           ItemState           `json:"state"`
	BackupJob       *jobRef             `json:"backupJob,omitempty"`
	RestoreJob      *jobRef             `json:"restoreJob,omitempty"`
	Job             *jobStatus          `json:"job,omitempty"`
	RestoreMetadata *restoreMetadataOut `json:"restoreMetadata,omitempty"`
	Error           *taskError          `json:"error,omitempty"`
	ReportError     *taskError          `json:"reportError,omitempty"`
}

type jobRef struct {
	BackupJobId  string `json:"BackupJobId,omitempty"`
	RestoreJobId string `json:"RestoreJobId,omitempty"`
}

type jobStatus struct {
	Status string `json:"Status"`
	At     string `json:"At,omitempty"`
}

type restoreMetadataOut struct {
	RestoreMetadata map[string]string `json:"RestoreMetadata"`
}

// taskError is a Catch's error output.
type taskError struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}

func (e *taskError) err() error {
	msg := e.Cause
	// Lambda errors arrive as {"errorMessage": …, "errorType": …} in Cause.
	var le struct{ ErrorMessage string }
	if json.Unmarshal([]byte(e.Cause), &le) == nil && le.ErrorMessage != "" {
		msg = le.ErrorMessage
	}
	if msg == "" {
		return errors.New(e.Error)
	}
	if strings.Contains(msg, e.Error) || e.Error == ErrorTargetFailed {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %s", e.Error, msg)
}

// ambiguous reports whether a failed StartRestoreJob may have been
// applied: a timeout, a server error or an unknown failure, but not an
// AWS Backup client error, which AWS refused before acting.
func (e *taskError) ambiguous() bool {
	switch {
	case e.Error == "Backup.ServiceUnavailableException", e.Error == "Backup.InternalFailureException":
		return true
	case strings.HasPrefix(e.Error, "Backup."):
		return false
	}
	return true
}

// Store is the part of the S3 client the Lambda steps use for the drill's
// records and reports.
type Store interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

var _ Store = (*s3.Client)(nil)

// Options configure a Handler.
type Options struct {
	// Restore runs the drill steps (its Options carry the AWS Backup client,
	// the resource services, custom handlers, MaxWait). Required for drills.
	Restore *restore.Client
	// RestoreFor, when set, returns the client for a cross-account target's
	// role (automation.Options.CrossAccount); default: Restore for every
	// target.
	RestoreFor func(ctx context.Context, roleARN string) (*restore.Client, error)
	// Jobs describes backup, restore and copy jobs for the workflows' poll
	// step ("job"). Required for drills and remediation workflows.
	Jobs JobsAPI
	// JobsFor, when set, returns the Jobs client for a cross-account
	// target's role; default: Jobs for every target.
	JobsFor func(ctx context.Context, roleARN string) (JobsAPI, error)
	// Validators run on every restored resource after the built-in ones.
	Validators []restore.Validator
	// Remediator handles remediation events. Required for remediation.
	Remediator *backup.Remediator
	// Store and Bucket keep records and reports; Prefix defaults to
	// DefaultReportPrefix.
	Store  Store
	Bucket string
	Prefix string
	// MaxWait bounds a restore's poll loop and the wait for a restored
	// resource to be ready. Default 6h.
	MaxWait time.Duration
	// RetryDelays are the delays of the validate and cleanup loops, in
	// order; the last one repeats. Default 10s doubling to 120s (the
	// automation package's Poll.Delays gives such a list).
	RetryDelays []time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Logger receives step logs. Default: discard.
	Logger *slog.Logger
}

// Handler runs the Lambda steps of the drill, sweep and remediation
// workflows. Each step calls the restore package (or the backup package's
// Remediator), so a drill on Step Functions follows exactly the rules of
// restore.Client.Run and produces the same restore.Report.
type Handler struct {
	opts Options
}

// New returns a Handler.
func New(optFns ...func(*Options)) *Handler {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultReportPrefix
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 6 * time.Hour
	}
	if len(o.RetryDelays) == 0 {
		o.RetryDelays = []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 120 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{opts: o}
}

// JobsAPI is the part of the AWS Backup client the "job" step uses.
type JobsAPI interface {
	DescribeBackupJob(context.Context, *awsbackup.DescribeBackupJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeBackupJobOutput, error)
	DescribeRestoreJob(context.Context, *awsbackup.DescribeRestoreJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeRestoreJobOutput, error)
	DescribeCopyJob(context.Context, *awsbackup.DescribeCopyJobInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeCopyJobOutput, error)
}

var _ JobsAPI = (*awsbackup.Client)(nil)

// invocation is a Lambda step's payload.
type invocation struct {
	Step    string          `json:"step"`
	DrillID string          `json:"drillId,omitempty"`
	JobType string          `json:"jobType,omitempty"`
	JobID   string          `json:"jobId,omitempty"`
	Item    json.RawMessage `json:"item"`
}

// StepError is a failed step. Name is the error name Step Functions sees
// (the Lambda error type): ErrorTargetFailed for a step that ended its
// target, "backupkit.StepFailed" for one worth retrying.
type StepError struct {
	Step string
	Name string
	Err  error
}

func (e *StepError) Error() string { return e.Err.Error() }
func (e *StepError) Unwrap() error { return e.Err }

// Invoke runs one step. payload is {"step", "item", …} from a workflow, or
// a raw AWS Backup EventBridge event (remediation without a workflow).
func (h *Handler) Invoke(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	var inv invocation
	if err := json.Unmarshal(payload, &inv); err != nil {
		return nil, &StepError{Name: "backupkit.BadPayload", Err: fmt.Errorf("payload is not JSON: %w", err)}
	}
	if inv.Step == "" {
		var probe struct {
			Source string `json:"source"`
		}
		if json.Unmarshal(payload, &probe) == nil && probe.Source != "" {
			inv.Step, inv.Item = StepRemediate, payload
		}
	}
	out, err := h.step(ctx, inv)
	if err != nil {
		var se *StepError
		if errors.As(err, &se) && se.Name == ErrorJobRunning {
			h.opts.Logger.DebugContext(ctx, "job running", "step", inv.Step, "job", inv.JobID)
			return nil, se
		}
		name := "backupkit.StepFailed"
		if errors.Is(err, restore.ErrTargetFailed) {
			name = ErrorTargetFailed
		}
		h.opts.Logger.WarnContext(ctx, "step failed", "step", inv.Step, "error", err)
		return nil, &StepError{Step: inv.Step, Name: name, Err: err}
	}
	return json.Marshal(out)
}

func (h *Handler) step(ctx context.Context, inv invocation) (any, error) {
	decodeItem := func() (*Item, error) {
		var it Item
		if err := json.Unmarshal(inv.Item, &it); err != nil {
			return nil, fmt.Errorf("step %s: item: %w", inv.Step, err)
		}
		return &it, nil
	}
	switch inv.Step {
	case StepPlan:
		var in DrillInput
		if err := json.Unmarshal(inv.Item, &in); err != nil {
			return nil, fmt.Errorf("drill input: %w", err)
		}
		return h.plan(ctx, inv.DrillID, &in)
	case StepPrepare, StepBackedUp, StepRestoreInput, StepValidate, StepCleanup:
		it, err := decodeItem()
		if err != nil {
			return nil, err
		}
		rc, err := h.restoreFor(ctx, it)
		if err != nil {
			return nil, err
		}
		switch inv.Step {
		case StepPrepare:
			err = h.prepare(ctx, rc, it)
		case StepBackedUp:
			err = h.backedUp(ctx, rc, it)
		case StepRestoreInput:
			err = h.restoreInput(ctx, rc, it)
		case StepValidate:
			err = h.validate(ctx, rc, it)
		default:
			err = h.cleanup(ctx, rc, it)
		}
		return it, err
	case StepJob:
		return h.job(ctx, inv)
	case StepUnfinished:
		return h.unfinished(ctx, inv.Item)
	case StepReport:
		return h.report(ctx, inv.Item)
	case StepRemediate:
		if h.opts.Remediator == nil {
			return nil, errors.New("remediation is not configured (Options.Remediator)")
		}
		res, err := h.opts.Remediator.Handle(ctx, inv.Item)
		if err != nil {
			return nil, err
		}
		return map[string]any{"event": inv.Item, "result": res}, nil
	}
	return nil, fmt.Errorf("unknown step %q (want %s)", inv.Step,
		strings.Join([]string{StepPlan, StepPrepare, StepBackedUp, StepRestoreInput, StepJob, StepValidate, StepCleanup, StepUnfinished, StepReport, StepRemediate}, ", "))
}

func (h *Handler) client() (*restore.Client, error) {
	if h.opts.Restore == nil {
		return nil, errors.New("drills are not configured (Options.Restore)")
	}
	return h.opts.Restore, nil
}

func (h *Handler) restoreFor(ctx context.Context, it *Item) (*restore.Client, error) {
	if it.State.RoleARN != "" && h.opts.RestoreFor != nil {
		return h.opts.RestoreFor(ctx, it.State.RoleARN)
	}
	return h.client()
}

func (h *Handler) drill(ds *DrillState) *restore.Drill {
	d := ds.drill()
	d.Validators = h.opts.Validators
	return d
}

// itemDrill is the drill as one item's steps run it: with the target's
// own job role, when it has one.
func (h *Handler) itemDrill(it *Item) *restore.Drill {
	d := h.drill(&it.Drill)
	if it.State.IAMRoleARN != "" {
		d.IAMRoleARN = it.State.IAMRoleARN
	}
	return d
}

// Keys of a drill's records in the report bucket.
func (h *Handler) key(ds *DrillState, name string) string { return ds.Prefix + ds.ID + "/" + name }
func targetKey(ds *DrillState, i int, name string) string {
	return fmt.Sprintf("%s%s/targets/%06d/%s", ds.Prefix, ds.ID, i, name)
}

// plannedItem is one line of items.json (and of sweep.json).
type plannedItem struct {
	Target restore.TargetStep `json:"target"`
	State  ItemState          `json:"state"`
}

type fileRef struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Prefix string `json:"prefix"`
	Count  int    `json:"count"`
}

type planOutput struct {
	Drill DrillState `json:"drill"`
	Items fileRef    `json:"items"`
}

func (h *Handler) plan(ctx context.Context, id string, in *DrillInput) (*planOutput, error) {
	rc, err := h.client()
	if err != nil {
		return nil, err
	}
	if h.opts.Store == nil || h.opts.Bucket == "" {
		return nil, errors.New("no report bucket (Options.Store and Bucket; the function's " + EnvReportBucket + ")")
	}
	if id == "" {
		return nil, errors.New("no drill id (the execution's name)")
	}
	d, start, steps, err := rc.PlanSteps(ctx, in.Drill(id))
	if err != nil {
		return nil, err
	}
	ds := DrillState{ID: d.ID, Input: *in, StartedAt: start, Bucket: h.opts.Bucket, Prefix: h.opts.Prefix}
	roles := map[string]TargetInput{}
	for _, t := range in.Targets {
		roles[t.ResourceARN] = t
	}
	items := make([]plannedItem, len(steps))
	for i, s := range steps {
		t := roles[s.ResourceARN]
		items[i] = plannedItem{Target: s, State: ItemState{RoleARN: t.RoleARN, IAMRoleARN: t.IAMRoleARN}}
	}
	if err := h.put(ctx, h.key(&ds, "items.json"), items); err != nil {
		return nil, err
	}
	if err := h.put(ctx, h.key(&ds, "plan.json"), ds); err != nil {
		return nil, err
	}
	h.opts.Logger.InfoContext(ctx, "drill planned", "drill", d.ID, "targets", len(steps))
	return &planOutput{Drill: ds, Items: fileRef{Bucket: h.opts.Bucket, Key: h.key(&ds, "items.json"), Prefix: h.key(&ds, ""), Count: len(items)}}, nil
}

func (h *Handler) prepare(ctx context.Context, rc *restore.Client, it *Item) error {
	in, err := rc.StepPrepare(ctx, h.itemDrill(it), it.Drill.StartedAt, &it.Target)
	if err != nil {
		return err
	}
	it.State.StartBackup = nil
	if in != nil {
		it.State.StartBackup = params(in)
		it.State.Deadline = h.opts.Now().Add(h.opts.MaxWait).UTC().Format(time.RFC3339)
	}
	return nil
}

func (h *Handler) backedUp(ctx context.Context, rc *restore.Client, it *Item) error {
	if it.BackupJob == nil || it.BackupJob.BackupJobId == "" {
		return errors.New("no backup job id in the item ($.backupJob.BackupJobId)")
	}
	return rc.StepBackedUp(ctx, h.itemDrill(it), it.Drill.StartedAt, &it.Target, it.BackupJob.BackupJobId)
}

func (h *Handler) restoreInput(ctx context.Context, rc *restore.Client, it *Item) error {
	var base map[string]string
	if it.RestoreMetadata != nil {
		base = it.RestoreMetadata.RestoreMetadata
	}
	in, err := rc.StepRestoreInput(ctx, h.itemDrill(it), it.Drill.StartedAt, &it.Target, base)
	if err != nil {
		return err
	}
	it.State.StartRestore = params(in)
	it.State.Deadline = h.opts.Now().Add(h.opts.MaxWait).UTC().Format(time.RFC3339)
	// The intent is recorded before the start: a sweep after a stopped
	// execution re-sends exactly this request to learn the job.
	return h.put(ctx, targetKey(&it.Drill, it.Target.Index, "intent.json"), plannedItem{Target: it.Target, State: it.State})
}

func (h *Handler) validate(ctx context.Context, rc *restore.Client, it *Item) error {
	if it.RestoreJob == nil || it.RestoreJob.RestoreJobId == "" {
		return errors.New("no restore job id in the item ($.restoreJob.RestoreJobId)")
	}
	put, err := rc.StepValidate(ctx, h.itemDrill(it), it.Drill.StartedAt, &it.Target, it.RestoreJob.RestoreJobId)
	if err != nil {
		return err
	}
	it.State.PutValidation = nil
	if put == nil {
		h.again(it)
		return nil
	}
	it.State.Attempt, it.State.RetryDelaySeconds = 0, 0
	it.State.PutValidation = params(put)
	return nil
}

// again sets the delay before the next call of a validate or cleanup loop.
func (h *Handler) again(it *Item) {
	delays := h.opts.RetryDelays
	it.State.RetryDelaySeconds = waitSeconds(delays[min(it.State.Attempt, len(delays)-1)])
	it.State.Attempt++
}

func (h *Handler) cleanup(ctx context.Context, rc *restore.Client, it *Item) error {
	d := h.itemDrill(it)
	if it.RestoreJob != nil && it.Target.RestoreJobID == "" {
		it.Target.RestoreJobID = it.RestoreJob.RestoreJobId
	}
	var failure error
	var pending *awsbackup.StartRestoreJobInput
	if e := it.Error; e != nil {
		failure = e.err()
		if it.Target.RestoreJobID == "" && it.State.StartRestore != nil && e.ambiguous() {
			pending = startRestoreInput(it.State.StartRestore)
		}
	} else if it.Target.RestoreJobID == "" && it.State.StartRestore != nil {
		// A sweep: the execution stopped after recording the intent.
		pending = startRestoreInput(it.State.StartRestore)
	}
	if e := it.ReportError; e != nil && !slices.Contains(it.Target.Result.Notes, "PutRestoreValidationResult: "+e.err().Error()) {
		it.Target.Result.Notes = append(it.Target.Result.Notes, "PutRestoreValidationResult: "+e.err().Error())
	}
	it.Error, it.ReportError = nil, nil
	done, err := rc.StepCleanup(ctx, d, it.Drill.StartedAt, &it.Target, failure, pending)
	if err != nil {
		return err
	}
	it.State.Done = done
	if !done {
		h.again(it)
		return nil
	}
	return h.put(ctx, targetKey(&it.Drill, it.Target.Index, "result.json"), it.Target.Result)
}

// jobOutput is what the "job" step returns once the job has ended.
type jobOutput struct {
	Status        string `json:"Status"`
	StatusMessage string `json:"StatusMessage,omitempty"`
}

// job describes the payload's job once: ErrorJobRunning while it runs
// (the poll state's Retry waits and calls again), ErrorTargetFailed once
// the item's deadline has passed, and its final state otherwise.
func (h *Handler) job(ctx context.Context, inv invocation) (*jobOutput, error) {
	if inv.JobID == "" {
		return nil, fmt.Errorf("step %s: no jobId", StepJob)
	}
	var it Item
	if len(inv.Item) > 0 {
		_ = json.Unmarshal(inv.Item, &it) // only its role and deadline matter; a remediation item has neither
	}
	api := h.opts.Jobs
	if it.State.RoleARN != "" && h.opts.JobsFor != nil {
		var err error
		if api, err = h.opts.JobsFor(ctx, it.State.RoleARN); err != nil {
			return nil, err
		}
	}
	if api == nil {
		return nil, errors.New("job polls are not configured (Options.Jobs)")
	}
	var state, msg string
	var ended bool
	id := aws.String(inv.JobID)
	switch inv.JobType {
	case JobTypeBackup:
		out, err := api.DescribeBackupJob(ctx, &awsbackup.DescribeBackupJobInput{BackupJobId: id})
		if err != nil {
			return nil, fmt.Errorf("describe backup job %s: %w", inv.JobID, err)
		}
		state, msg = string(out.State), aws.ToString(out.StatusMessage)
		ended = state == "COMPLETED" || backup.JobStateFailed(out.State)
	case JobTypeRestore:
		out, err := api.DescribeRestoreJob(ctx, &awsbackup.DescribeRestoreJobInput{RestoreJobId: id})
		if err != nil {
			return nil, fmt.Errorf("describe restore job %s: %w", inv.JobID, err)
		}
		state, msg = string(out.Status), aws.ToString(out.StatusMessage)
		ended = state == "COMPLETED" || state == "FAILED" || state == "ABORTED"
	case JobTypeCopy:
		out, err := api.DescribeCopyJob(ctx, &awsbackup.DescribeCopyJobInput{CopyJobId: id})
		if err != nil {
			return nil, fmt.Errorf("describe copy job %s: %w", inv.JobID, err)
		}
		if out.CopyJob == nil {
			return nil, fmt.Errorf("describe copy job %s: no job in the answer", inv.JobID)
		}
		state, msg = string(out.CopyJob.State), aws.ToString(out.CopyJob.StatusMessage)
		ended = state == "COMPLETED" || backup.CopyJobStateFailed(out.CopyJob.State)
	default:
		return nil, fmt.Errorf("step %s: jobType is %q; want %s, %s or %s", StepJob, inv.JobType, JobTypeBackup, JobTypeRestore, JobTypeCopy)
	}
	if ended {
		return &jobOutput{Status: state, StatusMessage: msg}, nil
	}
	if it.State.Deadline != "" {
		if dl, err := time.Parse(time.RFC3339, it.State.Deadline); err == nil && h.opts.Now().After(dl) {
			return nil, &targetEnded{fmt.Errorf("wait for %s job %s (last state %q): %w", strings.ToLower(inv.JobType), inv.JobID, state, backup.ErrWaitTimeout)}
		}
	}
	return nil, &StepError{Step: StepJob, Name: ErrorJobRunning, Err: fmt.Errorf("%s job %s is %s", strings.ToLower(inv.JobType), inv.JobID, state)}
}

// targetEnded ends a target from the function's own steps (not the
// restore package's).
type targetEnded struct{ err error }

func (e *targetEnded) Error() string   { return e.err.Error() }
func (e *targetEnded) Unwrap() []error { return []error{e.err, restore.ErrTargetFailed} }

// sweepOutput is what "Find unfinished targets" returns.
type sweepOutput struct {
	Drill    DrillState `json:"drill"`
	Items    fileRef    `json:"items"`
	Sweep    fileRef    `json:"sweep"`
	Canceled bool       `json:"canceled,omitempty"`
	Status   string     `json:"status,omitempty"`
}

// drillOf reads the drill a sweep or report step is about: the drill
// workflow passes its data ({"drill": …}); the sweep workflow gets the
// EventBridge "Step Functions Execution Status Change" event of the
// stopped execution, whose name is the drill id.
func (h *Handler) drillOf(ctx context.Context, raw json.RawMessage) (*DrillState, string, error) {
	var probe struct {
		Drill  *DrillState `json:"drill"`
		Status string      `json:"status"`
		Detail *struct {
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"detail"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, "", err
	}
	if probe.Drill != nil && probe.Drill.ID != "" {
		return probe.Drill, probe.Status, nil
	}
	if probe.Detail == nil || probe.Detail.Name == "" {
		return nil, "", errors.New("neither drill data nor a Step Functions execution status change event")
	}
	ds := DrillState{ID: probe.Detail.Name, Bucket: h.opts.Bucket, Prefix: h.opts.Prefix}
	if err := h.get(ctx, h.key(&ds, "plan.json"), &ds); err != nil {
		return nil, "", fmt.Errorf("drill %s: %w", probe.Detail.Name, err)
	}
	return &ds, probe.Detail.Status, nil
}

func (h *Handler) unfinished(ctx context.Context, raw json.RawMessage) (*sweepOutput, error) {
	ds, status, err := h.drillOf(ctx, raw)
	if err != nil {
		return nil, err
	}
	records, err := h.list(ctx, ds.Prefix+ds.ID+"/targets/")
	if err != nil {
		return nil, err
	}
	var pending []plannedItem
	for _, key := range records {
		if !strings.HasSuffix(key, "/intent.json") || slices.Contains(records, strings.TrimSuffix(key, "intent.json")+"result.json") {
			continue
		}
		var it plannedItem
		if err := h.get(ctx, key, &it); err != nil {
			return nil, err
		}
		pending = append(pending, it)
	}
	if pending == nil {
		pending = []plannedItem{}
	}
	if err := h.put(ctx, h.key(ds, "sweep.json"), pending); err != nil {
		return nil, err
	}
	h.opts.Logger.InfoContext(ctx, "unfinished targets", "drill", ds.ID, "count", len(pending), "status", status)
	return &sweepOutput{Drill: *ds, Status: status, Canceled: status != "",
		Items: fileRef{Bucket: ds.Bucket, Key: h.key(ds, "items.json"), Prefix: h.key(ds, ""), Count: -1},
		Sweep: fileRef{Bucket: ds.Bucket, Key: h.key(ds, "sweep.json"), Prefix: h.key(ds, ""), Count: len(pending)}}, nil
}

// Summary is what "Publish summary" sends to SNS.
type Summary struct {
	Subject string `json:"subject"`
	Message string `json:"message"`
	// ReportKeys are the report's objects in the report bucket.
	ReportKeys []string `json:"reportKeys"`
	Passed     bool     `json:"passed"`
}

func (h *Handler) report(ctx context.Context, raw json.RawMessage) (map[string]any, error) {
	rc, err := h.client()
	if err != nil {
		return nil, err
	}
	var probe struct {
		Canceled bool   `json:"canceled"`
		Status   string `json:"status"`
	}
	_ = json.Unmarshal(raw, &probe)
	ds, _, err := h.drillOf(ctx, raw)
	if err != nil {
		return nil, err
	}
	var items []plannedItem
	if err := h.get(ctx, h.key(ds, "items.json"), &items); err != nil {
		return nil, err
	}
	results := make([]restore.TargetResult, len(items))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	var mu sync.Mutex
	for i, it := range items {
		g.Go(func() error {
			var res restore.TargetResult
			err := h.get(gctx, targetKey(ds, it.Target.Index, "result.json"), &res)
			if errors.Is(err, errNoObject) {
				why := errors.New("the drill execution ended before this target finished")
				if probe.Status != "" {
					why = fmt.Errorf("the drill execution ended %s before this target finished", probe.Status)
				}
				step := it.Target
				res = rc.StepNotStarted(h.drill(ds), ds.StartedAt, &step, why)
				err = nil
			}
			mu.Lock()
			results[i] = res
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	rep := rc.StepReport(h.drill(ds), ds.StartedAt, results, probe.Canceled)
	var keys []string
	for _, f := range []struct {
		name  string
		write func(io.Writer) error
		ctype string
	}{
		{"report.json", rep.WriteJSON, "application/json"},
		{"report.xml", rep.WriteJUnit, "application/xml"},
		{"report.md", rep.WriteMarkdown, "text/markdown"},
		{"report.html", rep.WriteHTML, "text/html"},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			return nil, fmt.Errorf("render %s: %w", f.name, err)
		}
		key := h.key(ds, f.name)
		if _, err := h.opts.Store.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(ds.Bucket), Key: aws.String(key), Body: bytes.NewReader(b.Bytes()), ContentType: aws.String(f.ctype)}); err != nil {
			return nil, fmt.Errorf("write %s: %w", key, err)
		}
		keys = append(keys, key)
	}
	verdict := "PASSED"
	if !rep.Passed {
		verdict = "FAILED"
	}
	subject := fmt.Sprintf("backupkit drill %s: %s, %d/%d passed", rep.DrillID, verdict, rep.Summary.Passed, rep.Summary.Targets)
	if len(subject) > 100 { // SNS subject limit
		subject = subject[:100]
	}
	var md bytes.Buffer
	_ = rep.WriteMarkdown(&md)
	msg := md.String()
	const maxMessage = 200 * 1024 // SNS allows 256 KiB
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "\n…(truncated; the full report is in S3)\n"
	}
	msg += fmt.Sprintf("\nReports: s3://%s/%s\n", ds.Bucket, h.key(ds, "report.{json,xml,md,html}"))
	return map[string]any{"drill": ds, "summary": Summary{Subject: subject, Message: msg, ReportKeys: keys, Passed: rep.Passed}}, nil
}

var errNoObject = errors.New("no such object")

func (h *Handler) put(ctx context.Context, key string, v any) error {
	if h.opts.Store == nil {
		return errors.New("no report store (Options.Store)")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := h.opts.Store.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(h.bucket()), Key: aws.String(key), Body: bytes.NewReader(b), ContentType: aws.String("application/json")}); err != nil {
		return fmt.Errorf("write s3://%s/%s: %w", h.bucket(), key, err)
	}
	return nil
}

func (h *Handler) bucket() string { return h.opts.Bucket }

func (h *Handler) get(ctx context.Context, key string, v any) error {
	if h.opts.Store == nil {
		return errors.New("no report store (Options.Store)")
	}
	out, err := h.opts.Store.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(h.bucket()), Key: aws.String(key)})
	if err != nil {
		if apiErrorCode(err) == "NoSuchKey" {
			return fmt.Errorf("s3://%s/%s: %w", h.bucket(), key, errNoObject)
		}
		return fmt.Errorf("read s3://%s/%s: %w", h.bucket(), key, err)
	}
	defer out.Body.Close()
	if err := json.NewDecoder(out.Body).Decode(v); err != nil {
		return fmt.Errorf("read s3://%s/%s: %w", h.bucket(), key, err)
	}
	return nil
}

func (h *Handler) list(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	in := &s3.ListObjectsV2Input{Bucket: aws.String(h.bucket()), Prefix: aws.String(prefix)}
	for {
		out, err := h.opts.Store.ListObjectsV2(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", h.bucket(), prefix, err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		if !aws.ToBool(out.IsTruncated) {
			return keys, nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// params renders an SDK input struct as the Parameters a Step Functions
// AWS SDK Task sends: PascalCase members, unset ones left out.
func params(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // SDK input structs always marshal
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err) // a JSON object always unmarshals into a map
	}
	for k, x := range m {
		if x == nil || x == "" {
			delete(m, k)
		}
	}
	return m
}

func startRestoreInput(p map[string]any) *awsbackup.StartRestoreJobInput {
	b, _ := json.Marshal(p)
	var in awsbackup.StartRestoreJobInput
	_ = json.Unmarshal(b, &in)
	return &in
}
