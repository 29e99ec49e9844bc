package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/limits"
	"github.com/backupkit/backupkit/restore"
)

// runDrillFromTesting is `drill --restore-testing-plan`: instead of
// restoring anything itself, the drill reports what an AWS Backup restore
// testing plan did (restore.TestingResults) — its restore jobs, their
// validation results and deletions — with the same reports, history and
// exit status as a drill of its own.
func runDrillFromTesting(ctx context.Context, stdout, stderr io.Writer, f *drillFlags) error {
	if err := checkDrillTestingFlags(f); err != nil {
		return err
	}
	cfg, err := f.af.load(ctx)
	if err != nil {
		return err
	}
	api := awsbackup.NewFromConfig(cfg)
	planARN := f.testingPlan
	if !strings.HasPrefix(planARN, "arn:") {
		out, err := api.GetRestoreTestingPlan(ctx, &awsbackup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(f.testingPlan)})
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return fmt.Errorf("--restore-testing-plan %s: no such restore testing plan in %s (aws backup list-restore-testing-plans lists them)", f.testingPlan, cfg.Region)
		}
		if err != nil {
			return fmt.Errorf("restore testing plan %s: %w", f.testingPlan, err)
		}
		planARN = aws.ToString(out.RestoreTestingPlan.RestoreTestingPlanArn)
	}
	fmt.Fprintf(stdout, "Reading the restore tests of %s…\n", planARN)
	rep, err := restore.TestingResults(ctx, api, planARN, func(o *restore.TestingResultsOptions) {
		o.MaxRTO, o.MaxRPO, o.AcceptUnvalidated = f.maxRTO, f.maxRPO, f.acceptUnvalidated
		if f.since > 0 {
			o.Since = time.Now().Add(-f.since)
		}
	})
	if errors.Is(err, restore.ErrNoRestoreTests) {
		fmt.Fprintf(stderr, "backupkit: drill FAILED: restore testing plan %s has started no restore tests%s\n", f.testingPlan,
			map[bool]string{true: " within --since " + formatFlagDuration(f.since), false: ""}[f.since > 0])
		return &exitError{code: exitFailed}
	}
	if err != nil {
		return fmt.Errorf("restore testing plan %s: %w", f.testingPlan, err)
	}
	return finishDrill(ctx, stdout, stderr, cfg, f, rep, nil)
}

// checkDrillTestingFlags checks --restore-testing-plan and the flags that
// go with it, before any call.
func checkDrillTestingFlags(f *drillFlags) error {
	var errs []error
	switch p := f.testingPlan; {
	case p == "":
		errs = append(errs, errors.New("--since and --accept-unvalidated go with --restore-testing-plan NAME|ARN"))
	case strings.HasPrefix(p, "arn:"):
		a, err := arn.Parse(p)
		if err != nil || a.Service != "backup" || !strings.HasPrefix(a.Resource, "restore-testing-plan:") || len(a.Resource) == len("restore-testing-plan:") {
			errs = append(errs, fmt.Errorf("--restore-testing-plan %q: want a plan name or arn:aws:backup:REGION:ACCOUNT:restore-testing-plan:ID", p))
		}
	default:
		if reason := limits.RestoreTestingName(p); reason != "" {
			errs = append(errs, fmt.Errorf("--restore-testing-plan %q: %s", p, reason))
		}
	}
	if f.since < 0 {
		errs = append(errs, fmt.Errorf("--since %s: want a positive duration such as 168h (or 0 for all)", formatFlagDuration(f.since)))
	}
	for _, c := range []struct {
		set  bool
		flag string
	}{
		{f.vault != "", "--vault"}, {len(f.resources) > 0, "--resources"}, {f.selection != "", "--selection"},
		{f.freshBackup, "--fresh-backup"}, {f.appARN != "", "--resilience-app"}, {f.policyARN != "", "--resiliency-policy"},
		{f.fleet.on(), "--accounts/--org/--regions"},
	} {
		if c.set && f.testingPlan != "" {
			errs = append(errs, fmt.Errorf("%s cannot be combined with --restore-testing-plan: the plan's own selections chose what was restored", c.flag))
		}
	}
	if !f.useAWS && !f.af.overridden() {
		errs = append(errs, errors.New("--restore-testing-plan reads AWS Backup's results: add --aws, or --endpoint URL for an emulator"))
	}
	if err := checkOutDir(f.out); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
