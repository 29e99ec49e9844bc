package gateway_test

import (
	"context"
	"fmt"
	"time"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/gateway"
)

// Set up AWS Backup gateway for a vCenter (here against the emulator, with
// one VM on that host) and list the VMs AWS Backup can now protect.
func ExampleClient_Setup() {
	srv, err := backuptest.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	_ = srv.PutResource(backuptest.Resource{ARN: "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000",
		Name: "web-1", Attributes: map[string]string{backuptest.VMHostAttribute: "vcenter.example.com"}})

	sunday := time.Sunday
	res, err := gateway.NewFromConfig(srv.Config()).Setup(context.Background(), gateway.Setup{
		Gateway:     gateway.NewGateway{ActivationKey: "ABCDE-12345-FGHIJ", Name: "vmware-gw"},
		Hypervisor:  gateway.HypervisorConfig{Host: "vcenter.example.com", Name: "vcenter-1"},
		Maintenance: &gateway.Maintenance{Hour: 3, Minute: 30, Weekday: &sunday},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.CreatedGateway, res.CreatedHypervisor)
	for _, vm := range res.VirtualMachines {
		fmt.Println(vm.Name, vm.ARN)
	}
	// Output:
	// true true
	// web-1 arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-0000ABCDEFGIJKL0000
}

// Every field is checked before any call; each problem names its field.
func ExampleSetup_Validate() {
	err := gateway.Setup{
		Gateway:    gateway.NewGateway{ActivationKey: "key with spaces", Name: "gw"},
		Hypervisor: gateway.HypervisorConfig{Host: "vcenter.example.com", Name: "vcenter_1"},
	}.Validate()
	for _, ve := range backup.ValidationErrors(err) {
		fmt.Println(ve.Field)
	}
	// Output:
	// Gateway.ActivationKey
	// Hypervisor.Name
}
