package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/compliance"
)

func newAdviseCmd() *cobra.Command {
	var af awsFlags
	var ff fleetFlags
	var asJSON, crossAccount bool
	var consecutive int
	var failOn, minSeverity string
	var window time.Duration
	cmd := &cobra.Command{
		Use:   "advise",
		Short: "Check the account against AWS Backup best practices",
		Long: `advise reads plans, selections, vaults, recovery points, recent backup jobs,
frameworks and the tagged inventory, and reports findings (severity,
resource, evidence, fix) for: lifecycle and Vault Lock, customer KMS keys
and least-privilege roles, cross-Region and cross-account copies, tagging
and plans as code, Audit Manager frameworks and (against AWS) AWS Config
rules, recovery-point freshness and N consecutive successful backups.

--fail-on SEVERITY makes advise a gate: exit status 2 when a finding has at
least that severity.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if window <= 0 {
				return fmt.Errorf("--job-window %s: must be positive", formatFlagDuration(window))
			}
			minSev, err := compliance.ParseSeverity(minSeverity)
			if err != nil {
				return err
			}
			var failSev compliance.Severity
			if failOn != "" {
				if failSev, err = compliance.ParseSeverity(failOn); err != nil {
					return err
				}
			}
			o := adviseOptions{window: window, advisor: compliance.AdvisorOptions{ConsecutiveSuccesses: consecutive, RequireCrossAccount: crossAccount},
				minSev: minSev, failOn: failOn != "", failSev: failSev, emulator: af.endpoint != ""}
			if ff.on() {
				return adviseFleet(cmd, &af, &ff, o, asJSON)
			}
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			findings, err := adviseIn(ctx, cfg, o, time.Now())
			if err != nil {
				return err
			}
			shown, fail := o.shown(findings), o.fails(findings)
			out := cmd.OutOrStdout()
			if asJSON {
				err = compliance.WriteFindingsJSON(out, shown)
			} else {
				err = writeFindings(out, shown)
				fmt.Fprintln(out, plural(len(shown), "finding"))
			}
			if err != nil {
				return err
			}
			if fail {
				return &exitError{code: exitFailed}
			}
			return nil
		},
	}
	af.register(cmd)
	ff.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print findings as JSON")
	cmd.Flags().BoolVar(&crossAccount, "require-cross-account", false, "flag protected resources without cross-account copies")
	cmd.Flags().IntVar(&consecutive, "consecutive", 3, "N in 'the last N backup jobs succeeded'")
	durationVar(cmd.Flags(), &window, "job-window", 14*24*time.Hour, "how far back to read backup jobs, e.g. 14d or 2w")
	cmd.Flags().StringVar(&minSeverity, "min-severity", "info", "hide findings below this severity")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 2 when a finding has at least this severity (e.g. high)")
	return cmd
}
