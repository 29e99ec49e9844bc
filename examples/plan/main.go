// Command plan shows the plan package end to end: build and validate a
// backup plan, preview its schedule, then create it, attach resources and
// update it idempotently.
//
// By default it runs against an embedded AWS Backup emulator, so
//
//	go run ./examples/plan
//
// works with no AWS account. -endpoint URL targets a running emulator
// (backupkit emulator); -aws uses the default credential chain and real AWS
// (it creates a vault named backupkit-example if missing, and a plan and
// selection that it deletes at the end).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/plan"
)

const vaultName = "backupkit-example"

func main() {
	where := exenv.Register(nil)
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
	api := awsbackup.NewFromConfig(cfg)

	// 1. The roadmap's lifecycle trap is caught before any call: AWS needs
	//    recovery points in cold storage for at least 90 days.
	_, err := plan.New("example").
		AddRule(plan.NewRule("daily", vaultName).MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(90))).
		Build()
	for _, ve := range backup.ValidationErrors(err) {
		fmt.Fprintf(out, "invalid: %s: %s\n", ve.Field, ve.Reason)
	}

	// 2. A valid plan: a daily 7-day rule plus a monthly rule in local time.
	p, err := plan.Daily7("backupkit-example", vaultName).
		AddRule(plan.NewRule("monthly", vaultName).
			Schedule("cron(0 3 ? * 1#1 *)").Timezone("Europe/Berlin"). // first Sunday, 03:00 Berlin
			StartWithin(time.Hour).CompleteWithin(6*time.Hour).
			MoveToColdAfter(backup.Days(30)).DeleteAfter(backup.Days(365))).
		Tag("managed-by", "backupkit").
		Build()
	if err != nil {
		return err
	}
	for _, r := range p.Rules {
		s, err := r.ParsedSchedule()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "rule %s (%s, %s) next runs:\n", r.Name, s, s.Location())
		for _, t := range s.Next(time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC), 3) {
			fmt.Fprintf(out, "  %s\n", t.Format(time.RFC3339))
		}
	}

	if err := ensureVault(ctx, api); err != nil {
		return err
	}

	// 3. Ensure creates the plan, then finds nothing to change.
	c := plan.NewClient(api)
	res, err := c.Ensure(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "plan %s: %s\n", p.Name, res.Action)
	id := res.Live.ID
	res, err = c.Ensure(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "plan %s: %s\n", p.Name, res.Action)

	// 4. Assign tagged EBS volumes and DynamoDB tables.
	role := fmt.Sprintf("arn:aws:iam::%s:role/service-role/AWSBackupDefaultServiceRole", accountOf(res.Live.ARN))
	sel, err := plan.NewSelection("tagged", role).
		AllOfType("EBS").AllOfType("DynamoDB").
		Where(plan.StringEquals, "backup", "daily").
		Build()
	if err != nil {
		return err
	}
	_, act, err := c.EnsureSelection(ctx, id, sel)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "selection %s: %s\n", sel.Name, act)
	fmt.Fprintf(out, "matches tagged volume: %v\n",
		sel.Matches("arn:aws:ec2:us-east-1:123456789012:volume/vol-1", map[string]string{"backup": "daily"}))

	// 5. Change retention: Ensure updates the plan (a new version) and says what changed.
	p.Rules[0].Lifecycle.DeleteAfter = backup.Days(14)
	res, err = c.Ensure(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "plan %s: %s\n%s", p.Name, res.Action, res.Changes)
	n := 0
	for _, err := range c.Versions(ctx, id) {
		if err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(out, "versions: %d\n", n)

	// 6. Clean up: selections first, then the plan. Recovery points and the vault stay.
	if err := c.Delete(ctx, id, func(o *plan.DeleteOptions) { o.DeleteSelections = true }); err != nil {
		return err
	}
	fmt.Fprintln(out, "deleted plan and its selections")
	return nil
}

func ensureVault(ctx context.Context, api *awsbackup.Client) error {
	_, err := api.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(vaultName)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		_, err = api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(vaultName)})
	}
	if err != nil {
		return fmt.Errorf("vault %s: %w", vaultName, err)
	}
	return nil
}

// accountOf returns the account field of an ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
