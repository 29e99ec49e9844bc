package main

import (
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/fleet"
)

// flagCheck checks some of a command's flags: nil when they are fine, else
// an error naming the flag and what is allowed.
type flagCheck func() error

// checkFlags runs every check and reports every problem at once.
func checkFlags(checks ...flagCheck) error {
	var errs []error
	for _, c := range checks {
		if err := c(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// withClient is the RunE of a command that talks to one AWS service: every
// flag check runs first (all problems reported at once, before any call),
// then the AWS configuration is loaded (--endpoint, --region, --profile),
// the command's client built from it, and run called with it.
func withClient[C any](af *awsFlags, build func(aws.Config) C, checks []flagCheck, run func(*cobra.Command, C) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := checkFlags(checks...); err != nil {
			return err
		}
		cfg, err := af.load(cmd.Context())
		if err != nil {
			return err
		}
		return run(cmd, build(cfg))
	}
}

// printFleet prints a fleet run: as --json (each target's value through
// view), or as the command's own table, then the failed targets and the
// final line that counts targets (on stderr under JSON).
func printFleet[T, V any](cmd *cobra.Command, rs fleet.Results[T], asJSON bool, view func(T) V, table func(io.Writer)) error {
	if asJSON {
		if err := writeFleetJSON(cmd.OutOrStdout(), mapResults(rs, view)); err != nil {
			return err
		}
	} else {
		table(cmd.OutOrStdout())
	}
	finishFleet(cmd, rs, asJSON)
	return nil
}

// same is the identity view: the value as it is.
func same[T any](v T) T { return v }
