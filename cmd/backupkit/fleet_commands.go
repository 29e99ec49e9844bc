package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

// statusFleet is `status` across a fleet: one job report per account and
// Region, a table of their counts and one of their failed jobs.
func statusFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, since time.Duration, filter backup.JobFilter, asJSON bool) error {
	ctx := cmd.Context()
	from := time.Now().Add(-since)
	rs, err := runFleet(ctx, af, ff, func(ctx context.Context, t fleet.Target) (*backup.Report, error) {
		return backup.New(awsbackup.NewFromConfig(t.Config)).Report(ctx, from, func(o *backup.ReportOptions) { o.Filter = filter })
	})
	if err != nil {
		return err
	}
	failedJobs := 0
	for _, r := range rs {
		if r.Err == nil {
			failedJobs += len(r.Value.Failed)
		}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		if err := writeFleetJSON(out, rs); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tBACKUP JOBS\tCOMPLETED\tFAILED\tCOPY JOBS\tRESTORE JOBS\tRESOURCES\tWORST RPO")
		for _, r := range rs {
			if r.Err != nil {
				continue
			}
			rep := r.Value
			worst := "-"
			if len(rep.Resources) > 0 {
				worst = orDash(rep.Resources[0].AgeText)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Account, r.Region, rep.Total(backup.JobTypeBackup),
				rep.Counts[backup.JobTypeBackup]["COMPLETED"], len(rep.Failed), rep.Total(backup.JobTypeCopy), rep.Total(backup.JobTypeRestore), len(rep.Resources), worst)
		}
		_ = tw.Flush()
		if failedJobs > 0 {
			fmt.Fprintln(out)
			tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCOUNT\tREGION\tFAILED JOB\tTYPE\tSTATE\tRESOURCE\tMESSAGE")
			for _, r := range rs {
				if r.Err != nil {
					continue
				}
				for _, j := range r.Value.Failed {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Region, j.JobID, j.JobType, j.State, orDash(j.ResourceARN), orDash(oneLine(j.StatusMessage)))
				}
			}
			_ = tw.Flush()
		}
	}
	finishFleet(cmd, rs, asJSON)
	return fleetExit(rs, failedJobs > 0)
}

// coverageFleet is `coverage` across a fleet: every target's resources
// with ACCOUNT and REGION columns.
func coverageFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, filters []string, horizon time.Duration, asJSON, failUnprotected bool) error {
	ctx := cmd.Context()
	rs, err := runFleet(ctx, af, ff, func(ctx context.Context, t fleet.Target) (*compliance.CoverageReport, error) {
		inv, err := compliance.Inventory(ctx, tagging.NewFromConfig(t.Config), filters...)
		if err != nil {
			return nil, err
		}
		plans, err := compliance.LivePlans(ctx, plan.NewClient(awsbackup.NewFromConfig(t.Config)))
		if err != nil {
			return nil, err
		}
		return compliance.Coverage(inv, plans, compliance.CoverageOptions{Horizon: horizon})
	})
	if err != nil {
		return err
	}
	resources, unprotected := 0, 0
	for _, r := range rs {
		if r.Err == nil {
			resources += len(r.Value.Resources)
			unprotected += len(r.Value.Unprotected)
		}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		if err := writeFleetJSON(out, rs); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tRESOURCE\tTYPE\tPROTECTED BY\tRPO\tCROSS-REGION\tCROSS-ACCOUNT")
		for _, r := range rs {
			if r.Err != nil {
				continue
			}
			for _, c := range r.Value.Resources {
				by, rpo := "-", "-"
				if c.Protected() {
					var names []string
					for _, p := range c.Protections {
						names = append(names, p.Plan+"/"+p.Rule)
					}
					by = strings.Join(names, ",")
					if c.RPO > 0 {
						rpo = c.RPO.String()
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Region, c.ARN, c.Type, by, rpo, yesNo(c.CrossRegion), yesNo(c.CrossAccount))
			}
		}
		_ = tw.Flush()
		fmt.Fprintf(out, "%d of %d resources protected; %d unprotected\n", resources-unprotected, resources, unprotected)
	}
	finishFleet(cmd, rs, asJSON)
	if failUnprotected && resources == 0 && rs.Failed() == 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("no resources found in %d targets: --fail-on-unprotected has nothing to check", len(rs))}
	}
	return fleetExit(rs, failUnprotected && unprotected > 0)
}

// adviseOptions are advise's settings, for one account or a fleet.
type adviseOptions struct {
	window   time.Duration
	advisor  compliance.AdvisorOptions
	minSev   compliance.Severity
	failOn   bool
	failSev  compliance.Severity
	emulator bool // the emulator serves no AWS Config
}

// adviseFleet is `advise` across a fleet: every target's findings with
// ACCOUNT and REGION columns.
func adviseFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, o adviseOptions, asJSON bool) error {
	ctx := cmd.Context()
	now := time.Now()
	rs, err := runFleet(ctx, af, ff, func(ctx context.Context, t fleet.Target) ([]compliance.Finding, error) {
		in, err := compliance.LoadAdvisorInput(ctx, awsbackup.NewFromConfig(t.Config), now, o.window)
		if err != nil {
			return nil, err
		}
		if in.Inventory, err = compliance.Inventory(ctx, tagging.NewFromConfig(t.Config)); err != nil {
			return nil, err
		}
		if !o.emulator {
			if in.ConfigRules, err = compliance.NewConfigClient(configservice.NewFromConfig(t.Config)).BackupRuleNames(ctx); err != nil {
				return nil, err
			}
			in.ConfigRulesChecked = true
		}
		all, err := compliance.Advise(*in, o.advisor)
		if err != nil {
			return nil, err
		}
		shown := []compliance.Finding{}
		for _, f := range all {
			if f.Severity >= o.minSev {
				shown = append(shown, f)
			}
		}
		return shown, nil
	})
	if err != nil {
		return err
	}
	fail, n := false, 0
	for _, r := range rs {
		for _, f := range r.Value {
			n++
			fail = fail || (o.failOn && f.Severity >= o.failSev)
		}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		if err := writeFleetJSON(out, rs); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tSEVERITY\tCATEGORY\tCHECK\tRESOURCE\tEVIDENCE\tFIX")
		for _, r := range rs {
			for _, f := range r.Value {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Region, f.Severity, f.Category, f.Check, orDash(f.Resource), oneLine(f.Evidence), oneLine(f.Fix))
			}
		}
		_ = tw.Flush()
		fmt.Fprintf(out, "%d findings\n", n)
	}
	finishFleet(cmd, rs, asJSON)
	return fleetExit(rs, fail)
}
