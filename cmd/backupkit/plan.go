package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/plan"
)

func newPlanCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Validate, render, preview and apply backup plans",
		Long: `Backup plans as code. FILE may be a plan-as-code YAML file (.yaml/.yml),
an AWS CLI plan JSON (bare or {"BackupPlan": …}), Terraform JSON (.tf.json,
aws_backup_plan/aws_backup_selection) or an AWS Organizations backup policy
(JSON with a top-level "plans" key).`,
	}
	cmd.AddCommand(newPlanValidateCmd(), newPlanRenderCmd(), newPlanNextCmd(), newPlanDiffCmd(), newPlanApplyCmd())
	return cmd
}

// maxPlanFileSize bounds what the CLI reads from one file.
const maxPlanFileSize = 16 << 20

// loadPlanSpecs reads FILE in whichever supported format it is in.
func loadPlanSpecs(path string) ([]plan.Spec, error) {
	specs, _, err := loadPlanFile(path)
	return specs, err
}

// loadPlanFile is loadPlanSpecs that also says whether FILE is an
// Organizations backup policy.
func loadPlanFile(path string) ([]plan.Spec, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPlanFileSize+1))
	if err != nil {
		return nil, false, err
	}
	if len(data) > maxPlanFileSize {
		return nil, false, fmt.Errorf("file is larger than %d MiB", maxPlanFileSize>>20)
	}
	return parsePlanSpecs(path, data)
}

func parsePlanSpecs(path string, data []byte) ([]plan.Spec, bool, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".yaml" || ext == ".yml" {
		specs, err := plan.ParseYAML(data)
		return specs, false, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if ext == ".json" {
			return nil, false, errors.New("not a JSON object")
		}
		specs, err := plan.ParseYAML(data)
		return specs, false, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &probe); err != nil {
		return nil, false, fmt.Errorf("parse JSON: %w", err)
	}
	switch {
	case probe["plans"] != nil:
		specs, err := plan.ParseOrgPolicy(data)
		return specs, true, err
	case probe["resource"] != nil || strings.HasSuffix(strings.ToLower(path), ".tf.json"):
		specs, err := plan.ParseTerraform(data)
		return specs, false, err
	default:
		p, err := plan.ParseCLI(data)
		if err != nil {
			return nil, false, err
		}
		return []plan.Spec{{Plan: p}}, false, nil
	}
}

// printPlanProblems writes one line per validation problem (or the error) and
// reports whether there were any.
func printPlanProblems(w io.Writer, prefix string, err error) bool {
	if err == nil {
		return false
	}
	ves := backup.ValidationErrors(err)
	if len(ves) == 0 {
		fmt.Fprintf(w, "%s: %v\n", prefix, err)
		return true
	}
	for _, ve := range ves {
		if ve.Field == "" {
			fmt.Fprintf(w, "%s: %s\n", prefix, ve.Reason)
		} else {
			fmt.Fprintf(w, "%s: %s: %s\n", prefix, ve.Field, ve.Reason)
		}
	}
	return true
}

func planLabel(file string, sp plan.Spec) string {
	name := "(unnamed)"
	if sp.Plan != nil && sp.Plan.Name != "" {
		name = sp.Plan.Name
	}
	return fmt.Sprintf("%s: plan %s", file, name)
}

func newPlanValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check plan files against every rule AWS Backup enforces",
		Long: `Validate each FILE and print every problem with its field path, e.g.
"plans.yaml: plan prod: Rules[1].Lifecycle.DeleteAfterDays: …". Exits 1 when
any file is invalid. Organizations backup policies may use "$account" in
ARNs; other formats are sent to AWS as they are and may not.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			bad := false
			for _, file := range args {
				specs, org, err := loadPlanFile(file)
				if err != nil {
					bad = printPlanProblems(out, file, err) || bad
					continue
				}
				fileBad := false
				for _, sp := range specs {
					verr := sp.Validate()
					if org {
						verr = sp.ValidateOrgPolicy()
					}
					fileBad = printPlanProblems(out, planLabel(file, sp), verr) || fileBad
				}
				if !fileBad {
					fmt.Fprintf(out, "%s: ok (%d plan(s))\n", file, len(specs))
				}
				bad = bad || fileBad
			}
			if bad {
				return &exitError{code: exitErr}
			}
			return nil
		},
	}
}

func newPlanRenderCmd() *cobra.Command {
	var preset, vault, name, format string
	cmd := &cobra.Command{
		Use:   "render --preset NAME --vault V [--format cli|yaml|terraform|org-policy]",
		Short: "Print a preset plan in one of the supported formats",
		Long: "Render a preset plan to stdout. Presets: " + strings.Join(plan.PresetNames(), ", ") + `.
The default format, cli, is the AWS CLI's create-backup-plan JSON
(aws backup create-backup-plan --cli-input-json file://plan.json).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if preset == "" || vault == "" {
				return errors.New("--preset and --vault are required")
			}
			if name == "" {
				name = preset
			}
			b, err := plan.Preset(preset, name, vault)
			if err != nil {
				return err
			}
			p, err := b.Build()
			if err != nil {
				printPlanProblems(cmd.ErrOrStderr(), "plan "+name, err)
				return &exitError{code: exitErr}
			}
			var data []byte
			switch format {
			case "cli", "":
				data, err = plan.MarshalCLI(p)
			case "yaml":
				data, err = plan.MarshalYAML(plan.Spec{Plan: p})
			case "terraform":
				data, err = plan.MarshalTerraform(plan.Spec{Plan: p})
			case "org-policy":
				data, err = plan.MarshalOrgPolicy(plan.Spec{Plan: p})
			default:
				return fmt.Errorf("unknown --format %q: use cli, yaml, terraform or org-policy", format)
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().StringVar(&preset, "preset", "", "preset name: "+strings.Join(plan.PresetNames(), ", "))
	cmd.Flags().StringVar(&vault, "vault", "", "target backup vault name")
	cmd.Flags().StringVar(&name, "name", "", "plan name (default: the preset name)")
	cmd.Flags().StringVar(&format, "format", "cli", "output format: cli, yaml, terraform or org-policy")
	return cmd
}

func newPlanNextCmd() *cobra.Command {
	var n int
	var after string
	cmd := &cobra.Command{
		Use:   "next FILE [-n 5]",
		Short: "Show each rule's next fire times, in the rule's time zone",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 || n > 10000 {
				return fmt.Errorf("-n must be 1-10000, got %d", n)
			}
			start := time.Now()
			if after != "" {
				t, err := time.Parse(time.RFC3339, after)
				if err != nil {
					return fmt.Errorf("--after: want RFC 3339 (2024-01-02T15:04:05Z), got %q", after)
				}
				start = t
			}
			specs, err := loadPlanSpecs(args[0])
			if err != nil {
				printPlanProblems(cmd.ErrOrStderr(), args[0], err)
				return &exitError{code: exitErr}
			}
			out := cmd.OutOrStdout()
			bad := false
			for _, sp := range specs {
				if sp.Plan == nil {
					continue
				}
				for i, r := range sp.Plan.Rules {
					s, err := r.ParsedSchedule()
					if err != nil {
						printPlanProblems(cmd.ErrOrStderr(), fmt.Sprintf("%s: Rules[%d]", planLabel(args[0], sp), i), err)
						bad = true
						continue
					}
					fmt.Fprintf(out, "%s/%s  %s  %s\n", sp.Plan.Name, r.Name, s, s.Location())
					times := s.Next(start, n)
					if len(times) == 0 {
						fmt.Fprintln(out, "  (never fires again)")
					}
					for _, t := range times {
						fmt.Fprintf(out, "  %s\n", t.Format(time.RFC3339))
					}
				}
			}
			if bad {
				return &exitError{code: exitErr}
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "count", "n", 5, "how many fire times per rule")
	cmd.Flags().StringVar(&after, "after", "", "start after this RFC 3339 time (default: now)")
	return cmd
}

// loadValidPlans loads FILE and fails (printing every problem) unless every
// plan and selection in it is valid.
func loadValidPlans(cmd *cobra.Command, file string) ([]plan.Spec, error) {
	specs, err := loadPlanSpecs(file)
	if err != nil {
		printPlanProblems(cmd.ErrOrStderr(), file, err)
		return nil, &exitError{code: exitErr}
	}
	bad := false
	for _, sp := range specs {
		bad = printPlanProblems(cmd.ErrOrStderr(), planLabel(file, sp), sp.ValidateEnsure()) || bad
	}
	if bad {
		return nil, &exitError{code: exitErr}
	}
	return specs, nil
}

func newPlanDiffCmd() *cobra.Command {
	var af awsFlags
	var ff fleetFlags
	cmd := &cobra.Command{
		Use:   "diff FILE [--endpoint URL]",
		Short: "Show what apply would change in AWS (or an emulator)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ff.on() {
				return planFleet(cmd, &af, &ff, args[0], false)
			}
			specs, err := loadValidPlans(cmd, args[0])
			if err != nil {
				return err
			}
			cfg, err := af.load(cmd.Context())
			if err != nil {
				return err
			}
			return writePlanDiff(cmd.Context(), awsbackup.NewFromConfig(cfg), specs, args[0], cmd.OutOrStdout())
		},
	}
	af.register(cmd)
	ff.register(cmd)
	return cmd
}

// writePlanDiff writes what apply would change for each spec of file in
// the account and Region of c.
func writePlanDiff(ctx context.Context, api *awsbackup.Client, specs []plan.Spec, file string, out io.Writer) error {
	c := plan.NewClient(api)
	missing, err := missingVaults(ctx, api, specs)
	if err != nil {
		return err
	}
	for _, sp := range specs {
		live, err := c.FindByName(ctx, sp.Plan.Name)
		switch {
		case errors.Is(err, plan.ErrNotFound):
			fmt.Fprintf(out, "plan %s: will be created (%d rules, %d selections)\n", sp.Plan.Name, len(sp.Plan.Rules), len(sp.Selections))
			continue
		case err != nil:
			return err
		}
		d := plan.Diff(live.Plan, sp.Plan)
		if len(d) == 0 {
			fmt.Fprintf(out, "plan %s (%s): no changes\n", sp.Plan.Name, live.ID)
		} else {
			fmt.Fprintf(out, "plan %s (%s): will be updated\n%s", sp.Plan.Name, live.ID, planIndent(d.String()))
		}
		if len(sp.Selections) == 0 {
			continue
		}
		sels, err := c.Selections(ctx, live.ID)
		if err != nil {
			return err
		}
		for _, s := range sp.Selections {
			state := "will be created"
			for _, ls := range sels {
				if ls.Selection.Name == s.Name {
					state = "will be replaced"
					if plan.SelectionsEqual(ls.Selection, s) {
						state = "no changes"
					} else if ch := selectionChanges(ls.Selection, s); len(ch) > 0 {
						state += "\n      ~ " + strings.Join(ch, "\n      ~ ")
					}
				}
			}
			fmt.Fprintf(out, "  selection %s: %s\n", s.Name, state)
		}
		for _, ls := range sels {
			if !slices.ContainsFunc(sp.Selections, func(s *plan.Selection) bool { return s.Name == ls.Selection.Name }) {
				fmt.Fprintf(out, "  selection %s: not in %s (apply leaves it alone)\n", ls.Selection.Name, file)
			}
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("apply would fail: %s", strings.Join(missing, "; "))
	}
	return nil
}

func planIndent(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	return b.String()
}

func newPlanApplyCmd() *cobra.Command {
	var af awsFlags
	var ff fleetFlags
	cmd := &cobra.Command{
		Use:   "apply FILE [--endpoint URL]",
		Short: "Create or update the plans and selections in FILE (idempotent)",
		Long: `Make AWS match FILE: plans are created or updated by name (no call when
already equal), their tags are set to the file's (a tag missing from the
file is removed; AWS's reserved aws: tags are left alone), selections are
created, or replaced when changed. Running apply twice changes nothing the
second time. Nothing is ever deleted except a selection being replaced.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ff.on() {
				return planFleet(cmd, &af, &ff, args[0], true)
			}
			specs, err := loadValidPlans(cmd, args[0])
			if err != nil {
				return err
			}
			cfg, err := af.load(cmd.Context())
			if err != nil {
				return err
			}
			return writePlanApply(cmd.Context(), awsbackup.NewFromConfig(cfg), specs, cmd.OutOrStdout())
		},
	}
	af.register(cmd)
	ff.register(cmd)
	return cmd
}

// writePlanApply makes the account and Region of c match specs and
// writes what it did.
func writePlanApply(ctx context.Context, api *awsbackup.Client, specs []plan.Spec, out io.Writer) error {
	c := plan.NewClient(api)
	// A missing target vault fails the plan at AWS: stop before changing
	// anything.
	missing, err := missingVaults(ctx, api, specs)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("nothing applied: %s", strings.Join(missing, "; "))
	}
	for _, sp := range specs {
		res, err := c.Ensure(ctx, sp.Plan)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "plan %s (%s): %s\n", sp.Plan.Name, res.Live.ID, res.Action)
		if len(res.Changes) > 0 {
			fmt.Fprint(out, planIndent(res.Changes.String()))
		}
		for _, s := range sp.Selections {
			_, act, err := c.EnsureSelection(ctx, res.Live.ID, s)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "  selection %s: %s\n", s.Name, act)
		}
	}
	return nil
}
