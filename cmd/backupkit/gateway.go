package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/gateway"
)

type gatewayFlags struct {
	af            awsFlags
	activationKey string
	name          string
	host          string
	hvName        string
	username      string
	passwordEnv   string
	kmsKey        string
	maintenance   string
	hypervisor    string
	asJSON        bool
}

func newGatewayCmd() *cobra.Command {
	var f gatewayFlags
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "AWS Backup gateway for VMware: set it up and list the VMs it protects",
	}
	setup := &cobra.Command{
		Use:   "setup --activation-key KEY --name NAME --host VCENTER --hypervisor-name NAME [--username U --password-env VAR] [--maintenance 'Sun 03:30']",
		Short: "Create the gateway, import the hypervisor, associate them, set the maintenance window, list the VMs",
		Long: `setup does what backing up VMware VMs needs on the AWS side once the gateway
appliance runs in vCenter and shows its activation key. Every flag is checked
before any call. A gateway with the same --name and a hypervisor with the same
--host are reused, so running setup again is safe; when a step fails, what this
run created is deleted again. The password is read from the environment
variable named by --password-env, never from the command line.

--maintenance is "HH:MM" (daily), "Sun 03:30" (weekly) or "day 15 03:30" (monthly,
days 1-28), in the gateway's time zone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runGatewaySetup(cmd.Context(), cmd.OutOrStdout(), &f)
		},
	}
	f.af.register(setup)
	fl := setup.Flags()
	fl.StringVar(&f.activationKey, "activation-key", "", "the activation key the gateway appliance shows (required)")
	fl.StringVar(&f.name, "name", "", "gateway display name: letters, digits, hyphens (required)")
	fl.StringVar(&f.host, "host", "", "vCenter or ESXi host: IP address or FQDN (required)")
	fl.StringVar(&f.hvName, "hypervisor-name", "", "hypervisor name: letters, digits, hyphens (required)")
	fl.StringVar(&f.username, "username", "", "hypervisor user name")
	fl.StringVar(&f.passwordEnv, "password-env", "", "environment variable holding the hypervisor password")
	fl.StringVar(&f.kmsKey, "kms-key", "", "KMS key or alias ARN that encrypts the hypervisor credentials")
	fl.StringVar(&f.maintenance, "maintenance", "", `maintenance start: "HH:MM", "Sun 03:30" or "day 15 03:30"`)
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	cmd.AddCommand(setup)

	vms := &cobra.Command{
		Use:   "vms [--hypervisor ARN]",
		Short: "List the VMs the gateway found (on one hypervisor, or all)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.hypervisor != "" {
				if err := gateway.CheckARN("--hypervisor", f.hypervisor, "hypervisor"); err != nil {
					return err
				}
			}
			cfg, err := f.af.load(cmd.Context())
			if err != nil {
				return err
			}
			list, err := gateway.NewFromConfig(cfg).VirtualMachines(cmd.Context(), f.hypervisor)
			if err != nil {
				return err
			}
			return printVMs(cmd.OutOrStdout(), list, f.asJSON)
		},
	}
	f.af.register(vms)
	vms.Flags().StringVar(&f.hypervisor, "hypervisor", "", "hypervisor ARN")
	vms.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	cmd.AddCommand(vms)
	return cmd
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// parseMaintenance reads "HH:MM", "Sun 03:30" or "day 15 03:30".
func parseMaintenance(s string) (*gateway.Maintenance, error) {
	fields := strings.Fields(s)
	m := &gateway.Maintenance{}
	clock := ""
	switch {
	case len(fields) == 1:
		clock = fields[0]
	case len(fields) == 2:
		d, ok := weekdays[strings.ToLower(fields[0])[:min(3, len(fields[0]))]]
		if !ok {
			return nil, fmt.Errorf("%q: %q is not a weekday (Sun, Mon, …)", s, fields[0])
		}
		m.Weekday, clock = &d, fields[1]
	case len(fields) == 3 && strings.EqualFold(fields[0], "day"):
		if _, err := fmt.Sscanf(fields[1], "%d", &m.DayOfMonth); err != nil || m.DayOfMonth == 0 {
			return nil, fmt.Errorf("%q: %q is not a day of the month (1-28)", s, fields[1])
		}
		clock = fields[2]
	default:
		return nil, fmt.Errorf(`%q: want "HH:MM", "Sun 03:30" or "day 15 03:30"`, s)
	}
	t, err := time.Parse("15:04", clock)
	if err != nil {
		return nil, fmt.Errorf("%q: %q is not HH:MM", s, clock)
	}
	m.Hour, m.Minute = t.Hour(), t.Minute()
	return m, m.Validate()
}

func runGatewaySetup(ctx context.Context, out io.Writer, f *gatewayFlags) error {
	s := gateway.Setup{
		Gateway:    gateway.NewGateway{ActivationKey: f.activationKey, Name: f.name},
		Hypervisor: gateway.HypervisorConfig{Host: f.host, Name: f.hvName, Username: f.username, KMSKeyARN: f.kmsKey},
	}
	if f.passwordEnv != "" {
		pw, ok := os.LookupEnv(f.passwordEnv)
		if !ok || pw == "" {
			return fmt.Errorf("--password-env: environment variable %s is not set", f.passwordEnv)
		}
		s.Hypervisor.Password = pw
	}
	if f.maintenance != "" {
		m, err := parseMaintenance(f.maintenance)
		if err != nil {
			return fmt.Errorf("--maintenance %w", err)
		}
		s.Maintenance = m
	}
	if err := s.Validate(); err != nil {
		return flagErrors(err)
	}
	cfg, err := f.af.load(ctx)
	if err != nil {
		return err
	}
	res, err := gateway.NewFromConfig(cfg).Setup(ctx, s)
	if err != nil {
		return err
	}
	if f.asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	verb := map[bool]string{true: "created", false: "reused"}
	fmt.Fprintf(out, "gateway    %s (%s)\nhypervisor %s (%s)\n", res.GatewayARN, verb[res.CreatedGateway], res.HypervisorARN, verb[res.CreatedHypervisor])
	return printVMs(out, res.VirtualMachines, false)
}

// flagErrors names each problem by its flag.
func flagErrors(err error) error {
	flags := map[string]string{"Gateway.ActivationKey": "--activation-key", "Gateway.Name": "--name", "Hypervisor.Host": "--host",
		"Hypervisor.Name": "--hypervisor-name", "Hypervisor.Username": "--username", "Hypervisor.Password": "--password-env",
		"Hypervisor.KMSKeyARN": "--kms-key"}
	var errs []error
	for _, ve := range backup.ValidationErrors(err) {
		name, ok := flags[ve.Field]
		if !ok {
			name = "--maintenance (" + ve.Field + ")"
		}
		errs = append(errs, fmt.Errorf("%s: %s", name, ve.Reason))
	}
	if len(errs) == 0 {
		return err
	}
	return errors.Join(errs...)
}

func printVMs(out io.Writer, vms []gateway.VirtualMachine, asJSON bool) error {
	if asJSON {
		if vms == nil {
			vms = []gateway.VirtualMachine{}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(vms)
	}
	fmt.Fprintf(out, "%d virtual machine(s)\n", len(vms))
	for _, v := range vms {
		fmt.Fprintf(out, "  %s  %s  %s\n", v.ARN, v.Name, v.Path)
	}
	return nil
}
