package restore_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/restore"
)

const (
	testRole  = "arn:aws:iam::123456789012:role/backupkit-drill"
	testVault = "drill-vault"
	acct      = "123456789012"
	region    = "us-east-1"
)

// epoch is where every test's manual clock starts.
var epoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is one emulator with a vault, fakes and a restore client, all on one
// manual clock: the client's Sleep seam advances it, so jobs progress and
// drills finish without wall time passing.
type env struct {
	clk    *backuptest.ManualClock
	srv    *backuptest.Server
	api    *awsbackup.Client
	fakes  *backuptest.Fakes
	client *restore.Client
	opts   []func(*restore.Options)

	mu     sync.Mutex
	events []restore.Event
}

// newEnv starts an emulator with a vault and returns a drill-ready client.
// The AWS Backup client retries up to 10 times without backoff, so that
// fault-injection tests measure the drill, not the SDK's patience (and
// never sleep).
func newEnv(t testing.TB, emuOpts func(*backuptest.Options), clientOpts ...func(*restore.Options)) *env {
	t.Helper()
	clk := backuptest.NewManualClock(epoch)
	fns := []func(*backuptest.Options){func(o *backuptest.Options) { o.Clock = clk }}
	if emuOpts != nil {
		fns = append(fns, emuOpts)
	}
	srv := backuptest.NewServer(t, fns...)
	api := srv.Client(func(o *awsbackup.Options) {
		// Enough idle connections for a drill's concurrency (the SDK keeps
		// 10 per host by default and would redial for every other call).
		o.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.MaxIdleConnsPerHost = 100 })
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 10
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			so.RateLimiter = ratelimit.None
		})
	})
	e := &env{clk: clk, srv: srv, api: api, fakes: backuptest.NewFakes(srv.Emulator)}
	opts := []func(*restore.Options){func(o *restore.Options) {
		o.IAMRoleARN = testRole
		o.Now, o.Sleep = clk.Now, clk.Sleep
		o.MaxWait = 6 * time.Hour
		o.CleanupTimeout = 30 * time.Minute
		o.Services = restore.Services{EC2: e.fakes.EC2, RDS: e.fakes.RDS, DynamoDB: e.fakes.DynamoDB, EFS: e.fakes.EFS, FSx: e.fakes.FSx, S3: e.fakes.S3}
		o.OnEvent = func(ev restore.Event) {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
		}
	}}
	e.opts = append(opts, clientOpts...)
	e.client = restore.New(api, e.opts...)
	if _, err := api.CreateBackupVault(context.Background(), &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(testVault)}); err != nil {
		t.Fatalf("CreateBackupVault: %v", err)
	}
	return e
}

// clientOver returns a restore client with the env's options over api (a
// wrapper of e.api that steers a test).
func (e *env) clientOver(api restore.API, extra ...func(*restore.Options)) *restore.Client {
	return restore.New(api, append(append([]func(*restore.Options){}, e.opts...), extra...)...)
}

// startHook is an AWS Backup client that calls after(n, out) once the
// n-th StartRestoreJob has been answered; after may replace the answer
// (e.g. lose it, as when the drill's context ends mid-call).
type startHook struct {
	*awsbackup.Client
	n     atomic.Int32
	after func(n int32, out *awsbackup.StartRestoreJobOutput, err error) (*awsbackup.StartRestoreJobOutput, error)
}

func (h *startHook) StartRestoreJob(ctx context.Context, in *awsbackup.StartRestoreJobInput, optFns ...func(*awsbackup.Options)) (*awsbackup.StartRestoreJobOutput, error) {
	out, err := h.Client.StartRestoreJob(context.WithoutCancel(ctx), in, optFns...)
	return h.after(h.n.Add(1), out, err)
}

// demoResources are one resource of each type the built-in handlers serve.
func demoResources(suffix string) []backuptest.Resource {
	return []backuptest.Resource{
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%s", region, acct, suffix), SizeBytes: 8 << 30, Tags: map[string]string{"env": "prod"}},
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-%s", region, acct, suffix), SizeBytes: 8 << 30, Attributes: map[string]string{"instanceType": "t3.small"}},
		{ARN: fmt.Sprintf("arn:aws:rds:%s:%s:db:orders-%s", region, acct, suffix), SizeBytes: 20 << 30, Tags: map[string]string{"env": "prod"}},
		{ARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/sessions-%s", region, acct, suffix), SizeBytes: 1 << 20, Attributes: map[string]string{"itemCount": "42"}},
		{ARN: fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/fs-%s", region, acct, suffix), SizeBytes: 1 << 30},
		{ARN: "arn:aws:s3:::assets-" + suffix, SizeBytes: 1 << 20, Attributes: map[string]string{"objectCount": "12"}},
	}
}

// seed puts resources in the inventory, backs each up into the vault and
// lets an hour pass, as between a nightly backup and a drill.
func (e *env) seed(t testing.TB, resources ...backuptest.Resource) []string {
	t.Helper()
	ctx := context.Background()
	arns := make([]string, len(resources))
	ids := make([]string, len(resources))
	for i, r := range resources {
		if err := e.srv.PutResource(r); err != nil {
			t.Fatalf("PutResource: %v", err)
		}
		out, err := e.api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{
			BackupVaultName: aws.String(testVault), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(testRole),
		})
		if err != nil {
			t.Fatalf("StartBackupJob(%s): %v", r.ARN, err)
		}
		arns[i], ids[i] = r.ARN, aws.ToString(out.BackupJobId)
	}
	w := backup.NewJobWaiter(e.api, func(o *backup.WaiterOptions) { o.Sleep = e.clk.Sleep })
	for _, id := range ids {
		if _, err := w.Wait(ctx, id, 24*time.Hour); err != nil {
			t.Fatalf("backup job %s: %v", id, err)
		}
	}
	e.clk.Advance(time.Hour)
	return arns
}

// restored returns the inventory resources a restore job created.
func (e *env) restored() []backuptest.Resource {
	var out []backuptest.Resource
	for _, r := range e.srv.Resources() {
		if r.CreatedBy != "" {
			out = append(out, r)
		}
	}
	return out
}

func (e *env) eventsFor(arn string) []restore.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []restore.Event
	for _, ev := range e.events {
		if ev.ResourceARN == arn {
			out = append(out, ev)
		}
	}
	return out
}

func resultFor(t testing.TB, rep *restore.Report, arn string) restore.TargetResult {
	t.Helper()
	for _, r := range rep.Targets {
		if r.ResourceARN == arn {
			return r
		}
	}
	t.Fatalf("report has no target %s", arn)
	return restore.TargetResult{}
}

func describeTargets(rep *restore.Report) string {
	var b strings.Builder
	if rep == nil {
		return " (no report)"
	}
	for _, t := range rep.Targets {
		fmt.Fprintf(&b, "\n  %s %s: status=%s validation=%s cleanup=%s err=%q", t.ResourceType, t.ResourceARN, t.Status, t.Validation, t.Cleanup, t.Error)
	}
	return b.String()
}
