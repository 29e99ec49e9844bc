package restore

import "github.com/backupkit/backupkit/backup"

// EBS restores an Amazon EBS snapshot recovery point to a new volume.
// Zero values are omitted so the recovery point's own metadata applies.
type EBS struct {
	// AvailabilityZone of the new volume (key availabilityZone).
	AvailabilityZone string
	// Encrypted sets key encrypted; must be true when KMSKeyID is set.
	Encrypted *bool
	// KMSKeyID encrypts the new volume with this key (key kmsKeyId).
	KMSKeyID string
	// VolumeType is one of gp2, gp3, io1, io2, st1, sc1, standard (key volumeType).
	VolumeType string
	// VolumeSizeGiB is 1–65,536 GiB (key volumeSize).
	VolumeSizeGiB int64
	// IOPS is 100–256,000, only for io1, io2 and gp3 (key iops).
	IOPS int64
	// ThroughputMiBps is 125–2,000 MiB/s, only for gp3 (key throughput).
	ThroughputMiBps int64
	// RestoreType is passed through as key restoreType (archive-tier restores).
	RestoreType string
	// TemporaryRestoreDays is 1–180 days for a temporary restore of an
	// archived snapshot (key temporaryRestoreDays).
	TemporaryRestoreDays int64
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (EBS) ResourceType() backup.ResourceType { return backup.EBS }

// Metadata implements Input.
func (e EBS) Metadata() (map[string]string, error) {
	b := newBuilder("EBS")
	b.str("availabilityZone", e.AvailabilityZone)
	b.boolean("encrypted", e.Encrypted)
	if e.KMSKeyID != "" && (e.Encrypted == nil || !*e.Encrypted) {
		b.fail("Encrypted", "must be true when KMSKeyID is set")
	}
	b.str("kmsKeyId", e.KMSKeyID)
	b.enum("VolumeType", "volumeType", e.VolumeType, "gp2", "gp3", "io1", "io2", "st1", "sc1", "standard")
	b.intRange("VolumeSizeGiB", "volumeSize", e.VolumeSizeGiB, 1, 65536)
	if e.IOPS != 0 && e.VolumeType != "" && e.VolumeType != "io1" && e.VolumeType != "io2" && e.VolumeType != "gp3" {
		b.fail("IOPS", "is only allowed for volume types io1, io2 and gp3, not %q", e.VolumeType)
	}
	b.intRange("IOPS", "iops", e.IOPS, 100, 256000)
	if e.ThroughputMiBps != 0 && e.VolumeType != "" && e.VolumeType != "gp3" {
		b.fail("ThroughputMiBps", "is only allowed for volume type gp3, not %q", e.VolumeType)
	}
	b.intRange("ThroughputMiBps", "throughput", e.ThroughputMiBps, 125, 2000)
	b.str("restoreType", e.RestoreType)
	b.intRange("TemporaryRestoreDays", "temporaryRestoreDays", e.TemporaryRestoreDays, 1, 180)
	b.merge(e.Extra)
	return b.done()
}
