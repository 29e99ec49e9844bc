package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/compliance"
	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

// statusFleet is `status` across a fleet: one job report per account and
// Region, a table of their counts and one of their failed jobs. With --org
// (and named Regions), when the caller is the organization's management
// account or AWS Backup's delegated administrator, it reads every
// account's jobs with cross-account monitoring, one listing per Region and
// no role assumed; otherwise it runs the report in each account.
func statusFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, since time.Duration, filter backup.JobFilter, asJSON bool) error {
	ctx := cmd.Context()
	from := time.Now().Add(-since)
	fr, err := prepareFleet(ctx, af, ff)
	if err != nil {
		return err
	}
	var rs fleet.Results[*backup.Report]
	if ff.org && !fr.scope.AllEnabledRegions {
		if rs, err = statusFromOrgListing(ctx, cmd.ErrOrStderr(), fr, from, filter); err != nil {
			return err
		}
	}
	if rs == nil {
		rs, err = runPrepared(ctx, fr, func(ctx context.Context, t fleet.Target) (*backup.Report, error) {
			return statusIn(ctx, t.Config, from, filter)
		})
		if err != nil {
			return err
		}
	}
	failedJobs := 0
	for _, r := range rs {
		if r.Err == nil {
			failedJobs += len(r.Value.Failed)
		}
	}
	err = printFleet(cmd, rs, asJSON, statusView, func(out io.Writer) {
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
	})
	if err != nil {
		return err
	}
	return fleetExit(rs, failedJobs > 0)
}

// statusFromOrgListing builds the fleet's reports from cross-account
// monitoring when the caller may use it (fleet.MonitorsOrganization): one
// backup.Client.AccountReports per Region, split by account, a report for
// every account of the scope (an empty one for an account with no job).
// It answers nil results, and says why on stderr, when the caller may not
// or AWS refuses the listing, so that the caller runs the fleet instead.
func statusFromOrgListing(ctx context.Context, stderr io.Writer, fr *fleetRun, from time.Time, filter backup.JobFilter) (fleet.Results[*backup.Report], error) {
	id, err := fr.runner.Identity(ctx)
	if err != nil {
		return nil, err
	}
	ok, err := fleet.MonitorsOrganization(ctx, organizations.NewFromConfig(fr.cfg), id.Account)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	byRegion := make([]map[string]*backup.Report, len(fr.scope.Regions))
	errs := make([]error, len(fr.scope.Regions))
	var wg sync.WaitGroup
	for i, region := range fr.scope.Regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := fr.cfg.Copy()
			cfg.Region = region
			byRegion[i], errs[i] = backup.New(awsbackup.NewFromConfig(cfg)).AccountReports(ctx, from, func(o *backup.ReportOptions) { o.Filter = filter })
		}()
	}
	wg.Wait()
	for _, err := range errs {
		var api smithy.APIError
		if errors.As(err, &api) && (api.ErrorCode() == "AccessDeniedException" || api.ErrorCode() == "AccessDenied") {
			fmt.Fprintf(stderr, "backupkit: cross-account monitoring refused (%s); reading each account instead\n", oneLine(api.ErrorMessage()))
			return nil, nil
		}
	}
	fmt.Fprintf(stderr, "backupkit: %s monitors the organization (management account or AWS Backup's delegated administrator): "+
		"reading every account's jobs with cross-account monitoring, one listing per Region, no role assumed\n", id.Account)
	var rs fleet.Results[*backup.Report]
	for _, a := range fr.scope.Accounts {
		for i, region := range fr.scope.Regions {
			r := fleet.Result[*backup.Report]{Account: a.ID, AccountName: a.Name, Region: region}
			switch {
			case errs[i] != nil:
				r.Err = errs[i]
			case byRegion[i][a.ID] != nil:
				r.Value = byRegion[i][a.ID]
			default:
				r.Value = emptyReport(from)
			}
			rs = append(rs, r)
		}
	}
	return rs, nil
}

// emptyReport is the report of an account with no job since from.
func emptyReport(from time.Time) *backup.Report {
	return &backup.Report{GeneratedAt: time.Now(), Since: from, Counts: map[string]map[string]int{}, ByResourceType: map[string]map[string]int{},
		Failed: []backup.JobSummary{}, Resources: []backup.ResourceStatus{}}
}

// mapResults converts each successful target's value.
func mapResults[T, V any](rs fleet.Results[T], fn func(T) V) fleet.Results[V] {
	out := make(fleet.Results[V], len(rs))
	for i, r := range rs {
		out[i] = fleet.Result[V]{Account: r.Account, AccountName: r.AccountName, Region: r.Region, Err: r.Err, Elapsed: r.Elapsed}
		if r.Err == nil {
			out[i].Value = fn(r.Value)
		}
	}
	return out
}

// coverageFleet is `coverage` across a fleet: every target's resources
// with ACCOUNT and REGION columns.
func coverageFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, filters []string, horizon time.Duration, asJSON, failUnprotected bool) error {
	ctx := cmd.Context()
	rs, err := runFleet(ctx, af, ff, func(ctx context.Context, t fleet.Target) (*compliance.CoverageReport, error) {
		return coverageIn(ctx, t.Config, filters, horizon)
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
	err = printFleet(cmd, rs, asJSON, coverageView, func(out io.Writer) {
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
	})
	if err != nil {
		return err
	}
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

// fails reports whether findings trip --fail-on.
func (o adviseOptions) fails(findings []compliance.Finding) bool {
	for _, f := range findings {
		if o.failOn && f.Severity >= o.failSev {
			return true
		}
	}
	return false
}

// shown keeps the findings at --min-severity or above.
func (o adviseOptions) shown(findings []compliance.Finding) []compliance.Finding {
	out := []compliance.Finding{}
	for _, f := range findings {
		if f.Severity >= o.minSev {
			out = append(out, f)
		}
	}
	return out
}

// The work of status, coverage and advise in one account and Region,
// from that account's configuration: the same for a one-account command
// (the caller's configuration) and for each target of a fleet run.

// statusIn is the job report of one account and Region.
func statusIn(ctx context.Context, cfg aws.Config, from time.Time, filter backup.JobFilter) (*backup.Report, error) {
	return backup.New(awsbackup.NewFromConfig(cfg)).Report(ctx, from, func(o *backup.ReportOptions) { o.Filter = filter })
}

// coverageIn matches one account and Region's tagged inventory against
// its backup plans.
func coverageIn(ctx context.Context, cfg aws.Config, filters []string, horizon time.Duration) (*compliance.CoverageReport, error) {
	inv, err := compliance.Inventory(ctx, tagging.NewFromConfig(cfg), filters...)
	if err != nil {
		return nil, err
	}
	plans, err := compliance.LivePlans(ctx, plan.NewClient(awsbackup.NewFromConfig(cfg)))
	if err != nil {
		return nil, err
	}
	return compliance.Coverage(inv, plans, compliance.CoverageOptions{Horizon: horizon})
}

// adviseIn is every finding of one account and Region (AWS Config rules
// too, except on the emulator, which does not serve AWS Config).
func adviseIn(ctx context.Context, cfg aws.Config, o adviseOptions, now time.Time) ([]compliance.Finding, error) {
	in, err := compliance.LoadAdvisorInput(ctx, awsbackup.NewFromConfig(cfg), now, o.window)
	if err != nil {
		return nil, err
	}
	if in.Inventory, err = compliance.Inventory(ctx, tagging.NewFromConfig(cfg)); err != nil {
		return nil, err
	}
	if !o.emulator {
		if in.ConfigRules, err = compliance.NewConfigClient(configservice.NewFromConfig(cfg)).BackupRuleNames(ctx); err != nil {
			return nil, err
		}
		in.ConfigRulesChecked = true
	}
	return compliance.Advise(*in, o.advisor)
}

// adviseFleet is `advise` across a fleet: every target's findings with
// ACCOUNT and REGION columns.
func adviseFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, o adviseOptions, asJSON bool) error {
	ctx := cmd.Context()
	now := time.Now()
	rs, err := runFleet(ctx, af, ff, func(ctx context.Context, t fleet.Target) ([]compliance.Finding, error) {
		return adviseIn(ctx, t.Config, o, now)
	})
	if err != nil {
		return err
	}
	fail, n := false, 0
	for _, r := range rs {
		fail = fail || o.fails(r.Value)
	}
	rs = mapResults(rs, o.shown)
	for _, r := range rs {
		n += len(r.Value)
	}
	err = printFleet(cmd, rs, asJSON, same, func(out io.Writer) {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tREGION\tSEVERITY\tCATEGORY\tCHECK\tRESOURCE\tEVIDENCE\tFIX")
		for _, r := range rs {
			for _, f := range r.Value {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Account, r.Region, f.Severity, f.Category, f.Check, orDash(f.Resource), oneLine(f.Evidence), oneLine(f.Fix))
			}
		}
		_ = tw.Flush()
		fmt.Fprintf(out, "%d findings\n", n)
	})
	if err != nil {
		return err
	}
	return fleetExit(rs, fail)
}
