package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/plan"
)

// planAccountPlaceholder in a plan file stands for each target's account
// id in a fleet apply (the same placeholder Organizations backup policies
// use), e.g. iam_role_arn: arn:aws:iam::$account:role/backup.
const planAccountPlaceholder = "$account"

// planFleet is `plan diff` or `plan apply` in every account and Region of
// the fleet flags' scope. The file is checked first, with "$account"
// standing for any account; in each target "$account" becomes its id.
// Output lines carry the target's ACCOUNT and REGION.
func planFleet(cmd *cobra.Command, af *awsFlags, ff *fleetFlags, file string, apply bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if len(data) > maxPlanFileSize {
		return fmt.Errorf("%s: file is larger than %d MiB", file, maxPlanFileSize>>20)
	}
	forAccount := func(id string) ([]plan.Spec, error) {
		specs, _, err := parsePlanSpecs(file, bytes.ReplaceAll(data, []byte(planAccountPlaceholder), []byte(id)))
		return specs, err
	}
	specs, err := forAccount("000000000000")
	if err != nil {
		printPlanProblems(cmd.ErrOrStderr(), file, err)
		return &exitError{code: exitErr}
	}
	bad := false
	for _, sp := range specs {
		bad = printPlanProblems(cmd.ErrOrStderr(), planLabel(file, sp), sp.ValidateEnsure()) || bad
	}
	if bad {
		return &exitError{code: exitErr}
	}
	rs, err := runFleet(cmd.Context(), af, ff, func(ctx context.Context, t fleet.Target) (string, error) {
		specs, err := forAccount(t.Account)
		if err != nil {
			return "", err
		}
		var out bytes.Buffer
		api := awsbackup.NewFromConfig(t.Config)
		if apply {
			err = writePlanApply(ctx, api, specs, &out)
		} else {
			err = writePlanDiff(ctx, api, specs, file, &out)
		}
		if err != nil {
			// What apply did before the error is part of the answer.
			if out.Len() > 0 {
				return "", fmt.Errorf("%w (after: %s)", err, oneLine(out.String()))
			}
			return "", err
		}
		return out.String(), nil
	})
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if rs.Succeeded() > 0 {
		fmt.Fprintf(w, "%-12s  %-14s  %s\n", "ACCOUNT", "REGION", "CHANGE")
	}
	for _, r := range rs {
		if r.Err != nil {
			continue
		}
		writePrefixed(w, fmt.Sprintf("%-12s  %-14s  ", r.Account, r.Region), r.Value)
	}
	finishFleet(cmd, rs, false)
	return fleetExit(rs, false)
}

// writePrefixed writes every line of s after prefix.
func writePrefixed(w io.Writer, prefix, s string) {
	for line := range strings.SplitSeq(strings.TrimRight(s, "\n"), "\n") {
		fmt.Fprintf(w, "%s%s\n", prefix, line)
	}
}
