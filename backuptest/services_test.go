package backuptest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

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

// These tests call the emulator's EC2, RDS, DynamoDB, EFS, FSx and S3 APIs
// over HTTP with the real SDK clients: paginators, waiters, typed errors
// and the protocols' error envelopes, as code run against AWS sees them.

const acct = "arn:aws:%s:us-east-1:123456789012:%s"

func seed(t *testing.T, srv *backuptest.Server, rs ...backuptest.Resource) {
	t.Helper()
	for _, r := range rs {
		if err := srv.PutResource(r); err != nil {
			t.Fatal(err)
		}
	}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// fastWaiter bounds an SDK waiter's polls for a test.
const waitMin, waitMax = 10 * time.Millisecond, 50 * time.Millisecond

func TestEC2OnTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.DeleteDuration = time.Second }) // long enough to see the deleting state on a loaded machine
	for i := range 12 {
		env := "prod"
		if i%3 == 0 {
			env = "dev"
		}
		seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "ec2", fmt.Sprintf("volume/vol-%02d", i)), SizeBytes: 10 << 30, Tags: map[string]string{"env": env}})
	}
	seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "ec2", "instance/i-1"), Attributes: map[string]string{"instanceType": "m5.large"}})
	seed(t, srv, backuptest.Resource{ARN: "arn:aws:ec2:eu-west-1:123456789012:volume/vol-elsewhere"})
	c := ec2.NewFromConfig(srv.Config())
	ctx := t.Context()

	t.Run("paginator", func(t *testing.T) {
		p := ec2.NewDescribeVolumesPaginator(c, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(5)})
		pages, n := 0, 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			n += len(out.Volumes)
		}
		if pages != 3 || n != 12 {
			t.Errorf("got %d volumes in %d pages; want 12 in 3 (the eu-west-1 volume is another Region's)", n, pages)
		}
	})
	t.Run("MaxResults range", func(t *testing.T) {
		// EC2 API reference, DescribeVolumes, MaxResults: "between 5 and
		// 1000; if MaxResults is given a value larger than 1000, only 1000
		// results are returned".
		if _, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(4)}); code(err) != "InvalidParameterValue" {
			t.Errorf("MaxResults 4: %v; want InvalidParameterValue", err)
		}
		for _, n := range []int32{1000, 5000} {
			out, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(n)})
			if err != nil || len(out.Volumes) != 12 || out.NextToken != nil {
				t.Errorf("MaxResults %d: %d volumes, %v; want all 12 in one page", n, len(out.Volumes), err)
			}
		}
	})
	t.Run("filters", func(t *testing.T) {
		out, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:env"), Values: []string{"dev"}}, {Name: aws.String("status"), Values: []string{"avail*"}}}})
		if err != nil || len(out.Volumes) != 4 {
			t.Fatalf("dev volumes = %d, %v; want 4", len(out.Volumes), err)
		}
		v := out.Volumes[0]
		if aws.ToInt32(v.Size) != 10 || v.State != ec2types.VolumeStateAvailable || len(v.Tags) != 1 || v.CreateTime == nil {
			t.Errorf("volume %+v; want 10 GiB, available, one tag, a create time", v)
		}
		_, err = c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{Filters: []ec2types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}})
		if code(err) != "InvalidParameterValue" || !strings.Contains(err.Error(), "bogus") {
			t.Errorf("unknown filter: %v; want InvalidParameterValue naming it", err)
		}
	})
	t.Run("not found and dry run", func(t *testing.T) {
		_, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-01", "vol-missing"}})
		if code(err) != "InvalidVolume.NotFound" || !strings.Contains(err.Error(), "vol-missing") {
			t.Errorf("DescribeVolumes(missing) = %v; want InvalidVolume.NotFound naming it", err)
		}
		_, err = c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"i-missing"}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		if code(err) != "InvalidInstanceID.NotFound" {
			t.Errorf("CreateTags(missing instance) = %v; want InvalidInstanceID.NotFound", err)
		}
		_, err = c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String("vol-01"), DryRun: aws.Bool(true)})
		if code(err) != "DryRunOperation" {
			t.Errorf("DeleteVolume(DryRun) = %v; want DryRunOperation", err)
		}
	})
	t.Run("delete volume then the VolumeDeleted waiter", func(t *testing.T) {
		if _, err := c.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String("vol-11")}); err != nil {
			t.Fatal(err)
		}
		out, err := c.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-11"}})
		if err != nil || out.Volumes[0].State != ec2types.VolumeStateDeleting {
			t.Fatalf("right after DeleteVolume: %+v, %v; want deleting", out, err)
		}
		w := ec2.NewVolumeDeletedWaiter(c, func(o *ec2.VolumeDeletedWaiterOptions) { o.MinDelay, o.MaxDelay = waitMin, waitMax })
		if err := w.Wait(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{"vol-11"}}, 10*time.Second); err != nil {
			t.Fatalf("VolumeDeleted waiter: %v", err)
		}
		if _, ok := srv.Resource(fmt.Sprintf(acct, "ec2", "volume/vol-11")); ok {
			t.Error("deleted volume still in the inventory")
		}
	})
	t.Run("terminate then the InstanceTerminated waiter; terminated stays describable", func(t *testing.T) {
		out, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-1"}})
		if err != nil || out.TerminatingInstances[0].CurrentState.Name != ec2types.InstanceStateNameShuttingDown || out.TerminatingInstances[0].PreviousState.Name != ec2types.InstanceStateNameRunning {
			t.Fatalf("TerminateInstances = %+v, %v; want running → shutting-down", out, err)
		}
		w := ec2.NewInstanceTerminatedWaiter(c, func(o *ec2.InstanceTerminatedWaiterOptions) { o.MinDelay, o.MaxDelay = waitMin, waitMax })
		if err := w.Wait(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1"}}, 10*time.Second); err != nil {
			t.Fatalf("InstanceTerminated waiter: %v", err)
		}
		d, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1"}})
		if err != nil || d.Reservations[0].Instances[0].State.Name != ec2types.InstanceStateNameTerminated || aws.ToInt32(d.Reservations[0].Instances[0].State.Code) != 48 {
			t.Errorf("terminated instance: %+v, %v; want state terminated (48)", d, err)
		}
		if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-1"}}); err != nil {
			t.Errorf("terminating a terminated instance: %v; want success", err)
		}
	})
}

func TestRDSOnTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.DeleteDuration = time.Second }) // long enough to see the deleting state on a loaded machine
	for i := range 25 {
		seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "rds", fmt.Sprintf("db:db-%02d", i)), Attributes: map[string]string{"engine": "mysql"}})
	}
	seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "rds", "cluster:ledger"), Type: "Aurora"})
	c := rds.NewFromConfig(srv.Config())
	ctx := t.Context()

	p := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
	pages, n := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages, n = pages+1, n+len(out.DBInstances)
	}
	if pages != 2 || n != 25 {
		t.Errorf("paginator: %d instances in %d pages; want 25 in 2", n, pages)
	}
	if _, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(5)}); code(err) != "InvalidParameterValue" {
		t.Errorf("MaxRecords 5: %v; want InvalidParameterValue", err)
	}
	_, err := c.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")})
	var nf *rdstypes.DBInstanceNotFoundFault
	if !errors.As(err, &nf) || code(err) != "DBInstanceNotFound" {
		t.Errorf("missing instance: %v; want *DBInstanceNotFoundFault with wire code DBInstanceNotFound", err)
	}
	if _, err := c.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: aws.String(fmt.Sprintf(acct, "rds", "db:db-00")), Tags: []rdstypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTagsForResource(ctx, &rds.ListTagsForResourceInput{ResourceName: aws.String(fmt.Sprintf(acct, "rds", "db:db-00"))})
	if err != nil || len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Value) != "a" {
		t.Errorf("tags = %+v, %v; want team=a", tags, err)
	}
	del, err := c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db-00"), SkipFinalSnapshot: aws.Bool(true)})
	if err != nil || aws.ToString(del.DBInstance.DBInstanceStatus) != "deleting" {
		t.Fatalf("DeleteDBInstance = %+v, %v; want deleting", del, err)
	}
	if _, err := c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("db-00"), SkipFinalSnapshot: aws.Bool(true)}); code(err) != "InvalidDBInstanceState" {
		t.Errorf("second delete: %v; want InvalidDBInstanceState", err)
	}
	w := rds.NewDBInstanceDeletedWaiter(c, func(o *rds.DBInstanceDeletedWaiterOptions) { o.MinDelay, o.MaxDelay = waitMin, waitMax })
	if err := w.Wait(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("db-00")}, 10*time.Second); err != nil {
		t.Fatalf("DBInstanceDeleted waiter: %v", err)
	}
	cl, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("ledger")})
	if err != nil || aws.ToString(cl.DBClusters[0].Engine) != "aurora-postgresql" {
		t.Fatalf("DescribeDBClusters = %+v, %v", cl, err)
	}
	if _, err := c.DeleteDBCluster(ctx, &rds.DeleteDBClusterInput{DBClusterIdentifier: aws.String("ledger"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	cw := rds.NewDBClusterDeletedWaiter(c, func(o *rds.DBClusterDeletedWaiterOptions) { o.MinDelay, o.MaxDelay = waitMin, waitMax })
	if err := cw.Wait(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("ledger")}, 10*time.Second); err != nil {
		t.Fatalf("DBClusterDeleted waiter: %v", err)
	}
	var cnf *rdstypes.DBClusterNotFoundFault
	if _, err := c.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String("ledger")}); !errors.As(err, &cnf) {
		t.Errorf("deleted cluster: %v; want *DBClusterNotFoundFault", err)
	}
}

func TestDynamoDBOnTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.DeleteDuration = time.Second }) // long enough to see the deleting state on a loaded machine
	for i := range 7 {
		seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "dynamodb", fmt.Sprintf("table/t%d", i)), Attributes: map[string]string{"itemCount": "42"}})
	}
	c := dynamodb.NewFromConfig(srv.Config())
	ctx := t.Context()
	p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{Limit: aws.Int32(3)})
	var names []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, out.TableNames...)
	}
	if len(names) != 7 || names[0] != "t0" || names[6] != "t6" {
		t.Errorf("ListTables pages = %v; want t0…t6", names)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t1")})
	if err != nil || d.Table.TableStatus != ddbtypes.TableStatusActive || aws.ToInt64(d.Table.ItemCount) != 42 {
		t.Fatalf("DescribeTable = %+v, %v; want ACTIVE with 42 items", d, err)
	}
	arn := aws.ToString(d.Table.TableArn)
	if _, err := c.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: aws.String(arn), Tags: []ddbtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := c.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)}); err != nil || len(tags.Tags) != 1 {
		t.Errorf("ListTagsOfResource = %+v, %v; want one tag", tags, err)
	}
	del, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("t1")})
	if err != nil || del.TableDescription.TableStatus != ddbtypes.TableStatusDeleting {
		t.Fatalf("DeleteTable = %+v, %v; want DELETING", del, err)
	}
	var inUse *ddbtypes.ResourceInUseException
	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("t1")}); !errors.As(err, &inUse) {
		t.Errorf("second DeleteTable: %v; want *ResourceInUseException", err)
	}
	w := dynamodb.NewTableNotExistsWaiter(c, func(o *dynamodb.TableNotExistsWaiterOptions) { o.MinDelay, o.MaxDelay = waitMin, waitMax })
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t1")}, 10*time.Second); err != nil {
		t.Fatalf("TableNotExists waiter: %v", err)
	}
	var nf *ddbtypes.ResourceNotFoundException
	if _, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("t1")}); !errors.As(err, &nf) || !strings.Contains(aws.ToString(nf.Message), "t1") {
		t.Errorf("deleted table: %v; want *ResourceNotFoundException naming it", err)
	}
}

func TestEFSAndFSxOnTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.DeleteDuration = time.Hour })
	for i := range 5 {
		seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "elasticfilesystem", fmt.Sprintf("file-system/fs-e%d", i)), Tags: map[string]string{"Name": fmt.Sprintf("share-%d", i)}})
		seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "fsx", fmt.Sprintf("file-system/fs-x%d", i)), SizeBytes: 1200 << 30, Attributes: map[string]string{"fileSystemType": "LUSTRE"}})
	}
	ctx := t.Context()
	e := efs.NewFromConfig(srv.Config())
	p := efs.NewDescribeFileSystemsPaginator(e, &efs.DescribeFileSystemsInput{MaxItems: aws.Int32(2)})
	n, pages := 0, 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, pages = n+len(out.FileSystems), pages+1
	}
	if n != 5 || pages != 3 {
		t.Errorf("EFS paginator: %d file systems in %d pages; want 5 in 3", n, pages)
	}
	one, err := e.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-e1")})
	if err != nil || aws.ToString(one.FileSystems[0].Name) != "share-1" || one.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateAvailable {
		t.Fatalf("DescribeFileSystems(fs-e1) = %+v, %v", one, err)
	}
	var enf *efstypes.FileSystemNotFound
	if _, err := e.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-nope")}); !errors.As(err, &enf) || aws.ToString(enf.ErrorCode_) != "FileSystemNotFound" {
		t.Errorf("missing EFS: %v; want *FileSystemNotFound", err)
	}
	if _, err := e.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String("fs-e1")}); err != nil {
		t.Fatal(err)
	}
	if one, err := e.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String("fs-e1")}); err != nil || one.FileSystems[0].LifeCycleState != efstypes.LifeCycleStateDeleting {
		t.Errorf("deleted EFS: %+v, %v; want deleting while DeleteDuration runs", one, err)
	}

	x := fsx.NewFromConfig(srv.Config())
	xp := fsx.NewDescribeFileSystemsPaginator(x, &fsx.DescribeFileSystemsInput{MaxResults: aws.Int32(4)})
	n = 0
	for xp.HasMorePages() {
		out, err := xp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.FileSystems)
	}
	if n != 5 {
		t.Errorf("FSx paginator: %d file systems; want 5", n)
	}
	var xnf *fsxtypes.FileSystemNotFound
	if _, err := x.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{"fs-nope"}}); !errors.As(err, &xnf) || !strings.Contains(aws.ToString(xnf.Message), "fs-nope") {
		t.Errorf("missing FSx: %v; want *FileSystemNotFound naming it", err)
	}
	del, err := x.DeleteFileSystem(ctx, &fsx.DeleteFileSystemInput{FileSystemId: aws.String("fs-x0")})
	if err != nil || del.Lifecycle != fsxtypes.FileSystemLifecycleDeleting {
		t.Errorf("FSx DeleteFileSystem = %+v, %v; want DELETING", del, err)
	}
}

// localhostDialer sends every connection to addr, so that virtual-hosted
// S3 names (bucket.localhost) reach the test server.
func localhostDialer(addr string) func(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
}

func TestS3OnTheWire(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seed(t, srv, backuptest.Resource{ARN: "arn:aws:s3:::assets", Attributes: map[string]string{"objectCount": "2500"}},
		backuptest.Resource{ARN: "arn:aws:s3:::empty"})
	ctx := t.Context()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	hc := &http.Client{Transport: &http.Transport{DialContext: localhostDialer("127.0.0.1:" + port)}}
	clients := map[string]*s3.Client{
		"path-style":     s3.NewFromConfig(srv.Config(), func(o *s3.Options) { o.UsePathStyle = true }),
		"virtual-hosted": s3.NewFromConfig(srv.Config(func(c *aws.Config) { c.BaseEndpoint = aws.String("http://localhost:" + port); c.HTTPClient = hc })),
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String("assets")})
			n, pages := 0, 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				n, pages = n+len(out.Contents), pages+1
			}
			if n != 2500 || pages != 3 {
				t.Errorf("ListObjectsV2 paginator: %d objects in %d pages; want 2500 in 3", n, pages)
			}
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("assets")}); err != nil {
				t.Errorf("HeadBucket(assets): %v", err)
			}
			var nf *s3types.NotFound
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nope")}); !errors.As(err, &nf) {
				t.Errorf("HeadBucket(nope): %v; want *types.NotFound", err)
			}
			var nsb *s3types.NoSuchBucket
			if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("nope")}); !errors.As(err, &nsb) {
				t.Errorf("ListObjectsV2(nope): %v; want *types.NoSuchBucket", err)
			}
			if _, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("empty")}); code(err) != "NoSuchTagSet" {
				t.Errorf("GetBucketTagging(untagged): %v; want NoSuchTagSet", err)
			}
		})
	}
	c := clients["virtual-hosted"]
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("empty"), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}); err != nil {
		t.Fatal(err)
	}
	if out, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("empty")}); err != nil || len(out.TagSet) != 1 {
		t.Errorf("GetBucketTagging = %+v, %v; want k=v", out, err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("assets")}); code(err) != "BucketNotEmpty" {
		t.Errorf("DeleteBucket(non-empty): %v; want BucketNotEmpty", err)
	}
	// Empty the bucket version by version, as the drill's cleanup does.
	in := &s3.ListObjectVersionsInput{Bucket: aws.String("assets")}
	for {
		out, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range out.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("assets"), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			t.Fatal(err)
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("assets")}); err != nil {
		t.Fatalf("DeleteBucket(emptied): %v", err)
	}
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != "empty" {
		t.Errorf("ListBuckets = %+v, %v; want only empty", lb, err)
	}
}

func TestServicesFaultsLatencyAndCallLog(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seed(t, srv, backuptest.Resource{ARN: fmt.Sprintf(acct, "ec2", "volume/vol-1")})
	srv.InjectFault(backuptest.Fault{Service: "ec2", Operation: "DescribeVolumes", ErrorCode: "RequestLimitExceeded", HTTPStatus: 503, Count: 1})
	srv.InjectFault(backuptest.Fault{Service: "dynamodb", Latency: time.Second})
	ctx := t.Context()
	if _, err := ec2.NewFromConfig(srv.Config()).DescribeVolumes(ctx, &ec2.DescribeVolumesInput{}); err != nil {
		t.Fatalf("DescribeVolumes after one injected throttle: %v; want the SDK to retry", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := dynamodb.NewFromConfig(srv.Config()).DescribeTable(short, &dynamodb.DescribeTableInput{TableName: aws.String("t")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("DescribeTable under 1s injected latency with a 50ms deadline: %v; want DeadlineExceeded", err)
	}
	var got []string
	for _, c := range srv.Calls() {
		got = append(got, fmt.Sprintf("%s %s %d %s", c.Service, c.Operation, c.Status, c.ErrorCode))
	}
	want := []string{"ec2 DescribeVolumes 503 RequestLimitExceeded", "ec2 DescribeVolumes 200 "}
	if len(got) < 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("call log = %q; want it to start with %q", got, want)
	}
	if srv.CallCount("DescribeVolumes") != 1 {
		t.Errorf("CallCount(DescribeVolumes) = %d; want 1 success", srv.CallCount("DescribeVolumes"))
	}
}

// TestServicesBadRequests sends what no SDK sends: unknown operations,
// malformed forms, JSON and XML. Each gets the protocol's client error
// naming the problem, never a 5xx or a panic.
func TestServicesBadRequests(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	seed(t, srv, backuptest.Resource{ARN: "arn:aws:s3:::b1"})
	sig := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=AKIDX/20260101/us-east-1/" + service + "/aws4_request, SignedHeaders=host, Signature=00"
	}
	tests := []struct {
		name, service, method, path, contentType, target, body string
		wantStatus                                             int
		wantIn                                                 []string
	}{
		{"ec2 unknown action", "ec2", "POST", "/", "application/x-www-form-urlencoded", "", "Action=DescribeImages&Version=2016-11-15", 400, []string{"<Code>InvalidAction</Code>", "DescribeImages", "<RequestID>"}},
		{"ec2 malformed form", "ec2", "POST", "/", "application/x-www-form-urlencoded", "", "Action=DescribeVolumes&%zz", 400, []string{"MalformedQueryString"}},
		{"ec2 bad list index", "ec2", "POST", "/", "application/x-www-form-urlencoded", "", "Action=DescribeVolumes&VolumeId.x=1", 400, []string{"InvalidParameterValue", "VolumeId.x"}},
		{"ec2 bad integer", "ec2", "POST", "/", "application/x-www-form-urlencoded", "", "Action=DescribeVolumes&MaxResults=many", 400, []string{"InvalidParameterValue", "MaxResults"}},
		{"ec2 no action", "ec2", "POST", "/", "application/x-www-form-urlencoded", "", "Version=2016-11-15", 400, []string{"MissingAction"}},
		{"rds unknown action", "rds", "POST", "/", "application/x-www-form-urlencoded", "", "Action=CreateDBInstance&Version=2014-10-31", 400, []string{"<ErrorResponse", "<Type>Sender</Type>", "InvalidAction", "CreateDBInstance"}},
		{"dynamodb unknown operation", "dynamodb", "POST", "/", "application/x-amz-json-1.0", "DynamoDB_20120810.PutItem", "{}", 400, []string{`"__type":"UnknownOperationException"`, "PutItem"}},
		{"dynamodb bad json", "dynamodb", "POST", "/", "application/x-amz-json-1.0", "DynamoDB_20120810.DescribeTable", `{"TableName":`, 400, []string{"SerializationException"}},
		{"dynamodb wrong type", "dynamodb", "POST", "/", "application/x-amz-json-1.0", "DynamoDB_20120810.DescribeTable", `{"TableName":7}`, 400, []string{"SerializationException", "TableName"}},
		{"fsx unknown operation", "fsx", "POST", "/", "application/x-amz-json-1.1", "AWSSimbaAPIService_v20180301.CreateFileSystem", "{}", 400, []string{"UnknownOperationException", "CreateFileSystem"}},
		{"fsx wrong target", "fsx", "POST", "/", "application/x-amz-json-1.1", "Nope.DescribeFileSystems", "{}", 400, []string{"UnknownOperationException"}},
		{"s3 unknown sub-resource", "s3", "GET", "/b1?acl", "", "", "", 501, []string{"<Code>NotImplemented</Code>", "acl"}},
		{"s3 bad xml", "s3", "PUT", "/b1?tagging", "application/xml", "", "<Tagging><TagSet>", 400, []string{"MalformedXML"}},
		{"s3 bad max-keys", "s3", "GET", "/b1?list-type=2&max-keys=lots", "", "", "", 400, []string{"InvalidArgument", "max-keys"}},
		{"efs unknown route", "elasticfilesystem", "GET", "/2015-02-01/access-points", "", "", "", 404, []string{"UnknownOperationException", "access-points"}},
		{"efs bad MaxItems", "elasticfilesystem", "GET", "/2015-02-01/file-systems?MaxItems=x", "", "", "", 400, []string{"BadRequest", "MaxItems"}},
		{"unknown service", "sqs", "POST", "/", "application/x-www-form-urlencoded", "", "Action=ListQueues", 404, []string{"UnknownOperationException", "sqs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", sig(tt.service))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %d; want %d; body %s", resp.StatusCode, tt.wantStatus, b)
			}
			for _, w := range tt.wantIn {
				if !strings.Contains(string(b), w) {
					t.Errorf("body %s lacks %q", b, w)
				}
			}
		})
	}
}
