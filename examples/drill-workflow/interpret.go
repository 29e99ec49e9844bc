package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/automation"
	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/internal/sfnlocal"
	"github.com/backupkit/backupkit/restore"
)

const (
	demoVault  = "drill-vault"
	demoRole   = "arn:aws:iam::123456789012:role/backupkit-drill"
	demoBucket = "backupkit-reports"
)

// interpret runs the rendered drill workflow on aws-local-stepfunctions
// (a real ASL interpreter, from nodeModules) against an embedded backupkit
// emulator holding six demo resources: AWS Backup Tasks go to the
// emulator, Lambda Tasks to the function's handler in this process, the
// report bucket is in memory and SNS publishes are printed. It prints the
// state transitions per target and the drill's report summary.
func interpret(ctx context.Context, w io.Writer, nodeModules string, poll automation.Poll) error {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	api := srv.Client()
	if err := seed(ctx, srv, api); err != nil {
		return err
	}
	fakes := backuptest.NewFakes(srv.Emulator)
	rc := restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = demoRole
		o.Waiter = func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 10*time.Millisecond }
		o.DeletePollInterval = time.Millisecond
		o.Services = restore.Services{EC2: fakes.EC2, RDS: fakes.RDS, DynamoDB: fakes.DynamoDB, EFS: fakes.EFS, FSx: fakes.FSx, S3: fakes.S3}
	})
	store := sfnlocal.NewMemStore()
	h := function.New(func(o *function.Options) {
		o.Restore, o.Jobs = rc, api
		o.Store, o.Bucket = store, demoBucket
		o.RetryDelays = []time.Duration{time.Second}
	})
	var mu sync.Mutex
	var published []string
	tasks := sfnlocal.StartTaskServer(func(ctx context.Context, state, resource string, input json.RawMessage) (any, error) {
		switch {
		case strings.HasSuffix(resource, ":lambda:invoke"):
			// One handler per invocation, as Lambda runs one invocation per
			// execution environment at a time.
			return sfnlocal.InvokeLambda(ctx, lambda.NewHandler(function.Lambda(h)), input)
		case strings.HasSuffix(resource, ":s3:getObject"):
			return store.GetObjectTask(input)
		case strings.HasSuffix(resource, ":sns:publish"):
			var in struct{ Subject string }
			if err := json.Unmarshal(input, &in); err != nil {
				return nil, err
			}
			mu.Lock()
			published = append(published, in.Subject)
			mu.Unlock()
			return map[string]any{"MessageId": "local"}, nil
		}
		return nil, fmt.Errorf("no local route for %s (%s)", state, resource)
	})
	defer tasks.Close()

	sm, err := automation.DrillMachine(func(o *automation.Options) {
		o.Poll = poll
		o.FunctionARN = "arn:aws:lambda:us-east-1:123456789012:function:backupkit"
		o.TopicARN = "arn:aws:sns:us-east-1:123456789012:drills"
	})
	if err != nil {
		return err
	}
	def, err := sm.JSON()
	if err != nil {
		return err
	}
	const name = "example-drill"
	res, err := sfnlocal.Run(ctx, sfnlocal.Config{
		NodeModules: nodeModules, Definition: def, ExecutionName: name, EmulatorURL: srv.URL, Tasks: tasks,
		Input:  function.DrillInput{Vault: demoVault, AllInVault: true, IAMRoleARN: demoRole},
		WaitMs: 1, RetryMs: 1,
	})
	if err != nil {
		return err
	}
	if res.ErrorName != "" {
		return fmt.Errorf("execution failed: %s: %s", res.ErrorName, res.ErrorMessage)
	}
	rep, err := automation.FetchReport(ctx, store, demoBucket, "", name)
	if err != nil {
		return err
	}
	per := res.Transitions()
	var items []int
	for i := range per {
		if i >= 0 {
			items = append(items, i)
		}
	}
	sort.Ints(items)
	fmt.Fprintf(w, "interpreter: drill %q on aws-local-stepfunctions: %d transitions outside the Map\n", name, per[-1])
	for _, i := range items {
		fmt.Fprintf(w, "  target %d: %d transitions\n", i, per[i])
	}
	fmt.Fprintf(w, "report: %d targets, %d passed, %d failed, %d left behind\n", rep.Summary.Targets, rep.Summary.Passed, rep.Summary.Failed, len(rep.LeftBehind))
	for _, t := range rep.Targets {
		fmt.Fprintf(w, "  %-9s %-8s validation %-7s cleanup %s\n", t.ResourceType, t.Status, t.Validation, t.Cleanup)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, s := range published {
		fmt.Fprintf(w, "sns: %s\n", s)
	}
	if !rep.Passed {
		return fmt.Errorf("drill %s did not pass", name)
	}
	return nil
}

// seed puts the six demo resources in the emulator and backs each up.
func seed(ctx context.Context, srv *backuptest.Server, api *awsbackup.Client) error {
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(demoVault)}); err != nil {
		return err
	}
	const region, acct = "us-east-1", "123456789012"
	resources := []backuptest.Resource{
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-demo", region, acct), SizeBytes: 8 << 30},
		{ARN: fmt.Sprintf("arn:aws:ec2:%s:%s:instance/i-demo", region, acct), SizeBytes: 8 << 30, Attributes: map[string]string{"instanceType": "t3.small"}},
		{ARN: fmt.Sprintf("arn:aws:rds:%s:%s:db:orders", region, acct), SizeBytes: 20 << 30},
		{ARN: fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/sessions", region, acct), SizeBytes: 1 << 20, Attributes: map[string]string{"itemCount": "42"}},
		{ARN: fmt.Sprintf("arn:aws:elasticfilesystem:%s:%s:file-system/fs-demo", region, acct), SizeBytes: 1 << 30},
		{ARN: "arn:aws:s3:::assets-demo", SizeBytes: 1 << 20, Attributes: map[string]string{"objectCount": "12"}},
	}
	waiter := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = time.Millisecond, 10*time.Millisecond })
	for _, r := range resources {
		if err := srv.PutResource(r); err != nil {
			return err
		}
		out, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(demoVault), ResourceArn: aws.String(r.ARN), IamRoleArn: aws.String(demoRole)})
		if err != nil {
			return err
		}
		if _, err := waiter.Wait(ctx, aws.ToString(out.BackupJobId), time.Minute); err != nil {
			return err
		}
	}
	return nil
}
