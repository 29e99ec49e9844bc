package main

import (
	"fmt"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
)

func newStatusCmd() *cobra.Command {
	var (
		af     awsFlags
		since  time.Duration
		asJSON bool
		vault  string
		rtype  string
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
			if since <= 0 {
				return fmt.Errorf("--since must be positive, got %v", since)
			}
			var f backup.JobFilter
			f.VaultName = vault
			if rtype != "" {
				t, err := backup.ParseResourceType(rtype)
				if err != nil {
					return err
				}
				f.ResourceType = t
			}
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			c := backup.New(awsbackup.NewFromConfig(cfg))
			rep, err := c.Report(ctx, time.Now().Add(-since), func(o *backup.ReportOptions) { o.Filter = f })
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				err = rep.WriteJSON(out)
			} else {
				err = rep.WriteTable(out)
			}
			if err != nil {
				return err
			}
			if len(rep.Failed) > 0 {
				return &exitError{code: 2}
			}
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().DurationVar(&since, "since", 24*time.Hour, "report jobs created within this long")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	cmd.Flags().StringVar(&vault, "vault", "", "only backup jobs of this vault")
	cmd.Flags().StringVar(&rtype, "resource-type", "", "only backup jobs of this resource type (EBS, RDS, …)")
	return cmd
}
