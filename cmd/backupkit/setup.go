package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/fleet"
	"github.com/backupkit/backupkit/keys"
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

// flagError says which flag err is about: "--name: reason", without the
// library's own field name when err is a validation error.
func flagError(name string, err error) error {
	var ve *backup.ValidationError
	var ke *keys.ValidationError
	switch {
	case errors.As(err, &ve):
		return fmt.Errorf("--%s: %s", name, ve.Reason)
	case errors.As(err, &ke):
		return fmt.Errorf("--%s: %s", name, ke.Reason)
	}
	return fmt.Errorf("--%s: %w", name, err)
}

// asFlagErrors renames a library's validation errors after the flags that
// set their fields: each of flags is "field" (the flag has the field's
// name) or "field=flag". Other errors stay as they are; a problem reported
// twice (by two calls checking the same input) is said once.
func asFlagErrors(err error, flags ...string) error {
	ves := backup.ValidationErrors(err)
	if len(ves) == 0 {
		return err
	}
	names := map[string]string{}
	for _, f := range flags {
		field, flag, ok := strings.Cut(f, "=")
		if !ok {
			flag = field
		}
		names[field] = flag
	}
	var errs []error
	seen := map[string]bool{}
	for _, ve := range ves {
		var e error = ve
		if flag, ok := names[ve.Field]; ok {
			e = flagError(flag, ve)
		}
		if !seen[e.Error()] {
			seen[e.Error()] = true
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
