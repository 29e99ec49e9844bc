// Package rds answers the Amazon RDS API (awsQuery protocol) over the
// emulator's inventory: DB instances (instances.go), Aurora, DocumentDB and
// Neptune clusters (clusters.go), and their tags (tags.go).
//
// Known differences from AWS: only the operations registered in New are
// served; the filters are db-instance-id / db-cluster-id and engine;
// DocumentDB and Neptune clusters are served by the RDS API, as their own
// APIs share it.
package rds

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/query"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Namespace is the RDS API's XML namespace.
const Namespace = "http://rds.amazonaws.com/doc/2014-10-31/"

// New returns the RDS service with its handlers.
func New() *serve.Service {
	s := serve.NewService("rds", query.NewAWSQuery(Namespace, wireModel))
	s.Register("DescribeDBInstances", serve.Handle(describeDBInstances))
	s.Register("DeleteDBInstance", serve.Handle(deleteDBInstance))
	s.Register("DescribeDBClusters", serve.Handle(describeDBClusters))
	s.Register("DeleteDBCluster", serve.Handle(deleteDBCluster))
	s.Register("AddTagsToResource", serve.Handle(addTagsToResource))
	s.Register("RemoveTagsFromResource", serve.Handle(removeTagsFromResource))
	s.Register("ListTagsForResource", serve.Handle(listTagsForResource))
	return s
}

// clusterTypes are the AWS Backup types whose resources are RDS clusters.
var clusterTypes = []string{"Aurora", "DocumentDB", "Neptune"}

func errorf(status int, code, format string, args ...any) *serve.Error {
	return serve.Errorf(status, code, format, args...)
}

func tagList(m map[string]string) []rdstypes.Tag {
	out := make([]rdstypes.Tag, 0, len(m))
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// lookup finds an instance (prefix "db:") or cluster ("cluster:") by
// identifier or ARN.
func lookup(r *serve.Request, idOrARN, prefix string, types ...string) (*inventory.Resource, bool) {
	a := idOrARN
	if !strings.HasPrefix(a, "arn:") {
		a = r.ARN("rds", prefix+idOrARN)
	}
	res, ok := r.Inventory.Get(a)
	if !ok || !slices.Contains(types, res.Type) {
		return nil, false
	}
	return res, true
}

type filterSet map[string][]string

func readFilters(in []rdstypes.Filter, known ...string) (filterSet, error) {
	fs := filterSet{}
	for _, f := range in {
		name := aws.ToString(f.Name)
		if !slices.Contains(known, name) {
			return nil, errorf(http.StatusBadRequest, "InvalidParameterValue", "Unrecognized filter name: %s (the emulator serves %s).", name, strings.Join(known, ", "))
		}
		fs[name] = append(fs[name], f.Values...)
	}
	return fs, nil
}

func (fs filterSet) match(name string, have ...string) bool {
	want, ok := fs[name]
	if !ok {
		return true
	}
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// pageSize checks MaxRecords (20–100, default 100).
func pageSize(n *int32) (int, error) {
	if n == nil {
		return 100, nil
	}
	if *n < 20 || *n > 100 {
		return 0, errorf(http.StatusBadRequest, "InvalidParameterValue", "Invalid value %d for MaxRecords. Must be between 20 and 100", *n)
	}
	return int(*n), nil
}

func arnKey(r *inventory.Resource) string { return r.ARN }
