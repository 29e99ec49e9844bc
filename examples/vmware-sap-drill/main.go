// Command vmware-sap-drill protects VMware VMs through AWS Backup gateway
// and SAP HANA databases through Systems Manager for SAP, then proves the
// backups restore: it sets up the gateway (create, import the vCenter,
// associate, maintenance window), selects every VM and SAP HANA database
// with plan selections, backs them up and runs a restore drill that
// restores the VM to EC2 and the database over a staging database.
//
//	go run ./examples/vmware-sap-drill          # embedded emulator
//	go run ./examples/vmware-sap-drill -endpoint http://127.0.0.1:4566   # a running emulator, seeded through its control API
//	go run ./examples/vmware-sap-drill -aws -activation-key KEY -host vcenter.example.com \
//	    -vault VAULT -role arn:aws:iam::ACCOUNT:role/BACKUP_ROLE \
//	    -sap-source arn:aws:ssm-sap:…:HANA/PRD/DB/HDB -sap-staging arn:aws:ssm-sap:…:HANA/QAS/DB/HDB
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/gateway"
	"github.com/backupkit/backupkit/plan"
	"github.com/backupkit/backupkit/restore"
	"github.com/backupkit/backupkit/vault"
)

type params struct {
	activationKey, host, vault, role string
	sapSource, sapStaging            string
	waitEvery                        time.Duration
}

func main() {
	where := exenv.Register(nil)
	p := params{}
	flag.StringVar(&p.activationKey, "activation-key", "EXAMPLE-ACTIVATION-KEY", "the gateway appliance's activation key")
	flag.StringVar(&p.host, "host", "vcenter.example.com", "vCenter host")
	flag.StringVar(&p.vault, "vault", "backupkit-example-vmware", "backup vault (created on the emulator)")
	flag.StringVar(&p.role, "role", "arn:aws:iam::123456789012:role/backupkit-backup", "IAM role AWS Backup uses")
	flag.StringVar(&p.sapSource, "sap-source", "", "SAP HANA database to drill (default on the emulator: a seeded one)")
	flag.StringVar(&p.sapStaging, "sap-staging", "", "SAP HANA database the drill may overwrite")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx, func(o *backuptest.Options) { o.JobDuration = 50 * time.Millisecond })
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	cfg := env.Config
	p.waitEvery = 30 * time.Second
	if env.Emulated() {
		if err := seed(ctx, env, &p); err != nil {
			log.Fatal(err)
		}
		p.waitEvery = 20 * time.Millisecond
	}
	if err := run(ctx, os.Stdout, cfg, p); err != nil {
		log.Fatal(err)
	}
}

// seed gives the emulator what a real site has: two VMs on the vCenter
// host, a production and a staging SAP HANA database, and a vault.
func seed(ctx context.Context, env *exenv.Env, p *params) error {
	for _, vm := range []string{"vm-0A1B2C3D4E5F60718", "vm-1A1B2C3D4E5F60718"} {
		if err := env.Seed(ctx, backuptest.Resource{ARN: "arn:aws:backup-gateway:us-east-1:123456789012:vm/" + vm, SizeBytes: 40 << 30,
			Attributes: map[string]string{backuptest.VMHostAttribute: p.host}}); err != nil {
			return err
		}
	}
	p.sapSource = "arn:aws:ssm-sap:us-east-1:123456789012:HANA/PRD/DB/HDB"
	p.sapStaging = "arn:aws:ssm-sap:us-east-1:123456789012:HANA/QAS/DB/HDB"
	for _, db := range []string{p.sapSource, p.sapStaging} {
		if err := env.Seed(ctx, backuptest.Resource{ARN: db, SizeBytes: 100 << 30}); err != nil {
			return err
		}
	}
	_, _, err := vault.New(awsbackup.NewFromConfig(env.Config)).Ensure(ctx, vault.Spec{Name: p.vault})
	return err
}

func run(ctx context.Context, out io.Writer, cfg aws.Config, p params) error {
	gw := gateway.NewFromConfig(cfg)
	res, err := gw.Setup(ctx, gateway.Setup{
		Gateway:     gateway.NewGateway{ActivationKey: p.activationKey, Name: "backupkit-example-gw"},
		Hypervisor:  gateway.HypervisorConfig{Host: p.host, Name: "backupkit-example-vcenter"},
		Maintenance: &gateway.Maintenance{Hour: 3, Minute: 30, Weekday: ptr(time.Sunday)},
	})
	if err != nil {
		return fmt.Errorf("gateway setup: %w", err)
	}
	fmt.Fprintf(out, "gateway %s, hypervisor %s: %d VMs\n", res.GatewayARN, res.HypervisorARN, len(res.VirtualMachines))
	if len(res.VirtualMachines) == 0 {
		return fmt.Errorf("the gateway found no VMs on %s", p.host)
	}

	// One selection for every VM and every SAP HANA database, as a backup
	// plan would assign them.
	sel, err := plan.NewSelection("vmware-and-sap", p.role).AllOfType(backup.VirtualMachine).AllOfType(backup.SAPHANA).Build()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "selection %v\n", sel.Resources)
	vm := res.VirtualMachines[0].ARN
	for _, a := range []string{vm, p.sapSource} {
		if !sel.Matches(a, nil) {
			return fmt.Errorf("the selection does not select %s", a)
		}
	}

	api := awsbackup.NewFromConfig(cfg)
	waiter := backup.NewJobWaiter(api, func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = p.waitEvery, 4*p.waitEvery })
	for _, a := range []string{vm, p.sapSource} {
		job, err := api.StartBackupJob(ctx, &awsbackup.StartBackupJobInput{BackupVaultName: aws.String(p.vault), ResourceArn: aws.String(a),
			IamRoleArn: aws.String(p.role), IdempotencyToken: aws.String("backupkit-example-" + a)})
		if err != nil {
			return fmt.Errorf("back up %s: %w", a, err)
		}
		if _, err := waiter.Wait(ctx, aws.ToString(job.BackupJobId), 6*time.Hour); err != nil {
			return err
		}
		fmt.Fprintf(out, "backed up %s\n", a)
	}

	rc := restore.New(api, func(o *restore.Options) {
		o.IAMRoleARN = p.role
		o.Waiter = func(o *backup.WaiterOptions) { o.MinDelay, o.MaxDelay = p.waitEvery, 4*p.waitEvery }
		o.DeletePollInterval = p.waitEvery
		o.Services = restore.Services{EC2: ec2.NewFromConfig(cfg), Gateway: gw, SSMSAP: ssmsap.NewFromConfig(cfg)}
	})
	rep, err := rc.Run(ctx, &restore.Drill{Vault: p.vault, Targets: []restore.Target{
		{ResourceARN: vm, Input: restore.VirtualMachine{RestoreTo: "EC2", EC2: &restore.EC2{InstanceType: "t3.medium"}}},
		{ResourceARN: p.sapSource, Input: restore.SAPHANA{TargetDatabaseARN: p.sapStaging, CatalogRestoreOption: "NO_CATALOG"}},
	}})
	if err != nil {
		return err
	}
	for _, t := range rep.Targets {
		fmt.Fprintf(out, "%s %s: %s, validation %s, cleanup %s, restored %s\n", t.ResourceType, t.ResourceARN, t.Status, t.Validation, t.Cleanup, t.CreatedResourceARN)
	}
	if !rep.Passed {
		return fmt.Errorf("the drill failed")
	}
	fmt.Fprintln(out, "drill passed")
	return nil
}

func ptr[T any](v T) *T { return &v }
