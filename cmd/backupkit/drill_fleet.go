package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/restore"
)

// checkDrillFleetFlags checks what a drill across a fleet cannot take,
// before any call: the demo, a selection (a plan id is one account's),
// Resilience Hub policies, a role ARN of one account, resource ARNs that
// name no account and Region.
func checkDrillFleetFlags(f *drillFlags) error {
	var errs []error
	if !f.useAWS && !f.af.overridden() {
		errs = append(errs, errors.New("a drill across accounts and Regions needs --aws or --endpoint (the demo runs in one account)"))
	}
	if f.selection != "" {
		errs = append(errs, errors.New("--selection names one account's plan: across accounts and Regions use --vault, optionally with --resources"))
	}
	if f.policyARN != "" || f.appARN != "" {
		errs = append(errs, errors.New("--resiliency-policy and --resilience-app judge one account's app: not across accounts and Regions"))
	}
	if f.role != "" && !strings.Contains(f.role, fleet.AccountPlaceholder) {
		errs = append(errs, fmt.Errorf("--role %q: across accounts name the account as %s, e.g. arn:aws:iam::%s:role/backup-restore", f.role, fleet.AccountPlaceholder, fleet.AccountPlaceholder))
	}
	for _, r := range f.resources {
		a, err := arn.Parse(strings.TrimSpace(r))
		if err != nil || a.AccountID == "" || a.Region == "" {
			errs = append(errs, fmt.Errorf("--resources %q: across accounts and Regions each ARN must name its account and Region (drill S3 buckets with --vault)", r))
		}
	}
	if f.vault == "" && len(f.resources) == 0 {
		errs = append(errs, errors.New("nothing to drill: set --vault (every resource with a recovery point in it, in each account and Region), optionally with --resources"))
	}
	if err := checkOutDir(f.out); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// runDrillFleet drills every account and Region of the fleet flags' scope:
// in each, the --vault's resources (or those of --resources in that account
// and Region), with the same cleanup as a one-account drill. It writes one
// report with a section per account and Region.
func runDrillFleet(ctx context.Context, stdout, stderr io.Writer, f *drillFlags) error {
	ff := &f.fleet
	if err := checkDrillFleetFlags(f); err != nil {
		return err
	}
	fr, err := prepareFleet(ctx, &f.af, ff)
	if err != nil {
		return err
	}
	operator := "unknown"
	if id, err := fr.runner.Identity(ctx); err == nil {
		operator = id.ARN
	} else if ctx.Err() == nil {
		operator = "unknown (" + err.Error() + ")"
	}
	started := time.Now()
	fmt.Fprintf(stdout, "Drilling across accounts and Regions (%d targets at once, %d resources at once in each)…\n", ff.concurrency, f.concurrency)
	rs, err := runPrepared(ctx, fr, func(ctx context.Context, t fleet.Target) (*restore.Report, error) {
		d := &restore.Drill{Vault: f.vault, MaxRTO: f.maxRTO, MaxRPO: f.maxRPO, Concurrency: f.concurrency, FreshBackup: f.freshBackup}
		for _, r := range f.resources {
			if a, err := arn.Parse(strings.TrimSpace(r)); err == nil && a.AccountID == t.Account && a.Region == t.Region {
				d.Targets = append(d.Targets, restore.Target{ResourceARN: strings.TrimSpace(r)})
			}
		}
		if len(f.resources) > 0 && len(d.Targets) == 0 {
			return &restore.Report{Passed: true, Targets: []restore.TargetResult{}}, nil // none of --resources is here
		}
		if len(d.Targets) == 0 {
			d.AllInVault = true
		}
		role := strings.ReplaceAll(f.role, fleet.AccountPlaceholder, t.Account)
		d.IAMRoleARN = role
		client := restore.New(awsbackup.NewFromConfig(t.Config), func(o *restore.Options) {
			o.Services = f.af.resourceServices(t.Config)
			if f.pollInterval > 0 {
				o.Waiter = pollWaiter(f.pollInterval)
				o.DeletePollInterval = f.pollInterval
			}
			if role != "" {
				o.IAMRoleARN = role
			}
		})
		rep, err := client.Run(ctx, d)
		if rep == nil {
			return nil, err
		}
		if err != nil {
			rep.Canceled = true
		}
		rep.Audit = fleetDrillAudit(f, d, operator, t)
		return rep, nil
	})
	if err != nil {
		return err
	}
	passed := true
	for _, r := range rs {
		if r.Err == nil && !r.Value.Passed {
			passed = false
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tTARGETS\tPASSED\tFAILED\tMISSED RTO\tMISSED RPO\tLEFT BEHIND\tRESULT")
	for _, r := range rs {
		if r.Err != nil {
			continue
		}
		s := r.Value.Summary
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r.Account, r.Region, s.Targets, s.Passed, s.Failed, s.MissedRTO, s.MissedRPO, s.LeftBehind, passFail(r.Value.Passed))
	}
	_ = tw.Flush()
	for _, r := range rs {
		if r.Err != nil {
			continue
		}
		for _, a := range r.Value.LeftBehind {
			fmt.Fprintf(stdout, "LEFT BEHIND: %s %s %s\n", r.Account, r.Region, a)
		}
	}
	rep := newFleetDrillReport(rs, started, time.Now())
	if err := rep.write(f.out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Reports: %s\n", strings.Join([]string{
		filepath.Join(f.out, "report.json"), filepath.Join(f.out, "report.md"), filepath.Join(f.out, "report.xml"), filepath.Join(f.out, "report.html")}, ", "))
	var drilled []*restore.Report
	for _, r := range rs {
		if r.Err == nil && len(r.Value.Targets) > 0 {
			drilled = append(drilled, r.Value)
		}
	}
	if err := appendDrillHistory(context.WithoutCancel(ctx), stdout, fr.cfg, f, drilled...); err != nil {
		return err
	}
	writeFleetFailures(stdout, rs)
	fmt.Fprintln(stdout, fleetSummary(rs))
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "backupkit: drill interrupted: %v\n", context.Cause(ctx))
		return &exitError{code: exitErr}
	}
	return fleetExit(rs, !passed)
}

func passFail(ok bool) string {
	if ok {
		return "PASSED"
	}
	return "FAILED"
}

// fleetDrillReport is one report of a drill across accounts and Regions:
// a section per account, in it one per Region with that drill's report.
type fleetDrillReport struct {
	StartedAt  time.Time           `json:"startedAt"`
	FinishedAt time.Time           `json:"finishedAt"`
	Passed     bool                `json:"passed"`
	Succeeded  int                 `json:"succeeded"`
	Failed     int                 `json:"failed"`
	Summary    restore.Summary     `json:"summary"`
	Accounts   []fleetDrillAccount `json:"accounts"`
	byAccount  map[string]int
}

type fleetDrillAccount struct {
	Account string             `json:"account"`
	Name    string             `json:"name,omitempty"`
	Regions []fleetDrillRegion `json:"regions"`
}

type fleetDrillRegion struct {
	Region string          `json:"region,omitempty"`
	Error  string          `json:"error,omitempty"`
	Report *restore.Report `json:"report,omitempty"`
}

func newFleetDrillReport(rs fleet.Results[*restore.Report], started, finished time.Time) *fleetDrillReport {
	rep := &fleetDrillReport{StartedAt: started, FinishedAt: finished, Passed: rs.Failed() == 0, Succeeded: rs.Succeeded(), Failed: rs.Failed(), byAccount: map[string]int{}}
	for _, r := range rs {
		i, ok := rep.byAccount[r.Account]
		if !ok {
			i = len(rep.Accounts)
			rep.byAccount[r.Account] = i
			rep.Accounts = append(rep.Accounts, fleetDrillAccount{Account: r.Account, Name: r.AccountName})
		}
		sec := fleetDrillRegion{Region: r.Region}
		if r.Err != nil {
			sec.Error = targetError(r.Err)
		} else {
			sec.Report = r.Value
			s := r.Value.Summary
			rep.Summary.Targets += s.Targets
			rep.Summary.Passed += s.Passed
			rep.Summary.Failed += s.Failed
			rep.Summary.MissedRTO += s.MissedRTO
			rep.Summary.MissedRPO += s.MissedRPO
			rep.Summary.LeftBehind += s.LeftBehind
			rep.Passed = rep.Passed && r.Value.Passed
		}
		rep.Accounts[i].Regions = append(rep.Accounts[i].Regions, sec)
	}
	return rep
}

func (rep *fleetDrillReport) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create report directory: %w", err)
	}
	for name, render := range map[string]func(io.Writer) error{
		"report.json": rep.writeJSON, "report.md": rep.writeMarkdown, "report.xml": rep.writeJUnit, "report.html": rep.writeHTML,
	} {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// writeJUnit writes one JUnit document with a test suite per account and
// Region: the drill's targets as test cases, or one failed case for a
// target that could not be drilled.
func (rep *fleetDrillReport) writeJUnit(w io.Writer) error {
	var suites []restore.JUnitSuite
	for _, a := range rep.Accounts {
		for _, r := range a.Regions {
			suites = append(suites, restore.JUnitSuite{Name: "restore-drill " + a.Account + " " + orDash(r.Region), Report: r.Report, Error: r.Error})
		}
	}
	return restore.WriteJUnitSuites(w, suites)
}

// fleetDrillAudit is the audit header of one account and Region's drill
// report: the operator who ran the whole drill, the target, and the
// drill's settings.
func fleetDrillAudit(f *drillFlags, d *restore.Drill, operator string, t fleet.Target) restore.Audit {
	a := restore.Audit{Operator: operator, Account: t.Account, Region: t.Region, RestoreRole: d.IAMRoleARN, ToolVersion: versionInfo()}
	if d.Vault != "" {
		a.Vaults = []string{d.Vault}
	}
	set := func(name, value string) { a.Settings = append(a.Settings, restore.Setting{Name: name, Value: value}) }
	switch {
	case f.af.endpoint != "":
		set("--endpoint", f.af.endpoint)
	case f.af.overridden():
		set("AWS_ENDPOINT_URL", endpointFromEnv())
	default:
		set("target", "AWS (default credential chain)")
	}
	set("scope", "account "+t.Account+", Region "+t.Region+" of a drill across accounts and Regions")
	if len(f.resources) > 0 {
		set("--resources", strings.Join(f.resources, ","))
	} else {
		set("targets", "every resource with a recovery point in the vault")
	}
	set("--max-rto", durationSetting(d.MaxRTO))
	set("--max-rpo", durationSetting(d.MaxRPO))
	set("--concurrency", fmt.Sprint(d.Concurrency))
	set("--fresh-backup", fmt.Sprint(d.FreshBackup))
	if f.pollInterval > 0 {
		set("--poll-interval", formatFlagDuration(f.pollInterval))
	}
	return a
}

func (rep *fleetDrillReport) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func mdCell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func secs(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Millisecond).String()
}

func (rep *fleetDrillReport) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Restore drill across %d accounts: %s\n\n", len(rep.Accounts), passFail(rep.Passed))
	fmt.Fprintf(&b, "Started %s, finished %s. %d account and Region targets ran, %d failed to run. Resources: %d drilled, %d passed, %d failed, %d missed RTO, %d missed RPO, %d left behind.\n\n",
		rep.StartedAt.UTC().Format(time.RFC3339), rep.FinishedAt.UTC().Format(time.RFC3339), rep.Succeeded+rep.Failed, rep.Failed,
		rep.Summary.Targets, rep.Summary.Passed, rep.Summary.Failed, rep.Summary.MissedRTO, rep.Summary.MissedRPO, rep.Summary.LeftBehind)
	b.WriteString("| Account | Region | Resources | Passed | Failed | Missed RTO | Missed RPO | Left behind | Result |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, a := range rep.Accounts {
		for _, r := range a.Regions {
			if r.Report == nil {
				fmt.Fprintf(&b, "| %s | %s | | | | | | | ERROR: %s |\n", a.Account, orDash(r.Region), mdCell(r.Error))
				continue
			}
			s := r.Report.Summary
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %d | %s |\n", a.Account, r.Region, s.Targets, s.Passed, s.Failed, s.MissedRTO, s.MissedRPO, s.LeftBehind, passFail(r.Report.Passed))
		}
	}
	for _, a := range rep.Accounts {
		title := a.Account
		if a.Name != "" {
			title += " (" + a.Name + ")"
		}
		fmt.Fprintf(&b, "\n## Account %s\n", title)
		for _, r := range a.Regions {
			fmt.Fprintf(&b, "\n### %s\n\n", orDash(r.Region))
			if r.Report == nil {
				fmt.Fprintf(&b, "Not drilled: %s\n", mdCell(r.Error))
				continue
			}
			if len(r.Report.Targets) == 0 {
				b.WriteString("No resources to drill.\n")
				continue
			}
			fmt.Fprintf(&b, "Drill `%s`, vault `%s`: %s.\n\n", r.Report.DrillID, r.Report.Vault, passFail(r.Report.Passed))
			b.WriteString("| Resource | Type | Status | RPO | RTO (restore) | RTO (total) | Validation | Cleanup | Error |\n|---|---|---|---:|---:|---:|---|---|---|\n")
			for _, t := range r.Report.Targets {
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s |\n", t.ResourceARN, t.ResourceType, t.Status, secs(t.RPOSeconds), secs(t.RTORestoreSeconds), secs(t.RTOTotalSeconds), t.Validation, t.Cleanup, mdCell(t.Error))
			}
			for _, l := range r.Report.LeftBehind {
				fmt.Fprintf(&b, "\n**Left behind:** `%s`\n", l)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var fleetDrillHTML = template.Must(template.New("fleet").Funcs(template.FuncMap{"passFail": passFail, "secs": secs, "dash": orDash}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Restore drill across accounts and Regions</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}.PASSED{color:#176f2c}.FAILED,.ERROR{color:#b00020}
section.account{border-top:2px solid #888;margin-top:2em}</style></head><body>
<h1>Restore drill across {{len .Accounts}} accounts: <span class="{{passFail .Passed}}">{{passFail .Passed}}</span></h1>
<p>Started {{.StartedAt.UTC.Format "2006-01-02T15:04:05Z"}}, finished {{.FinishedAt.UTC.Format "2006-01-02T15:04:05Z"}}.
Resources: {{.Summary.Targets}} drilled, {{.Summary.Passed}} passed, {{.Summary.Failed}} failed, {{.Summary.MissedRTO}} missed RTO, {{.Summary.MissedRPO}} missed RPO, {{.Summary.LeftBehind}} left behind; {{.Failed}} account and Region targets could not run.</p>
<table><tr><th>Account</th><th>Region</th><th>Resources</th><th>Passed</th><th>Failed</th><th>Missed RTO</th><th>Missed RPO</th><th>Left behind</th><th>Result</th></tr>
{{range $a := .Accounts}}{{range .Regions}}<tr><td>{{$a.Account}}</td><td>{{dash .Region}}</td>{{if .Report}}{{with .Report.Summary}}<td class="n">{{.Targets}}</td><td class="n">{{.Passed}}</td><td class="n">{{.Failed}}</td><td class="n">{{.MissedRTO}}</td><td class="n">{{.MissedRPO}}</td><td class="n">{{.LeftBehind}}</td>{{end}}<td class="{{passFail .Report.Passed}}">{{passFail .Report.Passed}}</td>{{else}}<td colspan="6"></td><td class="ERROR">ERROR: {{.Error}}</td>{{end}}</tr>
{{end}}{{end}}</table>
{{range .Accounts}}<section class="account"><h2>Account {{.Account}}{{if .Name}} ({{.Name}}){{end}}</h2>
{{range .Regions}}<section class="region"><h3>{{dash .Region}}</h3>
{{if not .Report}}<p class="ERROR">Not drilled: {{.Error}}</p>{{else if not .Report.Targets}}<p>No resources to drill.</p>{{else}}<p>Drill <code>{{.Report.DrillID}}</code>, vault <code>{{.Report.Vault}}</code>: <span class="{{passFail .Report.Passed}}">{{passFail .Report.Passed}}</span></p>
<table><tr><th>Resource</th><th>Type</th><th>Status</th><th>RPO</th><th>RTO (restore)</th><th>RTO (total)</th><th>Validation</th><th>Cleanup</th><th>Error</th></tr>
{{range .Report.Targets}}<tr><td><code>{{.ResourceARN}}</code></td><td>{{.ResourceType}}</td><td class="{{.Status}}">{{.Status}}</td><td class="n">{{secs .RPOSeconds}}</td><td class="n">{{secs .RTORestoreSeconds}}</td><td class="n">{{secs .RTOTotalSeconds}}</td><td>{{.Validation}}</td><td>{{.Cleanup}}</td><td>{{.Error}}</td></tr>
{{end}}</table>{{range .Report.LeftBehind}}<p class="FAILED">Left behind: <code>{{.}}</code></p>{{end}}{{end}}</section>
{{end}}</section>
{{end}}</body></html>
`))

func (rep *fleetDrillReport) writeHTML(w io.Writer) error { return fleetDrillHTML.Execute(w, rep) }
