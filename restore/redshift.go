package restore

import (
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// Redshift restores an Amazon Redshift cluster (or one table of it) from a
// recovery point. Keys are the parameters of RestoreFromClusterSnapshot /
// RestoreTableFromClusterSnapshot.
type Redshift struct {
	// ClusterIdentifier, 1–63 lowercase letters, digits or hyphens, starting
	// with a letter (key ClusterIdentifier); required.
	ClusterIdentifier string
	// NodeType, e.g. ra3.xlplus (key NodeType).
	NodeType string
	// NumberOfNodes is 1–128 (key NumberOfNodes).
	NumberOfNodes int64
	// RestoreType is CLUSTER_RESTORE, TABLE_RESTORE or NAMESPACE_RESTORE (key RestoreType).
	RestoreType string
	// SourceDatabaseName, SourceSchemaName, SourceTableName, TargetDatabaseName,
	// TargetSchemaName and NewTableName apply to TABLE_RESTORE; source database,
	// source table and new table name are then required.
	SourceDatabaseName, SourceSchemaName, SourceTableName string
	TargetDatabaseName, TargetSchemaName, NewTableName    string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (Redshift) ResourceType() backup.ResourceType { return backup.Redshift }

// Metadata implements Input.
func (r Redshift) Metadata() (map[string]string, error) {
	b := newBuilder("Redshift")
	b.required("ClusterIdentifier", "ClusterIdentifier", r.ClusterIdentifier)
	if reason := restoremeta.CheckName("Redshift", r.ClusterIdentifier); r.ClusterIdentifier != "" && reason != "" {
		b.fail("ClusterIdentifier", "is %q; %s", r.ClusterIdentifier, reason)
	}
	b.str("NodeType", r.NodeType)
	b.intRange("NumberOfNodes", "NumberOfNodes", r.NumberOfNodes, 1, 128)
	b.enum("RestoreType", "RestoreType", r.RestoreType, "CLUSTER_RESTORE", "TABLE_RESTORE", "NAMESPACE_RESTORE")
	if r.RestoreType == "TABLE_RESTORE" {
		for _, f := range []struct{ name, v string }{
			{"SourceDatabaseName", r.SourceDatabaseName},
			{"SourceTableName", r.SourceTableName},
			{"NewTableName", r.NewTableName},
		} {
			if f.v == "" {
				b.fail(f.name, "is required when RestoreType is TABLE_RESTORE")
			}
		}
	} else if r.SourceTableName != "" || r.NewTableName != "" {
		b.fail("RestoreType", "must be TABLE_RESTORE when table names are set")
	}
	b.str("SourceDatabaseName", r.SourceDatabaseName)
	b.str("SourceSchemaName", r.SourceSchemaName)
	b.str("SourceTableName", r.SourceTableName)
	b.str("TargetDatabaseName", r.TargetDatabaseName)
	b.str("TargetSchemaName", r.TargetSchemaName)
	b.str("NewTableName", r.NewTableName)
	b.merge(r.Extra)
	return b.done()
}
