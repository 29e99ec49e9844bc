package restore

import (
	"strings"

	"github.com/backupkit/backupkit/backup"
)

// SAPHANA restores an SAP HANA on Amazon EC2 database recovery point into
// a target database.
type SAPHANA struct {
	// TargetDatabaseARN (key aws:backup:TargetDatabaseArn); required.
	TargetDatabaseARN string
	// CatalogRestoreOption (key CatalogRestoreOption), e.g. NO_CATALOG or LOCAL_CATALOG.
	CatalogRestoreOption string
	// LocalCatalogPath (key LocalCatalogPath); required with LOCAL_CATALOG.
	LocalCatalogPath string
	// RecoveryType (key RecoveryType), e.g. FULL_DATA_BACKUP_RECOVERY or POINT_IN_TIME_RECOVERY.
	RecoveryType string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (SAPHANA) ResourceType() backup.ResourceType { return backup.SAPHANA }

// Metadata implements Input.
func (s SAPHANA) Metadata() (map[string]string, error) {
	b := newBuilder("SAPHANA")
	b.required("TargetDatabaseARN", "aws:backup:TargetDatabaseArn", s.TargetDatabaseARN)
	if s.TargetDatabaseARN != "" && !strings.HasPrefix(s.TargetDatabaseARN, "arn:") {
		b.fail("TargetDatabaseARN", "is %q; want an ARN", s.TargetDatabaseARN)
	}
	b.str("CatalogRestoreOption", s.CatalogRestoreOption)
	if s.CatalogRestoreOption == "LOCAL_CATALOG" && s.LocalCatalogPath == "" {
		b.fail("LocalCatalogPath", "is required when CatalogRestoreOption is LOCAL_CATALOG")
	}
	if s.LocalCatalogPath != "" && !strings.HasPrefix(s.LocalCatalogPath, "/") {
		b.fail("LocalCatalogPath", "is %q; want an absolute path", s.LocalCatalogPath)
	}
	b.str("LocalCatalogPath", s.LocalCatalogPath)
	b.str("RecoveryType", s.RecoveryType)
	b.merge(s.Extra)
	return b.done()
}
