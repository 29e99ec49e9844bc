package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/fleet"
)

// fleetFlags turn a per-account command into a fleet run: the same work in
// every account and Region of a scope (README "Many accounts and Regions").
type fleetFlags struct {
	accounts    string
	org         bool
	ous         []string
	accountTags []string
	regions     string
	roleName    string
	externalID  string
	concurrency int
	// concName is the name of the concurrency flag: "concurrency", or
	// "fleet-concurrency" on a command whose --concurrency means
	// something else (drill: resources drilled at once).
	concName string

	spec fleet.Spec // filled by check
	opts func(*fleet.Options)
	// progress is where a run draws its progress when it is a terminal:
	// the command's stderr.
	progress io.Writer
}

// fleetMaxConcurrency bounds --concurrency: beyond it a run only trades
// throttling for nothing.
const fleetMaxConcurrency = 256

func (f *fleetFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.accounts, "accounts", "", "run in these accounts (comma-separated 12-digit ids), assuming --role-name in each but the caller's own")
	fl.BoolVar(&f.org, "org", false, "run in every ACTIVE account of the AWS Organizations organization (from its management or a delegated administrator account)")
	fl.StringSliceVar(&f.ous, "ou", nil, "with --org: only accounts under these OUs, walked recursively: an id (ou-…, r-…), a name, or a path of names from the root (prod/eu); repeatable")
	fl.StringSliceVar(&f.accountTags, "account-tag", nil, "with --org: only accounts carrying this tag, KEY=VALUE; repeatable (all must match)")
	fl.StringVar(&f.regions, "regions", "", `run in these Regions (comma-separated), or "enabled" for each account's enabled Regions; default: --region`)
	fl.StringVar(&f.roleName, "role-name", fleet.DefaultRoleName, "role assumed in each member account; "+fleet.AccountPlaceholder+" stands for the account id")
	fl.StringVar(&f.externalID, "external-id", "", "sts:ExternalId sent with every AssumeRole")
	f.concName = "concurrency"
	if fl.Lookup("concurrency") != nil {
		f.concName = "fleet-concurrency"
	}
	fl.IntVar(&f.concurrency, f.concName, fleet.DefaultConcurrency, "targets (account and Region pairs) run at once")
	prev := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := f.check(cmd); err != nil {
			return err
		}
		f.progress = cmd.ErrOrStderr()
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}

// on reports whether the command runs as a fleet: --accounts, --org or
// --regions was given.
func (f *fleetFlags) on() bool { return f.accounts != "" || f.org || f.regions != "" }

// check validates every fleet flag at once, before any call: account ids,
// Region names, the role name template, the external id, OU ids, tag
// filters, --concurrency, and flags that need --org or a fleet.
func (f *fleetFlags) check(cmd *cobra.Command) error {
	changed := func(name string) bool { return cmd.Flags().Changed(name) }
	var errs []error
	flagErr := func(name string, err error) { errs = append(errs, flagError(name, err)) }
	if !f.on() {
		for _, name := range []string{"ou", "account-tag", "role-name", "external-id", f.concName} {
			if changed(name) {
				errs = append(errs, fmt.Errorf("--%s needs a fleet: give --accounts, --org or --regions", name))
			}
		}
		return errors.Join(errs...)
	}
	spec := fleet.Spec{Organization: f.org, OUs: f.ous}
	if changed("accounts") {
		if f.org {
			errs = append(errs, errors.New("--accounts and --org exclude each other: name the accounts or take them from the organization"))
		}
		accts, err := fleet.ParseAccounts(f.accounts)
		for _, e := range unjoin(err) {
			flagErr("accounts", e)
		}
		for _, a := range accts {
			spec.Accounts = append(spec.Accounts, a.ID)
		}
	}
	if changed("ou") && len(f.ous) == 0 {
		errs = append(errs, errors.New("--ou: give an OU id (ou-…, r-…), name or path of names; without --ou the whole organization is used"))
	}
	if !f.org {
		if len(f.ous) > 0 {
			errs = append(errs, errors.New("--ou needs --org"))
		}
		if len(f.accountTags) > 0 {
			errs = append(errs, errors.New("--account-tag needs --org"))
		}
	}
	for _, t := range f.accountTags {
		k, v, err := fleet.ParseTag(t)
		if err != nil {
			flagErr("account-tag", err)
			continue
		}
		if spec.AccountTags == nil {
			spec.AccountTags = map[string]string{}
		}
		spec.AccountTags[k] = v
	}
	if changed("regions") {
		regions, enabled, err := fleet.ParseRegions(f.regions)
		for _, e := range unjoin(err) {
			flagErr("regions", e)
		}
		spec.Regions, spec.AllEnabledRegions = regions, enabled
	}
	if f.org {
		// The spec's own rules (OU id shapes); its account and Region
		// rules were checked above, flag by flag.
		probe := spec
		probe.Regions, probe.AllEnabledRegions = []string{"us-east-1"}, false
		for _, e := range unjoin(probe.Validate()) {
			var ve *backup.ValidationError
			if errors.As(e, &ve) && strings.HasPrefix(ve.Field, "OUs") {
				flagErr("ou", e)
			}
		}
	}
	if f.concurrency < 1 || f.concurrency > fleetMaxConcurrency {
		errs = append(errs, fmt.Errorf("--%s %d: must be 1 to %d", f.concName, f.concurrency, fleetMaxConcurrency))
	}
	opts := func(o *fleet.Options) {
		o.RoleName, o.ExternalID, o.Concurrency = f.roleName, f.externalID, max(f.concurrency, 1)
	}
	if _, err := fleet.New(aws.Config{}, opts); err != nil {
		for _, e := range unjoin(err) {
			var ve *backup.ValidationError
			switch {
			case errors.As(e, &ve) && ve.Field == "RoleName":
				flagErr("role-name", e)
			case errors.As(e, &ve) && ve.Field == "ExternalID":
				errs = append(errs, fmt.Errorf("--external-id: must be %s", ve.Reason))
			case errors.As(e, &ve) && ve.Field == "Concurrency":
				// reported above
			default:
				errs = append(errs, e)
			}
		}
	}
	f.spec, f.opts = spec, opts
	return errors.Join(errs...)
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// fleetRun is a fleet run made ready: the caller's configuration, the
// runner, and the resolved scope (every account and its Regions).
type fleetRun struct {
	cfg    aws.Config
	runner *fleet.Runner
	scope  fleet.Scope
	prog   *fleetProgress // nil off a terminal
}

// prepareFleet loads the caller's configuration and resolves the fleet
// flags' scope. It fails when the scope cannot be resolved (no
// organization, an OU that does not exist) or the caller's identity cannot
// be read.
func prepareFleet(ctx context.Context, af *awsFlags, f *fleetFlags) (*fleetRun, error) {
	cfg, err := af.load(ctx)
	if err != nil {
		return nil, err
	}
	fr := &fleetRun{cfg: cfg, prog: newFleetProgress(f.progress)}
	fr.runner, err = fleet.New(cfg, f.opts, func(o *fleet.Options) {
		if fr.prog != nil {
			o.Progress = fr.prog.update
		}
	})
	if err != nil {
		return nil, err
	}
	spec := f.spec
	if len(spec.Regions) == 0 && !spec.AllEnabledRegions {
		spec.Regions = []string{cfg.Region}
	}
	switch {
	case spec.Organization:
		if fr.scope, err = spec.Resolve(ctx, organizations.NewFromConfig(cfg)); err != nil {
			if errors.Is(err, fleet.ErrOUNotFound) || errors.Is(err, fleet.ErrOUAmbiguous) {
				return nil, fmt.Errorf("--ou: %w", err)
			}
			return nil, fmt.Errorf("--org: %w", err)
		}
	case len(spec.Accounts) == 0:
		// --regions alone: the caller's own account in those Regions.
		id, err := fr.runner.Identity(ctx)
		if err != nil {
			return nil, err
		}
		spec.Accounts = []string{id.Account}
		fallthrough
	default:
		if fr.scope, err = spec.Resolve(ctx, nil); err != nil {
			return nil, err
		}
	}
	return fr, nil
}

// runPrepared runs fn in every target of a prepared run; failed targets
// are results.
func runPrepared[T any](ctx context.Context, fr *fleetRun, fn func(context.Context, fleet.Target) (T, error)) (fleet.Results[T], error) {
	if fr.prog != nil {
		defer fr.prog.finish()
	}
	return fleet.Run(ctx, fr.runner, fr.scope, fn)
}

// runFleet runs fn in every target of the fleet flags' scope (prepareFleet,
// then runPrepared).
func runFleet[T any](ctx context.Context, af *awsFlags, f *fleetFlags, fn func(context.Context, fleet.Target) (T, error)) (fleet.Results[T], error) {
	fr, err := prepareFleet(ctx, af, f)
	if err != nil {
		return nil, err
	}
	return runPrepared(ctx, fr, fn)
}

// targetError says why a target failed in one line: for a role that
// could not be assumed, the role, the caller and STS's error code and
// message, without the SDK's request details.
func targetError(err error) string {
	var ae *fleet.AssumeRoleError
	var api smithy.APIError
	if errors.As(err, &ae) && errors.As(err, &api) {
		return fmt.Sprintf("cannot assume %s as %s: %s: %s", ae.RoleARN, ae.Caller, api.ErrorCode(), oneLine(api.ErrorMessage()))
	}
	return oneLine(err.Error())
}

// fleetTarget is one target of a fleet run in --json output.
type fleetTarget[T any] struct {
	Account     string `json:"account"`
	AccountName string `json:"accountName,omitempty"`
	Region      string `json:"region,omitempty"`
	Error       string `json:"error,omitempty"`
	Result      *T     `json:"result,omitempty"`
}

// fleetDoc is a fleet run in --json output: every target, with its result
// or its error, and the counts.
type fleetDoc[T any] struct {
	Targets   []fleetTarget[T] `json:"targets"`
	Succeeded int              `json:"succeeded"`
	Failed    int              `json:"failed"`
}

func writeFleetJSON[T any](w io.Writer, rs fleet.Results[T]) error {
	doc := fleetDoc[T]{Targets: []fleetTarget[T]{}, Succeeded: rs.Succeeded(), Failed: rs.Failed()}
	for _, r := range rs {
		t := fleetTarget[T]{Account: r.Account, AccountName: r.AccountName, Region: r.Region}
		if r.Err != nil {
			t.Error = targetError(r.Err)
		} else {
			v := r.Value
			t.Result = &v
		}
		doc.Targets = append(doc.Targets, t)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeFleetFailures lists the failed targets, one line each with ACCOUNT
// and REGION columns, under the command's own table.
func writeFleetFailures[T any](w io.Writer, rs fleet.Results[T]) {
	if rs.Failed() == 0 {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAILED ACCOUNT\tREGION\tERROR")
	for _, r := range rs {
		if r.Err != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Account, orDash(r.Region), targetError(r.Err))
		}
	}
	_ = tw.Flush()
}

// fleetSummary is the final line of a fleet run.
func fleetSummary[T any](rs fleet.Results[T]) string {
	return fmt.Sprintf("%d targets: %d succeeded, %d failed", len(rs), rs.Succeeded(), rs.Failed())
}

// fleetExit is a fleet run's exit: 1 when any target failed (its error was
// printed), else 2 when gate says what the command checked failed in some
// target, else 0.
func fleetExit[T any](rs fleet.Results[T], gate bool) error {
	switch {
	case rs.Failed() > 0:
		return &exitError{code: exitErr, err: fmt.Errorf("%d of %d targets failed", rs.Failed(), len(rs))}
	case gate:
		return &exitError{code: exitFailed}
	}
	return nil
}

// finishFleet prints the failed targets and the final line: under the
// table, or on stderr when stdout carries JSON.
func finishFleet[T any](cmd *cobra.Command, rs fleet.Results[T], asJSON bool) {
	if asJSON {
		fmt.Fprintln(cmd.ErrOrStderr(), "backupkit: "+fleetSummary(rs))
		return
	}
	out := cmd.OutOrStdout()
	writeFleetFailures(out, rs)
	fmt.Fprintln(out, fleetSummary(rs))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
