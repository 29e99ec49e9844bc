// Package s3 answers the Amazon S3 bucket API (restXml) over the emulator's
// inventory: buckets (buckets.go), their objects (objects.go) and their
// tags (tags.go). Both path-style and virtual-hosted addressing work
// (internal/protocol/restxml).
//
// Known differences from AWS: objects exist only as the bucket's
// "objectCount" attribute (keys object-000000, object-000001, …, 1 KiB
// each, one version each; deleting objects removes the lowest keys, which
// is exact for a cleanup that lists and deletes page by page, and the
// attribute "firstObject" remembers how many went); buckets belong to the emulator's default
// account; GET / is always ListBuckets (virtual-hosted ListObjects v1 is
// not served); only the operations registered in New are served.
package s3

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/restxml"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// roots are the root elements of S3's answers.
var roots = map[string]string{
	"ListBuckets":        "ListAllMyBucketsResult",
	"ListObjectsV2":      "ListBucketResult",
	"ListObjectVersions": "ListVersionsResult",
	"DeleteObjects":      "DeleteResult",
	"GetBucketTagging":   "Tagging",
}

// New returns the S3 service with its handlers.
func New() *serve.Service {
	s := serve.NewService("s3", restxml.New(wireModel, roots))
	s.Register("ListBuckets", serve.Handle(listBuckets))
	s.Register("HeadBucket", serve.Handle(headBucket))
	s.Register("DeleteBucket", serve.Handle(deleteBucket))
	s.Register("ListObjectsV2", serve.Handle(listObjectsV2))
	s.Register("ListObjectVersions", serve.Handle(listObjectVersions))
	s.Register("DeleteObjects", serve.Handle(deleteObjects))
	s.Register("GetBucketTagging", serve.Handle(getBucketTagging))
	s.Register("PutBucketTagging", serve.Handle(putBucketTagging))
	s.Register("DeleteBucketTagging", serve.Handle(deleteBucketTagging))
	return s
}

func bucketARN(name string) string { return "arn:aws:s3:::" + name }

// noSuchBucket is NoSuchBucket, 404, with the BucketName member.
func noSuchBucket(name string) error {
	return &serve.Error{Code: "NoSuchBucket", Message: "The specified bucket does not exist", Status: http.StatusNotFound, Fields: map[string]string{"BucketName": name}}
}

// bucket finds a bucket of the caller (buckets belong to the default
// account).
func bucket(r *serve.Request, name *string) (*inventory.Resource, error) {
	if name == nil || *name == "" {
		return nil, serve.Errorf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
	}
	res, ok := r.Inventory.Get(bucketARN(*name))
	if !ok || res.Type != "S3" || r.Account != r.DefaultAccount {
		return nil, noSuchBucket(*name)
	}
	return res, nil
}

func objectCount(res *inventory.Resource) int {
	n, _ := strconv.Atoi(res.Attr("objectCount", "0"))
	return max(n, 0)
}

// objectRange is the bucket's objects: indexes first … first+count-1.
func objectRange(res *inventory.Resource) (first, count int) {
	f, _ := strconv.Atoi(res.Attr("firstObject", "0"))
	return max(f, 0), objectCount(res)
}

func objectKey(i int) string { return fmt.Sprintf("object-%06d", i) }

// objectIndex is the index of a key object-NNNNNN, or -1.
func objectIndex(key string) int {
	var i int
	if n, err := fmt.Sscanf(key, "object-%06d", &i); err != nil || n != 1 || objectKey(i) != key {
		return -1
	}
	return i
}
