package restore

import "github.com/backupkit/backupkit/backup"

// Optional Handler behaviour the drill asks for by interface.

// Kept is the Cleanup of a target whose restore overwrote a resource that
// existed before the drill (an SAP HANA staging database): nothing was
// deleted, and nothing the drill created is left.
const Kept = "kept"

// MetadataChecker is implemented by handlers that check a restore's final
// metadata before the restore job starts (the SAP HANA handler refuses to
// overwrite the source database; the VMware handler refuses restores it
// could not clean up). source is the resource being drilled.
type MetadataChecker interface {
	CheckRestoreMetadata(source string, md map[string]string) error
}

// Keeper is implemented by handlers whose restores overwrite an existing
// resource instead of creating one (SAP HANA): the drill's cleanup keeps
// that resource (with the drill's tags, which the next drill replaces) and
// reports Cleanup Kept with a note.
type Keeper interface {
	KeepsRestored() bool
}

// checkRestoreMetadata runs h's MetadataChecker, if any.
func checkRestoreMetadata(h Handler, source string, md map[string]string) error {
	if mc, ok := h.(MetadataChecker); ok {
		return mc.CheckRestoreMetadata(source, md)
	}
	return nil
}

// keepsRestored reports whether tr's restore overwrote a resource the drill
// must keep; it records that in tr's result.
func keepsRestored(tr *targetRun) bool {
	if tr.h == nil {
		return false
	}
	k, ok := tr.h.(Keeper)
	if !ok || !k.KeepsRestored() {
		return false
	}
	tr.res.Cleanup = Kept
	tr.res.Notes = append(tr.res.Notes, "restored in place into "+tr.created+", which existed before the drill: kept")
	return true
}

// registerVMAndSAP adds the VirtualMachine and SAP HANA handlers for the
// configured services.
func registerVMAndSAP(s Services, h map[backup.ResourceType]Handler) {
	if s.Gateway != nil {
		vm := &vmHandler{gw: s.Gateway}
		if s.EC2 != nil {
			vm.ec2, vm.ebs = &ec2Handler{api: s.EC2}, &ebsHandler{api: s.EC2}
		}
		h[backup.VirtualMachine] = vm
	}
	if s.SSMSAP != nil {
		h[backup.SAPHANA] = &sapHANAHandler{api: s.SSMSAP}
	}
}
