package restore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// S3 restores an Amazon S3 recovery point to a bucket.
type S3 struct {
	// DestinationBucketName, 3–63 lowercase letters, digits, '.', '-'
	// (key DestinationBucketName); required.
	DestinationBucketName string
	// NewBucket asks AWS Backup to create the destination bucket (key NewBucket).
	NewBucket bool
	// EncryptionType is original, SSE-S3 or SSE-KMS (key EncryptionType).
	EncryptionType string
	// KMSKey is required with SSE-KMS and not allowed otherwise (key KMSKey).
	KMSKey string
	// ItemsToRestore are object keys or prefixes, at most 5
	// (key ItemsToRestore, JSON array).
	ItemsToRestore []string
	// RestoreLatestVersionsUpTo restores only the latest N versions of each
	// object, 1–… (key RestoreLatestVersionsUpTo).
	RestoreLatestVersionsUpTo int64
	// RestoreTime is the point in time of a continuous recovery point (key RestoreTime).
	RestoreTime time.Time
	// RestoreACLs restores object ACLs (key RestoreACLs).
	RestoreACLs *bool
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (S3) ResourceType() backup.ResourceType { return backup.S3 }

// Metadata implements Input.
func (s S3) Metadata() (map[string]string, error) {
	b := newBuilder("S3")
	b.required("DestinationBucketName", "DestinationBucketName", s.DestinationBucketName)
	if reason := restoremeta.CheckName("S3", s.DestinationBucketName); s.DestinationBucketName != "" && reason != "" {
		b.fail("DestinationBucketName", "is %q; %s", s.DestinationBucketName, reason)
	}
	if s.NewBucket {
		b.m["NewBucket"] = "true"
	}
	b.enum("EncryptionType", "EncryptionType", s.EncryptionType, "original", "SSE-S3", "SSE-KMS")
	switch {
	case s.EncryptionType == "SSE-KMS" && s.KMSKey == "":
		b.fail("KMSKey", "is required when EncryptionType is SSE-KMS")
	case s.EncryptionType != "SSE-KMS" && s.KMSKey != "":
		b.fail("KMSKey", "is only allowed when EncryptionType is SSE-KMS")
	}
	b.str("KMSKey", s.KMSKey)
	b.list("ItemsToRestore", "ItemsToRestore", s.ItemsToRestore, "", 5)
	if s.RestoreLatestVersionsUpTo < 0 {
		b.fail("RestoreLatestVersionsUpTo", "is %d; want at least 1", s.RestoreLatestVersionsUpTo)
	} else if s.RestoreLatestVersionsUpTo > 0 {
		b.m["RestoreLatestVersionsUpTo"] = strconv.FormatInt(s.RestoreLatestVersionsUpTo, 10)
	}
	b.timeValue("RestoreTime", s.RestoreTime)
	b.boolean("RestoreACLs", s.RestoreACLs)
	b.merge(s.Extra)
	return b.done()
}

// S3API is the part of the Amazon S3 client drills use (*s3.Client
// satisfies it).
type S3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetBucketTagging(context.Context, *s3.GetBucketTaggingInput, ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	PutBucketTagging(context.Context, *s3.PutBucketTaggingInput, ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error)
	ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObjects(context.Context, *s3.DeleteObjectsInput, ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
	DeleteBucket(context.Context, *s3.DeleteBucketInput, ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
}

var _ S3API = (*s3.Client)(nil)

type s3Handler struct{ api S3API }

func s3NotFound(err error) bool {
	var nf *s3types.NotFound
	var nb *s3types.NoSuchBucket
	return errors.As(err, &nf) || errors.As(err, &nb) || apiErrorCode(err) == "NoSuchBucket" || apiErrorCode(err) == "NotFound"
}

func (h *s3Handler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	bucket, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	cur, err := h.Tags(ctx, resourceARN)
	if err != nil {
		return err
	}
	maps.Copy(cur, tags)
	in := &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &s3types.Tagging{}}
	for _, k := range slices.Sorted(maps.Keys(cur)) {
		in.Tagging.TagSet = append(in.Tagging.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(cur[k])})
	}
	if _, err := h.api.PutBucketTagging(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *s3Handler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	bucket, err := arnResourceID(resourceARN)
	if err != nil {
		return nil, err
	}
	out, err := h.api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if err != nil {
		switch {
		case s3NotFound(err):
			return nil, notFound(resourceARN, err)
		case apiErrorCode(err) == "NoSuchTagSet":
			return map[string]string{}, nil
		}
		return nil, fmt.Errorf("get tags of bucket %s: %w", bucket, err)
	}
	m := make(map[string]string, len(out.TagSet))
	for _, t := range out.TagSet {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m, nil
}

// firstPage returns the key count of the first ListObjectsV2 page (up to
// 1,000) and whether there are more.
func (h *s3Handler) firstPage(ctx context.Context, bucket string) (int32, bool, error) {
	out, err := h.api.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1000)})
	if err != nil {
		return 0, false, err
	}
	return aws.ToInt32(out.KeyCount), aws.ToBool(out.IsTruncated), nil
}

// Validate checks the bucket exists and, when the source bucket is
// readable, that the first page of objects has as many keys as the
// source's (both capped at 1,000 keys).
func (h *s3Handler) Validate(ctx context.Context, restored, source string) error {
	bucket, err := arnResourceID(restored)
	if err != nil {
		return err
	}
	if _, err := h.api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		if s3NotFound(err) {
			return notFound(restored, err)
		}
		return fmt.Errorf("head bucket %s: %w", bucket, err)
	}
	n, more, err := h.firstPage(ctx, bucket)
	if err != nil {
		return fmt.Errorf("list objects of %s: %w", bucket, err)
	}
	srcBucket, err := arnResourceID(source)
	if err != nil {
		return nil
	}
	sn, smore, err := h.firstPage(ctx, srcBucket)
	if err != nil {
		return nil // source gone or unreadable: nothing to compare with
	}
	if more != smore || (!more && n != sn) {
		return invalid(restored, "bucket has %d objects; the source has %d", n, sn)
	}
	return nil
}

// Delete empties the bucket (every object version and delete marker) and
// deletes it.
func (h *s3Handler) Delete(ctx context.Context, resourceARN string) error {
	bucket, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)}
	for {
		out, err := h.api.ListObjectVersions(ctx, in)
		if err != nil {
			if s3NotFound(err) {
				return nil
			}
			return fmt.Errorf("list object versions of %s: %w", bucket, err)
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range out.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range out.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) > 0 {
			if _, err := h.api.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
				return fmt.Errorf("delete objects of %s: %w", bucket, err)
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	if _, err := h.api.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil && !s3NotFound(err) {
		return fmt.Errorf("delete bucket %s: %w", bucket, err)
	}
	return nil
}
