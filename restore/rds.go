package restore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// RDS restores an Amazon RDS DB instance snapshot to a new DB instance. Keys
// are the parameters of RestoreDBInstanceFromDBSnapshot.
type RDS struct {
	// DBInstanceIdentifier of the new instance; required by AWS because the
	// source usually still exists (key DBInstanceIdentifier).
	DBInstanceIdentifier string
	// DBInstanceClass, e.g. "db.t3.micro" (key DBInstanceClass).
	DBInstanceClass string
	// DBSubnetGroupName (key DBSubnetGroupName).
	DBSubnetGroupName string
	// VPCSecurityGroupIDs, "sg-…" (key VpcSecurityGroupIds, JSON array).
	VPCSecurityGroupIDs []string
	// AvailabilityZone; not allowed with MultiAZ (key AvailabilityZone).
	AvailabilityZone string
	// MultiAZ (key MultiAZ).
	MultiAZ *bool
	// Port is 1150–65535 (key Port).
	Port int64
	// PubliclyAccessible (key PubliclyAccessible).
	PubliclyAccessible *bool
	// StorageType: standard, gp2, gp3, io1, io2 (key StorageType).
	StorageType string
	// DBParameterGroupName (key DBParameterGroupName).
	DBParameterGroupName string
	// OptionGroupName (key OptionGroupName).
	OptionGroupName string
	// DeletionProtection (key DeletionProtection). Drills need false.
	DeletionProtection *bool
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (RDS) ResourceType() backup.ResourceType { return backup.RDS }

// Metadata implements Input.
func (r RDS) Metadata() (map[string]string, error) {
	b := newBuilder("RDS")
	b.required("DBInstanceIdentifier", "DBInstanceIdentifier", r.DBInstanceIdentifier)
	if reason := restoremeta.CheckName("RDS", r.DBInstanceIdentifier); r.DBInstanceIdentifier != "" && reason != "" {
		b.fail("DBInstanceIdentifier", "is %q; %s", r.DBInstanceIdentifier, reason)
	}
	if r.DBInstanceClass != "" && !strings.HasPrefix(r.DBInstanceClass, "db.") {
		b.fail("DBInstanceClass", "is %q; want a class starting with \"db.\"", r.DBInstanceClass)
	}
	b.str("DBInstanceClass", r.DBInstanceClass)
	b.str("DBSubnetGroupName", r.DBSubnetGroupName)
	b.list("VPCSecurityGroupIDs", "VpcSecurityGroupIds", r.VPCSecurityGroupIDs, "sg-", 0)
	if r.AvailabilityZone != "" && r.MultiAZ != nil && *r.MultiAZ {
		b.fail("AvailabilityZone", "must be empty when MultiAZ is true")
	}
	b.str("AvailabilityZone", r.AvailabilityZone)
	b.boolean("MultiAZ", r.MultiAZ)
	b.intRange("Port", "Port", r.Port, 1150, 65535)
	b.boolean("PubliclyAccessible", r.PubliclyAccessible)
	b.enum("StorageType", "StorageType", r.StorageType, "standard", "gp2", "gp3", "io1", "io2")
	b.str("DBParameterGroupName", r.DBParameterGroupName)
	b.str("OptionGroupName", r.OptionGroupName)
	b.boolean("DeletionProtection", r.DeletionProtection)
	b.merge(r.Extra)
	return b.done()
}

// Cluster holds the restore keys shared by the cluster engines (Aurora,
// DocumentDB, Neptune): the parameters of RestoreDBClusterFromSnapshot, or
// of RestoreDBClusterToPointInTime for continuous recovery points.
type Cluster struct {
	// DBClusterIdentifier of the new cluster (key dbClusterIdentifier); required.
	DBClusterIdentifier string
	// Engine (key engine); Aurora requires it.
	Engine string
	// EngineVersion (key engineVersion).
	EngineVersion string
	// AvailabilityZones (key availabilityZones, JSON array).
	AvailabilityZones []string
	// DBSubnetGroupName (key dbSubnetGroupName).
	DBSubnetGroupName string
	// VPCSecurityGroupIDs, "sg-…" (key vpcSecurityGroupIds, JSON array).
	VPCSecurityGroupIDs []string
	// KMSKeyID (key kmsKeyId).
	KMSKeyID string
	// Port is 1150–65535 (key port).
	Port int64
	// DBClusterParameterGroupName (key dbClusterParameterGroupName).
	DBClusterParameterGroupName string
	// DeletionProtection (key deletionProtection). Drills need false.
	DeletionProtection *bool
	// RestoreToTime restores a continuous recovery point to this time (key
	// restoreToTime); exclusive with UseLatestRestorableTime.
	RestoreToTime time.Time
	// UseLatestRestorableTime restores a continuous recovery point to the
	// latest time (key useLatestRestorableTime).
	UseLatestRestorableTime bool
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

func (c Cluster) metadata(typ string, engines ...string) (map[string]string, error) {
	b := newBuilder(typ)
	b.required("DBClusterIdentifier", "dbClusterIdentifier", c.DBClusterIdentifier)
	if reason := restoremeta.CheckName(typ, c.DBClusterIdentifier); c.DBClusterIdentifier != "" && reason != "" {
		b.fail("DBClusterIdentifier", "is %q; %s", c.DBClusterIdentifier, reason)
	}
	if typ == "Aurora" && c.Engine == "" {
		b.fail("Engine", "is required; want one of %s", strings.Join(engines, ", "))
	}
	b.enum("Engine", "engine", c.Engine, engines...)
	b.str("engineVersion", c.EngineVersion)
	b.list("AvailabilityZones", "availabilityZones", c.AvailabilityZones, "", 0)
	b.str("dbSubnetGroupName", c.DBSubnetGroupName)
	b.list("VPCSecurityGroupIDs", "vpcSecurityGroupIds", c.VPCSecurityGroupIDs, "sg-", 0)
	b.str("kmsKeyId", c.KMSKeyID)
	b.intRange("Port", "port", c.Port, 1150, 65535)
	b.str("dbClusterParameterGroupName", c.DBClusterParameterGroupName)
	b.boolean("deletionProtection", c.DeletionProtection)
	if !c.RestoreToTime.IsZero() && c.UseLatestRestorableTime {
		b.fail("RestoreToTime", "must be zero when UseLatestRestorableTime is true")
	}
	b.timeValue(restoremeta.RestoreToTime, c.RestoreToTime)
	b.flag(restoremeta.UseLatestRestorableTime, c.UseLatestRestorableTime)
	b.merge(c.Extra)
	return b.done()
}

// Aurora restores an Amazon Aurora cluster recovery point to a new cluster.
// DBClusterIdentifier and Engine (aurora-mysql or aurora-postgresql) are
// required.
type Aurora struct{ Cluster }

// ResourceType implements Input.
func (Aurora) ResourceType() backup.ResourceType { return backup.Aurora }

// Metadata implements Input.
func (a Aurora) Metadata() (map[string]string, error) {
	return a.metadata("Aurora", "aurora-mysql", "aurora-postgresql", "aurora")
}

// DocumentDB restores an Amazon DocumentDB cluster recovery point.
// DBClusterIdentifier is required; Engine, when set, must be "docdb".
type DocumentDB struct{ Cluster }

// ResourceType implements Input.
func (DocumentDB) ResourceType() backup.ResourceType { return backup.DocumentDB }

// Metadata implements Input.
func (d DocumentDB) Metadata() (map[string]string, error) { return d.metadata("DocumentDB", "docdb") }

// Neptune restores an Amazon Neptune cluster recovery point.
// DBClusterIdentifier is required; Engine, when set, must be "neptune".
type Neptune struct{ Cluster }

// ResourceType implements Input.
func (Neptune) ResourceType() backup.ResourceType { return backup.Neptune }

// Metadata implements Input.
func (n Neptune) Metadata() (map[string]string, error) { return n.metadata("Neptune", "neptune") }

// RDSAPI is the part of the Amazon RDS client drills use for DB instances
// and Aurora, DocumentDB and Neptune clusters (*rds.Client satisfies it).
type RDSAPI interface {
	DescribeDBInstances(context.Context, *rds.DescribeDBInstancesInput, ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeDBClusters(context.Context, *rds.DescribeDBClustersInput, ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
	AddTagsToResource(context.Context, *rds.AddTagsToResourceInput, ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error)
	DeleteDBInstance(context.Context, *rds.DeleteDBInstanceInput, ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error)
	DeleteDBCluster(context.Context, *rds.DeleteDBClusterInput, ...func(*rds.Options)) (*rds.DeleteDBClusterOutput, error)
}

var _ RDSAPI = (*rds.Client)(nil)

func rdsTag(ctx context.Context, api RDSAPI, resourceARN string, tags map[string]string) error {
	in := &rds.AddTagsToResourceInput{ResourceName: aws.String(resourceARN)}
	for k, v := range tags {
		in.Tags = append(in.Tags, rdstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := api.AddTagsToResource(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func rdsTagMap(tags []rdstypes.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// rdsTransitional are RDS statuses a restored instance or cluster passes
// through on its way to "available".
var rdsTransitional = []string{"creating", "modifying", "backing-up", "rebooting", "starting", "renaming",
	"configuring-enhanced-monitoring", "configuring-log-exports", "configuring-iam-database-auth", "resetting-master-credentials", "storage-optimization"}

// rdsAvailable judges an RDS instance or cluster status: available passes,
// a transitional status is not ready yet, anything else fails.
func rdsAvailable(restored, kind, status string) error {
	switch {
	case status == "available":
		return nil
	case slices.Contains(rdsTransitional, status):
		return notReady(restored, status)
	default:
		return invalid(restored, "%s status is %q; want available", kind, status)
	}
}

type rdsHandler struct{ api RDSAPI }

func (h *rdsHandler) instance(ctx context.Context, resourceARN string) (*rdstypes.DBInstance, error) {
	out, err := h.api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(resourceARN)})
	if err != nil {
		var nf *rdstypes.DBInstanceNotFoundFault
		if errors.As(err, &nf) {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe DB instance %s: %w", resourceARN, err)
	}
	if len(out.DBInstances) == 0 {
		return nil, notFound(resourceARN, errors.New("no DB instance in response"))
	}
	return &out.DBInstances[0], nil
}

func (h *rdsHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	return rdsTag(ctx, h.api, resourceARN, tags)
}

func (h *rdsHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	db, err := h.instance(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	return rdsTagMap(db.TagList), nil
}

func (h *rdsHandler) Validate(ctx context.Context, restored, _ string) error {
	db, err := h.instance(ctx, restored)
	if err != nil {
		return err
	}
	return rdsAvailable(restored, "DB instance", aws.ToString(db.DBInstanceStatus))
}

func (h *rdsHandler) Delete(ctx context.Context, resourceARN string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	_, err = h.api.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{
		DBInstanceIdentifier:   aws.String(id),
		SkipFinalSnapshot:      aws.Bool(true),
		DeleteAutomatedBackups: aws.Bool(true),
	})
	var nf *rdstypes.DBInstanceNotFoundFault
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("delete DB instance %s: %w", id, err)
	}
	return nil
}

type clusterHandler struct{ api RDSAPI }

func (h *clusterHandler) cluster(ctx context.Context, resourceARN string) (*rdstypes.DBCluster, error) {
	out, err := h.api.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(resourceARN)})
	if err != nil {
		var nf *rdstypes.DBClusterNotFoundFault
		if errors.As(err, &nf) {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe DB cluster %s: %w", resourceARN, err)
	}
	if len(out.DBClusters) == 0 {
		return nil, notFound(resourceARN, errors.New("no DB cluster in response"))
	}
	return &out.DBClusters[0], nil
}

func (h *clusterHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	return rdsTag(ctx, h.api, resourceARN, tags)
}

func (h *clusterHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	c, err := h.cluster(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	return rdsTagMap(c.TagList), nil
}

func (h *clusterHandler) Validate(ctx context.Context, restored, _ string) error {
	c, err := h.cluster(ctx, restored)
	if err != nil {
		return err
	}
	return rdsAvailable(restored, "DB cluster", aws.ToString(c.Status))
}

func (h *clusterHandler) Delete(ctx context.Context, resourceARN string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	_, err = h.api.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{
		DBClusterIdentifier: aws.String(id),
		SkipFinalSnapshot:   aws.Bool(true),
	})
	var nf *rdstypes.DBClusterNotFoundFault
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("delete DB cluster %s: %w", id, err)
	}
	return nil
}
