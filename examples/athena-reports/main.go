// Command athena-reports delivers an AWS Backup Audit Manager job report
// (a report plan and an on-demand report job), then builds the Athena
// table over the delivered JSON files and the template's ready queries.
// With -run it runs them on Athena and prints the results.
//
//	go run ./examples/athena-reports                      # embedded emulator: prints the SQL
//	go run ./examples/athena-reports -endpoint http://127.0.0.1:4566   # a running backupkit emulator, seeded through its control API
//	go run ./examples/athena-reports -aws -bucket my-reports -run -output s3://my-athena-results/
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/athena"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/vault"
)

func main() {
	where := exenv.Register(nil)
	bucket := flag.String("bucket", "backupkit-audit-reports", "S3 bucket the report plan delivers to")
	runQueries := flag.Bool("run", false, "run the DDL and the queries on Athena (needs -aws)")
	output := flag.String("output", "", "s3:// location for Athena query results")
	workgroup := flag.String("workgroup", "", "Athena work group")
	flag.Parse()
	if *runQueries && !where.AWS {
		log.Fatal("-run needs -aws: the emulator does not serve Athena")
	}
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	if err := seed(ctx, env); err != nil {
		log.Fatal(err)
	}
	var runner *compliance.AthenaRunner
	if *runQueries {
		runner = compliance.NewAthenaRunner(athena.NewFromConfig(env.Config), func(o *compliance.AthenaOptions) {
			o.OutputLocation, o.WorkGroup = *output, *workgroup
		})
	}
	if err := run(ctx, os.Stdout, awsbackup.NewFromConfig(env.Config), *bucket, runner); err != nil {
		log.Fatal(err)
	}
}

// seed gives an emulator's report something to show: a volume in its
// inventory (control API) and a completed backup job of it. With -aws
// the report covers your own jobs.
func seed(ctx context.Context, env *exenv.Env) error {
	if !env.Emulated() {
		return nil
	}
	const volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0athena0example"
	if err := env.Seed(ctx, backuptest.Resource{ARN: volume, SizeBytes: 8 << 30}); err != nil {
		return err
	}
	api := awsbackup.NewFromConfig(env.Config)
	if _, _, err := vault.New(api).Ensure(ctx, vault.Spec{Name: "backupkit-example"}); err != nil {
		return err
	}
	job, err := backup.New(api).StartBackup(ctx, backup.JobInput{VaultName: "backupkit-example", ResourceARN: volume,
		IAMRoleARN: "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"})
	if err != nil {
		return err
	}
	_, err = job.Wait(ctx, 10*time.Minute, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = 100*time.Millisecond, 2*time.Second })
	return err
}

// run makes sure the report plan exists, runs a report job, and prints (or
// runs) the Athena DDL over the job's delivery prefix and the queries.
func run(ctx context.Context, out io.Writer, api *awsbackup.Client, bucket string, runner *compliance.AthenaRunner) error {
	c := compliance.New(api, func(o *compliance.Options) { o.PollInterval = 50 * time.Millisecond })
	plan := compliance.ReportPlan{Name: "daily_backup_jobs_json", Template: compliance.BackupJobReport,
		Bucket: bucket, Prefix: "audit", Formats: []string{compliance.FormatJSON}}
	if _, _, err := c.EnsureReportPlan(ctx, plan); err != nil {
		return err
	}
	job, err := c.RunReport(ctx, plan.Name, 30*time.Minute)
	if err != nil {
		return err
	}
	if len(job.Keys) == 0 {
		return fmt.Errorf("report job %s delivered no file", job.ID)
	}
	// The table reads every report delivered under the job's folder.
	location := "s3://" + job.Bucket + "/" + path.Dir(job.Keys[0]) + "/"
	fmt.Fprintf(out, "report job %s %s: %s\n", job.ID, job.Status, strings.Join(job.Keys, ", "))
	ddl, err := compliance.AthenaDDL(plan.Template, "backup_reports", "backup_jobs", location)
	if err != nil {
		return err
	}
	queries, err := compliance.AthenaQueries(plan.Template, "backup_reports", "backup_jobs", 7)
	if err != nil {
		return err
	}
	stmts := append([]compliance.NamedQuery{{Title: "database", SQL: "CREATE DATABASE IF NOT EXISTS backup_reports"}, {Title: "table", SQL: ddl}}, queries...)
	for _, q := range stmts {
		if runner == nil {
			fmt.Fprintf(out, "\n-- %s\n%s;\n", q.Title, q.SQL)
			continue
		}
		res, err := runner.Run(ctx, q.SQL)
		if err != nil {
			return fmt.Errorf("%s: %w", q.Title, err)
		}
		fmt.Fprintf(out, "\n-- %s: query %s, %d rows\n", q.Title, res.QueryID, len(res.Rows))
		for _, r := range res.Rows {
			fmt.Fprintln(out, strings.Join(r, "\t"))
		}
	}
	return nil
}
