// Command remediate shows the failed-backup remediator as a Lambda
// function would run it: a backup job fails, its EventBridge event is
// delivered three times (EventBridge delivers at least once), and the
// remediator restarts the job exactly once and notifies through SNS.
//
// In Lambda the handler is one line:
//
//	lambda.Start(backup.NewRemediator(awsbackup.NewFromConfig(cfg), opts).Handle)
//
// By default it runs against an embedded AWS Backup emulator that fails
// the first backup with a transient error:
//
//	go run ./examples/remediate
//
// -endpoint URL targets a running emulator (the resource and the failure
// are set up through its control API); -aws uses the default
// credential chain and real AWS (pass -resource and -role; the job most
// likely succeeds, and then there is nothing to remediate). Notifications
// print to stdout unless -topic names an SNS topic.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/vault"
)

var (
	vaultName   = "backupkit-example"
	resourceARN = "arn:aws:rds:us-east-1:123456789012:db:orders"
	roleARN     = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	topicARN    = ""
	minDelay    = 5 * time.Second
)

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&resourceARN, "resource", resourceARN, "ARN of the resource to back up")
	flag.StringVar(&roleARN, "role", roleARN, "IAM role AWS Backup assumes")
	flag.StringVar(&topicARN, "topic", "", "SNS topic for notifications (default: print them)")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = time.Second })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if env.Emulated() {
		if err := env.Seed(ctx, backuptest.Resource{ARN: resourceARN, SizeBytes: 20 << 30}); err != nil {
			log.Fatal(err)
		}
		// The first backup of the resource fails, so that the example has a failure to remediate.
		if err := env.Control.FailJobs(ctx, backuptest.JobFailure{JobType: "BACKUP", ResourceARN: resourceARN, StatusMessage: "An internal error occurred. Please try again.", Count: 1}); err != nil {
			log.Fatal(err)
		}
		minDelay = 250 * time.Millisecond
	}
	var pub backup.PublishAPI = printer{os.Stdout}
	if topicARN != "" {
		pub = sns.NewFromConfig(cfg)
	}
	if err := run(ctx, cfg, os.Stdout, pub); err != nil {
		log.Fatal(err)
	}
}

// printer is a PublishAPI that prints instead of publishing.
type printer struct{ w io.Writer }

func (p printer) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	fmt.Fprintf(p.w, "  [notification] %s\n", aws.ToString(in.Subject))
	return &sns.PublishOutput{MessageId: aws.String("printed")}, nil
}

func run(ctx context.Context, cfg aws.Config, out io.Writer, pub backup.PublishAPI) error {
	api := awsbackup.NewFromConfig(cfg)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: vaultName}); err != nil {
		return err
	}
	waitOpts := func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = minDelay, 10*minDelay }
	c := backup.New(api)
	job, err := c.StartBackup(ctx, backup.JobInput{VaultName: vaultName, ResourceARN: resourceARN, IAMRoleARN: roleARN,
		IdempotencyToken: backup.DeriveToken("remediate-example", time.Now().String())})
	if err != nil {
		return err
	}
	d, err := job.Wait(ctx, 4*time.Hour, waitOpts)
	if err == nil {
		fmt.Fprintf(out, "backup job %s completed; nothing to remediate\n", job.ID)
		return nil
	}
	if d == nil {
		return err
	}
	fmt.Fprintf(out, "backup job %s ended %s: %s\n", job.ID, d.State, aws.ToString(d.StatusMessage))

	// The EventBridge event AWS Backup sends for the failure.
	event, err := json.Marshal(map[string]any{
		"version": "0", "id": "example-" + job.ID, "detail-type": backup.DetailTypeBackupJob, "source": backup.EventSource,
		"account": accountOf(roleARN), "time": time.Now().UTC().Format(time.RFC3339), "region": cfg.Region,
		"resources": []string{resourceARN},
		"detail": map[string]any{"backupJobId": job.ID, "state": string(d.State), "statusMessage": aws.ToString(d.StatusMessage),
			"resourceArn": resourceARN, "resourceType": aws.ToString(d.ResourceType), "backupVaultName": vaultName,
			"backupSizeInBytes": "0", "creationDate": aws.ToTime(d.CreationDate).Format(time.RFC3339)},
	})
	if err != nil {
		return err
	}

	r := backup.NewRemediator(api, func(o *backup.RemediatorOptions) {
		o.SNS, o.TopicARN = pub, topicARN
		if o.TopicARN == "" {
			o.TopicARN = "arn:aws:sns:" + cfg.Region + ":" + accountOf(roleARN) + ":backup-alerts"
		}
	})
	var restarted string
	for delivery := 1; delivery <= 3; delivery++ {
		res, err := r.Handle(ctx, event)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "delivery %d: %s -> job %s\n", delivery, res.Action, res.NewJobID)
		restarted = res.NewJobID
	}
	if restarted == "" {
		return nil
	}
	nd, err := backup.NewJobWaiter(api).Wait(ctx, restarted, 4*time.Hour, waitOpts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "restarted job %s %s: %s\n", restarted, nd.State, aws.ToString(nd.RecoveryPointArn))
	jobs := 0
	for _, err := range c.Jobs(ctx, backup.JobFilter{ResourceARN: resourceARN}) {
		if err != nil {
			return err
		}
		jobs++
	}
	fmt.Fprintf(out, "backup jobs of %s: %d\n", resourceARN, jobs)
	return nil
}

func accountOf(roleARN string) string {
	a, err := arn.Parse(roleARN)
	if err != nil {
		return ""
	}
	return a.AccountID
}
