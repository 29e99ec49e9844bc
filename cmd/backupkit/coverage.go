package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
)

func newCoverageCmd() *cobra.Command {
	var af awsFlags
	var ff fleetFlags
	var asJSON, failUnprotected bool
	var horizon time.Duration
	var typeFilters []string
	cmd := &cobra.Command{
		Use:   "coverage",
		Short: "Which resources are protected, by which plan rules, with what RPO",
		Long: `coverage lists the resources (Resource Groups Tagging API GetResources),
matches them against every backup plan's selections, and prints per
resource the protecting plan/rules, the implied RPO (longest gap between
scheduled backups over --horizon), whether copies reach another Region or
account, and the unprotected resources.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if horizon <= 0 {
				return fmt.Errorf("--horizon %s: must be positive", formatFlagDuration(horizon))
			}
			types, err := backup.ParseResourceTypeNames(typeFilters...)
			if err != nil {
				return fmt.Errorf("--resource-types: %w", err)
			}
			var filters []string
			for _, t := range types {
				filters = append(filters, t.TaggingTypes()...)
			}
			if ff.on() {
				return coverageFleet(cmd, &af, &ff, filters, horizon, asJSON, failUnprotected)
			}
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			rep, err := coverageIn(ctx, cfg, filters, horizon)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := writeIndentedJSON(out, coverageView(rep)); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "RESOURCE\tTYPE\tPROTECTED BY\tRPO\tCROSS-REGION\tCROSS-ACCOUNT")
				for _, r := range rep.Resources {
					by, rpo := "-", "-"
					if r.Protected() {
						var names []string
						for _, p := range r.Protections {
							names = append(names, p.Plan+"/"+p.Rule)
						}
						by = middle(strings.Join(names, ","), 24)
						if r.RPO > 0 {
							rpo = formatFlagDuration(r.RPO)
						}
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", middle(r.ARN, 56), r.Type, by, rpo, yesNo(r.CrossRegion), yesNo(r.CrossAccount))
				}
				_ = tw.Flush()
				if len(rep.Resources) > 0 {
					fmt.Fprintf(out, "%d of %d resources protected; %d unprotected\n", len(rep.Resources)-len(rep.Unprotected), len(rep.Resources), len(rep.Unprotected))
				}
			}
			if len(rep.Resources) == 0 {
				// A gate that checked nothing must not look like a pass.
				what := "no resources found"
				if len(types) > 0 {
					what = "no resources of type " + joinTypes(types) + " found"
				}
				if failUnprotected {
					return &exitError{code: exitFailed, err: fmt.Errorf("%s: --fail-on-unprotected has nothing to check", what)}
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "backupkit: %s\n", what)
				return nil
			}
			if failUnprotected && len(rep.Unprotected) > 0 {
				return &exitError{code: exitFailed}
			}
			return nil
		},
	}
	af.register(cmd)
	ff.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().BoolVar(&failUnprotected, "fail-on-unprotected", false, "exit 2 when any resource is unprotected, or when no resource matched")
	durationVar(cmd.Flags(), &horizon, "horizon", 31*24*time.Hour, "period over which schedules are expanded for the RPO, e.g. 31d")
	cmd.Flags().StringSliceVar(&typeFilters, "resource-types", nil, resourceTypesUsage)
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
