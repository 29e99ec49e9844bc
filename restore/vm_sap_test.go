package restore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/gateway"
	"github.com/backupkit/backupkit/restore"
)

// vmSAPEnv is an emulator with a gateway, an ONLINE hypervisor holding one
// VM, and an SAP HANA production database plus a staging one, all backed
// up; the drill client uses the real EC2 and ssm-sap SDK clients and the
// gateway client over HTTP.
func vmSAPEnv(t *testing.T) (e *env, vm, hypervisor, prodDB, stagingDB string) {
	t.Helper()
	e = newEnv(t, func(o *backuptest.Options) {
		o.JobDuration = 10 * time.Minute
		o.DeleteDuration = 5 * time.Minute
	})
	cfg := e.srv.Config()
	gw := gateway.NewFromConfig(cfg)
	e.client = e.clientOver(e.api, func(o *restore.Options) {
		o.Services = restore.Services{EC2: ec2.NewFromConfig(cfg), Gateway: gw, SSMSAP: ssmsap.NewFromConfig(cfg)}
	})
	res, err := gw.Setup(t.Context(), gateway.Setup{
		Gateway:    gateway.NewGateway{ActivationKey: "ACTIVATE-1", Name: "gw"},
		Hypervisor: gateway.HypervisorConfig{Host: "vcenter.example.com", Name: "vcenter"},
	})
	if err != nil {
		t.Fatal(err)
	}
	vm = fmt.Sprintf("arn:aws:backup-gateway:%s:%s:vm/vm-0123456789ABCDEF0", region, acct)
	prodDB = fmt.Sprintf("arn:aws:ssm-sap:%s:%s:HANA/Prod/DB/HDB", region, acct)
	stagingDB = fmt.Sprintf("arn:aws:ssm-sap:%s:%s:HANA/Staging/DB/HDB", region, acct)
	e.seed(t,
		backuptest.Resource{ARN: vm, SizeBytes: 40 << 30, Attributes: map[string]string{backuptest.VMHostAttribute: "vcenter.example.com"}},
		backuptest.Resource{ARN: prodDB, SizeBytes: 200 << 30},
	)
	if err := e.srv.PutResource(backuptest.Resource{ARN: stagingDB}); err != nil {
		t.Fatal(err)
	}
	return e, vm, res.HypervisorARN, prodDB, stagingDB
}

// A VMware VM is drilled by restoring it to EC2 (restore.VirtualMachine;
// "Restore a virtual machine to Amazon EC2" in AWS Backup's guide), checked
// through the gateway's hypervisor and EC2, and the instance is
// terminated; an SAP HANA database is restored over a staging database
// (aws:backup:TargetDatabaseArn), checked through Systems Manager for SAP,
// and kept.
func TestDrillVirtualMachineAndSAPHANA(t *testing.T) {
	t.Parallel()
	e, vm, _, prodDB, stagingDB := vmSAPEnv(t)
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-vm-sap", Vault: testVault, Targets: []restore.Target{
		{ResourceARN: vm, Input: restore.VirtualMachine{RestoreTo: "EC2", EC2: &restore.EC2{InstanceType: "t3.medium"}}},
		{ResourceARN: prodDB, Input: restore.SAPHANA{TargetDatabaseARN: stagingDB, CatalogRestoreOption: "NO_CATALOG"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed {
		t.Fatalf("drill failed:%s", describeTargets(rep))
	}
	byType := map[backup.ResourceType]restore.TargetResult{}
	for _, tr := range rep.Targets {
		byType[tr.ResourceType] = tr
	}
	vmRes, sapRes := byType[backup.VirtualMachine], byType[backup.SAPHANA]
	if !strings.Contains(vmRes.CreatedResourceARN, ":instance/") || vmRes.Cleanup != restore.Deleted {
		t.Errorf("VM target: created %s, cleanup %s; want an EC2 instance, deleted", vmRes.CreatedResourceARN, vmRes.Cleanup)
	}
	if sapRes.CreatedResourceARN != stagingDB || sapRes.Cleanup != restore.Kept || len(sapRes.Notes) == 0 {
		t.Errorf("SAP target: created %s, cleanup %s, notes %v; want the staging DB kept with a note", sapRes.CreatedResourceARN, sapRes.Cleanup, sapRes.Notes)
	}
	if _, ok := e.srv.Resource(stagingDB); !ok {
		t.Error("the staging database was deleted")
	}
	if _, ok := e.srv.Resource(prodDB); !ok {
		t.Error("the production database is gone")
	}
	calls := map[string]bool{}
	for _, c := range e.srv.Calls() {
		calls[c.Service+" "+c.Operation] = true
	}
	for _, op := range []string{"backup-gateway GetVirtualMachine", "backup-gateway GetHypervisor", "ec2 TerminateInstances", "ssm-sap GetDatabase", "ssm-sap TagResource"} {
		if !calls[op] {
			t.Errorf("no %s during the drill", op)
		}
	}
}

// The metadata checks run before any restore starts: an SAP HANA drill
// never overwrites its source (or restores with no target), and a VM
// drill never restores into vCenter, which it could not clean up.
func TestDrillVMAndSAPMetadataChecks(t *testing.T) {
	t.Parallel()
	e, vm, _, prodDB, _ := vmSAPEnv(t)
	rep, err := e.client.Run(t.Context(), &restore.Drill{ID: "drill-refused", Vault: testVault, Targets: []restore.Target{
		{ResourceARN: vm, Input: restore.VirtualMachine{RestoreTo: "VMware", VMware: map[string]string{"VMName": "copy"}}},
		{ResourceARN: prodDB, Input: restore.SAPHANA{TargetDatabaseARN: prodDB}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Targets {
		want := map[backup.ResourceType]string{backup.VirtualMachine: "cannot delete a VM from vCenter", backup.SAPHANA: "never overwrites its source"}[tr.ResourceType]
		if tr.RestoreJobID != "" || !strings.Contains(tr.Error, want) {
			t.Errorf("%s: job %q, error %q; want no restore job and %q", tr.ResourceType, tr.RestoreJobID, tr.Error, want)
		}
	}
	for _, c := range e.srv.Calls() {
		if c.Operation == "StartRestoreJob" {
			t.Errorf("a restore job started despite refused metadata")
		}
	}
}

// A VM whose hypervisor went OFFLINE fails validation, naming the
// hypervisor; the restored instance is still cleaned up.
func TestDrillVMHypervisorOffline(t *testing.T) {
	t.Parallel()
	e, vm, hv, _, _ := vmSAPEnv(t)
	if !e.srv.SetHypervisorState(hv, gateway.StateOffline) {
		t.Fatal("no hypervisor")
	}
	rep, err := e.client.Run(context.Background(), &restore.Drill{ID: "drill-offline", Vault: testVault, Targets: []restore.Target{
		{ResourceARN: vm, Input: restore.VirtualMachine{RestoreTo: "EC2"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tr := rep.Targets[0]
	if rep.Passed || tr.Validation != restore.Failed || !strings.Contains(tr.ValidationMessage, "is OFFLINE") || tr.Cleanup != restore.Deleted {
		t.Errorf("validation %s %q, cleanup %s; want failed on the OFFLINE hypervisor, instance deleted", tr.Validation, tr.ValidationMessage, tr.Cleanup)
	}
}
