package restore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/gateway"
)

// GatewayAPI is the part of the AWS Backup gateway client that VMware
// drills use (*gateway.Client satisfies it).
type GatewayAPI interface {
	GetVirtualMachine(ctx context.Context, vmARN string) (*gateway.VirtualMachine, error)
	GetHypervisor(ctx context.Context, hypervisorARN string) (*gateway.Hypervisor, error)
	Tags(ctx context.Context, resourceARN string) (map[string]string, error)
	Tag(ctx context.Context, resourceARN string, tags map[string]string) error
}

var _ GatewayAPI = (*gateway.Client)(nil)

// vmHandler drills VirtualMachine recovery points. AWS Backup restores a
// VMware VM to an EC2 instance, to EBS volumes or back to VMware
// (restore metadata RestoreTo); a drill restores to EC2 or EBS, which it
// can delete afterwards, and refuses VMware, since no AWS API deletes a VM
// from vCenter. Validation checks, through the gateway, that the source
// VM is still known on an ONLINE hypervisor (a backup of a VM whose
// hypervisor is unreachable cannot be taken again), then the restored
// instance or volume with the EC2 handler's checks.
type vmHandler struct {
	gw  GatewayAPI
	ec2 *ec2Handler // nil without Services.EC2
	ebs *ebsHandler
}

// CheckRestoreMetadata refuses a drill restore to VMware and one to EC2
// or EBS without the EC2 client that could clean it up.
func (h *vmHandler) CheckRestoreMetadata(_ string, md map[string]string) error {
	switch rt := md["RestoreTo"]; rt {
	case "EC2", "EBS":
		if h.ec2 == nil {
			return &ValidationError{Field: "Metadata.RestoreTo", Reason: fmt.Sprintf("is %s: a drill needs Options.Services.EC2 to check and delete what it restores", rt)}
		}
	case "VMware":
		return &ValidationError{Field: "Metadata.RestoreTo", Reason: "is VMware: a drill cannot delete a VM from vCenter afterwards; restore to EC2 or EBS (restore.VirtualMachine{RestoreTo: \"EC2\"})"}
	case "":
		return &ValidationError{Field: "Metadata.RestoreTo", Reason: "is required; want EC2 or EBS for a drill"}
	default:
		return &ValidationError{Field: "Metadata.RestoreTo", Reason: fmt.Sprintf("is %q; want EC2 or EBS", rt)}
	}
	return nil
}

// target returns the handler of what a VM restore created.
func (h *vmHandler) target(resourceARN string) (Handler, error) {
	a, err := arn.Parse(resourceARN)
	if err != nil {
		return nil, fmt.Errorf("parse ARN %q: %w", resourceARN, err)
	}
	switch {
	case a.Service == "ec2" && strings.HasPrefix(a.Resource, "instance/") && h.ec2 != nil:
		return h.ec2, nil
	case a.Service == "ec2" && strings.HasPrefix(a.Resource, "volume/") && h.ebs != nil:
		return h.ebs, nil
	case a.Service == "backup-gateway":
		return nil, nil
	}
	return nil, fmt.Errorf("%w: a VM restore created %s, which this drill has no client for", ErrNoHandler, resourceARN)
}

func (h *vmHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	t, err := h.target(resourceARN)
	if err != nil {
		return err
	}
	if t != nil {
		return t.Tag(ctx, resourceARN, tags)
	}
	if err := h.gw.Tag(ctx, resourceARN, tags); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *vmHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	t, err := h.target(resourceARN)
	if err != nil {
		return nil, err
	}
	if t != nil {
		return t.Tags(ctx, resourceARN)
	}
	tags, err := h.gw.Tags(ctx, resourceARN)
	if errors.Is(err, gateway.ErrNotFound) {
		return nil, notFound(resourceARN, err)
	}
	return tags, err
}

// Validate checks the source VM's hypervisor, then the restored resource.
func (h *vmHandler) Validate(ctx context.Context, restored, source string) error {
	if err := h.checkHypervisor(ctx, restored, source); err != nil {
		return err
	}
	t, err := h.target(restored)
	if err != nil {
		return err
	}
	if t == nil {
		if _, err := h.gw.GetVirtualMachine(ctx, restored); err != nil {
			return invalid(restored, "the gateway does not report the restored VM: %v", err)
		}
		return nil
	}
	return t.Validate(ctx, restored, source)
}

func (h *vmHandler) checkHypervisor(ctx context.Context, restored, source string) error {
	vm, err := h.gw.GetVirtualMachine(ctx, source)
	if errors.Is(err, gateway.ErrNotFound) {
		return invalid(restored, "source VM %s is no longer known to any hypervisor of the gateway", source)
	}
	if err != nil {
		return fmt.Errorf("get source VM %s: %w", source, err)
	}
	if vm.HypervisorID == "" {
		return invalid(restored, "source VM %s is on no imported hypervisor", source)
	}
	a, err := arn.Parse(source)
	if err != nil {
		return fmt.Errorf("parse ARN %q: %w", source, err)
	}
	a.Resource = "hypervisor/" + vm.HypervisorID
	hv, err := h.gw.GetHypervisor(ctx, a.String())
	if err != nil {
		return fmt.Errorf("get hypervisor of %s: %w", source, err)
	}
	switch hv.State {
	case gateway.StateOnline:
		return nil
	case gateway.StatePending:
		return notReady(a.String(), hv.State)
	}
	return invalid(restored, "hypervisor %s (%s) of source VM %s is %s; want ONLINE", hv.Name, hv.Host, source, hv.State)
}

func (h *vmHandler) Delete(ctx context.Context, resourceARN string) error {
	t, err := h.target(resourceARN)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("%s is a VM restored to VMware: no AWS API deletes it; remove it in vCenter", resourceARN)
	}
	return t.Delete(ctx, resourceARN)
}
