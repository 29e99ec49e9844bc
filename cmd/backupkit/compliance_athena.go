package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
)

type athenaFlags struct {
	af                              awsFlags
	database, table, location, tmpl string
	days                            int
	run                             bool
	workgroup, output, catalog      string
	asJSON                          bool
	format                          string // deprecated --format table|json
	maxWait                         time.Duration
	api                             compliance.AthenaAPI // tests; nil: the Athena client from the AWS config
	waiter                          func(*backup.WaiterOptions)
}

func newComplianceAthenaCmd() *cobra.Command {
	var f athenaFlags
	cmd := &cobra.Command{
		Use:   "athena --location s3://BUCKET/PREFIX/ --template BACKUP_JOB_REPORT [--run --output s3://…]",
		Short: "Athena DDL and ready queries for delivered report files; --run runs them",
		Long: `athena prints a CREATE EXTERNAL TABLE statement over delivered Audit Manager
report files (JSON, one table per template; the columns are the fields of AWS's
documented sample report of each template) and the ready queries for the
template.

--run runs them on Athena instead: the DDL, then each query, waiting for each
(GetQueryExecution with backoff) and reading every result page, and prints
the results as tables. --json prints JSON instead, as every command does: the
statements, and with --run their results. Results go to --output (s3://…) or to the output
location of --workgroup. A query still running when --max-wait passes, or when
you press Ctrl-C, is stopped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("format") {
				fmt.Fprintln(cmd.ErrOrStderr(), "backupkit: --format is deprecated: use --json (or nothing, for tables)")
			}
			return runComplianceAthena(cmd.Context(), cmd.OutOrStdout(), &f)
		},
	}
	f.af.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.database, "database", "backup_reports", "Athena database")
	fl.StringVar(&f.table, "table", "backup_jobs", "Athena table")
	fl.StringVar(&f.location, "location", "", "s3:// location of the delivered report files")
	fl.StringVar(&f.tmpl, "template", string(compliance.BackupJobReport), "report template of the files")
	fl.IntVar(&f.days, "days", 7, "window of the failed-jobs query")
	fl.BoolVar(&f.run, "run", false, "run the DDL and the queries on Athena and print the results")
	fl.StringVar(&f.workgroup, "workgroup", "", "Athena work group (with --run)")
	fl.StringVar(&f.output, "output", "", "s3:// location for query results (with --run; else the work group's)")
	fl.StringVar(&f.catalog, "catalog", "", "data catalog (default AwsDataCatalog)")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON instead of SQL text or tables")
	// --format table|json came before --json was the one name for JSON
	// output in every command; scripts may still pass it.
	fl.StringVar(&f.format, "format", "", "")
	// Hidden, with the notice on stderr from RunE: pflag's own deprecation
	// notice goes to the command's stdout, into the JSON.
	_ = fl.MarkHidden("format")
	fl.DurationVar(&f.maxWait, "max-wait", 10*time.Minute, "with --run: how long to wait for each query")
	return cmd
}

func (f *athenaFlags) check() error {
	var problems []string
	if f.run {
		if f.workgroup == "" && f.output == "" {
			problems = append(problems, "--run needs --output s3://bucket/prefix/ or a --workgroup with an output location")
		}
		if f.output != "" && (!strings.HasPrefix(f.output, "s3://") || len(f.output) <= len("s3://")) {
			problems = append(problems, fmt.Sprintf("--output %q: want s3://bucket/prefix/", f.output))
		}
		if f.maxWait <= 0 {
			problems = append(problems, "--max-wait must be positive")
		}
	} else if f.workgroup != "" || f.output != "" {
		problems = append(problems, "--workgroup and --output are for --run")
	}
	switch f.format {
	case "":
	case "table", "json":
		if f.asJSON && f.format == "table" {
			problems = append(problems, "--json and --format table exclude each other")
		}
		f.asJSON = f.asJSON || f.format == "json"
	default:
		problems = append(problems, fmt.Sprintf("--format %q: want table or json (deprecated: use --json)", f.format))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

type athenaStatement struct {
	Title     string     `json:"title"`
	SQL       string     `json:"sql"`
	QueryID   string     `json:"queryId,omitempty"`
	Columns   []string   `json:"columns,omitempty"`
	Rows      [][]string `json:"rows,omitempty"`
	ScannedKB int64      `json:"scannedKiB,omitempty"`
}

func runComplianceAthena(ctx context.Context, out io.Writer, f *athenaFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	t := compliance.ReportTemplate(strings.ToUpper(f.tmpl))
	ddl, err := compliance.AthenaDDL(t, f.database, f.table, f.location)
	queries, qerr := compliance.AthenaQueries(t, f.database, f.table, f.days)
	if err := errors.Join(err, qerr); err != nil {
		return asFlagErrors(err, "template", "database", "table", "s3Location=location", "days")
	}
	stmts := []athenaStatement{{Title: "table over " + string(t) + " reports", SQL: ddl}}
	for _, q := range queries {
		stmts = append(stmts, athenaStatement{Title: q.Title, SQL: q.SQL})
	}
	if !f.run {
		if f.asJSON {
			return writeAthenaJSON(out, t, f, stmts)
		}
		for i, s := range stmts {
			if i > 0 {
				fmt.Fprintln(out)
			}
			fmt.Fprintf(out, "-- %s\n%s;\n", s.Title, s.SQL)
		}
		return nil
	}
	api := f.api
	if api == nil {
		cfg, err := f.af.load(ctx)
		if err != nil {
			return err
		}
		api = athena.NewFromConfig(cfg)
	}
	runner := compliance.NewAthenaRunner(api, func(o *compliance.AthenaOptions) {
		o.WorkGroup, o.OutputLocation, o.Catalog, o.MaxWait = f.workgroup, f.output, f.catalog, f.maxWait
		o.Waiter = f.waiter
	})
	// The DDL names its database; the queries run in it. Athena's
	// CREATE EXTERNAL TABLE needs the database to exist.
	create := fmt.Sprintf("CREATE DATABASE IF NOT EXISTS %s", f.database)
	if _, err := runner.Run(ctx, create); err != nil {
		return fmt.Errorf("%s: %w", create, err)
	}
	for i := range stmts {
		res, err := runner.Run(ctx, stmts[i].SQL)
		if err != nil {
			return fmt.Errorf("%s: %w", stmts[i].Title, err)
		}
		stmts[i].QueryID, stmts[i].Columns, stmts[i].Rows, stmts[i].ScannedKB = res.QueryID, res.Columns, res.Rows, res.DataScannedBytes/1024
	}
	if f.asJSON {
		return writeAthenaJSON(out, t, f, stmts)
	}
	for i, s := range stmts {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "-- %s (query %s, %d KiB scanned)\n", s.Title, s.QueryID, s.ScannedKB)
		if i == 0 {
			fmt.Fprintln(out, "table ready")
			continue
		}
		if len(s.Rows) == 0 {
			fmt.Fprintln(out, "(no rows)")
			continue
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(s.Columns, "\t")))
		for _, r := range s.Rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		_ = tw.Flush()
	}
	return nil
}

func writeAthenaJSON(out io.Writer, t compliance.ReportTemplate, f *athenaFlags, stmts []athenaStatement) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"template": t, "database": f.database, "table": f.table, "statements": stmts})
}
