package automation

import (
	"errors"
	"fmt"

	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
)

// Placeholders in rendered definitions. CloudFormation fills them through
// the state machine's DefinitionSubstitutions; set Options to render
// concrete ARNs instead.
const (
	FunctionARNPlaceholder = "${FunctionArn}"
	TopicARNPlaceholder    = "${TopicArn}"
)

// Defaults of Options.
const (
	DefaultMaxConcurrency             = 10
	DefaultToleratedFailurePercentage = 10
)

// Options shape the rendered workflows. They are fixed when the state
// machines are deployed; what to drill is each execution's input
// (DrillInput).
type Options struct {
	// Partition of the integration ARNs. Default "aws".
	Partition string
	// FunctionARN is the backupkit Lambda function. Default
	// FunctionARNPlaceholder.
	FunctionARN string
	// TopicARN receives drill summaries and remediation outcomes. Default
	// TopicARNPlaceholder.
	TopicARN string
	// MaxConcurrency bounds the targets drilled at once (the Distributed
	// Map's child executions): 1–10,000. Default 10.
	MaxConcurrency int
	// ToleratedFailurePercentage is the share (0–100) of workflow items
	// that may fail before the Map stops. A target whose restore or
	// validation fails does not fail its item (the failure is in its
	// report entry); items fail only when the workflow's own steps keep
	// failing. Default 10; nil-like zero means 0 only with
	// NoToleratedFailures.
	ToleratedFailurePercentage int
	// NoToleratedFailures renders ToleratedFailurePercentage 0.
	NoToleratedFailures bool
	// Poll sets the retry delays of job polls. Default 5s–120s, like
	// the backup package's waiters.
	Poll Poll
	// CrossAccount makes every AWS Backup call of a drill item run with
	// Credentials {"RoleArn.$": "$.state.roleArn"}, so one workflow
	// drills targets in many accounts; each target then needs a roleArn.
	CrossAccount bool
	// ThrottleRetries is how often an AWS Backup call is retried on
	// throttling or service unavailability (with jittered backoff from
	// 2s, capped at 60s). Default 6.
	ThrottleRetries int
}

func (o Options) withDefaults() Options {
	if o.Partition == "" {
		o.Partition = "aws"
	}
	if o.FunctionARN == "" {
		o.FunctionARN = FunctionARNPlaceholder
	}
	if o.TopicARN == "" {
		o.TopicARN = TopicARNPlaceholder
	}
	if o.MaxConcurrency == 0 {
		o.MaxConcurrency = DefaultMaxConcurrency
	}
	if o.ToleratedFailurePercentage == 0 && !o.NoToleratedFailures {
		o.ToleratedFailurePercentage = DefaultToleratedFailurePercentage
	}
	if o.ThrottleRetries == 0 {
		o.ThrottleRetries = 6
	}
	o.Poll = o.Poll.withDefaults()
	return o
}

// Check reports every setting Step Functions would refuse, naming the
// field, before anything is rendered.
func (o Options) Check() error {
	o = o.withDefaults()
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, &backup.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if o.MaxConcurrency < 1 || o.MaxConcurrency > asl.MaxConcurrency {
		fail("MaxConcurrency", "is %d; want 1–%d (Distributed Map child executions)", o.MaxConcurrency, asl.MaxConcurrency)
	}
	if o.ToleratedFailurePercentage < 0 || o.ToleratedFailurePercentage > 100 {
		fail("ToleratedFailurePercentage", "is %d; want 0–100", o.ToleratedFailurePercentage)
	}
	if o.ThrottleRetries < 0 || o.ThrottleRetries > asl.MaxRetryAttempts {
		fail("ThrottleRetries", "is %d; want 0–%d", o.ThrottleRetries, asl.MaxRetryAttempts)
	}
	errs = append(errs, o.Poll.check("Poll")...)
	return errors.Join(errs...)
}

// State names the tests and the interpreter harness refer to.
const (
	StatePlan            = "Plan drill"
	StateDrillTargets    = "Drill targets"
	StatePrepare         = "Prepare target"
	StateFreshBackup     = "Fresh backup?"
	StateStartBackup     = "Start backup job"
	StateBackupJob       = "Wait for backup job"
	StateRecordBackup    = "Record backup"
	StateGetMetadata     = "Get restore metadata"
	StateRestoreInput    = "Prepare restore"
	StateStartRestore    = "Start restore job"
	StateRestoreJob      = "Wait for restore job"
	StateValidate        = "Validate restore"
	StateValidated       = "Validation done?"
	StateValidateWait    = "Wait for validation"
	StateReportResult    = "Report validation result"
	StateCleanup         = "Clean up"
	StateCleaned         = "Cleanup done?"
	StateCleanupWait     = "Wait for cleanup"
	StateTargetDone      = "Target done"
	StateFindUnfinished  = "Find unfinished targets"
	StateSweepTargets    = "Clean up unfinished targets"
	StateSweep           = "Sweep target"
	StateSwept           = "Sweep done?"
	StateSweepWait       = "Wait to sweep"
	StateSweepDone       = "Target swept"
	StateReport          = "Write reports"
	StatePublish         = "Publish summary"
	StatePlanFailed      = "Drill not planned"
	StateRemediate       = "Remediate"
	StateRestarted       = "Restarted?"
	StateRestartedBackup = "Wait for restarted backup job"
	StateRestartedCopy   = "Wait for restarted copy job"
	StateNothingToFollow = "Nothing to follow"
	StatePublishOutcome  = "Publish remediation outcome"
)

func (o Options) arn(service string) string {
	return fmt.Sprintf("arn:%s:states:::%s", o.Partition, service)
}

// lambdaRetry retries the Lambda service's transient errors and, because
// every step is idempotent, a failed step twice — but not a step that
// ended its target.
func lambdaRetry() []asl.Retrier {
	return []asl.Retrier{
		{ErrorEquals: []string{function.ErrorTargetFailed}, MaxAttempts: asl.Attempts(0)},
		{ErrorEquals: []string{"Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"},
			IntervalSeconds: 2, MaxAttempts: asl.Attempts(6), BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL"},
		{ErrorEquals: []string{asl.ErrorTaskFailed}, IntervalSeconds: 2, MaxAttempts: asl.Attempts(2), BackoffRate: 2},
	}
}

// backupRetry retries throttling and unavailability with jittered
// backoff, and any other task failure twice: every AWS Backup call the
// workflows make is a read or carries an idempotency token.
func (o Options) backupRetry() []asl.Retrier {
	return []asl.Retrier{
		{ErrorEquals: []string{"Backup.ThrottlingException", "Backup.ServiceUnavailableException", "Backup.LimitExceededException"},
			IntervalSeconds: 2, MaxAttempts: asl.Attempts(o.ThrottleRetries), BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL"},
		{ErrorEquals: []string{asl.ErrorTaskFailed}, IntervalSeconds: 2, MaxAttempts: asl.Attempts(2), BackoffRate: 2},
	}
}

// lambda is a Lambda step: the payload is {"step", "item": the state's
// data}, and the function returns the new data.
func (o Options) lambda(step, next string, extra map[string]any) *asl.Task {
	payload := map[string]any{"step": step, "item.$": "$"}
	for k, v := range extra {
		payload[k] = v
	}
	return &asl.Task{
		Resource:   o.arn("lambda:invoke"),
		Parameters: map[string]any{"FunctionName": o.FunctionARN, "Payload": payload},
		OutputPath: "$.Payload",
		Retry:      lambdaRetry(),
		Next:       next,
	}
}

// sdk is an AWS Backup call through the AWS SDK integration.
func (o Options) sdk(action string, item bool) asl.Task {
	t := asl.Task{Resource: o.arn("aws-sdk:backup:" + action), Retry: o.backupRetry()}
	if item && o.CrossAccount {
		t.Credentials = &asl.Credentials{RoleARNPath: "$.state.roleArn"}
	}
	return t
}

func catchTo(next, path string) []asl.Catcher {
	return []asl.Catcher{{ErrorEquals: []string{asl.ErrorAll}, Next: next, ResultPath: path}}
}

// DrillMachine returns the drill workflow:
//
//  1. "Plan drill" (Lambda) resolves the execution's targets with the
//     restore package's selection rules and writes them to the report
//     bucket;
//  2. "Drill targets", a DISTRIBUTED Map over that file, runs one child
//     execution per target: optional fresh backup (startBackupJob and a
//     poll), getRecoveryPointRestoreMetadata, "Prepare restore"
//     (Lambda: the restore package's metadata merge and staging name),
//     startRestoreJob and "Wait for restore job" (a poll that costs one
//     state transition per describe: see ErrorJobRunning), "Validate
//     restore" (Lambda: the restore package's validators),
//     putRestoreValidationResult, and "Clean up" (Lambda: the restore
//     package's guarded cleanup, which also writes the target's result).
//     Every failing Task is caught and goes to "Clean up";
//  3. "Find unfinished targets" and "Clean up unfinished targets" sweep
//     any item that did not finish (a failed child execution);
//  4. "Write reports" (Lambda) builds the restore.Report and writes its
//     JSON, JUnit, Markdown and HTML forms to S3; "Publish summary" sends
//     it to SNS.
func DrillMachine(optFns ...func(*Options)) (*asl.StateMachine, error) {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.Check(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	states := map[string]asl.State{}

	plan := o.lambda(function.StepPlan, StateDrillTargets, map[string]any{"drillId.$": "$$.Execution.Name"})
	plan.Catch = catchTo(StatePlanFailed, "$.error")
	states[StatePlan] = plan
	states[StatePlanFailed] = &asl.Fail{Error: "backupkit.DrillNotPlanned", Cause: "the drill's targets could not be resolved; see the execution history"}

	tolerated := o.ToleratedFailurePercentage
	states[StateDrillTargets] = &asl.Map{
		Comment:    "One child execution per target; each ends in its own result file, never in a failed item for a failed restore.",
		Label:      "drill",
		ItemReader: o.itemReader("$.items"),
		ItemSelector: map[string]any{
			"drill.$":  "$.drill",
			"target.$": "$$.Map.Item.Value.target",
			"state.$":  "$$.Map.Item.Value.state",
		},
		ItemProcessor:              o.itemProcessor(),
		MaxConcurrency:             o.MaxConcurrency,
		ToleratedFailurePercentage: &tolerated,
		ResultWriter:               o.resultWriter("map-results"),
		ResultPath:                 "$.mapRun",
		Catch:                      catchTo(StateFindUnfinished, "$.mapError"),
		Next:                       StateFindUnfinished,
	}
	o.addSweep(states)
	return &asl.StateMachine{
		Comment: "backupkit restore drill: restore to staging, validate, clean up, report (generated by backupkit)",
		StartAt: StatePlan,
		States:  states,
	}, nil
}

// SweepMachine returns the workflow that finishes a drill execution that
// was stopped, timed out or failed: started by EventBridge with the
// "Step Functions Execution Status Change" event, it finds the targets of
// that execution that have no result yet, runs the same guarded cleanup
// for each (re-sending a restore start with its idempotency token to learn
// the job, waiting for it to end, deleting only what it created and what
// carries the drill tag) and writes the cancelled drill's reports.
func SweepMachine(optFns ...func(*Options)) (*asl.StateMachine, error) {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.Check(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	states := map[string]asl.State{}
	o.addSweep(states)
	return &asl.StateMachine{
		Comment: "backupkit drill sweep: clean up after a stopped drill execution (generated by backupkit)",
		StartAt: StateFindUnfinished,
		States:  states,
	}, nil
}

func (o Options) itemReader(path string) *asl.ItemReader {
	return &asl.ItemReader{
		Resource:     o.arn("s3:getObject"),
		ReaderConfig: map[string]any{"InputType": "JSON"},
		Parameters:   map[string]any{"Bucket.$": path + ".bucket", "Key.$": path + ".key"},
	}
}

func (o Options) resultWriter(name string) *asl.ResultWriter {
	return &asl.ResultWriter{
		Resource:   o.arn("s3:putObject"),
		Parameters: map[string]any{"Bucket.$": "$.items.bucket", "Prefix.$": "States.Format('{}" + name + "', $.items.prefix)"},
	}
}

// addSweep adds the states from "Find unfinished targets" to the end.
func (o Options) addSweep(states map[string]asl.State) {
	states[StateFindUnfinished] = o.lambda(function.StepUnfinished, StateSweepTargets, nil)
	sweep := map[string]asl.State{}
	o.stepLoop(sweep, function.StepCleanup, StateSweep, StateSwept, StateSweepWait, asl.IsTrue("$.state.done"), StateSweepDone)
	sweep[StateSweepDone] = &asl.Succeed{}
	states[StateSweepTargets] = &asl.Map{
		Comment:    "Targets with a recorded start and no result: the same guarded cleanup as a finished target.",
		Label:      "sweep",
		ItemReader: o.itemReader("$.sweep"),
		ItemSelector: map[string]any{
			"drill.$":  "$.drill",
			"target.$": "$$.Map.Item.Value.target",
			"state.$":  "$$.Map.Item.Value.state",
		},
		ItemProcessor:  &asl.Processor{Mode: "DISTRIBUTED", ExecutionType: "STANDARD", StartAt: StateSweep, States: sweep},
		MaxConcurrency: o.MaxConcurrency,
		ResultWriter:   o.resultWriter("sweep-results"),
		ResultPath:     "$.sweepRun",
		Catch:          catchTo(StateReport, "$.sweepError"),
		Next:           StateReport,
	}
	states[StateReport] = o.lambda(function.StepReport, StatePublish, nil)
	states[StatePublish] = o.publish("$.summary.subject", "$.summary.message")
}

// publish is the last state of a workflow: an SNS publish to TopicARN of
// the subject and message at those paths (JSONPaths or intrinsic
// functions), retried on SNS's transient errors.
func (o Options) publish(subject, message string) *asl.Task {
	return &asl.Task{
		Resource:   o.arn("sns:publish"),
		Parameters: map[string]any{"TopicArn": o.TopicARN, "Subject.$": subject, "Message.$": message},
		Retry:      []asl.Retrier{{ErrorEquals: []string{"SNS.ThrottledException", "SNS.InternalErrorException", asl.ErrorTaskFailed}, IntervalSeconds: 2, MaxAttempts: asl.Attempts(4), BackoffRate: 2, JitterStrategy: "FULL"}},
		ResultPath: asl.Discard,
		End:        true,
	}
}

// stepLoop adds a Lambda step that runs until done holds: the step
// (named name) goes to the Choice check, which leads to next when done
// holds and otherwise to the Wait wait, which pauses
// $.state.retryDelaySeconds (set by the step) and runs the step again.
// It returns the step, for its Catch.
func (o Options) stepLoop(states map[string]asl.State, step, name, check, wait string, done asl.Condition, next string) *asl.Task {
	t := o.lambda(step, check, nil)
	states[name] = t
	states[check] = &asl.Choice{Choices: []asl.ChoiceRule{{Condition: done, Next: next}}, Default: wait}
	states[wait] = &asl.Wait{SecondsPath: "$.state.retryDelaySeconds", Next: name}
	return t
}

// backupCall is an AWS Backup call of a drill item (with the item's
// Credentials when CrossAccount) whose failure, after backupRetry, goes
// to "Clean up" with the error at errorPath.
func (o Options) backupCall(action, next, errorPath string) *asl.Task {
	t := o.sdk(action, true)
	t.Catch = catchTo(StateCleanup, errorPath)
	t.Next = next
	return &t
}

// itemProcessor is one target's child workflow.
func (o Options) itemProcessor() *asl.Processor {
	s := map[string]asl.State{}
	prepare := o.lambda(function.StepPrepare, StateFreshBackup, nil)
	prepare.Catch = catchTo(StateCleanup, "$.error")
	s[StatePrepare] = prepare
	s[StateFreshBackup] = &asl.Choice{
		Choices: []asl.ChoiceRule{{Condition: asl.Present("$.state.startBackup"), Next: StateStartBackup}},
		Default: StateGetMetadata,
	}

	// Fresh backup: start, then poll the job (one transition per cycle).
	start := o.backupCall("startBackupJob", StateBackupJob, "$.error")
	start.InputPath = "$.state.startBackup"
	start.ResultSelector = map[string]any{"BackupJobId.$": "$.BackupJobId"}
	start.ResultPath = "$.backupJob"
	s[StateStartBackup] = start
	s[StateBackupJob] = o.pollJob(function.JobTypeBackup, "$.backupJob.BackupJobId", "$.job", StateRecordBackup, StateCleanup)
	record := o.lambda(function.StepBackedUp, StateGetMetadata, nil)
	record.Catch = catchTo(StateCleanup, "$.error")
	s[StateRecordBackup] = record

	// Restore: metadata, merge, start, poll the job until it ends. "Validate
	// restore" reads the ended job as restore.Client.Run does: a FAILED or
	// ABORTED job ends the target (function.ErrorTargetFailed, caught by
	// "Clean up") with the same error.
	md := o.backupCall("getRecoveryPointRestoreMetadata", StateRestoreInput, "$.error")
	md.Parameters = map[string]any{"BackupVaultName.$": "$.target.vault", "RecoveryPointArn.$": "$.target.recoveryPointArn"}
	md.ResultSelector = map[string]any{"RestoreMetadata.$": "$.RestoreMetadata"}
	md.ResultPath = "$.restoreMetadata"
	s[StateGetMetadata] = md
	in := o.lambda(function.StepRestoreInput, StateStartRestore, nil)
	in.Catch = catchTo(StateCleanup, "$.error")
	s[StateRestoreInput] = in
	startRestore := o.backupCall("startRestoreJob", StateRestoreJob, "$.error")
	startRestore.InputPath = "$.state.startRestore"
	startRestore.ResultSelector = map[string]any{"RestoreJobId.$": "$.RestoreJobId"}
	startRestore.ResultPath = "$.restoreJob"
	s[StateStartRestore] = startRestore
	s[StateRestoreJob] = o.pollJob(function.JobTypeRestore, "$.restoreJob.RestoreJobId", "$.job", StateValidate, StateCleanup)

	// Validate (until the restored resource is ready), report, clean up
	// (until everything the restore created is gone).
	validate := o.stepLoop(s, function.StepValidate, StateValidate, StateValidated, StateValidateWait, asl.Present("$.state.putValidation"), StateReportResult)
	validate.Catch = catchTo(StateCleanup, "$.error")
	put := o.backupCall("putRestoreValidationResult", StateCleanup, "$.reportError")
	put.InputPath = "$.state.putValidation"
	put.ResultPath = asl.Discard
	s[StateReportResult] = put
	o.stepLoop(s, function.StepCleanup, StateCleanup, StateCleaned, StateCleanupWait, asl.IsTrue("$.state.done"), StateTargetDone)
	s[StateTargetDone] = &asl.Succeed{}
	return &asl.Processor{Mode: "DISTRIBUTED", ExecutionType: "STANDARD", StartAt: StatePrepare, States: s}
}

// RemediateMachine returns the remediation workflow, the target of the
// EventBridge rule on failed backup and copy jobs: "Remediate" runs the
// backup package's Remediator in the Lambda function (idempotent: the
// restarted job's token derives from the failed job, and the remediator
// notifies SNS itself), then, when a job was restarted, a poll (one state
// transition per describe, as in the drill) follows the new job to its end and "Publish remediation outcome" tells
// SNS how it ended — which a Lambda function alone, limited to 15
// minutes, could not wait for.
func RemediateMachine(optFns ...func(*Options)) (*asl.StateMachine, error) {
	o := Options{}
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.Check(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	s := map[string]asl.State{}
	s[StateRemediate] = o.lambda(function.StepRemediate, StateRestarted, nil)
	backupPoll, copyPoll := StateRestartedBackup, StateRestartedCopy
	s[backupPoll] = o.pollJob(function.JobTypeBackup, "$.result.newJobId", "$.job", StatePublishOutcome, StatePublishOutcome)
	s[copyPoll] = o.pollJob(function.JobTypeCopy, "$.result.newJobId", "$.job", StatePublishOutcome, StatePublishOutcome)
	s[StateRestarted] = &asl.Choice{
		Choices: []asl.ChoiceRule{
			{Condition: asl.AllOf(asl.Equals("$.result.action", backup.ActionRestarted), asl.Equals("$.result.jobType", backup.JobTypeBackup)), Next: backupPoll},
			{Condition: asl.AllOf(asl.Equals("$.result.action", backup.ActionRestarted), asl.Equals("$.result.jobType", backup.JobTypeCopy)), Next: copyPoll},
		},
		Default: StateNothingToFollow,
	}
	s[StateNothingToFollow] = &asl.Succeed{Comment: "Ignored or not retryable: the remediator already notified SNS."}
	s[StatePublishOutcome] = o.publish("States.Format('AWS Backup remediation: restarted {} job {}', $.result.jobType, $.result.failedJobId)", "States.JsonToString($)")
	return &asl.StateMachine{
		Comment: "backupkit remediation: restart failed backup and copy jobs, follow the restarted job, notify (generated by backupkit)",
		StartAt: StateRemediate,
		States:  s,
	}, nil
}
