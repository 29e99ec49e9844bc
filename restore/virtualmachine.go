package restore

import "github.com/backupkit/backupkit/backup"

// VirtualMachine restores a VMware virtual machine recovery point (AWS
// Backup gateway) to EC2, to EBS or back to VMware. Set RestoreTo and
// exactly the matching target: EC2, EBS, or VMware keys (VMName,
// VMFolder, ComputeResourceName, DatastoreName, …).
type VirtualMachine struct {
	// RestoreTo is EC2, EBS or VMware (key RestoreTo); required.
	RestoreTo string
	// EC2 holds the instance keys when RestoreTo is EC2.
	EC2 *EC2
	// EBS holds the volume keys when RestoreTo is EBS.
	EBS *EBS
	// VMware holds the VMware keys when RestoreTo is VMware.
	VMware map[string]string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (VirtualMachine) ResourceType() backup.ResourceType { return backup.VirtualMachine }

// Metadata implements Input.
func (v VirtualMachine) Metadata() (map[string]string, error) {
	b := newBuilder("VirtualMachine")
	if v.RestoreTo == "" {
		b.fail("RestoreTo", "is required; want one of EC2, EBS, VMware")
	}
	b.enum("RestoreTo", "RestoreTo", v.RestoreTo, "EC2", "EBS", "VMware")
	var sub Input
	set := 0
	if v.EC2 != nil {
		set++
		sub = v.EC2
		if v.RestoreTo != "EC2" {
			b.fail("EC2", "is only allowed when RestoreTo is EC2")
		}
	}
	if v.EBS != nil {
		set++
		sub = v.EBS
		if v.RestoreTo != "EBS" {
			b.fail("EBS", "is only allowed when RestoreTo is EBS")
		}
	}
	if len(v.VMware) > 0 {
		set++
		if v.RestoreTo != "VMware" {
			b.fail("VMware", "is only allowed when RestoreTo is VMware")
		}
		for k, val := range v.VMware {
			b.m[k] = val
		}
	}
	if set > 1 {
		b.fail("RestoreTo", "exactly one of EC2, EBS, VMware may be set; got %d", set)
	}
	if sub != nil {
		m, err := sub.Metadata()
		if err != nil {
			b.errs = append(b.errs, err)
		}
		for k, val := range m {
			b.m[k] = val
		}
	}
	b.merge(v.Extra)
	return b.done()
}
