// Command locked-vault creates a backup vault encrypted with a
// customer-managed KMS key, sends its job events to SNS, denies recovery
// point deletion with an access policy and applies a Vault Lock.
//
// By default it runs against an embedded AWS Backup emulator:
//
//	go run ./examples/locked-vault
//
// -endpoint URL targets a running emulator; -aws uses the default
// credential chain and real AWS (pass -kms-key and -topic of your own; the
// lock is in governance mode, removable, unless you pass -compliance AND
// -i-understand-compliance-is-irreversible).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/vault"
)

// settings are the example's inputs; flags override them.
type settings struct {
	vaultName  string
	kmsKey     string
	topic      string
	compliance bool
	ack        bool
}

var opts = settings{
	vaultName: "backupkit-locked",
	kmsKey:    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	topic:     "arn:aws:sns:us-east-1:123456789012:backup-events",
}

func main() {
	where := exenv.Register(nil)
	flag.StringVar(&opts.vaultName, "vault", opts.vaultName, "vault name")
	flag.StringVar(&opts.kmsKey, "kms-key", opts.kmsKey, "customer-managed KMS key ARN")
	flag.StringVar(&opts.topic, "topic", opts.topic, "SNS topic ARN for vault events")
	flag.BoolVar(&opts.compliance, "compliance", false, "compliance-mode lock (irreversible after 3 days)")
	flag.BoolVar(&opts.ack, "i-understand-compliance-is-irreversible", false, "acknowledge that a compliance lock can never be removed after its grace period")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	if err := run(ctx, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, cfg aws.Config, out io.Writer) error {
	vc := vault.New(awsbackup.NewFromConfig(cfg))

	// 1. Create (or verify) the vault with the customer-managed key.
	info, created, err := vc.Ensure(ctx, vault.Spec{Name: opts.vaultName, KMSKeyARN: opts.kmsKey, Tags: map[string]string{"purpose": "ransomware-protection"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "vault %s (created %v), key %s\n", info.ARN, created, info.KMSKeyARN)

	// 2. Notifications: the events, and the topic policy that lets AWS
	//    Backup publish (apply it with sns SetTopicAttributes "Policy").
	if err := vc.PutNotifications(ctx, opts.vaultName, vault.Notifications{TopicARN: opts.topic, Events: vault.JobEvents()}); err != nil {
		return err
	}
	topicPolicy, err := vault.TopicPolicy(opts.topic)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "notifications: %d events to %s\nSNS topic policy:\n%s\n", len(vault.JobEvents()), opts.topic, topicPolicy)

	// 3. Nobody deletes recovery points or shortens their retention.
	policy, err := vault.NewAccessPolicy().DenyRecoveryPointDeletion().Build()
	if err != nil {
		return err
	}
	if err := vc.PutAccessPolicy(ctx, opts.vaultName, policy); err != nil {
		return err
	}
	fmt.Fprintln(out, "access policy: recovery point deletion denied")

	// 4. A compliance lock without the acknowledgement never reaches AWS.
	err = vault.ComplianceLock(backup.Days(7), backup.Days(365), backup.Days(3)).Validate()
	var ve *backup.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(out, "refused: %s: %s\n", ve.Field, ve.Reason)
	}

	// 5. The lock: governance by default.
	lock := vault.GovernanceLock(backup.Days(7), backup.Days(365))
	if opts.compliance {
		var ack []vault.LockOption
		if opts.ack {
			ack = append(ack, vault.AcknowledgeIrreversible())
		}
		lock = vault.ComplianceLock(backup.Days(7), backup.Days(365), backup.Days(3), ack...)
	}
	if err := vc.PutLock(ctx, opts.vaultName, lock); err != nil {
		return err
	}
	info, err = vc.Describe(ctx, opts.vaultName)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "vault lock (%s): retention %d..%d days\n", lock.Mode, info.MinRetention/backup.Day, info.MaxRetention/backup.Day)
	return nil
}
