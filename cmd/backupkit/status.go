package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
)

func newStatusCmd() *cobra.Command {
	var (
		af     awsFlags
		ff     fleetFlags
		since  time.Duration
		asJSON bool
		vault  string
		rtypes []string
	)
	cmd := &cobra.Command{
		Use:   "status [--since 24h] [--json]",
		Short: "Report AWS Backup job status: counts by state and resource type, failures, RPO per resource",
		Long: `Print a status report of the backup, copy and restore jobs created in the
last --since: counts by state and by resource type, failed jobs with their
reasons, and for every resource the last successful backup and its age (the
achieved RPO). Exits with status 2 when any job failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if since <= 0 {
				return fmt.Errorf("--since %s: must be positive", formatFlagDuration(since))
			}
			var f backup.JobFilter
			f.VaultName = vault
			types, err := backup.ParseResourceTypeNames(rtypes...)
			switch {
			case err != nil:
				return fmt.Errorf("--resource-types: %w", err)
			case len(types) > 1:
				return fmt.Errorf("--resource-types: status filters by one resource type (AWS's ByResourceType); got %s", joinTypes(types))
			case len(types) == 1:
				f.ResourceType = types[0]
			}
			if ff.on() {
				return statusFleet(cmd, &af, &ff, since, f, asJSON)
			}
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			rep, err := statusIn(ctx, cfg, time.Now().Add(-since), f)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				err = writeIndentedJSON(out, statusView(rep))
			} else {
				err = rep.WriteTable(out)
			}
			if err != nil {
				return err
			}
			if len(rep.Failed) > 0 {
				return &exitError{code: exitFailed}
			}
			return nil
		},
	}
	af.register(cmd)
	ff.register(cmd)
	durationVar(cmd.Flags(), &since, "since", 24*time.Hour, "report jobs created within this long")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	cmd.Flags().StringVar(&vault, "vault", "", "only backup jobs of this vault")
	cmd.Flags().StringSliceVar(&rtypes, "resource-types", nil, "only backup jobs of this resource type: "+joinTypes(backup.ResourceTypes()))
	// The name status used before every command said --resource-types.
	cmd.Flags().StringSliceVar(&rtypes, "resource-type", nil, "")
	_ = cmd.Flags().MarkHidden("resource-type")
	return cmd
}
