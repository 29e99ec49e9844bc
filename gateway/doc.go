// Package gateway sets up AWS Backup gateway, which backs up VMware virtual
// machines (roadmap task: enable backup for VMware through AWS Backup
// gateway): it creates the gateway from its appliance's activation key,
// imports the hypervisor (vCenter or ESXi host) configuration, associates
// the two, sets the maintenance window and lists the VMs the gateway finds,
// which AWS Backup then protects as resources of type VirtualMachine
// (arn:aws:backup-gateway:REGION:ACCOUNT:vm/ID; plan.ResourceTypePattern
// selects them all).
//
// Every input is checked before any call against the rules of AWS's API
// reference (internal/bgw, shared with the backuptest emulator), and each
// problem is a *backup.ValidationError naming its field. Client.Setup does
// the whole setup, reusing what exists and removing what it created when a
// later step fails.
//
// The backup-gateway API has no aws-sdk-go-v2 module this project can
// depend on, so Client speaks its protocol (awsJson 1.0, SigV4) with the
// SDK's signer, credentials and HTTP client: NewFromConfig(cfg) works
// against AWS with the default credential chain, and against backuptest,
// which serves backup-gateway on its one endpoint.
//
// The restore drill validates VMs through the same Client
// (restore.Services.Gateway): the source VM must still be known to an ONLINE
// hypervisor.
package gateway
