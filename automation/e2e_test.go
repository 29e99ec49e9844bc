package automation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/internal/sfnlocal"
	"github.com/backupkit/backupkit/restore"
)

const (
	testRole   = "arn:aws:iam::123456789012:role/backupkit-drill"
	testVault  = "drill-vault"
	testBucket = "backupkit-reports"
	acct       = "123456789012"
	region     = "us-east-1"
)

// object is a report the drill wrote to the report bucket.
func (w *world) object(t *testing.T, key string) []byte {
	t.Helper()
	b, ok := w.store.Object(testBucket, key)
	require.True(t, ok, "no object %s", key)
	return b
}

// world is one emulator, the report store, the Lambda handler served over
// HTTP, and what was published to SNS.
type world struct {
	srv     *backuptest.Server
	api     *awsbackup.Client
	fakes   *backuptest.Fakes
	store   *sfnlocal.MemStore
	restore *restore.Client
	handler *function.Handler
	// handlerOpts are the options handler was built with.
	handlerOpts func(*function.Options)
	tasks       *sfnlocal.TaskServer

	mu        sync.Mutex
	published []map[string]any
	lambdas   int
}

func newWorld(t *testing.T, emuOpts func(*backuptest.Options)) *world {
	t.Helper()
	var fns []func(*backuptest.Options)
	if emuOpts != nil {
		fns = append(fns, emuOpts)
	}
	srv := backuptest.NewServer(t, fns...)
	api := srv.Client(func(o *awsbackup.Options) {
		o.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.MaxIdleConnsPerHost = 100 })
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 10
			so.MaxBackoff = 5 * time.Millisecond
			so.RateLimiter = ratelimit.None
		})
	})
	w := &world{srv: srv, api: api, fakes: backuptest.NewFakes(srv.Emulator), store: sfnlocal.NewMemStore()}
	w.restore = restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = testRole
		o.Waiter = func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }
		o.DeletePollInterval = time.Millisecond
		o.MaxWait = time.Minute
		o.Services = restore.Services{EC2: w.fakes.EC2, RDS: w.fakes.RDS, DynamoDB: w.fakes.DynamoDB, EFS: w.fakes.EFS, FSx: w.fakes.FSx, S3: w.fakes.S3}
	})
	w.handlerOpts = func(o *function.Options) {
		o.Restore, o.Jobs = w.restore, api
		o.Remediator = backup.NewRemediator(api)
		o.Store, o.Bucket = w.store, testBucket
		o.RetryDelays = automation.Poll{MinDelay: time.Second, MaxDelay: 2 * time.Second}.Delays()
	}
	w.handler = function.New(w.handlerOpts)
	// A Lambda execution environment runs one invocation at a time, and
	// lambda.Handler reuses its output buffer between invocations; concurrent
	// invocations are separate environments, so each gets its own handler.
	// (A test may replace w.handler before it runs an execution.)
	w.tasks = sfnlocal.NewTaskServer(t, func(ctx context.Context, state, resource string, input json.RawMessage) (any, error) {
		switch {
		case strings.HasSuffix(resource, ":lambda:invoke"):
			w.mu.Lock()
			w.lambdas++
			w.mu.Unlock()
			return sfnlocal.InvokeLambda(ctx, lambda.NewHandler(function.Lambda(w.handler)), input)
		case strings.HasSuffix(resource, ":s3:getObject"):
			return w.store.GetObjectTask(input)
		case strings.HasSuffix(resource, ":sns:publish"):
			var in map[string]any
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, err
			}
			w.mu.Lock()
			w.published = append(w.published, in)
			w.mu.Unlock()
			return map[string]any{"MessageId": fmt.Sprintf("msg-%d", len(w.published))}, nil
		}
		return nil, fmt.Errorf("no local route for %s (%s)", state, resource)
	})
	if _, err := api.CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(testVault)}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	return w
}

func demoResources(suffix string) []backuptest.Resource {
	return []backuptest.Resource{
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%s", region, acct, suffix), SizeBytes: 8 << 30},
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-%s", region, acct, suffix), SizeBytes: 8 << 30, Attributes: map[string]string{"instanceType": "t3.small"}},
		{ARN: fmt.Sprintf("arn:aws:rds:%s:%s:db:orders-%s", region, acct, suffix), SizeBytes: 20 << 30},
		{ARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/sessions-%s", region, acct, suffix), SizeBytes: 1 << 20, Attributes: map[string]string{"itemCount": "42"}},
		{ARN: fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/fs-%s", region, acct, suffix), SizeBytes: 1 << 30},
		{ARN: "arn:aws:s3:::assets-" + suffix, SizeBytes: 1 << 20, Attributes: map[string]string{"objectCount": "12"}},
	}
}

// seed puts resources in the inventory and backs each up into the vault;
// advance moves a manual clock past the backup jobs.
func (w *world) seed(t *testing.T, advance func(), resources ...backuptest.Resource) []string {
	t.Helper()
	ctx := context.Background()
	arns := make([]string, len(resources))
	ids := make([]string, len(resources))
	for i, r := range resources {
		require.NoError(t, w.srv.PutResource(r))
		out, err := w.api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String(testVault), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(testRole),
		})
		require.NoError(t, err)
		arns[i], ids[i] = r.ARN, aws.ToString(out.BackupJobId)
	}
	if advance != nil {
		advance()
	}
	wt := backup.NewJobWaiter(w.api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond })
	for _, id := range ids {
		_, err := wt.Wait(ctx, id, time.Minute)
		require.NoError(t, err)
	}
	return arns
}

// restored returns the inventory resources restore jobs created.
func (w *world) restored() []backuptest.Resource {
	var out []backuptest.Resource
	for _, r := range w.srv.Resources() {
		if r.CreatedBy != "" {
			out = append(out, r)
		}
	}
	return out
}

func render(t *testing.T, fn func(...func(*automation.Options)) (*asl.StateMachine, error), optFns ...func(*automation.Options)) []byte {
	t.Helper()
	opts := append([]func(*automation.Options){func(o *automation.Options) {
		o.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:backupkit-steps"
		o.TopicARN = "arn:aws:sns:us-east-1:123456789012:drills"
		o.ThrottleRetries = 12
	}}, optFns...)
	m, err := fn(opts...)
	require.NoError(t, err)
	b, err := m.JSON()
	require.NoError(t, err)
	return b
}

func (w *world) run(t *testing.T, def []byte, name string, input any, tweak func(*sfnlocal.Config)) *sfnlocal.Result {
	t.Helper()
	cfg := sfnlocal.Config{NodeModules: sfnlocal.NodeModules(t), Definition: def, Input: input, ExecutionName: name, EmulatorURL: w.srv.URL, Tasks: w.tasks}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 6*time.Minute) // generous: 100 targets under -race on a loaded machine
	defer cancel()
	res, err := sfnlocal.Run(ctx, cfg)
	require.NoError(t, err)
	return res
}

func (w *world) report(t *testing.T, drillID string) *restore.Report {
	t.Helper()
	var rep restore.Report
	require.NoError(t, json.Unmarshal(w.object(t, function.DefaultReportPrefix+drillID+"/report.json"), &rep))
	return &rep
}

func outcomes(rep *restore.Report) map[string]string {
	out := map[string]string{}
	for _, tr := range rep.Targets {
		out[tr.ResourceARN] = fmt.Sprintf("status=%s validation=%s cleanup=%s restored=%t failed=%t", tr.Status, tr.Validation, tr.Cleanup,
			tr.CreatedResourceARN != "", tr.Error != "")
	}
	return out
}

// errorsOf returns each failed target's error, by resource, with job ids
// (which differ from run to run) replaced by "<job>".
func errorsOf(rep *restore.Report) map[string]string {
	out := map[string]string{}
	for _, tr := range rep.Targets {
		if tr.Error != "" {
			out[tr.ResourceARN] = jobID.ReplaceAllString(tr.Error, "<job>")
		}
	}
	return out
}

var jobID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func TestDrillWorkflowSixTypes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	arns := w.seed(t, nil, demoResources("a")...)
	def := render(t, automation.DrillMachine)
	input := function.DrillInput{Vault: testVault, AllInVault: true, IAMRoleARN: testRole, MaxRPOSeconds: 86400}
	res := w.run(t, def, "drill-six", input, nil)
	require.Empty(t, res.ErrorName, res.ErrorMessage)

	rep := w.report(t, "drill-six")
	assert.True(t, rep.Passed, "report: %+v", rep.Summary)
	assert.Equal(t, restore.Summary{Targets: 6, Passed: 6}, rep.Summary)
	assert.Empty(t, rep.LeftBehind)
	got := map[string]string{}
	for _, tr := range rep.Targets {
		got[tr.ResourceARN] = string(tr.ResourceType)
		assert.Equal(t, restore.Passed, tr.Validation, tr.ResourceARN)
		assert.Equal(t, restore.Deleted, tr.Cleanup, tr.ResourceARN)
		assert.NotEmpty(t, tr.RestoreJobID)
		assert.NotEmpty(t, tr.CreatedResourceARN)
		assert.True(t, tr.RPOMet)
	}
	assert.ElementsMatch(t, arns, slices.Collect(mapsKeys(got)))
	assert.ElementsMatch(t, []string{"EBS", "EC2", "RDS", "DynamoDB", "EFS", "S3"}, slices.Collect(mapsValues(got)))
	for _, name := range []string{"report.xml", "report.md", "report.html"} {
		assert.NotEmpty(t, w.object(t, function.DefaultReportPrefix+"drill-six/"+name))
	}
	assert.Empty(t, w.restored(), "every restored resource is deleted")
	require.Len(t, w.published, 1)
	assert.Contains(t, w.published[0]["Subject"], "drill-six: PASSED, 6/6 passed")
	assert.Equal(t, "arn:aws:sns:us-east-1:123456789012:drills", w.published[0]["TopicArn"])
	// Validation results went to AWS Backup through the workflow's own Task.
	assert.Equal(t, 6, w.srv.CallCount("PutRestoreValidationResult"))

	// The in-process runner on the same data: the same verdicts.
	inproc, err := w.restore.Run(t.Context(), input.Drill("inprocess-six"))
	require.NoError(t, err)
	assert.Equal(t, outcomes(inproc), outcomes(rep))
	assert.Equal(t, inproc.Summary, rep.Summary)
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func mapsValues(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// manyResources returns n resources cycling through the six demo types.
func manyResources(n int) []backuptest.Resource {
	var out []backuptest.Resource
	for i := 0; len(out) < n; i++ {
		for _, r := range demoResources(fmt.Sprintf("m%03d", i)) {
			if len(out) < n {
				out = append(out, r)
			}
		}
	}
	return out
}

func throttle(w *world, rate float64) {
	for _, op := range []string{"ListRecoveryPointsByBackupVault", "GetRecoveryPointRestoreMetadata", "StartRestoreJob", "DescribeRestoreJob", "PutRestoreValidationResult"} {
		w.srv.InjectFault(backuptest.Fault{Operation: op, ErrorCode: "ThrottlingException", Rate: rate})
	}
}

// TestDrillWorkflowFailuresAndThrottling is the "same verdicts, same
// cleanup" figure: 100 targets, 30% of AWS Backup calls throttled, two
// restores FAILED. The workflow and the in-process runner give every
// target the same outcome, and nothing restored is left behind.
func TestDrillWorkflowFailuresAndThrottling(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	arns := w.seed(t, nil, manyResources(100)...)
	failing := []string{arns[7], arns[42]}
	failRestores := func() {
		for _, a := range failing {
			w.srv.FailJobs(backuptest.JobFailure{JobType: "RESTORE", ResourceARN: a, Count: 1, StatusMessage: "Restore failed: injected"})
		}
	}
	failRestores()
	throttle(w, 0.3)
	def := render(t, automation.DrillMachine, func(o *automation.Options) { o.MaxConcurrency = 25 })
	input := function.DrillInput{Vault: testVault, AllInVault: true, IAMRoleARN: testRole}
	res := w.run(t, def, "drill-100", input, nil)
	require.Empty(t, res.ErrorName, res.ErrorMessage)
	retried := 0
	for _, e := range res.Events {
		if e.Type == "StateRetried" && e.State != automation.StateRestoreJob { // not the poll's "job running"
			retried++
		}
	}
	assert.Positive(t, retried, "throttled Tasks were retried by the workflow")
	rep := w.report(t, "drill-100")
	assert.Equal(t, restore.Summary{Targets: 100, Passed: 98, Failed: 2}, rep.Summary)
	for _, tr := range rep.Targets {
		if slices.Contains(failing, tr.ResourceARN) {
			assert.Equal(t, restore.Failed, tr.Status)
			assert.Contains(t, tr.Error, "FAILED")
			assert.Equal(t, restore.Skipped, tr.Validation)
		}
	}
	assert.Empty(t, w.restored(), "nothing restored is left behind")

	assert.Empty(t, rep.LeftBehind)

	// The in-process runner, same recovery points, same faults.
	failRestores()
	inproc, err := w.restore.Run(t.Context(), input.Drill("inprocess-100"))
	require.NoError(t, err)
	w.srv.ClearFaults()
	assert.Equal(t, outcomes(inproc), outcomes(rep), "same per-target outcomes")
	assert.Equal(t, inproc.Summary, rep.Summary)
	assert.Equal(t, errorsOf(inproc), errorsOf(rep), "same errors")
	assert.Empty(t, inproc.LeftBehind)
	assert.Empty(t, w.restored(), "zero resources left behind by either runner")
	t.Logf("100 targets, 30%% throttling: %d workflow retries of failed Tasks, %d Lambda invocations", retried, w.lambdas)
}

// TestDrillWorkflowAbortedThenSwept stops a drill execution while its
// restores run (the interpreter's abort, StopExecution's local twin). The
// sweep workflow, which EventBridge starts for the stopped execution,
// cleans up every restore the drill started — re-sending the recorded
// start with its idempotency token to learn the job — and the guard
// still holds: a restored resource whose drill tag was changed is left
// (and reported), and a resource carrying the drill tag that no restore
// job of the drill created is not touched.
func TestDrillWorkflowAbortedThenSwept(t *testing.T) {
	t.Parallel()
	clock := backuptest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	w := newWorld(t, func(o *backuptest.Options) { o.Clock, o.JobDuration = clock, time.Hour })
	arns := w.seed(t, func() { clock.Advance(2 * time.Hour) }, demoResources("ab")[:3]...)
	decoy := backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-decoy", SizeBytes: 1 << 30,
		Tags: map[string]string{restore.DrillTagKey: "drill-abort"}}
	require.NoError(t, w.srv.PutResource(decoy))

	def := render(t, automation.DrillMachine)
	input := function.DrillInput{Vault: testVault, Targets: []function.TargetInput{{ResourceARN: arns[0]}, {ResourceARN: arns[1]}, {ResourceARN: arns[2]}}, IAMRoleARN: testRole}
	started := 0
	res := w.run(t, def, "drill-abort", input, func(c *sfnlocal.Config) {
		c.WaitMs = 5
		c.OnEvent = func(e sfnlocal.Event) bool {
			if e.Type == "StateExited" && e.State == automation.StateStartRestore {
				started++
			}
			return started == len(arns)
		}
	})
	require.True(t, res.Aborted, "execution aborted")
	assert.Empty(t, w.publishedCopy(), "an aborted execution reports nothing itself")
	// Time passes: the restores finish while nobody watches.
	clock.Advance(2 * time.Hour)
	w.srv.Advance()
	restored := w.restored()
	require.Len(t, restored, 3, "the stopped drill's restores completed")
	// Someone else claims one restored resource: the guard must keep it.
	claimed := restored[0].ARN
	require.NoError(t, w.srv.PutResource(withTag(restored[0], restore.DrillTagKey, "another-drill")))

	sweep := render(t, automation.SweepMachine)
	event := map[string]any{"source": "aws.states", "detail-type": "Step Functions Execution Status Change",
		"detail": map[string]any{"name": "drill-abort", "status": "ABORTED", "executionArn": "arn:aws:states:us-east-1:123456789012:execution:drill:drill-abort"}}
	sres := w.run(t, sweep, "sweep-drill-abort", event, func(c *sfnlocal.Config) { c.WaitMs = 5 })
	require.Empty(t, sres.ErrorName, sres.ErrorMessage)
	assert.Equal(t, 3, sres.Entered(automation.StateSweep)-countRetries(sres, automation.StateSweep), "each unfinished target swept")

	rep := w.report(t, "drill-abort")
	assert.True(t, rep.Canceled)
	assert.False(t, rep.Passed)
	assert.Equal(t, []string{claimed}, rep.LeftBehind, "the guard refused the resource that no longer carries this drill's tag")
	left := w.restored()
	require.Len(t, left, 1)
	assert.Equal(t, claimed, left[0].ARN)
	_, ok := w.srv.Resource(decoy.ARN)
	assert.True(t, ok, "a resource the drill's jobs did not create is never deleted")
	for _, tr := range rep.Targets {
		if tr.CreatedResourceARN == claimed {
			assert.Equal(t, restore.Left, tr.Cleanup)
			assert.Contains(t, tr.Error, "not output of this drill")
		} else {
			assert.Equal(t, restore.Deleted, tr.Cleanup, tr.ResourceARN)
		}
	}
	pub := w.publishedCopy()
	require.Len(t, pub, 1)
	assert.Contains(t, pub[0]["Subject"], "drill-abort: FAILED")
}

func withTag(r backuptest.Resource, k, v string) backuptest.Resource {
	tags := map[string]string{}
	for a, b := range r.Tags {
		tags[a] = b
	}
	tags[k] = v
	r.Tags = tags
	return r
}

func countRetries(r *sfnlocal.Result, state string) int {
	n := 0
	for _, e := range r.Events {
		if e.Type == "StateRetried" && e.State == state {
			n++
		}
	}
	return n
}

func (w *world) publishedCopy() []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.published)
}

// TestRemediationWorkflow: a failed backup job's EventBridge event starts
// the remediation workflow; the remediator restarts the job (idempotent
// token), the workflow follows the new job to COMPLETED and publishes the
// outcome.
func TestRemediationWorkflow(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	vol := demoResources("rem")[0]
	require.NoError(t, w.srv.PutResource(vol))
	w.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: vol.ARN, Count: 1, StatusMessage: "An internal error occurred; try again"})
	out, err := w.api.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(testVault), ResourceArn: aws.String(vol.ARN), IamRoleArn: aws.String(testRole)})
	require.NoError(t, err)
	_, err = backup.NewJobWaiter(w.api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }).Wait(t.Context(), aws.ToString(out.BackupJobId), time.Minute)
	require.Error(t, err)
	var event json.RawMessage
	for _, ev := range w.srv.Events() {
		if ev.DetailType == backup.DetailTypeBackupJob && strings.Contains(string(ev.JSON()), `"FAILED"`) {
			event = ev.JSON()
		}
	}
	require.NotNil(t, event, "the emulator emitted the failure event")
	def := render(t, automation.RemediateMachine)
	res := w.run(t, def, "remediate-1", event, nil)
	require.Empty(t, res.ErrorName, res.ErrorMessage)
	var result struct {
		Result backup.Result `json:"result"`
		Job    struct{ Status string }
	}
	require.NoError(t, json.Unmarshal(res.Output, &result))
	assert.Equal(t, backup.ActionRestarted, result.Result.Action)
	assert.Equal(t, "COMPLETED", result.Job.Status, "the workflow followed the restarted job to its end")
	pub := w.publishedCopy()
	require.Len(t, pub, 1)
	assert.Contains(t, pub[0]["Subject"], "restarted BACKUP job "+aws.ToString(out.BackupJobId))

	// A second delivery of the same event restarts nothing new.
	res2 := w.run(t, def, "remediate-2", event, nil)
	require.Empty(t, res2.ErrorName, res2.ErrorMessage)
	var again struct{ Result backup.Result }
	require.NoError(t, json.Unmarshal(res2.Output, &again))
	assert.Equal(t, result.Result.NewJobID, again.Result.NewJobID)
}

// TestRemediationFunction is the path without a workflow
// (TemplateOptions.Remediation = RemediationFunction): the rule delivers
// the failed job's EventBridge event — an aws-lambda-go
// events.CloudWatchEvent — to the function itself, which restarts the job
// through the remediator; a second delivery of the same event restarts
// nothing new.
func TestRemediationFunction(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	vol := demoResources("fn")[0]
	require.NoError(t, w.srv.PutResource(vol))
	w.srv.FailJobs(backuptest.JobFailure{JobType: "BACKUP", ResourceARN: vol.ARN, Count: 1, StatusMessage: "An internal error occurred; try again"})
	out, err := w.api.StartBackupJob(t.Context(), &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(testVault), ResourceArn: aws.String(vol.ARN), IamRoleArn: aws.String(testRole)})
	require.NoError(t, err)
	_, err = backup.NewJobWaiter(w.api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }).Wait(t.Context(), aws.ToString(out.BackupJobId), time.Minute)
	require.Error(t, err)
	var ev events.CloudWatchEvent
	for _, e := range w.srv.Events() {
		if e.DetailType == backup.DetailTypeBackupJob && strings.Contains(string(e.JSON()), `"FAILED"`) {
			require.NoError(t, json.Unmarshal(e.JSON(), &ev))
		}
	}
	require.Equal(t, "aws.backup", ev.Source, "the emulator emitted the failure event")
	payload, err := json.Marshal(ev)
	require.NoError(t, err)

	fn := lambda.NewHandler(function.Lambda(w.handler))
	var results []backup.Result
	for range 2 {
		b, err := fn.Invoke(t.Context(), payload)
		require.NoError(t, err)
		var res struct{ Result backup.Result }
		require.NoError(t, json.Unmarshal(b, &res))
		results = append(results, res.Result)
	}
	assert.Equal(t, backup.ActionRestarted, results[0].Action)
	require.NotEmpty(t, results[0].NewJobID)
	assert.Equal(t, results[0].NewJobID, results[1].NewJobID, "a second delivery restarts nothing new")
	job, err := backup.NewJobWaiter(w.api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }).Wait(t.Context(), results[0].NewJobID, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, vol.ARN, aws.ToString(job.ResourceArn))
}
