package automation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/asl"
	"github.com/backupkit/backupkit/automation/internal/sfnlocal"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

const (
	testRole   = "arn:aws:iam::123456789012:role/backupkit-drill"
	testVault  = "drill-vault"
	testBucket = "backupkit-reports"
	acct       = "123456789012"
	region     = "us-east-1"
)

// memStore is an in-memory stand-in for the report bucket (the S3 calls
// of automation.Store).
type memStore struct {
	mu      sync.Mutex
	objects map[string][]byte
}

func (m *memStore) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = b
	return &s3.PutObjectOutput{}, nil
}

func (m *memStore) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)]
	if !ok {
		return nil, &smithy.GenericAPIError{Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

func (m *memStore) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	prefix := aws.ToString(in.Bucket) + "/" + aws.ToString(in.Prefix)
	var keys []string
	for k := range m.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, strings.TrimPrefix(k, aws.ToString(in.Bucket)+"/"))
		}
	}
	sort.Strings(keys)
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false)}
	for _, k := range keys {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k)})
	}
	return out, nil
}

func (m *memStore) object(t *testing.T, key string) []byte {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[testBucket+"/"+key]
	require.True(t, ok, "no object %s", key)
	return b
}

// world is one emulator, the report store, the Lambda handler served over
// HTTP, and what was published to SNS.
type world struct {
	srv     *backuptest.Server
	api     *awsbackup.Client
	fakes   *backuptest.Fakes
	store   *memStore
	restore *restore.Client
	handler *automation.Handler
	tasks   *sfnlocal.TaskServer

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
	w := &world{srv: srv, api: api, fakes: backuptest.NewFakes(srv.Emulator), store: &memStore{objects: map[string][]byte{}}}
	w.restore = restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = testRole
		o.Waiter = func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond }
		o.DeletePollInterval = time.Millisecond
		o.MaxWait = time.Minute
		o.Services = restore.Services{EC2: w.fakes.EC2, RDS: w.fakes.RDS, DynamoDB: w.fakes.DynamoDB, EFS: w.fakes.EFS, FSx: w.fakes.FSx, S3: w.fakes.S3}
	})
	w.handler = automation.NewHandler(func(o *automation.HandlerOptions) {
		o.Restore = w.restore
		o.Remediator = backup.NewRemediator(api)
		o.Store, o.Bucket = w.store, testBucket
		o.Retry = automation.Poll{MinDelay: time.Second, MaxDelay: 2 * time.Second}
	})
	lh := lambda.NewHandler(automation.LambdaFunc(w.handler))
	w.tasks = sfnlocal.NewTaskServer(t, func(ctx context.Context, state, resource string, input json.RawMessage) (any, error) {
		switch {
		case strings.HasSuffix(resource, ":lambda:invoke"):
			var in struct {
				Payload json.RawMessage
			}
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, err
			}
			w.mu.Lock()
			w.lambdas++
			w.mu.Unlock()
			out, err := lh.Invoke(ctx, in.Payload)
			if err != nil {
				var le messages.InvokeResponse_Error
				if ok := asInvokeError(err, &le); ok {
					cause, _ := json.Marshal(map[string]string{"errorMessage": le.Message, "errorType": le.Type})
					return nil, &sfnlocal.TaskError{Name: le.Type, Message: string(cause)}
				}
				return nil, err
			}
			return map[string]any{"Payload": json.RawMessage(out), "StatusCode": 200}, nil
		case strings.HasSuffix(resource, ":s3:getObject"):
			var in struct{ Bucket, Key string }
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, err
			}
			w.store.mu.Lock()
			b, ok := w.store.objects[in.Bucket+"/"+in.Key]
			w.store.mu.Unlock()
			if !ok {
				return nil, &sfnlocal.TaskError{Name: "S3.NoSuchKeyException", Message: in.Key}
			}
			return json.RawMessage(b), nil
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

func asInvokeError(err error, le *messages.InvokeResponse_Error) bool {
	switch e := err.(type) {
	case messages.InvokeResponse_Error:
		*le = e
		return true
	case *messages.InvokeResponse_Error:
		*le = *e
		return true
	}
	return false
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
	wt := backup.NewBackupJobWaiter(w.api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 5*time.Millisecond })
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
	cfg := sfnlocal.Config{Definition: def, Input: input, ExecutionName: name, EmulatorURL: w.srv.URL, Tasks: w.tasks}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	res, err := sfnlocal.Run(ctx, t, cfg)
	require.NoError(t, err)
	return res
}

func (w *world) report(t *testing.T, drillID string) *restore.Report {
	t.Helper()
	var rep restore.Report
	require.NoError(t, json.Unmarshal(w.store.object(t, automation.DefaultReportPrefix+drillID+"/report.json"), &rep))
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

func TestDrillWorkflowSixTypes(t *testing.T) {
	t.Parallel()
	w := newWorld(t, nil)
	arns := w.seed(t, nil, demoResources("a")...)
	def := render(t, automation.DrillMachine)
	input := automation.DrillInput{Vault: testVault, AllInVault: true, IAMRoleARN: testRole, MaxRPOSeconds: 86400}
	res := w.run(t, def, "drill-six", input, nil)
	require.Empty(t, res.ErrorName, res.ErrorMessage)

	rep := w.report(t, "drill-six")
	assert.True(t, rep.Passed, "report: %+v", rep.Summary)
	assert.Equal(t, restore.Summary{Targets: 6, Passed: 6}, rep.Summary)
	assert.Empty(t, rep.LeftBehind)
	got := map[string]string{}
	for _, tr := range rep.Targets {
		got[tr.ResourceARN] = tr.ResourceType
		assert.Equal(t, restore.Passed, tr.Validation, tr.ResourceARN)
		assert.Equal(t, restore.Deleted, tr.Cleanup, tr.ResourceARN)
		assert.NotEmpty(t, tr.RestoreJobID)
		assert.NotEmpty(t, tr.CreatedResourceARN)
		assert.True(t, tr.RPOMet)
	}
	assert.ElementsMatch(t, arns, slices.Collect(mapsKeys(got)))
	assert.ElementsMatch(t, []string{"EBS", "EC2", "RDS", "DynamoDB", "EFS", "S3"}, slices.Collect(mapsValues(got)))
	for _, name := range []string{"report.xml", "report.md", "report.html"} {
		assert.NotEmpty(t, w.store.object(t, automation.DefaultReportPrefix+"drill-six/"+name))
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
