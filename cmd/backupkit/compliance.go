package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/compliance"
)

func newComplianceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compliance",
		Short: "Audit Manager frameworks, report plans and AWS Config rules",
	}
	cmd.AddCommand(newComplianceApplyCmd(), newComplianceReportCmd(), newComplianceAthenaCmd())
	return cmd
}

func newComplianceReportCmd() *cobra.Command {
	var af awsFlags
	var maxWait time.Duration
	cmd := &cobra.Command{
		Use:   "report PLAN",
		Short: "Run an on-demand report job for a report plan and wait for it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			c := compliance.New(awsbackup.NewFromConfig(cfg), func(o *compliance.Options) { o.PollInterval = 2 * time.Second })
			job, err := c.RunReport(ctx, args[0], maxWait)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "report job %s %s\n", job.ID, job.Status)
			for _, k := range job.Keys {
				fmt.Fprintf(out, "s3://%s/%s\n", job.Bucket, k)
			}
			return nil
		},
	}
	af.register(cmd)
	durationVar(cmd.Flags(), &maxWait, "max-wait", 30*time.Minute, "how long to wait for the report job")
	return cmd
}

// progressTicker prints what, with the time elapsed, every interval until
// the returned function is called.
func progressTicker(w io.Writer, interval time.Duration, what string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(w, "  … %s, %s\n", what, formatFlagDuration(time.Since(start).Round(time.Second)))
			}
		}
	}()
	return func() { close(done); <-finished }
}

func newComplianceApplyCmd() *cobra.Command {
	var af awsFlags
	var skipConfig, check bool
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Make AWS match the frameworks, report plans and Config rules declared in FILE (idempotent)",
		Long: `apply reads a YAML declaration of AWS Backup Audit Manager frameworks, report
plans and AWS Config rules and creates or updates what differs; running it
again changes nothing. --check only validates the file.

AWS Config rules need AWS Config (the emulator does not serve it): use
--skip-config-rules with --endpoint.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			d, err := compliance.ParseDeclaration(b)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if check {
				fmt.Fprintf(out, "%s: %d frameworks, %d report plans, %d Config rules: valid\n", args[0], len(d.Frameworks), len(d.ReportPlans), len(d.ConfigRules))
				return nil
			}
			if skipConfig {
				d.ConfigRules = nil
			}
			if len(d.ConfigRules) > 0 && af.endpoint != "" {
				return fmt.Errorf("%s declares AWS Config rules, which the emulator at --endpoint does not serve; use --skip-config-rules", args[0])
			}
			ctx := cmd.Context()
			cfg, err := af.load(ctx)
			if err != nil {
				return err
			}
			var cc *compliance.ConfigClient
			if len(d.ConfigRules) > 0 {
				cc = compliance.NewConfigClient(configservice.NewFromConfig(cfg))
			}
			// Progress goes to stderr, so stdout keeps only the result table.
			errOut := cmd.ErrOrStderr()
			fmt.Fprintf(errOut, "applying %s, %s and %s…\n", plural(len(d.Frameworks), "framework"), plural(len(d.ReportPlans), "report plan"), plural(len(d.ConfigRules), "Config rule"))
			stopProgress := progressTicker(errOut, 2*time.Second, "still applying (report plans wait until their frameworks are deployed)")
			res, err := compliance.Apply(ctx, d, compliance.New(awsbackup.NewFromConfig(cfg)), cc)
			stopProgress()
			if len(res) == 0 {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KIND\tNAME\tCHANGE")
			for _, r := range res {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Kind, r.Name, r.Change)
			}
			_ = tw.Flush()
			return err
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&skipConfig, "skip-config-rules", false, "do not deploy the AWS Config rules of the file")
	cmd.Flags().BoolVar(&check, "check", false, "only validate the file")
	return cmd
}
