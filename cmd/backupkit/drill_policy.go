package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resiliencehub"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/restore"
)

// checkDrillPolicyFlags checks --resiliency-policy, --resilience-app and
// --history before any call is made.
func checkDrillPolicyFlags(f *drillFlags) error {
	if f.policyARN != "" && f.appARN != "" {
		return fmt.Errorf("--resiliency-policy and --resilience-app exclude each other (the app names its policy)")
	}
	if (f.policyARN != "" || f.appARN != "") && (f.maxRTO != 0 || f.maxRPO != 0) {
		return fmt.Errorf("--max-rto/--max-rpo cannot be combined with --resiliency-policy or --resilience-app: the policy sets the targets")
	}
	if f.policyARN != "" {
		if err := resilience.CheckARN("--resiliency-policy", f.policyARN, "resiliency-policy"); err != nil {
			return err
		}
	}
	if f.appARN != "" {
		if err := resilience.CheckARN("--resilience-app", f.appARN, "app"); err != nil {
			return err
		}
	}
	if (f.policyARN != "" || f.appARN != "") && !f.useAWS && f.hub == nil {
		return fmt.Errorf("--resiliency-policy and --resilience-app read AWS Resilience Hub, which the emulator does not serve: use --aws")
	}
	if f.history != "off" {
		if _, _, _, err := history.ParseLocation(drillHistoryLocation(f)); err != nil {
			return fmt.Errorf("--history: %w", err)
		}
	}
	return nil
}

// drillHistoryLocation is --history, or drill-history beside --out.
func drillHistoryLocation(f *drillFlags) string {
	if f.history != "" {
		return f.history
	}
	return filepath.Join(filepath.Dir(filepath.Clean(f.out)), "drill-history")
}

// applyDrillPolicy reads the resiliency policy (or the app and its policy)
// and sets the drill's per-target objectives; an app's protectable
// resources become the targets when none were given.
func applyDrillPolicy(ctx context.Context, stdout io.Writer, cfg aws.Config, f *drillFlags, d *restore.Drill) error {
	if f.policyARN == "" && f.appARN == "" {
		return nil
	}
	hub := f.hub
	if hub == nil {
		hub = resiliencehub.NewFromConfig(cfg)
	}
	c := resilience.New(hub)
	home := cfg.Region
	var pol *resilience.Policy
	if f.appARN != "" {
		app, err := c.App(ctx, f.appARN)
		if err != nil {
			return err
		}
		if app.Policy == nil {
			return fmt.Errorf("resilience app %s has no resiliency policy", f.appARN)
		}
		pol, home = app.Policy, app.Region
		if len(d.Targets) == 0 && f.selection == "" && f.vault == "" {
			for _, a := range app.ProtectedARNs() {
				d.Targets = append(d.Targets, restore.Target{ResourceARN: a})
			}
			if len(d.Targets) == 0 {
				return fmt.Errorf("resilience app %s has no resource AWS Backup protects", f.appARN)
			}
		}
		fmt.Fprintf(stdout, "Resilience Hub app %s: %d resources AWS Backup can protect.\n", app.Name, len(app.ProtectedARNs()))
	} else {
		var err error
		if pol, err = c.Policy(ctx, f.policyARN); err != nil {
			return err
		}
	}
	d.Policy = pol.DrillPolicy(home)
	fmt.Fprintf(stdout, "Resiliency policy %s (tier %s): same-Region restores judged against %s, cross-Region copies against %s.\n",
		pol.Name, pol.Tier, describeObjective(pol, false), describeObjective(pol, true))
	return nil
}

func describeObjective(p *resilience.Policy, cross bool) string {
	d, o, ok := p.ForRestore(cross)
	if !ok {
		return "no objective (" + string(d) + " not set)"
	}
	return fmt.Sprintf("%s (RTO %s, RPO %s)", d, restore.FormatDuration(o.RTO), restore.FormatDuration(o.RPO))
}

// appendDrillHistory stores the reports in the drill history: one, or
// one per account and Region of a drill across them.
func appendDrillHistory(ctx context.Context, stdout io.Writer, cfg aws.Config, f *drillFlags, reps ...*restore.Report) error {
	if f.history == "off" || len(reps) == 0 {
		return nil
	}
	loc := drillHistoryLocation(f)
	st, err := history.Open(loc, func() (history.S3API, error) { return s3.NewFromConfig(cfg), nil })
	if err != nil {
		return err
	}
	h := history.New(st)
	for _, rep := range reps {
		name, err := h.Append(ctx, rep)
		if err != nil {
			return fmt.Errorf("drill history: %w", err)
		}
		fmt.Fprintf(stdout, "History: %s\n", joinLocation(loc, name))
	}
	return nil
}

func joinLocation(loc, name string) string {
	if len(loc) > 5 && loc[:5] == "s3://" {
		if loc[len(loc)-1] != '/' {
			loc += "/"
		}
		return loc + name
	}
	return filepath.Join(loc, name)
}
