package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/restore"
)

type resilienceFlags struct {
	af      awsFlags
	app     string
	history string
	days    int
	asJSON  bool
	hub     resilience.API // tests; nil: the Resilience Hub client from the AWS config
}

func newResilienceCmd() *cobra.Command {
	var f resilienceFlags
	cmd := &cobra.Command{
		Use:   "resilience",
		Short: "AWS Resilience Hub: what an app's resiliency policy cannot rely on",
	}
	findings := &cobra.Command{
		Use:   "findings --app ARN [--history LOCATION] [--days 30]",
		Short: "Resources without a recovery point young enough for the policy's RPO; no recent drill",
		Long: `findings reads a Resilience Hub app, its resiliency policy and its resources, then
reports: resources without a completed recovery point younger than the policy's
strictest RPO (AWS Backup ListRecoveryPointsByResource), no drill judged against
the policy within --days days, and resources not drilled within --days days (both
read from the drill history). Exit status 1 when there is any finding.

Resilience Hub is read from AWS (default credential chain); --endpoint points the
AWS Backup and S3 calls elsewhere.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runResilienceFindings(cmd.Context(), cmd.OutOrStdout(), &f)
		},
	}
	f.af.register(findings)
	fl := findings.Flags()
	fl.StringVar(&f.app, "app", "", "Resilience Hub app ARN (required)")
	fl.StringVar(&f.history, "history", "drill-history", "drill history: a directory or s3://bucket/prefix")
	fl.IntVar(&f.days, "days", 30, "a drill older than this many days does not count")
	fl.BoolVar(&f.asJSON, "json", false, "print the findings as JSON")
	cmd.AddCommand(findings)
	return cmd
}

func runResilienceFindings(ctx context.Context, out io.Writer, f *resilienceFlags) error {
	if err := resilience.CheckARN("--app", f.app, "app"); err != nil {
		return err
	}
	if f.days < 1 {
		return fmt.Errorf("--days must be at least 1, got %d", f.days)
	}
	if _, _, _, err := history.ParseLocation(f.history); err != nil {
		return fmt.Errorf("--history: %w", err)
	}
	cfg, err := f.af.load(ctx)
	if err != nil {
		return err
	}
	hub := f.hub
	if hub == nil {
		hubCfg := cfg.Copy()
		hubCfg.BaseEndpoint = nil // Resilience Hub is always AWS's
		hub = resiliencehub.NewFromConfig(hubCfg)
	}
	app, err := resilience.New(hub).App(ctx, f.app)
	if err != nil {
		return err
	}
	st, err := history.Open(f.history, func() (history.S3API, error) { return s3.NewFromConfig(cfg), nil })
	if err != nil {
		return err
	}
	window := time.Duration(f.days) * 24 * time.Hour
	var drills []resilience.DrillRecord
	res, err := history.New(st).Scan(ctx, func(r *restore.Report) error {
		drills = append(drills, resilience.RecordOf(r))
		return nil
	}, func(o *history.ScanOptions) { o.Since = time.Now().Add(-window) })
	if err != nil {
		return err
	}
	fs, err := resilience.Findings(ctx, awsbackup.NewFromConfig(cfg), resilience.FindingsInput{App: app, DrillWindow: window, Drills: drills})
	if err != nil {
		return err
	}
	if f.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"app": app.Name, "policy": app.Policy, "findings": fs, "corruptHistoryFiles": len(res.Corrupt)}); err != nil {
			return err
		}
	} else {
		if app.Policy != nil {
			fmt.Fprintf(out, "App %s, policy %s (tier %s); %d drills in the last %d days.\n", app.Name, app.Policy.Name, app.Policy.Tier, len(drills), f.days)
		}
		for _, x := range fs {
			fmt.Fprintf(out, "%-20s %s %s\n", x.Kind, x.ResourceARN, x.Message)
		}
		fmt.Fprintf(out, "%d findings.\n", len(fs))
	}
	if len(fs) > 0 {
		return &exitError{code: 1}
	}
	return nil
}
