package backuptest

// NewFakes returns clients of the EC2, RDS, DynamoDB, EFS, FSx and S3
// operations a restore drill uses to tag, validate and delete what a
// restore created, wired to the emulator in process: each fake is the
// service's real SDK client whose HTTP transport calls the emulator's
// handler directly, so a fake answers exactly what the emulator's endpoint
// answers (the handlers in internal/ec2, internal/rds, …, with AWS's error
// codes, pagination and deleting states), without a listening socket.
// Each method has the exact signature of the service client's method, so
// the fakes satisfy the narrow interfaces of backupkit's restore package
// (restore.EC2API, …).
//
//	srv := backuptest.NewServer(t)
//	f := backuptest.NewFakes(srv.Emulator)
//	services := restore.Services{EC2: f.EC2, RDS: f.RDS, DynamoDB: f.DynamoDB, EFS: f.EFS, FSx: f.FSx, S3: f.S3}
//
// Against a served emulator, real clients pointed at Server.URL do the
// same over HTTP (Server.Config, or AWS_ENDPOINT_URL). The fakes serve the
// emulator's default account and Region. Their calls appear in the call
// log (Call.Service names the service) and faults apply to them.

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Fakes bundles one fake per service, all over the same emulator.
type Fakes struct {
	EC2      *FakeEC2
	RDS      *FakeRDS
	DynamoDB *FakeDynamoDB
	EFS      *FakeEFS
	FSx      *FakeFSx
	S3       *FakeS3
}

// NewFakes returns fakes of every service over e.
func NewFakes(e *Emulator) *Fakes {
	return &Fakes{EC2: NewFakeEC2(e), RDS: NewFakeRDS(e), DynamoDB: NewFakeDynamoDB(e), EFS: NewFakeEFS(e), FSx: NewFakeFSx(e), S3: NewFakeS3(e)}
}

// CallCount returns how many calls all the fakes made.
func (f *Fakes) CallCount() int {
	return f.EC2.CallCount() + f.RDS.CallCount() + f.DynamoDB.CallCount() + f.EFS.CallCount() + f.FSx.CallCount() + f.S3.CallCount()
}

// InProcessConfig returns an aws.Config whose clients call e's handler in
// process (no socket), for the default account and Region.
func (e *Emulator) InProcessConfig() aws.Config {
	return aws.Config{
		Region:       e.opts.Region,
		Credentials:  staticCredentials(e.opts.AccountID),
		BaseEndpoint: aws.String("http://backuptest.invalid"),
		HTTPClient:   inProcess{e},
	}
}

// inProcess is an HTTP client that serves each request with the emulator's
// handler.
type inProcess struct{ h http.Handler }

func (c inProcess) Do(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// calls counts a fake's calls per operation.
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) record(op string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[op]++
	c.mu.Unlock()
}

// Calls returns how many times each operation was called.
func (c *calls) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// CallCount returns how many calls the fake made.
func (c *calls) CallCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

// FakeEC2 is the EC2 client of the volume and instance operations drills use.
type FakeEC2 struct {
	calls
	c *ec2.Client
}

// NewFakeEC2 returns an EC2 client over e in process.
func NewFakeEC2(e *Emulator) *FakeEC2 { return &FakeEC2{c: ec2.NewFromConfig(e.InProcessConfig())} }

// DescribeVolumes calls EC2 DescribeVolumes.
func (f *FakeEC2) DescribeVolumes(ctx context.Context, in *ec2.DescribeVolumesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	f.record("DescribeVolumes")
	return f.c.DescribeVolumes(ctx, in, optFns...)
}

// DescribeInstances calls EC2 DescribeInstances.
func (f *FakeEC2) DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.record("DescribeInstances")
	return f.c.DescribeInstances(ctx, in, optFns...)
}

// CreateTags calls EC2 CreateTags.
func (f *FakeEC2) CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.record("CreateTags")
	return f.c.CreateTags(ctx, in, optFns...)
}

// DeleteVolume calls EC2 DeleteVolume.
func (f *FakeEC2) DeleteVolume(ctx context.Context, in *ec2.DeleteVolumeInput, optFns ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error) {
	f.record("DeleteVolume")
	return f.c.DeleteVolume(ctx, in, optFns...)
}

// TerminateInstances calls EC2 TerminateInstances.
func (f *FakeEC2) TerminateInstances(ctx context.Context, in *ec2.TerminateInstancesInput, optFns ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	f.record("TerminateInstances")
	return f.c.TerminateInstances(ctx, in, optFns...)
}

// FakeRDS is the RDS client of the DB instance and cluster operations
// drills use (Aurora, DocumentDB and Neptune clusters too).
type FakeRDS struct {
	calls
	c *rds.Client
}

// NewFakeRDS returns an RDS client over e in process.
func NewFakeRDS(e *Emulator) *FakeRDS { return &FakeRDS{c: rds.NewFromConfig(e.InProcessConfig())} }

// DescribeDBInstances calls RDS DescribeDBInstances.
func (f *FakeRDS) DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f.record("DescribeDBInstances")
	return f.c.DescribeDBInstances(ctx, in, optFns...)
}

// DescribeDBClusters calls RDS DescribeDBClusters.
func (f *FakeRDS) DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	f.record("DescribeDBClusters")
	return f.c.DescribeDBClusters(ctx, in, optFns...)
}

// AddTagsToResource calls RDS AddTagsToResource.
func (f *FakeRDS) AddTagsToResource(ctx context.Context, in *rds.AddTagsToResourceInput, optFns ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error) {
	f.record("AddTagsToResource")
	return f.c.AddTagsToResource(ctx, in, optFns...)
}

// DeleteDBInstance calls RDS DeleteDBInstance.
func (f *FakeRDS) DeleteDBInstance(ctx context.Context, in *rds.DeleteDBInstanceInput, optFns ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error) {
	f.record("DeleteDBInstance")
	return f.c.DeleteDBInstance(ctx, in, optFns...)
}

// DeleteDBCluster calls RDS DeleteDBCluster.
func (f *FakeRDS) DeleteDBCluster(ctx context.Context, in *rds.DeleteDBClusterInput, optFns ...func(*rds.Options)) (*rds.DeleteDBClusterOutput, error) {
	f.record("DeleteDBCluster")
	return f.c.DeleteDBCluster(ctx, in, optFns...)
}

// FakeDynamoDB is the DynamoDB client of the table operations drills use.
type FakeDynamoDB struct {
	calls
	c *dynamodb.Client
}

// NewFakeDynamoDB returns a DynamoDB client over e in process.
func NewFakeDynamoDB(e *Emulator) *FakeDynamoDB {
	return &FakeDynamoDB{c: dynamodb.NewFromConfig(e.InProcessConfig())}
}

// DescribeTable calls DynamoDB DescribeTable.
func (f *FakeDynamoDB) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f.record("DescribeTable")
	return f.c.DescribeTable(ctx, in, optFns...)
}

// ListTagsOfResource calls DynamoDB ListTagsOfResource.
func (f *FakeDynamoDB) ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	f.record("ListTagsOfResource")
	return f.c.ListTagsOfResource(ctx, in, optFns...)
}

// TagResource calls DynamoDB TagResource.
func (f *FakeDynamoDB) TagResource(ctx context.Context, in *dynamodb.TagResourceInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error) {
	f.record("TagResource")
	return f.c.TagResource(ctx, in, optFns...)
}

// DeleteTable calls DynamoDB DeleteTable.
func (f *FakeDynamoDB) DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	f.record("DeleteTable")
	return f.c.DeleteTable(ctx, in, optFns...)
}

// FakeEFS is the EFS client of the file system operations drills use.
type FakeEFS struct {
	calls
	c *efs.Client
}

// NewFakeEFS returns an EFS client over e in process.
func NewFakeEFS(e *Emulator) *FakeEFS { return &FakeEFS{c: efs.NewFromConfig(e.InProcessConfig())} }

// DescribeFileSystems calls EFS DescribeFileSystems.
func (f *FakeEFS) DescribeFileSystems(ctx context.Context, in *efs.DescribeFileSystemsInput, optFns ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	f.record("DescribeFileSystems")
	return f.c.DescribeFileSystems(ctx, in, optFns...)
}

// TagResource calls EFS TagResource.
func (f *FakeEFS) TagResource(ctx context.Context, in *efs.TagResourceInput, optFns ...func(*efs.Options)) (*efs.TagResourceOutput, error) {
	f.record("TagResource")
	return f.c.TagResource(ctx, in, optFns...)
}

// DeleteFileSystem calls EFS DeleteFileSystem.
func (f *FakeEFS) DeleteFileSystem(ctx context.Context, in *efs.DeleteFileSystemInput, optFns ...func(*efs.Options)) (*efs.DeleteFileSystemOutput, error) {
	f.record("DeleteFileSystem")
	return f.c.DeleteFileSystem(ctx, in, optFns...)
}

// FakeFSx is the FSx client of the file system operations drills use.
type FakeFSx struct {
	calls
	c *fsx.Client
}

// NewFakeFSx returns an FSx client over e in process.
func NewFakeFSx(e *Emulator) *FakeFSx { return &FakeFSx{c: fsx.NewFromConfig(e.InProcessConfig())} }

// DescribeFileSystems calls FSx DescribeFileSystems.
func (f *FakeFSx) DescribeFileSystems(ctx context.Context, in *fsx.DescribeFileSystemsInput, optFns ...func(*fsx.Options)) (*fsx.DescribeFileSystemsOutput, error) {
	f.record("DescribeFileSystems")
	return f.c.DescribeFileSystems(ctx, in, optFns...)
}

// TagResource calls FSx TagResource.
func (f *FakeFSx) TagResource(ctx context.Context, in *fsx.TagResourceInput, optFns ...func(*fsx.Options)) (*fsx.TagResourceOutput, error) {
	f.record("TagResource")
	return f.c.TagResource(ctx, in, optFns...)
}

// DeleteFileSystem calls FSx DeleteFileSystem.
func (f *FakeFSx) DeleteFileSystem(ctx context.Context, in *fsx.DeleteFileSystemInput, optFns ...func(*fsx.Options)) (*fsx.DeleteFileSystemOutput, error) {
	f.record("DeleteFileSystem")
	return f.c.DeleteFileSystem(ctx, in, optFns...)
}

// FakeS3 is the S3 client (path-style) of the bucket operations drills use.
type FakeS3 struct {
	calls
	c *s3.Client
}

// NewFakeS3 returns an S3 client over e in process.
func NewFakeS3(e *Emulator) *FakeS3 {
	return &FakeS3{c: s3.NewFromConfig(e.InProcessConfig(), func(o *s3.Options) { o.UsePathStyle = true })}
}

// HeadBucket calls S3 HeadBucket.
func (f *FakeS3) HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	f.record("HeadBucket")
	return f.c.HeadBucket(ctx, in, optFns...)
}

// ListObjectsV2 calls S3 ListObjectsV2.
func (f *FakeS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.record("ListObjectsV2")
	return f.c.ListObjectsV2(ctx, in, optFns...)
}

// GetBucketTagging calls S3 GetBucketTagging.
func (f *FakeS3) GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	f.record("GetBucketTagging")
	return f.c.GetBucketTagging(ctx, in, optFns...)
}

// PutBucketTagging calls S3 PutBucketTagging.
func (f *FakeS3) PutBucketTagging(ctx context.Context, in *s3.PutBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error) {
	f.record("PutBucketTagging")
	return f.c.PutBucketTagging(ctx, in, optFns...)
}

// ListObjectVersions calls S3 ListObjectVersions.
func (f *FakeS3) ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, optFns ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	f.record("ListObjectVersions")
	return f.c.ListObjectVersions(ctx, in, optFns...)
}

// DeleteObjects calls S3 DeleteObjects.
func (f *FakeS3) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, optFns ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	f.record("DeleteObjects")
	return f.c.DeleteObjects(ctx, in, optFns...)
}

// DeleteBucket calls S3 DeleteBucket.
func (f *FakeS3) DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	f.record("DeleteBucket")
	return f.c.DeleteBucket(ctx, in, optFns...)
}
