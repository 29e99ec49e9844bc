package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Dir is a Store in a local directory, created on the first Put.
type Dir struct {
	path string
}

// NewDir returns a Store over directory path.
func NewDir(path string) *Dir { return &Dir{path: path} }

// Path returns the directory.
func (d *Dir) Path() string { return d.path }

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return fmt.Errorf("invalid history file name %q", name)
	}
	return nil
}

// Put writes name atomically: to a temporary file in the same directory,
// synced, then renamed over name. Readers see the old or the new content,
// never a part.
func (d *Dir) Put(ctx context.Context, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(d.path, 0o755); err != nil {
		return fmt.Errorf("create history directory: %w", err)
	}
	f, err := os.CreateTemp(d.path, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, filepath.Join(d.path, name))
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return werr
	}
	return nil
}

// List returns the names of the regular files in the directory, leaving
// out temporary files of writes in progress. A missing directory is an
// empty history.
func (d *Dir) List(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(d.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names, ctx.Err()
}

// Get reads name.
func (d *Dir) Get(ctx context.Context, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(d.path, name))
}

// S3API is the part of the S3 client a Bucket uses.
type S3API interface {
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

var _ S3API = (*s3.Client)(nil)

// Bucket is a Store under an S3 prefix. Each name is the key
// prefix + name; a PutObject replaces an object whole, so writes are
// atomic.
type Bucket struct {
	api    S3API
	bucket string
	prefix string // "" or ending in "/"
}

// NewBucket returns a Store in bucket under prefix ("" or "drills/";
// a missing trailing slash is added).
func NewBucket(api S3API, bucket, prefix string) *Bucket {
	prefix = strings.TrimPrefix(prefix, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &Bucket{api: api, bucket: bucket, prefix: prefix}
}

// URI returns "s3://bucket/prefix".
func (b *Bucket) URI() string { return "s3://" + b.bucket + "/" + b.prefix }

// Put uploads name as application/json.
func (b *Bucket) Put(ctx context.Context, name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	_, err := b.api.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(b.bucket),
		Key:         aws.String(b.prefix + name),
		Body:        bytes.NewReader(data),
		ContentType: aws.String("application/json"),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s%s: %w", b.bucket, b.prefix, name, err)
	}
	return nil
}

// List pages through ListObjectsV2 under the prefix (not below it:
// "sub/x.json" is another history's file).
func (b *Bucket) List(ctx context.Context) ([]string, error) {
	var names []string
	in := &s3.ListObjectsV2Input{Bucket: aws.String(b.bucket), Prefix: aws.String(b.prefix), Delimiter: aws.String("/")}
	for {
		out, err := b.api.ListObjectsV2(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", b.bucket, b.prefix, err)
		}
		for _, o := range out.Contents {
			n := strings.TrimPrefix(aws.ToString(o.Key), b.prefix)
			if n != "" && !strings.Contains(n, "/") {
				names = append(names, n)
			}
		}
		if !aws.ToBool(out.IsTruncated) || aws.ToString(out.NextContinuationToken) == "" {
			return names, nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// Get downloads name.
func (b *Bucket) Get(ctx context.Context, name string) ([]byte, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	out, err := b.api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(b.prefix + name)})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s%s: %w", b.bucket, b.prefix, name, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// ParseLocation splits an "s3://bucket/prefix" location; ok is false for
// anything else (a local path). It rejects an s3:// location without a
// valid bucket name.
func ParseLocation(loc string) (bucket, prefix string, ok bool, err error) {
	rest, isS3 := strings.CutPrefix(loc, "s3://")
	if !isS3 {
		if loc == "" {
			return "", "", false, errors.New("history location is empty: want a directory or s3://bucket/prefix")
		}
		return "", "", false, nil
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !validBucket(bucket) {
		return "", "", true, fmt.Errorf("history location %q: bucket %q is not a valid S3 bucket name (3–63 of a-z, 0-9, '.', '-')", loc, bucket)
	}
	return bucket, path.Clean("/" + prefix)[1:], true, nil
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (c == '.' || c == '-') && i > 0 && i < len(b)-1
		if !ok {
			return false
		}
	}
	return true
}

// Open returns the Store for a location: "s3://bucket/prefix" is a Bucket
// over the client newS3 returns (called only for S3 locations), anything
// else a Dir.
func Open(loc string, newS3 func() (S3API, error)) (Store, error) {
	bucket, prefix, isS3, err := ParseLocation(loc)
	if err != nil {
		return nil, err
	}
	if !isS3 {
		return NewDir(loc), nil
	}
	api, err := newS3()
	if err != nil {
		return nil, err
	}
	return NewBucket(api, bucket, prefix), nil
}
