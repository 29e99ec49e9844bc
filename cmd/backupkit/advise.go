package main

import (
	"fmt"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
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
			if ff.on() {
				return adviseFleet(cmd, &af, &ff, adviseOptions{window: window, advisor: compliance.AdvisorOptions{ConsecutiveSuccesses: consecutive, RequireCrossAccount: crossAccount},
					minSev: minSev, failOn: failOn != "", failSev: failSev, emulator: af.endpoint != ""}, asJSON)
			}
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			in, err := compliance.LoadAdvisorInput(ctx, awsbackup.NewFromConfig(cfg), time.Now(), window)
			if err != nil {
				return err
			}
			if in.Inventory, err = compliance.Inventory(ctx, tagging.NewFromConfig(cfg)); err != nil {
				return err
			}
			if af.endpoint == "" { // the emulator does not serve AWS Config
				if in.ConfigRules, err = compliance.NewConfigClient(configservice.NewFromConfig(cfg)).BackupRuleNames(ctx); err != nil {
					return err
				}
				in.ConfigRulesChecked = true
			}
			findings, err := compliance.Advise(*in, compliance.AdvisorOptions{ConsecutiveSuccesses: consecutive, RequireCrossAccount: crossAccount})
			if err != nil {
				return err
			}
			var shown []compliance.Finding
			fail := false
			for _, f := range findings {
				if f.Severity >= minSev {
					shown = append(shown, f)
				}
				fail = fail || (failOn != "" && f.Severity >= failSev)
			}
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
