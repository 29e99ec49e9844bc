// Package fsx answers the Amazon FSx API (awsJson 1.1) over the emulator's
// inventory: file systems (file_systems.go) and their tags (tags.go).
//
// Known differences from AWS: the type of a file system is the inventory
// attribute "fileSystemType" (default WINDOWS); only the operations
// registered in New are served.
package fsx

import (
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TargetPrefix is FSx's X-Amz-Target prefix.
const TargetPrefix = "AWSSimbaAPIService_v20180301."

// New returns the FSx service with its handlers.
func New() *serve.Service {
	s := serve.NewService("fsx", awsjson.New("1.1", TargetPrefix))
	s.TargetPrefix = TargetPrefix
	s.Register("DescribeFileSystems", serve.Handle(describeFileSystems))
	s.Register("DeleteFileSystem", serve.Handle(deleteFileSystem))
	s.Register("TagResource", serve.Handle(tagResource))
	s.Register("UntagResource", serve.Handle(untagResource))
	s.Register("ListTagsForResource", serve.Handle(listTagsForResource))
	return s
}

func notFound(id string) error {
	return serve.Errorf(http.StatusBadRequest, "FileSystemNotFound", "File system '%s' does not exist.", id)
}

// fileSystem finds a file system by id or ARN.
func fileSystem(r *serve.Request, idOrARN string) (*inventory.Resource, error) {
	a := idOrARN
	if !strings.HasPrefix(a, "arn:") {
		a = r.ARN("fsx", "file-system/"+idOrARN)
	}
	res, ok := r.Inventory.Get(a)
	if !ok || res.Type != "FSx" {
		return nil, notFound(idOrARN)
	}
	return res, nil
}

func tags(m map[string]string) []fsxtypes.Tag {
	out := make([]fsxtypes.Tag, 0, len(m))
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, fsxtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}
