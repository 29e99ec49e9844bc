// Package efs answers the Amazon EFS API (restJson1) over the emulator's
// inventory: file systems (file_systems.go), their mount targets and their
// tags (tags.go).
//
// Known differences from AWS: file systems have no mount targets or access
// points; only the operations registered in New are served.
package efs

import (
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/restjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// New returns the EFS service with its handlers.
func New() *serve.Service {
	s := serve.NewService("elasticfilesystem", restjson.New(wireModel))
	s.Register("DescribeFileSystems", serve.Handle(describeFileSystems))
	s.Register("DeleteFileSystem", serve.Handle(deleteFileSystem))
	s.Register("DescribeMountTargets", serve.Handle(describeMountTargets))
	s.Register("TagResource", serve.Handle(tagResource))
	s.Register("UntagResource", serve.Handle(untagResource))
	s.Register("ListTagsForResource", serve.Handle(listTagsForResource))
	return s
}

// notFound is FileSystemNotFound, 404.
func notFound(id string) error {
	return serve.Errorf(http.StatusNotFound, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

// fileSystem finds a file system by id or ARN.
func fileSystem(r *serve.Request, idOrARN string) (*inventory.Resource, error) {
	a := idOrARN
	if !strings.HasPrefix(a, "arn:") {
		a = r.ARN("elasticfilesystem", "file-system/"+idOrARN)
	}
	res, ok := r.Inventory.Get(a)
	if !ok || res.Type != "EFS" {
		return nil, notFound(idOrARN)
	}
	return res, nil
}

func tags(m map[string]string) []efstypes.Tag {
	out := make([]efstypes.Tag, 0, len(m))
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, efstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}
