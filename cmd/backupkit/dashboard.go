package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/dashboard"
	"github.com/backupkit/backupkit/history"
	"github.com/backupkit/backupkit/plan"
	"github.com/backupkit/backupkit/restore"
)

type dashboardFlags struct {
	af          awsFlags
	useAWS      bool
	history     string
	out         string
	days        int
	title       string
	qs          string // --quicksight LOCATION
	qsS3        string // --quicksight-s3: where local files will be uploaded
	create      bool
	qsAccount   string
	qsPrincipal string
	qsDataSet   string
}

func newDashboardCmd() *cobra.Command {
	var f dashboardFlags
	cmd := &cobra.Command{
		Use:   "dashboard --history LOCATION --out dashboard.html",
		Short: "Render the drill history as one self-contained HTML page; export it for QuickSight",
		Long: `dashboard reads every drill report of a drill history (a directory, or
s3://bucket/prefix) and writes one self-contained HTML page (inline SVG, no
script, no network at view time): pass rate over time, RTO and RPO per resource
type against their targets, the slowest targets, the targets not drilled in the
last --days days, and the failed drills with their errors. A corrupt history
file is reported and skipped.

With --aws or --endpoint, the resources of 'backupkit coverage' join the "not
drilled" table, so protected resources that were never drilled show up.

--quicksight LOCATION writes the flat data set (drills.csv and drills.jsonl, one
row per drilled target: date, account, Region, type, RTO, RPO, verdict, …) and
a QuickSight S3 manifest (manifest.json) to a directory or to s3://bucket/prefix.
A manifest names the S3 location of the data: for a directory, say where the
files will be uploaded with --quicksight-s3 s3://bucket/prefix. --create (with
an s3:// --quicksight) then creates, or updates, the QuickSight S3 data source
and SPICE data set.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDashboard(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, nil)
		},
	}
	f.af.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.useAWS, "aws", false, "add the coverage inventory from AWS (default credential chain)")
	fl.StringVar(&f.history, "history", "drill-history", "drill history: a directory or s3://bucket/prefix")
	fl.StringVar(&f.out, "out", "dashboard.html", "the HTML page to write")
	fl.IntVar(&f.days, "days", 30, "a target not drilled within this many days is listed")
	fl.StringVar(&f.title, "title", "Restore drill evidence", "page title")
	fl.StringVar(&f.qs, "quicksight", "", "write the QuickSight data set and manifest to this directory or s3://bucket/prefix")
	fl.StringVar(&f.qsS3, "quicksight-s3", "", "with a directory --quicksight: the s3://bucket/prefix the files will be uploaded to (named in the manifest)")
	fl.BoolVar(&f.create, "create", false, "create or update the QuickSight data source and data set (needs an s3:// --quicksight)")
	fl.StringVar(&f.qsAccount, "quicksight-account", "", "QuickSight account ID (default: the caller's, from STS)")
	fl.StringVar(&f.qsPrincipal, "quicksight-principal", "", "QuickSight user or group ARN granted the data source and data set")
	fl.StringVar(&f.qsDataSet, "dataset-id", "backupkit-drills", "QuickSight data source and data set ID")
	return cmd
}

func (f *dashboardFlags) check() error {
	var problems []string
	if f.days < 1 {
		problems = append(problems, fmt.Sprintf("--days must be at least 1, got %d", f.days))
	}
	if f.out == "" {
		problems = append(problems, "--out is required")
	}
	if _, _, _, err := history.ParseLocation(f.history); err != nil {
		problems = append(problems, "--history: "+err.Error())
	}
	if f.useAWS && f.af.endpoint != "" {
		problems = append(problems, "--aws and --endpoint exclude each other")
	}
	qsIsS3 := false
	if f.qs != "" {
		_, _, isS3, err := history.ParseLocation(f.qs)
		if err != nil {
			problems = append(problems, "--quicksight: "+err.Error())
		}
		qsIsS3 = isS3
		if !isS3 && err == nil {
			if f.qsS3 == "" {
				problems = append(problems, "--quicksight "+f.qs+" is a directory: a QuickSight manifest names the S3 location of the data, so set --quicksight-s3 s3://bucket/prefix (where you will upload the files), or write straight to S3 with --quicksight s3://bucket/prefix")
			} else if _, _, s3ok, err := history.ParseLocation(f.qsS3); err != nil || !s3ok {
				problems = append(problems, fmt.Sprintf("--quicksight-s3 %q: want s3://bucket/prefix", f.qsS3))
			}
		}
	} else if f.qsS3 != "" || f.create {
		problems = append(problems, "--quicksight-s3 and --create need --quicksight")
	}
	if f.create && f.qs != "" && !qsIsS3 {
		problems = append(problems, "--create needs the data in S3: use --quicksight s3://bucket/prefix")
	}
	if f.qsAccount != "" && (len(f.qsAccount) != 12 || strings.Trim(f.qsAccount, "0123456789") != "") {
		problems = append(problems, fmt.Sprintf("--quicksight-account %q: want 12 digits", f.qsAccount))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// dashboardClients lets tests supply the AWS clients; nil fields are made
// from the AWS config.
type dashboardClients struct {
	s3 history.S3API
	qs dashboard.QuickSightAPI
}

func runDashboard(ctx context.Context, stdout, stderr io.Writer, f *dashboardFlags, cl *dashboardClients) error {
	if err := f.check(); err != nil {
		return err
	}
	if cl == nil {
		cl = &dashboardClients{}
	}
	usesS3 := strings.HasPrefix(f.history, "s3://") || strings.HasPrefix(f.qs, "s3://")
	var cfg aws.Config
	if f.useAWS || f.af.endpoint != "" || usesS3 && cl.s3 == nil || f.create && (cl.qs == nil || f.qsAccount == "") {
		var err error
		if cfg, err = f.af.load(ctx); err != nil {
			return err
		}
	}
	s3api := func() (history.S3API, error) {
		if cl.s3 != nil {
			return cl.s3, nil
		}
		return s3.NewFromConfig(cfg), nil
	}
	st, err := history.Open(f.history, s3api)
	if err != nil {
		return err
	}
	now := time.Now()
	opts := func(o *dashboard.Options) {
		o.Now, o.Window, o.Title = now, time.Duration(f.days)*24*time.Hour, f.title
	}
	var inventory []dashboard.Resource
	if f.useAWS || f.af.endpoint != "" {
		inv, err := compliance.Inventory(ctx, tagging.NewFromConfig(cfg))
		if err != nil {
			return err
		}
		plans, err := compliance.LivePlans(ctx, plan.NewClient(awsbackup.NewFromConfig(cfg)))
		if err != nil {
			return err
		}
		cov, err := compliance.Coverage(inv, plans, compliance.CoverageOptions{})
		if err != nil {
			return err
		}
		for _, r := range cov.Resources {
			inventory = append(inventory, dashboard.Resource{ARN: r.ARN, Type: string(r.Type), Protected: r.Protected()})
		}
		fmt.Fprintf(stdout, "Coverage: %d resources, %d unprotected.\n", len(cov.Resources), len(cov.Unprotected))
	}
	b := dashboard.NewBuilder(opts, func(o *dashboard.Options) { o.Inventory = inventory })

	var ds *dashboard.DatasetWriter
	var qsDir string
	var csvF, jsonlF *os.File
	if f.qs != "" {
		if strings.HasPrefix(f.qs, "s3://") {
			if qsDir, err = os.MkdirTemp("", "backupkit-quicksight-"); err != nil {
				return err
			}
			defer os.RemoveAll(qsDir)
		} else {
			qsDir = f.qs
			if err := os.MkdirAll(qsDir, 0o755); err != nil {
				return err
			}
		}
		if csvF, err = os.Create(filepath.Join(qsDir, "drills.csv")); err != nil {
			return err
		}
		defer csvF.Close()
		if jsonlF, err = os.Create(filepath.Join(qsDir, "drills.jsonl")); err != nil {
			return err
		}
		defer jsonlF.Close()
		if ds, err = dashboard.NewDatasetWriter(csvF, jsonlF); err != nil {
			return err
		}
	}
	res, err := history.New(st).Scan(ctx, func(r *restore.Report) error {
		b.Add(r)
		if ds != nil {
			return ds.Add(r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range res.Corrupt {
		fmt.Fprintf(stderr, "backupkit: skipped %v\n", c)
	}
	d := b.Build()
	if err := writeFileAtomic(f.out, d.WriteHTML); err != nil {
		return fmt.Errorf("write %s: %w", f.out, err)
	}
	fi, _ := os.Stat(f.out)
	fmt.Fprintf(stdout, "Dashboard: %s (%d bytes) from %d drills, %d drilled targets; %d not drilled in %d days; %d failed drills listed; %d corrupt files skipped.\n",
		f.out, fi.Size(), d.Drills, d.Targets, d.NotDrilledTotal, f.days, len(d.Failed), len(res.Corrupt))
	if ds == nil {
		return nil
	}
	if err := ds.Flush(); err != nil {
		return err
	}
	if err := csvF.Close(); err != nil {
		return err
	}
	if err := jsonlF.Close(); err != nil {
		return err
	}
	return exportQuickSight(ctx, stdout, cfg, f, cl, qsDir, ds.Rows())
}

func exportQuickSight(ctx context.Context, stdout io.Writer, cfg aws.Config, f *dashboardFlags, cl *dashboardClients, dir string, rows int) error {
	dest := f.qs
	if !strings.HasPrefix(dest, "s3://") {
		dest = f.qsS3
	}
	bucket, prefix, _, _ := history.ParseLocation(dest)
	key := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "/" + name
	}
	manifest, err := dashboard.Manifest("s3://" + bucket + "/" + key("drills.csv"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), manifest, 0o644); err != nil {
		return err
	}
	if !strings.HasPrefix(f.qs, "s3://") {
		fmt.Fprintf(stdout, "QuickSight: %d rows in %s (drills.csv, drills.jsonl, manifest.json naming s3://%s/%s)\n", rows, dir, bucket, key("drills.csv"))
		return nil
	}
	api := cl.s3
	if api == nil {
		api = s3.NewFromConfig(cfg)
	}
	up := history.NewBucket(api, bucket, prefix)
	for _, name := range []string{"drills.csv", "drills.jsonl", "manifest.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := up.Put(ctx, name, data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "QuickSight: %d rows in s3://%s/%s (drills.csv, drills.jsonl, manifest.json)\n", rows, bucket, key(""))
	if !f.create {
		return nil
	}
	account := f.qsAccount
	if account == "" {
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return fmt.Errorf("find the QuickSight account (set --quicksight-account): %w", err)
		}
		account = aws.ToString(id.Account)
	}
	qs := cl.qs
	if qs == nil {
		qs = quicksight.NewFromConfig(cfg)
	}
	r, err := dashboard.CreateQuickSight(ctx, qs, dashboard.QuickSightInput{AccountID: account, DataSourceID: f.qsDataSet, DataSetID: f.qsDataSet,
		ManifestBucket: bucket, ManifestKey: key("manifest.json"), Principal: f.qsPrincipal})
	if err != nil {
		return err
	}
	verb := map[bool]string{false: "created", true: "updated"}
	fmt.Fprintf(stdout, "QuickSight data source %s %s; data set %s %s.\n", r.DataSourceARN, verb[r.DataSourceUpdated], r.DataSetARN, verb[r.DataSetUpdated])
	return nil
}

// writeFileAtomic renders into a temporary file beside path and renames it
// into place, so a reader never sees half a page.
func writeFileAtomic(path string, render func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	err = render(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
