package restore

import (
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// Timestream restores an Amazon Timestream table recovery point.
type Timestream struct {
	// TableName of the restored table, 3–256 of [a-zA-Z0-9_.-] (key TableName); required.
	TableName string
	// DestinationDatabase, same rule (key DestinationDatabase); required.
	DestinationDatabase string
	// MemoryStoreRetentionHours is 1–8,766 (key MemoryStoreRetentionPeriodInHours).
	MemoryStoreRetentionHours int64
	// MagneticStoreRetentionDays is 1–73,000 (key MagneticStoreRetentionPeriodInDays).
	MagneticStoreRetentionDays int64
	// EnableMagneticStoreWrites (key EnableMagneticStoreWrites).
	EnableMagneticStoreWrites *bool
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (Timestream) ResourceType() backup.ResourceType { return backup.Timestream }

// Metadata implements Input.
func (t Timestream) Metadata() (map[string]string, error) {
	b := newBuilder("Timestream")
	b.required("TableName", "TableName", t.TableName)
	b.required("DestinationDatabase", "DestinationDatabase", t.DestinationDatabase)
	for _, f := range []struct{ name, v string }{{"TableName", t.TableName}, {"DestinationDatabase", t.DestinationDatabase}} {
		if reason := restoremeta.CheckName("Timestream", f.v); f.v != "" && reason != "" {
			b.fail(f.name, "is %q; %s", f.v, reason)
		}
	}
	b.intRange("MemoryStoreRetentionHours", "MemoryStoreRetentionPeriodInHours", t.MemoryStoreRetentionHours, 1, 8766)
	b.intRange("MagneticStoreRetentionDays", "MagneticStoreRetentionPeriodInDays", t.MagneticStoreRetentionDays, 1, 73000)
	b.boolean("EnableMagneticStoreWrites", t.EnableMagneticStoreWrites)
	b.merge(t.Extra)
	return b.done()
}
