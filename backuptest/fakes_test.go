package backuptest_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backuptest"
)

func put(t *testing.T, e *backuptest.Emulator, r backuptest.Resource) {
	t.Helper()
	if err := e.PutResource(r); err != nil {
		t.Fatal(err)
	}
}

func TestFakeEC2(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	put(t, e, backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", SizeBytes: 5<<30 + 1})
	put(t, e, backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-1", Attributes: map[string]string{"instanceType": "m5.large"}})
	f := backuptest.NewFakeEC2(e)
	ctx := t.Context()
	v, err := f.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-1"}})
	if err != nil || len(v.Volumes) != 1 || aws.ToInt32(v.Volumes[0].Size) != 6 || v.Volumes[0].State != ec2types.VolumeStateAvailable {
		t.Fatalf("DescribeVolumes = %+v, %v; want one available 6 GiB volume", v, err)
	}
	if _, err := f.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"vol-1", "i-1"}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	in, err := f.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1"}})
	if err != nil || in.Reservations[0].Instances[0].InstanceType != "m5.large" || len(in.Reservations[0].Instances[0].Tags) != 1 {
		t.Fatalf("DescribeInstances = %+v, %v; want the tagged m5.large", in, err)
	}
	if _, err := f.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String("vol-1")}); err != nil {
		t.Fatal(err)
	}
	_, err = f.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-1"}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidVolume.NotFound" {
		t.Errorf("DescribeVolumes after delete error = %v; want InvalidVolume.NotFound", err)
	}
	if _, err := f.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-1"}}); err != nil {
		t.Fatal(err)
	}
	if len(e.Resources()) != 0 {
		t.Errorf("inventory = %v; want empty", e.Resources())
	}
	if f.CallCount() != 6 {
		t.Errorf("CallCount() = %d; want 6", f.CallCount())
	}
}

func TestFakeRDS(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	db := "arn:aws:rds:us-east-1:123456789012:db:orders"
	cl := "arn:aws:rds:us-east-1:123456789012:cluster:ledger"
	put(t, e, backuptest.Resource{ARN: db})
	put(t, e, backuptest.Resource{ARN: cl})
	f := backuptest.NewFakeRDS(e)
	ctx := t.Context()
	if _, err := f.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: aws.String(db), Tags: []rdstypes.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}); err != nil {
		t.Fatal(err)
	}
	out, err := f.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("orders")})
	if err != nil || aws.ToString(out.DBInstances[0].DBInstanceStatus) != "available" || len(out.DBInstances[0].TagList) != 1 {
		t.Fatalf("DescribeDBInstances = %+v, %v; want available with one tag", out, err)
	}
	c, err := f.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(cl)})
	if err != nil || aws.ToString(c.DBClusters[0].DBClusterIdentifier) != "ledger" {
		t.Fatalf("DescribeDBClusters = %+v, %v", c, err)
	}
	if _, err := f.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("orders")}); err == nil {
		t.Errorf("DeleteDBInstance without SkipFinalSnapshot or a final snapshot = nil; want an error like RDS")
	}
	if _, err := f.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("orders"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(db)})
	var nf *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &nf) {
		t.Errorf("DescribeDBInstances after delete error = %v; want *DBInstanceNotFoundFault", err)
	}
	if _, err := f.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("ledger"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("ledger")})
	var cnf *rdstypes.DBClusterNotFoundFault
	if !errors.As(err, &cnf) {
		t.Errorf("DescribeDBClusters after delete error = %v; want *DBClusterNotFoundFault", err)
	}
}

func TestFakeDynamoDBEFSFSx(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	efsARN := "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1"
	fsxARN := "arn:aws:fsx:us-east-1:123456789012:file-system/fs-2"
	put(t, e, backuptest.Resource{ARN: table, Attributes: map[string]string{"itemCount": "9"}})
	put(t, e, backuptest.Resource{ARN: efsARN})
	put(t, e, backuptest.Resource{ARN: fsxARN, SizeBytes: 32 << 30, Attributes: map[string]string{"fileSystemType": "LUSTRE", "state": "CREATING"}})
	fs := backuptest.NewFakes(e)
	ctx := t.Context()

	d, err := fs.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("orders")})
	if err != nil || aws.ToInt64(d.Table.ItemCount) != 9 || d.Table.TableStatus != ddbtypes.TableStatusActive {
		t.Fatalf("DescribeTable = %+v, %v; want ACTIVE with 9 items", d, err)
	}
	if _, err := fs.DynamoDB.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(table), Tags: []ddbtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := fs.DynamoDB.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(table)})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("ListTagsOfResource = %+v, %v; want one tag", tags, err)
	}
	if _, err := fs.DynamoDB.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatal(err)
	}
	var rnf *ddbtypes.ResourceNotFoundException
	if _, err := fs.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}); !errors.As(err, &rnf) {
		t.Errorf("DescribeTable after delete error = %v; want *ResourceNotFoundException", err)
	}

	if _, err := fs.EFS.TagResource(ctx, &efs.TagResourceInput{ResourceId: aws.String("fs-1"), Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("home")}}}); err != nil {
		t.Fatal(err)
	}
	ef, err := fs.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-1")})
	if err != nil || aws.ToString(ef.FileSystems[0].Name) != "home" || ef.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("EFS DescribeFileSystems = %+v, %v; want available, named home", ef, err)
	}
	if _, err := fs.EFS.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String("fs-1")}); err != nil {
		t.Fatal(err)
	}
	var enf *efstypes.FileSystemNotFound
	if _, err := fs.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-1")}); !errors.As(err, &enf) {
		t.Errorf("EFS describe after delete error = %v; want *FileSystemNotFound", err)
	}

	fx, err := fs.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{"fs-2"}})
	if err != nil || fx.FileSystems[0].Lifecycle != fsxtypes.FileSystemLifecycleCreating || fx.FileSystems[0].FileSystemType != fsxtypes.FileSystemTypeLustre || aws.ToInt32(fx.FileSystems[0].StorageCapacity) != 32 {
		t.Fatalf("FSx DescribeFileSystems = %+v, %v; want CREATING 32 GiB LUSTRE (state attribute)", fx, err)
	}
	if _, err := fs.FSx.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String("fs-2")}); err != nil {
		t.Fatal(err)
	}
	var fnf *fsxtypes.FileSystemNotFound
	if _, err := fs.FSx.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{"fs-2"}}); !errors.As(err, &fnf) {
		t.Errorf("FSx describe after delete error = %v; want *FileSystemNotFound", err)
	}
}

func TestFakeS3(t *testing.T) {
	t.Parallel()
	e := backuptest.New()
	put(t, e, backuptest.Resource{ARN: "arn:aws:s3:::assets", Attributes: map[string]string{"objectCount": "1500"}})
	f := backuptest.NewFakeS3(e)
	ctx := t.Context()
	b := aws.String("assets")
	if _, err := f.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}); err == nil {
		t.Errorf("GetBucketTagging of an untagged bucket = nil; want NoSuchTagSet")
	}
	if _, err := f.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: b, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}); err != nil {
		t.Fatal(err)
	}
	tg, err := f.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
	if err != nil || len(tg.TagSet) != 1 {
		t.Fatalf("GetBucketTagging = %+v, %v; want one tag", tg, err)
	}
	p1, err := f.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
	if err != nil || aws.ToInt32(p1.KeyCount) != 1000 || !aws.ToBool(p1.IsTruncated) {
		t.Fatalf("ListObjectsV2 page 1 = %v keys, truncated %v, %v; want 1000, true", aws.ToInt32(p1.KeyCount), aws.ToBool(p1.IsTruncated), err)
	}
	p2, err := f.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b, ContinuationToken: p1.NextContinuationToken})
	if err != nil || aws.ToInt32(p2.KeyCount) != 500 || aws.ToBool(p2.IsTruncated) {
		t.Fatalf("ListObjectsV2 page 2 = %v keys, truncated %v, %v; want 500, false", aws.ToInt32(p2.KeyCount), aws.ToBool(p2.IsTruncated), err)
	}
	if _, err := f.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}); err == nil {
		t.Errorf("DeleteBucket of a non-empty bucket = nil; want BucketNotEmpty")
	}
	for {
		v, err := f.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Versions) == 0 {
			break
		}
		var ids []s3types.ObjectIdentifier
		for _, o := range v.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: o.Key, VersionId: o.VersionId})
		}
		if _, err := f.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &s3types.Delete{Objects: ids}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}); err != nil {
		t.Fatal(err)
	}
	var nf *s3types.NotFound
	if _, err := f.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b}); !errors.As(err, &nf) {
		t.Errorf("HeadBucket after delete error = %v; want *types.NotFound", err)
	}
}
