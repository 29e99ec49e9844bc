package rds

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// instanceNotFound is DBInstanceNotFound, 404: the wire code botocore's
// error mapping and its DBInstanceDeleted waiter key on (the Go SDK's
// shape is DBInstanceNotFoundFault).
func instanceNotFound(id string) error {
	return errorf(http.StatusNotFound, "DBInstanceNotFound", "DBInstance %s not found.", id)
}

func gib(bytes int64) int32 {
	g := (bytes + (1<<30 - 1)) >> 30
	return int32(max(g, 1))
}

func dbInstance(r *serve.Request, res *inventory.Resource) rdstypes.DBInstance {
	return rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String(res.Name), DBInstanceArn: aws.String(res.ARN),
		DBInstanceStatus: aws.String(r.Inventory.State(res, "available")),
		Engine:           aws.String(res.Attr("engine", "postgres")), AllocatedStorage: aws.Int32(gib(res.SizeBytes)),
		TagList: tagList(res.Tags), InstanceCreateTime: aws.Time(res.CreationTime),
		DBInstanceClass:  aws.String(res.Attr("instanceClass", "db.t3.micro")),
		AvailabilityZone: aws.String(r.Region + "a"), DbiResourceId: aws.String("db-" + res.Fingerprint),
	}
}

// describeDBInstances answers DescribeDBInstances: one instance by
// identifier or ARN (DBInstanceNotFound if missing), or every instance of
// the account and Region matching the filters db-instance-id and engine,
// in pages of MaxRecords (20–100) with Marker.
func describeDBInstances(r *serve.Request, in *awsrds.DescribeDBInstancesInput) (*awsrds.DescribeDBInstancesOutput, error) {
	fs, err := readFilters(in.Filters, "db-instance-id", "engine")
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	var list []*inventory.Resource
	if id := aws.ToString(in.DBInstanceIdentifier); id != "" {
		res, ok := lookup(r, id, "db:", "RDS")
		if !ok {
			return nil, instanceNotFound(id)
		}
		list = []*inventory.Resource{res}
	} else {
		for _, res := range r.Inventory.List(r.Account, r.Region, "RDS") {
			if fs.match("db-instance-id", res.Name, res.ARN) && fs.match("engine", res.Attr("engine", "postgres")) {
				list = append(list, res)
			}
		}
	}
	page, next, err := serve.Page(list, arnKey, aws.ToString(in.Marker), size, "InvalidParameterValue")
	if err != nil {
		return nil, err
	}
	out := &awsrds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{}}
	for _, res := range page {
		out.DBInstances = append(out.DBInstances, dbInstance(r, res))
	}
	if next != "" {
		out.Marker = aws.String(next)
	}
	return out, nil
}

// deleteDBInstance starts deleting a DB instance: "deleting" for
// Options.DeleteDuration, then DBInstanceNotFound. SkipFinalSnapshot or a
// FinalDBSnapshotIdentifier is required, as with RDS.
func deleteDBInstance(r *serve.Request, in *awsrds.DeleteDBInstanceInput) (*awsrds.DeleteDBInstanceOutput, error) {
	id := aws.ToString(in.DBInstanceIdentifier)
	if id == "" {
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter DBInstanceIdentifier")
	}
	if !aws.ToBool(in.SkipFinalSnapshot) && in.FinalDBSnapshotIdentifier == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	res, ok := lookup(r, id, "db:", "RDS")
	if !ok {
		return nil, instanceNotFound(id)
	}
	if _, deleting := r.Inventory.DeletionOf(res.ARN); deleting {
		return nil, errorf(http.StatusBadRequest, "InvalidDBInstanceState", "Instance %s is already being deleted.", id)
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: "deleting", At: r.Now.Add(r.DeleteDuration)})
	db := dbInstance(r, res)
	return &awsrds.DeleteDBInstanceOutput{DBInstance: &db}, nil
}
