package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/plan"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/restore"
)

type drillFlags struct {
	af              awsFlags
	fleet           fleetFlags
	useAWS          bool
	out             string
	vault           string
	resources       []string
	selection       string
	role            string
	maxRTO, maxRPO  time.Duration
	concurrency     int
	freshBackup     bool
	demoTargets     int
	restoreDuration time.Duration
	pollInterval    time.Duration
	// Resilience Hub and history (drill_policy.go).
	policyARN, appARN string
	history           string
	// Reading AWS's restore testing results instead (drill_testing.go).
	testingPlan       string
	since             time.Duration
	acceptUnvalidated bool
	hub               resilience.API // nil: the Resilience Hub client from the AWS config
	exit              func(int)      // nil: os.Exit (a second Ctrl-C exits at once)
}

func newDrillCmd() *cobra.Command {
	var f drillFlags
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Run a restore drill: restore to staging, validate, clean up, measure RTO and RPO, write reports",
		Long: `Run a restore drill. For every target: choose the latest completed recovery point
(or take a fresh backup), restore it to staging under a unique name tagged
backupkit:drill-id, validate it with the resource's own service, report the result
to AWS Backup, delete exactly what the drill created, and measure RPO (recovery point
age), RTO restore (AWS's restore job time) and RTO total (start → validated).

With no flags it runs a complete demo on an embedded emulator: it seeds an EBS volume,
an EC2 instance, an RDS instance, a DynamoDB table, an EFS file system and an S3 bucket,
a vault and a plan, backs them up and drills them all (--demo-targets and
--restore-duration scale it).

--aws drills real resources with the default credential chain: --vault with
--resources ARN,... (or every resource with a recovery point in the vault), or
--selection PLAN_ID/SELECTION_ID (the vault comes from the plan's first rule).
--endpoint URL (or the SDK's AWS_ENDPOINT_URL) sends every call — AWS Backup, EC2,
RDS, DynamoDB, EFS, FSx and S3 — to that endpoint, e.g. a running 'backupkit emulator'
or LocalStack: the same validators and cleanup as against AWS.

Reports go to --out (report.json, report.md, report.xml, report.html). The exit status
is 2 when any target fails, misses its RTO or RPO target, or leaves a resource behind,
and 1 on an error (bad input, or the drill was interrupted).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDrill(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), &f)
		},
	}
	f.af.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.useAWS, "aws", false, "drill real AWS resources (default credential chain)")
	fl.StringVar(&f.out, "out", "drill-report", "directory for report.json, report.md, report.xml and report.html")
	fl.StringVar(&f.vault, "vault", "", "backup vault to take recovery points from")
	fl.StringSliceVar(&f.resources, "resources", nil, "resource ARNs to drill (comma-separated)")
	fl.StringVar(&f.selection, "selection", "", "drill the resources of a backup selection: PLAN_ID/SELECTION_ID")
	fl.StringVar(&f.role, "role", "", "IAM role ARN for restore (and backup) jobs")
	durationVar(fl, &f.maxRTO, "max-rto", 0, "RTO target per resource, e.g. 4h (0: none)")
	durationVar(fl, &f.maxRPO, "max-rpo", 0, "RPO target per resource, e.g. 24h (0: none)")
	fl.IntVar(&f.concurrency, "concurrency", restore.DefaultDrillConcurrency, "targets drilled at once")
	fl.BoolVar(&f.freshBackup, "fresh-backup", false, "take an on-demand backup of each target first")
	fl.IntVar(&f.demoTargets, "demo-targets", 6, "demo: number of resources to seed (cycling EBS, EC2, RDS, DynamoDB, EFS, S3)")
	durationVar(fl, &f.restoreDuration, "restore-duration", 300*time.Millisecond, "demo: how long each emulated backup and restore job takes")
	durationVar(fl, &f.pollInterval, "poll-interval", 0, "how often to check restore jobs and deleted resources (default: jobs every 5s rising to 2m, deletions every 10s; demo 20ms)")
	fl.StringVar(&f.policyARN, "resiliency-policy", "", "judge targets against this AWS Resilience Hub resiliency policy (replaces --max-rto/--max-rpo)")
	fl.StringVar(&f.appARN, "resilience-app", "", "judge targets against this Resilience Hub app's policy; drill its resources unless targets are given")
	fl.StringVar(&f.history, "history", "", "append the report to this drill history: a directory or s3://bucket/prefix (default: drill-history beside --out; off: none)")
	fl.StringVar(&f.testingPlan, "restore-testing-plan", "", "report what this AWS Backup restore testing plan (name or ARN) did instead of running restores: its restore jobs, validation results and deletions")
	durationVar(fl, &f.since, "since", 0, "with --restore-testing-plan: only restore tests started within this long, e.g. 168h (0: all)")
	fl.BoolVar(&f.acceptUnvalidated, "accept-unvalidated", false, "with --restore-testing-plan: a restore test deleted without a validation result passes (default: it fails)")
	f.fleet.register(cmd) // after --concurrency: the fleet's is --fleet-concurrency
	return cmd
}

const (
	drillDemoVault = "backupkit-demo"
	drillDemoRole  = "arn:aws:iam::123456789012:role/backupkit-demo"
)

func runDrill(ctx context.Context, stdout, stderr io.Writer, f *drillFlags) error {
	if f.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1")
	}
	if f.demoTargets < 1 {
		return fmt.Errorf("--demo-targets must be at least 1")
	}
	if f.pollInterval < 0 {
		return fmt.Errorf("--poll-interval %s: want a positive duration such as 2s", formatFlagDuration(f.pollInterval))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--max-rto", f.maxRTO}, {"--max-rpo", f.maxRPO}} {
		if d.v < 0 {
			return fmt.Errorf("%s %s: want a positive duration such as 4h (or 0 for no target)", d.name, formatFlagDuration(d.v))
		}
	}
	if err := checkDrillPolicyFlags(f); err != nil {
		return err
	}
	if f.testingPlan != "" || f.since != 0 || f.acceptUnvalidated {
		return runDrillFromTesting(ctx, stdout, stderr, f)
	}
	if f.fleet.on() {
		return runDrillFleet(ctx, stdout, stderr, f)
	}
	demo := !f.useAWS && !f.af.overridden()
	if f.restoreDuration < 0 || (demo && f.restoreDuration == 0) {
		return fmt.Errorf("--restore-duration %s: want a positive duration such as 300ms", formatFlagDuration(f.restoreDuration))
	}
	if !demo && f.role == "" && f.selection == "" && f.appARN == "" {
		return fmt.Errorf("--role is required: restore jobs run as an IAM role (e.g. arn:aws:iam::123456789012:role/AWSBackupDefaultServiceRole); with --selection the selection's role is used")
	}
	if err := checkOutDir(f.out); err != nil {
		return err
	}
	var (
		cfg    aws.Config
		optFns []func(*restore.Options)
		drill  = &restore.Drill{Vault: f.vault, IAMRoleARN: f.role, MaxRTO: f.maxRTO, MaxRPO: f.maxRPO, Concurrency: f.concurrency, FreshBackup: f.freshBackup}
	)
	for _, a := range f.resources {
		drill.Targets = append(drill.Targets, restore.Target{ResourceARN: strings.TrimSpace(a)})
	}
	if demo {
		// The demo is the endpoint path against an embedded emulator: the
		// same clients, validators and cleanup as against AWS.
		srv, err := backuptest.Start("127.0.0.1:0", func(o *backuptest.Options) { o.JobDuration = f.restoreDuration })
		if err != nil {
			return err
		}
		defer srv.Close()
		cfg = srv.Config()
		f.af.endpoint = srv.URL
		if f.pollInterval == 0 {
			f.pollInterval = 20 * time.Millisecond
		}
		selection, err := seedDrillDemo(ctx, stdout, srv, f, pollWaiter(f.pollInterval))
		if err != nil {
			return fmt.Errorf("demo setup: %w", err)
		}
		f.selection = selection
		if drill.IAMRoleARN == "" {
			drill.IAMRoleARN = drillDemoRole
		}
		if drill.MaxRTO == 0 {
			drill.MaxRTO = time.Minute
		}
		if drill.MaxRPO == 0 {
			drill.MaxRPO = time.Hour
		}
	} else {
		var err error
		if cfg, err = f.af.load(ctx); err != nil {
			return err
		}
	}
	services := f.af.resourceServices(cfg)
	optFns = append(optFns, func(o *restore.Options) {
		o.Services = services
		if f.pollInterval > 0 {
			o.Waiter = pollWaiter(f.pollInterval)
			o.DeletePollInterval = f.pollInterval
		}
	})
	api := awsbackup.NewFromConfig(cfg)
	if err := applyDrillPolicy(ctx, stdout, cfg, f, drill); err != nil {
		return err
	}
	if f.selection != "" {
		if err := applyDrillSelection(ctx, api, f.selection, drill); err != nil {
			return err
		}
	}
	if len(drill.Targets) == 0 && drill.Selection == nil {
		if drill.Vault == "" {
			return fmt.Errorf("nothing to drill: set --vault (every resource with a recovery point in it), --resources or --selection")
		}
		drill.AllInVault = true
	}
	p := &drillProgress{w: stdout, verbose: f.demoTargets <= 30 || !demo}
	flying := &inFlight{}
	exit := f.exit
	if exit == nil {
		exit = os.Exit
	}
	stopWatching := watchInterrupts(stderr, flying, exit)
	defer stopWatching()
	optFns = append(optFns, func(o *restore.Options) {
		o.OnEvent = func(ev restore.Event) {
			flying.event(ev)
			p.event(ev)
		}
		if drill.IAMRoleARN != "" {
			o.IAMRoleARN = drill.IAMRoleARN
		}
	})
	client := restore.New(api, optFns...)
	audit := drillAudit(ctx, cfg, f, drill, demo)
	fmt.Fprintf(stdout, "Drilling (concurrency %d)…\n", drill.Concurrency)
	rep, runErr := client.Run(ctx, drill)
	if rep == nil {
		return runErr
	}
	rep.Audit = audit
	return finishDrill(ctx, stdout, stderr, cfg, f, rep, runErr)
}

// finishDrill prints the summary of a drill's report, writes its reports
// and history, and returns the exit status: 2 when a target failed, 1 when
// the drill was interrupted (runErr).
func finishDrill(ctx context.Context, stdout, stderr io.Writer, cfg aws.Config, f *drillFlags, rep *restore.Report, runErr error) error {
	printDrillSummary(stdout, rep)
	if err := writeDrillReports(f.out, rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Reports: %s\n", strings.Join([]string{
		filepath.Join(f.out, "report.json"), filepath.Join(f.out, "report.md"), filepath.Join(f.out, "report.xml"), filepath.Join(f.out, "report.html")}, ", "))
	if err := appendDrillHistory(context.WithoutCancel(ctx), stdout, cfg, f, rep); err != nil {
		return err
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "backupkit: drill interrupted: %v\n", runErr)
		return &exitError{code: exitErr}
	}
	if len(rep.Targets) == 0 {
		fmt.Fprintf(stderr, "backupkit: drill FAILED: nothing was drilled: no target matched (check --vault, --resources or --selection)\n")
		return &exitError{code: exitFailed}
	}
	if !rep.Passed {
		fmt.Fprintf(stderr, "backupkit: drill FAILED: %d of %d targets failed, %d missed RTO, %d missed RPO, %d resources left behind\n",
			rep.Summary.Failed, rep.Summary.Targets, rep.Summary.MissedRTO, rep.Summary.MissedRPO, rep.Summary.LeftBehind)
		return &exitError{code: exitFailed}
	}
	fmt.Fprintf(stdout, "Drill PASSED: %d targets restored, validated and cleaned up.\n", rep.Summary.Targets)
	return nil
}

// drillAudit is the report's header: who runs the drill (STS caller
// identity), where, from which vault, as which role, with which tool and
// settings.
func drillAudit(ctx context.Context, cfg aws.Config, f *drillFlags, d *restore.Drill, demo bool) restore.Audit {
	a := restore.Audit{Region: cfg.Region, RestoreRole: d.IAMRoleARN, ToolVersion: versionInfo()}
	if d.Vault != "" {
		a.Vaults = []string{d.Vault}
	}
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if arn, account, err := callerIdentity(ictx, cfg); err != nil {
		a.Operator = "unknown (" + err.Error() + ")"
	} else {
		a.Operator, a.Account = arn, account
	}
	set := func(name, value string) { a.Settings = append(a.Settings, restore.Setting{Name: name, Value: value}) }
	switch {
	case demo:
		set("target", "demo on an embedded emulator")
		set("--demo-targets", fmt.Sprint(f.demoTargets))
		set("--restore-duration", formatFlagDuration(f.restoreDuration))
	case f.af.endpoint != "":
		set("--endpoint", f.af.endpoint)
	case f.af.overridden():
		set("AWS_ENDPOINT_URL", endpointFromEnv())
	default:
		set("target", "AWS (default credential chain)")
	}
	switch {
	case f.selection != "":
		set("--selection", f.selection)
	case len(f.resources) > 0:
		set("--resources", strings.Join(f.resources, ","))
	case f.appARN != "":
		set("--resilience-app", f.appARN)
	default:
		set("targets", "every resource with a recovery point in the vault")
	}
	set("--max-rto", durationSetting(d.MaxRTO))
	set("--max-rpo", durationSetting(d.MaxRPO))
	if f.policyARN != "" {
		set("--resiliency-policy", f.policyARN)
	}
	set("--concurrency", fmt.Sprint(d.Concurrency))
	set("--fresh-backup", fmt.Sprint(d.FreshBackup))
	if f.pollInterval > 0 {
		set("--poll-interval", formatFlagDuration(f.pollInterval))
	}
	return a
}

func durationSetting(d time.Duration) string {
	if d <= 0 {
		return "no target set"
	}
	return formatFlagDuration(d)
}

// pollWaiter makes job waiters poll every d, backing off to 10×d.
func pollWaiter(d time.Duration) func(*backup.WaiterOptions) {
	return func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = d, 10*d }
}

// drillDemoKinds are the resources the demo seeds, in order.
var drillDemoKinds = []struct {
	typ   string
	arn   func(i int) string
	size  int64
	attrs map[string]string
}{
	{"EBS", func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-demo%04d", i) }, 8 << 30, nil},
	{"EC2", func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:instance/i-demo%04d", i) }, 8 << 30, map[string]string{"instanceType": "t3.micro"}},
	{"RDS", func(i int) string { return fmt.Sprintf("arn:aws:rds:us-east-1:123456789012:db:orders-%04d", i) }, 20 << 30, map[string]string{"engine": "postgres"}},
	{"DynamoDB", func(i int) string {
		return fmt.Sprintf("arn:aws:dynamodb:us-east-1:123456789012:table/sessions-%04d", i)
	}, 64 << 20, map[string]string{"itemCount": "1200"}},
	{"EFS", func(i int) string {
		return fmt.Sprintf("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-demo%04d", i)
	}, 2 << 30, nil},
	{"S3", func(i int) string { return fmt.Sprintf("arn:aws:s3:::backupkit-demo-assets-%04d", i) }, 512 << 20, map[string]string{"objectCount": "250"}},
}

// seedDrillDemo fills the embedded emulator: resources, a vault, a plan with a
// tag selection, and one completed backup of every resource. It returns
// the selection as PLAN_ID/SELECTION_ID.
func seedDrillDemo(ctx context.Context, out io.Writer, srv *backuptest.Server, f *drillFlags, wait func(*backup.WaiterOptions)) (string, error) {
	api := srv.Client()
	var arns []string
	for i := range f.demoTargets {
		k := drillDemoKinds[i%len(drillDemoKinds)]
		r := backuptest.Resource{ARN: k.arn(i), SizeBytes: k.size, Attributes: maps.Clone(k.attrs), Tags: map[string]string{"backup": "daily", "app": "shop"}}
		if err := srv.PutResource(r); err != nil {
			return "", err
		}
		arns = append(arns, r.ARN)
	}
	if _, err := api.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(drillDemoVault)}); err != nil {
		return "", err
	}
	pl, err := api.CreateBackupPlan(ctx, &awsbackup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String("backupkit-demo-daily"),
		Rules: []types.BackupRuleInput{{
			RuleName: aws.String("daily"), TargetBackupVaultName: aws.String(drillDemoVault),
			ScheduleExpression: aws.String("cron(0 5 ? * * *)"), StartWindowMinutes: aws.Int64(60),
			Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(35)},
		}},
	}})
	if err != nil {
		return "", err
	}
	sel, err := api.CreateBackupSelection(ctx, &awsbackup.CreateBackupSelectionInput{
		BackupPlanId: pl.BackupPlanId,
		BackupSelection: &types.BackupSelection{
			SelectionName: aws.String("tagged-daily"), IamRoleArn: aws.String(drillDemoRole),
			ListOfTags: []types.Condition{{ConditionType: types.ConditionTypeStringequals, ConditionKey: aws.String("backup"), ConditionValue: aws.String("daily")}},
		},
	})
	if err != nil {
		return "", err
	}
	fmt.Fprintf(out, "Demo: embedded emulator at %s; %d resources, vault %s, plan %s with selection %s.\n",
		srv.URL, len(arns), drillDemoVault, aws.ToString(pl.BackupPlanId), aws.ToString(sel.SelectionId))
	fmt.Fprintf(out, "Backing up %d resources…\n", len(arns))
	ids := make([]string, len(arns))
	for i, a := range arns {
		j, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(drillDemoVault), ResourceArn: aws.String(a), IamRoleArn: aws.String(drillDemoRole)})
		if err != nil {
			return "", err
		}
		ids[i] = aws.ToString(j.BackupJobId)
	}
	w := backup.NewJobWaiter(api, wait)
	for _, id := range ids {
		if _, err := w.Wait(ctx, id, 10*time.Minute); err != nil {
			return "", err
		}
	}
	return aws.ToString(pl.BackupPlanId) + "/" + aws.ToString(sel.SelectionId), nil
}

// applyDrillSelection resolves PLAN_ID/SELECTION_ID into the drill's selection
// (plan.Selection.Matches semantics) and, without --vault, the vault of the
// plan's first rule.
func applyDrillSelection(ctx context.Context, api *awsbackup.Client, ref string, d *restore.Drill) error {
	planID, selID, ok := strings.Cut(ref, "/")
	if !ok || planID == "" || selID == "" {
		return fmt.Errorf("--selection %q: want PLAN_ID/SELECTION_ID", ref)
	}
	out, err := api.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: aws.String(selID)})
	if err != nil {
		return fmt.Errorf("get backup selection %s: %w", ref, err)
	}
	sel, err := plan.SelectionFromSDK(out.BackupSelection)
	if err != nil {
		return fmt.Errorf("backup selection %s: %w", ref, err)
	}
	d.Selection = &restore.Selection{Match: sel.Matches}
	if d.IAMRoleARN == "" {
		d.IAMRoleARN = sel.IAMRole
	}
	if d.Vault == "" {
		p, err := api.GetBackupPlan(ctx, &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(planID)})
		if err != nil {
			return fmt.Errorf("get backup plan %s: %w", planID, err)
		}
		if p.BackupPlan == nil || len(p.BackupPlan.Rules) == 0 {
			return fmt.Errorf("backup plan %s has no rules; set --vault", planID)
		}
		d.Vault = aws.ToString(p.BackupPlan.Rules[0].TargetBackupVaultName)
	}
	return nil
}

// drillProgress prints live per-target drillProgress.
type drillProgress struct {
	mu      sync.Mutex
	w       io.Writer
	verbose bool
	done    int
}

func drillShortName(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func (p *drillProgress) event(ev restore.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := fmt.Sprintf("%-9s %-24s", ev.ResourceType, drillShortName(ev.ResourceARN))
	switch {
	case ev.Phase == restore.PhaseDone && ev.Result != nil:
		p.done++
		r := ev.Result
		mark := "✔"
		if r.Status != restore.Passed {
			mark = "✘"
		}
		if p.verbose || r.Status != restore.Passed || p.done%100 == 0 {
			fmt.Fprintf(p.w, "  %s %s %s  RTO %s, validation %s, cleanup %s", mark, name, r.Status, r.RTOTotalText(), r.Validation, r.Cleanup)
			if r.Error != "" {
				fmt.Fprintf(p.w, "  (%s)", r.Error)
			}
			if !p.verbose {
				fmt.Fprintf(p.w, "  [%d done]", p.done)
			}
			fmt.Fprintln(p.w)
		}
	case !p.verbose:
	case !ev.Done:
		fmt.Fprintf(p.w, "  … %s %s\n", name, ev.Phase)
	case ev.Err != nil:
		fmt.Fprintf(p.w, "  ! %s %s failed: %v\n", name, ev.Phase, ev.Err)
	}
}

func printDrillSummary(w io.Writer, rep *restore.Report) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE\tTYPE\tRPO\tRTO RESTORE\tRTO TOTAL\tVALIDATION\tCLEANUP\tSTATUS")
	const maxRows = 50
	for i, t := range rep.Targets {
		if i == maxRows {
			fmt.Fprintf(tw, "… %d more (see the reports)\t\t\t\t\t\t\t\n", len(rep.Targets)-maxRows)
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", middle(t.ResourceARN, 48), t.ResourceType, t.RPOText(),
			t.RTORestoreText(), t.RTOTotalText(), t.Validation, t.Cleanup, t.Status)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\n%d targets: %d passed, %d failed, %d missed RTO, %d missed RPO, %d left behind; drill took %s.\n",
		rep.Summary.Targets, rep.Summary.Passed, rep.Summary.Failed, rep.Summary.MissedRTO, rep.Summary.MissedRPO, rep.Summary.LeftBehind,
		restore.FormatDuration(rep.FinishedAt.Sub(rep.StartedAt)))
	for _, a := range rep.LeftBehind {
		fmt.Fprintf(w, "LEFT BEHIND: %s\n", a)
	}
}

// checkOutDir makes sure the report directory can be written, before the
// drill starts: it creates it and a file in it.
func checkOutDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("--out: want a directory for the reports")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out %s: cannot create the report directory: %w", dir, err)
	}
	probe, err := os.CreateTemp(dir, ".backupkit-write-check-*")
	if err != nil {
		return fmt.Errorf("--out %s: the report directory is not writable: %w", dir, err)
	}
	name := probe.Name()
	_ = probe.Close()
	return os.Remove(name)
}

func writeDrillReports(dir string, rep *restore.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	for name, render := range map[string]func(io.Writer) error{
		"report.json": rep.WriteJSON, "report.md": rep.WriteMarkdown, "report.xml": rep.WriteJUnit, "report.html": rep.WriteHTML,
	} {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}
