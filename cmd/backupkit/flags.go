package main

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/backupkit/backupkit/internal/awsid"
)

// durationValue is a time.Duration flag that also takes days and weeks:
// "90s", "36h", "7d", "2w", "1d12h". Every duration flag of the CLI uses it.
type durationValue time.Duration

func (d *durationValue) String() string { return formatFlagDuration(time.Duration(*d)) }
func (d *durationValue) Type() string   { return "duration" }

func (d *durationValue) Set(s string) error {
	v, err := parseFlagDuration(s)
	if err != nil {
		return err
	}
	*d = durationValue(v)
	return nil
}

// durationVar defines a duration flag (see durationValue).
func durationVar(fs *pflag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	fs.Var((*durationValue)(p), name, usage)
}

var durationUnits = map[string]time.Duration{
	"ns": time.Nanosecond, "us": time.Microsecond, "µs": time.Microsecond, "ms": time.Millisecond,
	"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

// parseFlagDuration parses a sequence of number-unit pairs ("1w2d", "1.5h",
// "-30m"), with Go's units plus d (24 hours) and w (7 days).
func parseFlagDuration(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration: want a number and a unit (ms, s, m, h, d, w), e.g. 90s, 36h, 7d, 2w or 1d12h", s)
	in := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(in, "-"):
		neg, in = true, in[1:]
	case strings.HasPrefix(in, "+"):
		in = in[1:]
	}
	if in == "0" {
		return 0, nil
	}
	if in == "" {
		return 0, bad
	}
	var total float64
	for in != "" {
		i := 0
		for i < len(in) && (in[i] >= '0' && in[i] <= '9' || in[i] == '.') {
			i++
		}
		num := in[:i]
		in = in[i:]
		j := 0
		for j < len(in) && !(in[j] >= '0' && in[j] <= '9' || in[j] == '.') {
			j++
		}
		unit := in[:j]
		in = in[j:]
		n, err := strconv.ParseFloat(num, 64)
		mult, ok := durationUnits[unit]
		if num == "" || err != nil || !ok {
			return 0, bad
		}
		total += n * float64(mult)
		if total > math.MaxInt64 {
			return 0, fmt.Errorf("%q is too long: at most %s", s, formatFlagDuration(math.MaxInt64))
		}
	}
	if neg {
		total = -total
	}
	return time.Duration(total), nil
}

// formatFlagDuration prints a duration the way the flags take it: whole
// weeks and days as "2w" or "7d", otherwise Go's form ("36h0m0s" as "36h").
func formatFlagDuration(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == 0:
		return "0s"
	case d%(7*day) == 0:
		return strconv.FormatInt(int64(d/(7*day)), 10) + "w"
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// nonNegative returns an error naming flag when d is negative.
func nonNegative(flag string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("--%s %s: must not be negative", flag, formatFlagDuration(d))
	}
	return nil
}

// checkCommonFlags checks the flags many subcommands share, before any
// subcommand runs: --region must be a Region of one of AWS's partitions,
// --endpoint an http(s) URL and never given with --aws, --timeout not
// negative.
func checkCommonFlags(cmd *cobra.Command) error {
	var errs []error
	if f := cmd.Flags().Lookup("region"); f != nil && f.Changed {
		if err := checkRegion(f.Value.String()); err != nil {
			errs = append(errs, fmt.Errorf("--region: %w", err))
		}
	}
	if f := cmd.Flags().Lookup("endpoint"); f != nil && f.Changed {
		u, err := url.Parse(f.Value.String())
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--endpoint %q: want an http:// or https:// URL, e.g. http://127.0.0.1:4566", f.Value.String()))
		}
	}
	if a, e := cmd.Flags().Lookup("aws"), cmd.Flags().Lookup("endpoint"); a != nil && e != nil && a.Changed && e.Changed {
		errs = append(errs, errors.New("--aws and --endpoint cannot be used together: --aws works on real AWS, --endpoint on an emulator"))
	}
	if f := cmd.Flags().Lookup("timeout"); f != nil {
		if v, ok := f.Value.(*durationValue); ok && time.Duration(*v) < 0 {
			errs = append(errs, nonNegative("timeout", time.Duration(*v)))
		}
	}
	return errors.Join(errs...)
}

// checkRegion reports whether r is a Region name of one of AWS's
// partitions (aws, aws-cn, aws-us-gov, the ISO partitions, aws-eusc).
func checkRegion(r string) error {
	if !awsid.Region(r) {
		return fmt.Errorf("%q is not an AWS Region (e.g. us-east-1, eu-west-2, us-gov-west-1, cn-north-1)", r)
	}
	return nil
}
