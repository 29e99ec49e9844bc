// Command backupkit-lambda is the AWS Lambda function of backupkit's Step
// Functions workflows (see the automation package): one binary, named
// bootstrap in its zip, for the provided.al2023 runtime on arm64. It
// dispatches on the event: a workflow step ({"step": "plan" | "prepare" |
// "backed-up" | "restore-input" | "job" | "validate" | "cleanup" |
// "unfinished" | "report" | "remediate", "item": …}) or a raw AWS Backup
// EventBridge event (remediation without a workflow).
//
// Build and zip it with `backupkit automation package --out DIR`. It reads
// BACKUPKIT_REPORT_BUCKET (drill records and reports), BACKUPKIT_TOPIC_ARN
// (remediation notices) and BACKUPKIT_RESTORE_ROLE_ARN (the default role
// of restore jobs), and uses the function's role through the default
// credential chain. A target with a roleArn (cross-account drills) is
// drilled with that role's credentials, assumed once per role and cached;
// its restore job uses the target's iamRoleArn (a role of its account).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/backupkit/backupkit/automation/function"
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/gateway"
	"github.com/backupkit/backupkit/restore"
)

func main() {
	h, err := newHandler(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "backupkit-lambda:", err)
		os.Exit(1)
	}
	lambda.Start(function.Lambda(h))
}

// newHandler builds the handler from the environment. Clients are created
// without calling AWS, so the function is ready within milliseconds.
func newHandler(ctx context.Context) (*function.Handler, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	api := awsbackup.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg)
	restoreClient := func(cfg aws.Config, api *awsbackup.Client) *restore.Client {
		return restore.New(api, func(o *restore.Options) {
			o.IAMRoleARN = os.Getenv(function.EnvRestoreRole)
			o.Logger = logger
			o.Services = restore.Services{
				EC2: ec2.NewFromConfig(cfg), RDS: rds.NewFromConfig(cfg), DynamoDB: dynamodb.NewFromConfig(cfg),
				EFS: efs.NewFromConfig(cfg), FSx: fsx.NewFromConfig(cfg), S3: s3.NewFromConfig(cfg),
				Gateway: gateway.NewFromConfig(cfg), SSMSAP: ssmsap.NewFromConfig(cfg),
			}
		})
	}
	rc := restoreClient(cfg, api)
	roles := &roleClients{base: cfg, sts: sts.NewFromConfig(cfg), build: restoreClient, byRole: map[string]*roleClient{}}
	rem := backup.NewRemediator(api, func(o *backup.RemediatorOptions) {
		o.SNS, o.TopicARN, o.Logger = sns.NewFromConfig(cfg), os.Getenv(function.EnvTopicARN), logger
	})
	return function.New(func(o *function.Options) {
		o.Restore, o.Remediator, o.Jobs = rc, rem, api
		o.RestoreFor = func(_ context.Context, roleARN string) (*restore.Client, error) {
			return roles.get(roleARN).restore, nil
		}
		o.JobsFor = func(_ context.Context, roleARN string) (function.JobsAPI, error) {
			return roles.get(roleARN).api, nil
		}
		o.Store, o.Bucket = s3c, os.Getenv(function.EnvReportBucket)
		if p := os.Getenv(function.EnvReportPrefix); p != "" {
			o.Prefix = p
		}
		o.Logger = logger
	}), nil
}

// roleClients are the clients of cross-account targets, one set per role;
// each role is assumed on first use and its credentials cached until they
// near expiry.
type roleClients struct {
	base  aws.Config
	sts   *sts.Client
	build func(aws.Config, *awsbackup.Client) *restore.Client

	mu     sync.Mutex
	byRole map[string]*roleClient
}

type roleClient struct {
	api     *awsbackup.Client
	restore *restore.Client
}

func (r *roleClients) get(roleARN string) *roleClient {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.byRole[roleARN]; ok {
		return c
	}
	cfg := r.base.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(r.sts, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "backupkit-drill"
	}))
	api := awsbackup.NewFromConfig(cfg)
	c := &roleClient{api: api, restore: r.build(cfg, api)}
	r.byRole[roleARN] = c
	return c
}
