package backuptest

import (
	"github.com/backupkit/backupkit/backuptest/internal/backupgateway"
	"github.com/backupkit/backupkit/backuptest/internal/ssmsap"
)

// The emulator serves the AWS Backup gateway API (backup-gateway, awsJson
// 1.0) on its one endpoint: gateways, hypervisor configurations and the
// virtual machines their hypervisors hold (internal/backupgateway).
//
// A virtual machine is an inventory resource of type VirtualMachine with
// an ARN arn:aws:backup-gateway:REGION:ACCOUNT:vm/ID; its
// "hypervisorHost" attribute names the host of the hypervisor it runs on
// (VMHostAttribute). Once a hypervisor for that host is imported
// (ImportHypervisorConfiguration), ListVirtualMachines and
// GetVirtualMachine report the VM on it. Backup and restore jobs run on
// VMs like on any other inventory resource.

// VMHostAttribute is the Resource attribute naming the hypervisor host a
// virtual machine runs on ("vcenter.example.com").
const VMHostAttribute = backupgateway.HostAttribute

// The emulator also serves AWS Systems Manager for SAP (ssm-sap,
// internal/ssmsap) over the inventory's SAP HANA databases (type "SAP HANA
// on Amazon EC2", arn:aws:ssm-sap:REGION:ACCOUNT:HANA/APP/DB/DATABASE), so
// that SAP HANA drills can check a restored database.

// registerGatewayServices adds backup-gateway and ssm-sap to the
// endpoint's services.
func (e *Emulator) registerGatewayServices() {
	e.gateways = backupgateway.NewStore()
	s := backupgateway.New(e.gateways)
	e.services[s.SigningName] = s
	sap := ssmsap.New()
	e.services[sap.SigningName] = sap
}

// SetHypervisorState sets the state an imported hypervisor reports
// (PENDING, ONLINE, OFFLINE or ERROR; ImportHypervisorConfiguration makes
// it ONLINE) and reports whether the hypervisor exists.
func (e *Emulator) SetHypervisorState(hypervisorARN, state string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.gateways.SetHypervisorState(hypervisorARN, state)
}
