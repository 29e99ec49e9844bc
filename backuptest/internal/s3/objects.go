package s3

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

const objectSize = 1024

func maxKeys(n *int32) (int, error) {
	if n == nil {
		return 1000, nil
	}
	if *n < 0 {
		return 0, serve.Errorf(http.StatusBadRequest, "InvalidArgument", "max-keys must be at least 0")
	}
	return min(int(*n), 1000), nil
}

// listObjectsV2 lists the bucket's objects in key order: Prefix,
// StartAfter, ContinuationToken, MaxKeys (≤ 1,000); EncodingType is echoed
// (the keys need no encoding).
func listObjectsV2(r *serve.Request, in *awss3.ListObjectsV2Input) (*awss3.ListObjectsV2Output, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	limit, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	after := aws.ToString(in.StartAfter)
	if t := aws.ToString(in.ContinuationToken); t != "" {
		if objectIndex(t) < 0 {
			return nil, serve.Errorf(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		}
		after = t
	}
	prefix := aws.ToString(in.Prefix)
	out := &awss3.ListObjectsV2Output{Name: in.Bucket, Prefix: in.Prefix, MaxKeys: aws.Int32(int32(limit)), StartAfter: in.StartAfter,
		ContinuationToken: in.ContinuationToken, EncodingType: in.EncodingType, IsTruncated: aws.Bool(false)}
	first, n := objectRange(res)
	for i := first; i < first+n; i++ {
		key := objectKey(i)
		if key <= after || !strings.HasPrefix(key, prefix) {
			continue
		}
		if len(out.Contents) == limit {
			out.IsTruncated = aws.Bool(true)
			out.NextContinuationToken = out.Contents[len(out.Contents)-1].Key
			break
		}
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(key), Size: aws.Int64(objectSize), LastModified: aws.Time(res.CreationTime),
			ETag: aws.String(`"` + res.Fingerprint + strconv.Itoa(i) + `"`), StorageClass: s3types.ObjectStorageClassStandard})
	}
	out.KeyCount = aws.Int32(int32(len(out.Contents)))
	return out, nil
}

// listObjectVersions lists one version ("v1") per object in key order,
// MaxKeys at a time from KeyMarker.
func listObjectVersions(r *serve.Request, in *awss3.ListObjectVersionsInput) (*awss3.ListObjectVersionsOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	limit, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	after := aws.ToString(in.KeyMarker)
	prefix := aws.ToString(in.Prefix)
	out := &awss3.ListObjectVersionsOutput{Name: in.Bucket, Prefix: in.Prefix, KeyMarker: in.KeyMarker, VersionIdMarker: in.VersionIdMarker,
		MaxKeys: aws.Int32(int32(limit)), IsTruncated: aws.Bool(false)}
	first, n := objectRange(res)
	for i := first; i < first+n; i++ {
		key := objectKey(i)
		if key <= after || !strings.HasPrefix(key, prefix) {
			continue
		}
		if len(out.Versions) == limit {
			out.IsTruncated = aws.Bool(true)
			out.NextKeyMarker = out.Versions[len(out.Versions)-1].Key
			out.NextVersionIdMarker = aws.String("v1")
			break
		}
		out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(key), VersionId: aws.String("v1"), IsLatest: aws.Bool(true),
			Size: aws.Int64(objectSize), LastModified: aws.Time(res.CreationTime), StorageClass: s3types.ObjectVersionStorageClassStandard})
	}
	return out, nil
}

// deleteObjects deletes up to 1,000 objects: as many as the request names
// existing keys go, lowest keys first (see the package's known
// differences). Deleting a missing key succeeds, as with S3.
func deleteObjects(r *serve.Request, in *awss3.DeleteObjectsInput) (*awss3.DeleteObjectsOutput, error) {
	res, err := bucket(r, in.Bucket)
	if err != nil {
		return nil, err
	}
	if in.Delete == nil || len(in.Delete.Objects) == 0 || len(in.Delete.Objects) > 1000 {
		return nil, serve.Errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema (1 to 1,000 objects)")
	}
	first, n := objectRange(res)
	seen := map[int]bool{}
	out := &awss3.DeleteObjectsOutput{}
	for _, o := range in.Delete.Objects {
		if i := objectIndex(aws.ToString(o.Key)); i >= first && i < first+n {
			seen[i] = true
		}
		if !aws.ToBool(in.Delete.Quiet) {
			out.Deleted = append(out.Deleted, s3types.DeletedObject{Key: o.Key, VersionId: o.VersionId})
		}
	}
	res.SetAttr("objectCount", strconv.Itoa(n-len(seen)))
	res.SetAttr("firstObject", strconv.Itoa(first+len(seen)))
	return out, nil
}
