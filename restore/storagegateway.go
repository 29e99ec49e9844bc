package restore

import (
	"strings"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/lazyre"
)

var sgTargetNameRE = lazyre.New(`^[a-z0-9.-]{1,200}$`)

// StorageGateway restores an AWS Storage Gateway volume recovery point.
// Key names follow the AWS Backup developer guide; this package has not
// confirmed them against a live restore.
type StorageGateway struct {
	// GatewayARN of the gateway to restore to (key gatewayArn); required.
	GatewayARN string
	// GatewayType, e.g. CACHED or STORED (key gatewayType).
	GatewayType string
	// TargetName, the iSCSI target name: 1–200 lowercase letters, digits,
	// '.', '-' (key targetName).
	TargetName string
	// KMSKey (key kmsKey).
	KMSKey string
	// VolumeSizeBytes (key volumeSize).
	VolumeSizeBytes int64
	// DiskID for stored volumes (key diskId).
	DiskID string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (StorageGateway) ResourceType() backup.ResourceType { return backup.StorageGateway }

// Metadata implements Input.
func (s StorageGateway) Metadata() (map[string]string, error) {
	b := newBuilder("StorageGateway")
	b.required("GatewayARN", "gatewayArn", s.GatewayARN)
	if s.GatewayARN != "" && !strings.HasPrefix(s.GatewayARN, "arn:") {
		b.fail("GatewayARN", "is %q; want an ARN", s.GatewayARN)
	}
	b.enum("GatewayType", "gatewayType", s.GatewayType, "CACHED", "STORED")
	b.pattern("TargetName", "targetName", s.TargetName, sgTargetNameRE, "1–200 lowercase letters, digits, '.', '-'")
	b.str("kmsKey", s.KMSKey)
	b.intRange("VolumeSizeBytes", "volumeSize", s.VolumeSizeBytes, 1<<30, 32<<40)
	if s.GatewayType == "STORED" && s.DiskID == "" {
		b.fail("DiskID", "is required for STORED volumes")
	}
	b.str("diskId", s.DiskID)
	b.merge(s.Extra)
	return b.done()
}
