package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/backupkit/backupkit/backup"
)

// Setup is what backing up VMware VMs through AWS Backup needs on the AWS
// side, once the gateway appliance runs in vCenter: a gateway, the
// hypervisor it reaches, their association and a maintenance window.
type Setup struct {
	Gateway    NewGateway
	Hypervisor HypervisorConfig
	// Maintenance is the gateway's maintenance start time; nil leaves AWS's
	// default.
	Maintenance *Maintenance
}

// Validate returns every problem with s, each naming its field
// ("Gateway.Name", "Hypervisor.Host", "Maintenance.Hour").
func (s Setup) Validate() error {
	var errs []error
	prefix := func(p string, err error) {
		for _, e := range backup.ValidationErrors(err) {
			errs = append(errs, &backup.ValidationError{Field: p + e.Field, Reason: e.Reason})
		}
	}
	prefix("Gateway.", s.Gateway.Validate())
	prefix("Hypervisor.", s.Hypervisor.Validate())
	if s.Maintenance != nil {
		prefix("Maintenance.", s.Maintenance.Validate())
	}
	return errors.Join(errs...)
}

// Result is what Setup did.
type Result struct {
	GatewayARN, HypervisorARN string
	// CreatedGateway and CreatedHypervisor say whether Setup created them
	// (false: one with the same name or host already existed and was used).
	CreatedGateway, CreatedHypervisor bool
	// VirtualMachines are the VMs the hypervisor holds, ready to back up.
	VirtualMachines []VirtualMachine
}

// CleanupError reports what Setup created but could not remove after a
// failure; Err is the failure.
type CleanupError struct {
	Err error
	// Left are the ARNs still there, with why each could not be removed.
	Left map[string]error
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("%v; and could not remove what was created: %v", e.Err, errors.Join(mapErrs(e.Left)...))
}

func (e *CleanupError) Unwrap() error { return e.Err }

func mapErrs(m map[string]error) []error {
	var out []error
	for a, err := range m {
		out = append(out, fmt.Errorf("%s: %w", a, err))
	}
	return out
}

// Setup makes s so: it checks every field first (no call is made with bad
// input), reuses a gateway of the same name and a hypervisor of the same
// host when they exist (the API takes no idempotency token, so this is what
// makes running Setup twice safe), creates what is missing, associates the
// gateway with the hypervisor, sets the maintenance window and lists the
// hypervisor's VMs.
//
// On failure or cancellation it deletes what this call created, and only
// that, with a fresh 2-minute context; what it could not remove is
// reported in a *CleanupError.
func (c *Client) Setup(ctx context.Context, s Setup) (res *Result, err error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	res = &Result{}
	defer func() {
		if err == nil {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		left := map[string]error{}
		if res.CreatedGateway {
			if derr := c.DeleteGateway(cctx, res.GatewayARN); derr != nil && !errors.Is(derr, ErrNotFound) {
				left[res.GatewayARN] = derr
			}
		}
		if res.CreatedHypervisor {
			if derr := c.DeleteHypervisor(cctx, res.HypervisorARN); derr != nil && !errors.Is(derr, ErrNotFound) {
				left[res.HypervisorARN] = derr
			}
		}
		if len(left) > 0 {
			err = &CleanupError{Err: err, Left: left}
		}
		res = nil
	}()
	gws, err := c.Gateways(ctx)
	if err != nil {
		return res, err
	}
	for _, g := range gws {
		if g.Name == s.Gateway.Name {
			res.GatewayARN = g.ARN
		}
	}
	if res.GatewayARN == "" {
		if res.GatewayARN, err = c.CreateGateway(ctx, s.Gateway); err != nil {
			return res, err
		}
		res.CreatedGateway = true
	}
	hvs, err := c.Hypervisors(ctx)
	if err != nil {
		return res, err
	}
	for _, h := range hvs {
		if h.Host == s.Hypervisor.Host {
			res.HypervisorARN = h.ARN
		}
	}
	if res.HypervisorARN == "" {
		if res.HypervisorARN, err = c.ImportHypervisor(ctx, s.Hypervisor); err != nil {
			return res, err
		}
		res.CreatedHypervisor = true
	}
	if err := c.AssociateHypervisor(ctx, res.GatewayARN, res.HypervisorARN); err != nil {
		return res, err
	}
	if s.Maintenance != nil {
		if err := c.PutMaintenanceStartTime(ctx, res.GatewayARN, *s.Maintenance); err != nil {
			return res, err
		}
	}
	if res.VirtualMachines, err = c.VirtualMachines(ctx, res.HypervisorARN); err != nil {
		return res, err
	}
	return res, nil
}
