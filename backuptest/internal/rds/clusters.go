package rds

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// clusterNotFound is DBClusterNotFoundFault, 404 (the code is the shape
// name for clusters).
func clusterNotFound(id string) error {
	return errorf(http.StatusNotFound, "DBClusterNotFoundFault", "DBCluster %s not found.", id)
}

var defaultEngine = map[string]string{"Aurora": "aurora-postgresql", "DocumentDB": "docdb", "Neptune": "neptune"}

func dbCluster(r *serve.Request, res *inventory.Resource) rdstypes.DBCluster {
	return rdstypes.DBCluster{
		DBClusterIdentifier: aws.String(res.Name), DBClusterArn: aws.String(res.ARN),
		Status: aws.String(r.Inventory.State(res, "available")), Engine: aws.String(res.Attr("engine", defaultEngine[res.Type])),
		TagList: tagList(res.Tags), ClusterCreateTime: aws.Time(res.CreationTime), DbClusterResourceId: aws.String("cluster-" + res.Fingerprint),
	}
}

// describeDBClusters answers DescribeDBClusters: one cluster by identifier
// or ARN (DBClusterNotFoundFault if missing), or every Aurora, DocumentDB
// and Neptune cluster of the account and Region matching the filters
// db-cluster-id and engine, in pages of MaxRecords with Marker.
func describeDBClusters(r *serve.Request, in *awsrds.DescribeDBClustersInput) (*awsrds.DescribeDBClustersOutput, error) {
	fs, err := readFilters(in.Filters, "db-cluster-id", "engine")
	if err != nil {
		return nil, err
	}
	size, err := pageSize(in.MaxRecords)
	if err != nil {
		return nil, err
	}
	var list []*inventory.Resource
	if id := aws.ToString(in.DBClusterIdentifier); id != "" {
		res, ok := lookup(r, id, "cluster:", clusterTypes...)
		if !ok {
			return nil, clusterNotFound(id)
		}
		list = []*inventory.Resource{res}
	} else {
		for _, res := range r.Inventory.List(r.Account, r.Region, clusterTypes...) {
			if fs.match("db-cluster-id", res.Name, res.ARN) && fs.match("engine", res.Attr("engine", defaultEngine[res.Type])) {
				list = append(list, res)
			}
		}
	}
	page, next, err := serve.Page(list, arnKey, aws.ToString(in.Marker), size, "InvalidParameterValue")
	if err != nil {
		return nil, err
	}
	out := &awsrds.DescribeDBClustersOutput{DBClusters: []rdstypes.DBCluster{}}
	for _, res := range page {
		out.DBClusters = append(out.DBClusters, dbCluster(r, res))
	}
	if next != "" {
		out.Marker = aws.String(next)
	}
	return out, nil
}

// deleteDBCluster starts deleting a cluster, like deleteDBInstance.
func deleteDBCluster(r *serve.Request, in *awsrds.DeleteDBClusterInput) (*awsrds.DeleteDBClusterOutput, error) {
	id := aws.ToString(in.DBClusterIdentifier)
	if id == "" {
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter DBClusterIdentifier")
	}
	if !aws.ToBool(in.SkipFinalSnapshot) && in.FinalDBSnapshotIdentifier == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	res, ok := lookup(r, id, "cluster:", clusterTypes...)
	if !ok {
		return nil, clusterNotFound(id)
	}
	if _, deleting := r.Inventory.DeletionOf(res.ARN); deleting {
		return nil, errorf(http.StatusBadRequest, "InvalidDBClusterStateFault", "Cluster %s is already being deleted.", id)
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: "deleting", At: r.Now.Add(r.DeleteDuration)})
	c := dbCluster(r, res)
	return &awsrds.DeleteDBClusterOutput{DBCluster: &c}, nil
}
