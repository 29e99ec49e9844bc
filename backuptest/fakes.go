package backuptest

// In-process fakes of the EC2, RDS, DynamoDB, EFS, FSx and S3 operations a
// restore drill uses to tag, validate and delete what a restore created.
// They read and change the emulator's inventory (Resource, Resources,
// DeleteResource), so a drill against the emulator sees the restored
// resource appear and disappear. Each method has the exact signature of the
// service client's method, so the fakes satisfy the narrow interfaces of
// backupkit's restore package (restore.EC2API, …) structurally.
//
//	srv := backuptest.NewServer(t)
//	f := backuptest.NewFakes(srv.Emulator)
//	services := restore.Services{EC2: f.EC2, RDS: f.RDS, DynamoDB: f.DynamoDB, EFS: f.EFS, FSx: f.FSx, S3: f.S3}
//
// The fakes serve the emulator's default account and Region (ARNs are
// built from Options.AccountID and Options.Region; S3 ARNs have neither).
//
// Resource facts come from the inventory entry: Resource.SizeBytes is the
// EBS volume size (rounded up to GiB), the FSx storage capacity and the
// DynamoDB table size; Attributes "itemCount" (DynamoDB ItemCount),
// "objectCount" (S3 objects, named object-000000 …), "instanceType",
// "volumeType", "engine", "fileSystemType" (FSx, default WINDOWS) fill the
// matching fields; Attributes "state" overrides the state every fake
// otherwise reports as the available one (available, running, ACTIVE,
// AVAILABLE). Restored resources copy the source's attributes, as the
// emulator's restore jobs do.
//
// Known differences from AWS: deletion is immediate (no deleting or
// terminated phase: the resource is gone from the next describe); filters,
// paging of describe calls and most optional request members are ignored;
// DescribeVolumes/DescribeInstances/DescribeDBInstances/DescribeDBClusters/
// DescribeFileSystems without ids list every resource of the type; S3
// objects exist only as a count, with one version each; tag keys and
// values are not validated.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// NewFakes returns fakes of every service over e's inventory.
func NewFakes(e *Emulator) *Fakes {
	return &Fakes{EC2: NewFakeEC2(e), RDS: NewFakeRDS(e), DynamoDB: NewFakeDynamoDB(e), EFS: NewFakeEFS(e), FSx: NewFakeFSx(e), S3: NewFakeS3(e)}
}

// CallCount returns how many calls all the fakes answered.
func (f *Fakes) CallCount() int {
	return f.EC2.CallCount() + f.RDS.CallCount() + f.DynamoDB.CallCount() + f.EFS.CallCount() + f.FSx.CallCount() + f.S3.CallCount()
}

// fakeBase is the inventory access and call log shared by the fakes.
type fakeBase struct {
	e       *Emulator
	account string
	region  string
	mu      sync.Mutex
	calls   map[string]int
}

func newFakeBase(e *Emulator) fakeBase {
	o := e.Options()
	account, region := o.AccountID, o.Region
	if account == "" {
		account = DefaultAccountID
	}
	if region == "" {
		region = DefaultRegion
	}
	return fakeBase{e: e, account: account, region: region, calls: map[string]int{}}
}

func (f *fakeBase) record(op string) {
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
}

// Calls returns how many times each operation was called.
func (f *fakeBase) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.calls)
}

// CallCount returns how many calls the fake answered.
func (f *fakeBase) CallCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *fakeBase) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, f.region, f.account, resource)
}

// toARN accepts an ARN or builds one from an id.
func (f *fakeBase) toARN(idOrARN, service, prefix string) string {
	if strings.HasPrefix(idOrARN, "arn:") {
		return idOrARN
	}
	return f.arn(service, prefix+idOrARN)
}

func (f *fakeBase) get(arn string, types ...string) (Resource, bool) {
	r, ok := f.e.Resource(arn)
	if !ok || (len(types) > 0 && !slices.Contains(types, r.Type)) {
		return Resource{}, false
	}
	return r, true
}

func (f *fakeBase) list(types ...string) []Resource {
	var out []Resource
	prefix := fmt.Sprintf(":%s:%s:", f.region, f.account)
	for _, r := range f.e.Resources() {
		if slices.Contains(types, r.Type) && (r.Type == "S3" || strings.Contains(r.ARN, prefix)) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeBase) replaceTags(arn string, tags map[string]string) bool {
	r, ok := f.e.Resource(arn)
	if !ok {
		return false
	}
	r.Tags = tags
	return f.e.PutResource(r) == nil
}

func attr(r Resource, key, def string) string {
	if v, ok := r.Attributes[key]; ok && v != "" {
		return v
	}
	return def
}

func gib(bytes int64) int32 {
	g := (bytes + (1<<30 - 1)) >> 30
	return int32(max(g, 1))
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

func apiError(code, format string, args ...any) error {
	return &smithy.GenericAPIError{Code: code, Message: fmt.Sprintf(format, args...), Fault: smithy.FaultClient}
}

// ---- EC2 ----

// FakeEC2 fakes the EC2 volume and instance operations drills use.
type FakeEC2 struct{ fakeBase }

// NewFakeEC2 returns a fake EC2 client over e's inventory.
func NewFakeEC2(e *Emulator) *FakeEC2 { return &FakeEC2{newFakeBase(e)} }

func ec2Tags(m map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func (f *FakeEC2) volume(r Resource) ec2types.Volume {
	return ec2types.Volume{
		VolumeId: aws.String(r.Name), Size: aws.Int32(gib(r.SizeBytes)), State: ec2types.VolumeState(attr(r, "state", "available")),
		VolumeType: ec2types.VolumeType(attr(r, "volumeType", "gp3")), Tags: ec2Tags(r.Tags), CreateTime: aws.Time(r.CreationTime),
		AvailabilityZone: aws.String(f.region + "a"),
	}
}

// DescribeVolumes describes volumes by id (all EBS volumes when none).
func (f *FakeEC2) DescribeVolumes(_ context.Context, in *ec2.DescribeVolumesInput, _ ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error) {
	f.record("DescribeVolumes")
	out := &ec2.DescribeVolumesOutput{}
	if len(in.VolumeIds) == 0 {
		for _, r := range f.list("EBS") {
			out.Volumes = append(out.Volumes, f.volume(r))
		}
		return out, nil
	}
	for _, id := range in.VolumeIds {
		r, ok := f.get(f.arn("ec2", "volume/"+id), "EBS")
		if !ok {
			return nil, apiError("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
		}
		out.Volumes = append(out.Volumes, f.volume(r))
	}
	return out, nil
}

func (f *FakeEC2) instance(r Resource) ec2types.Instance {
	state := attr(r, "state", "running")
	return ec2types.Instance{
		InstanceId: aws.String(r.Name), InstanceType: ec2types.InstanceType(attr(r, "instanceType", "t3.micro")),
		State: &ec2types.InstanceState{Name: ec2types.InstanceStateName(state)}, Tags: ec2Tags(r.Tags), LaunchTime: aws.Time(r.CreationTime),
	}
}

// DescribeInstances describes instances by id (all EC2 instances when none).
func (f *FakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.record("DescribeInstances")
	res := ec2types.Reservation{ReservationId: aws.String("r-backuptest"), OwnerId: aws.String(f.account)}
	if len(in.InstanceIds) == 0 {
		for _, r := range f.list("EC2") {
			res.Instances = append(res.Instances, f.instance(r))
		}
	}
	for _, id := range in.InstanceIds {
		r, ok := f.get(f.arn("ec2", "instance/"+id), "EC2")
		if !ok {
			return nil, apiError("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
		res.Instances = append(res.Instances, f.instance(r))
	}
	out := &ec2.DescribeInstancesOutput{}
	if len(res.Instances) > 0 {
		out.Reservations = []ec2types.Reservation{res}
	}
	return out, nil
}

func (f *FakeEC2) idARN(id string) (string, error) {
	switch {
	case strings.HasPrefix(id, "vol-"):
		return f.arn("ec2", "volume/"+id), nil
	case strings.HasPrefix(id, "i-"):
		return f.arn("ec2", "instance/"+id), nil
	}
	return "", apiError("InvalidID", "The ID '%s' is not valid", id)
}

// CreateTags adds or overwrites tags of volumes and instances.
func (f *FakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.record("CreateTags")
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	for _, id := range in.Resources {
		a, err := f.idARN(id)
		if err != nil {
			return nil, err
		}
		if !f.e.TagResourceInInventory(a, tags) {
			if strings.HasPrefix(id, "vol-") {
				return nil, apiError("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
			}
			return nil, apiError("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
	}
	return &ec2.CreateTagsOutput{}, nil
}

// DeleteVolume deletes a volume from the inventory.
func (f *FakeEC2) DeleteVolume(_ context.Context, in *ec2.DeleteVolumeInput, _ ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error) {
	f.record("DeleteVolume")
	id := aws.ToString(in.VolumeId)
	if _, ok := f.get(f.arn("ec2", "volume/"+id), "EBS"); !ok || !f.e.DeleteResource(f.arn("ec2", "volume/"+id)) {
		return nil, apiError("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	}
	return &ec2.DeleteVolumeOutput{}, nil
}

// TerminateInstances removes instances from the inventory at once.
func (f *FakeEC2) TerminateInstances(_ context.Context, in *ec2.TerminateInstancesInput, _ ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error) {
	f.record("TerminateInstances")
	out := &ec2.TerminateInstancesOutput{}
	for _, id := range in.InstanceIds {
		a := f.arn("ec2", "instance/"+id)
		if _, ok := f.get(a, "EC2"); !ok {
			return nil, apiError("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
		f.e.DeleteResource(a)
		out.TerminatingInstances = append(out.TerminatingInstances, ec2types.InstanceStateChange{
			InstanceId:    aws.String(id),
			PreviousState: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning},
			CurrentState:  &ec2types.InstanceState{Name: ec2types.InstanceStateNameShuttingDown},
		})
	}
	return out, nil
}

// ---- RDS ----

// FakeRDS fakes the RDS DB instance and cluster operations drills use.
// Clusters are inventory resources of type Aurora, DocumentDB or Neptune.
type FakeRDS struct{ fakeBase }

// NewFakeRDS returns a fake RDS client over e's inventory.
func NewFakeRDS(e *Emulator) *FakeRDS { return &FakeRDS{newFakeBase(e)} }

var clusterTypes = []string{"Aurora", "DocumentDB", "Neptune"}

func rdsTags(m map[string]string) []rdstypes.Tag {
	out := make([]rdstypes.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func (f *FakeRDS) dbInstance(r Resource) rdstypes.DBInstance {
	return rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String(r.Name), DBInstanceArn: aws.String(r.ARN), DBInstanceStatus: aws.String(attr(r, "state", "available")),
		Engine: aws.String(attr(r, "engine", "postgres")), AllocatedStorage: aws.Int32(gib(r.SizeBytes)), TagList: rdsTags(r.Tags),
		InstanceCreateTime: aws.Time(r.CreationTime), DBInstanceClass: aws.String(attr(r, "instanceClass", "db.t3.micro")),
	}
}

func (f *FakeRDS) dbCluster(r Resource) rdstypes.DBCluster {
	engine := map[string]string{"Aurora": "aurora-postgresql", "DocumentDB": "docdb", "Neptune": "neptune"}[r.Type]
	return rdstypes.DBCluster{
		DBClusterIdentifier: aws.String(r.Name), DBClusterArn: aws.String(r.ARN), Status: aws.String(attr(r, "state", "available")),
		Engine: aws.String(attr(r, "engine", engine)), TagList: rdsTags(r.Tags), ClusterCreateTime: aws.Time(r.CreationTime),
	}
}

func (f *FakeRDS) clusterARN(idOrARN string) string {
	if strings.HasPrefix(idOrARN, "arn:") {
		return idOrARN
	}
	for _, r := range f.list(clusterTypes...) {
		if r.Name == idOrARN {
			return r.ARN
		}
	}
	return f.arn("rds", "cluster:"+idOrARN)
}

// DescribeDBInstances describes one DB instance (by identifier or ARN) or all.
func (f *FakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f.record("DescribeDBInstances")
	out := &rds.DescribeDBInstancesOutput{}
	if in.DBInstanceIdentifier == nil {
		for _, r := range f.list("RDS") {
			out.DBInstances = append(out.DBInstances, f.dbInstance(r))
		}
		return out, nil
	}
	id := aws.ToString(in.DBInstanceIdentifier)
	r, ok := f.get(f.toARN(id, "rds", "db:"), "RDS")
	if !ok {
		return nil, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")}
	}
	out.DBInstances = []rdstypes.DBInstance{f.dbInstance(r)}
	return out, nil
}

// DescribeDBClusters describes one DB cluster (by identifier or ARN) or all.
func (f *FakeRDS) DescribeDBClusters(_ context.Context, in *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	f.record("DescribeDBClusters")
	out := &rds.DescribeDBClustersOutput{}
	if in.DBClusterIdentifier == nil {
		for _, r := range f.list(clusterTypes...) {
			out.DBClusters = append(out.DBClusters, f.dbCluster(r))
		}
		return out, nil
	}
	id := aws.ToString(in.DBClusterIdentifier)
	r, ok := f.get(f.clusterARN(id), clusterTypes...)
	if !ok {
		return nil, &rdstypes.DBClusterNotFoundFault{Message: aws.String("DBCluster " + id + " not found.")}
	}
	out.DBClusters = []rdstypes.DBCluster{f.dbCluster(r)}
	return out, nil
}

// AddTagsToResource tags a DB instance or cluster by ARN.
func (f *FakeRDS) AddTagsToResource(_ context.Context, in *rds.AddTagsToResourceInput, _ ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error) {
	f.record("AddTagsToResource")
	a := aws.ToString(in.ResourceName)
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	if !f.e.TagResourceInInventory(a, tags) {
		if strings.Contains(a, ":cluster:") {
			return nil, &rdstypes.DBClusterNotFoundFault{Message: aws.String("DBCluster " + a + " not found.")}
		}
		return nil, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + a + " not found.")}
	}
	return &rds.AddTagsToResourceOutput{}, nil
}

// DeleteDBInstance removes a DB instance from the inventory at once.
func (f *FakeRDS) DeleteDBInstance(_ context.Context, in *rds.DeleteDBInstanceInput, _ ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error) {
	f.record("DeleteDBInstance")
	id := aws.ToString(in.DBInstanceIdentifier)
	if !aws.ToBool(in.SkipFinalSnapshot) && in.FinalDBSnapshotIdentifier == nil {
		return nil, apiError("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	a := f.toARN(id, "rds", "db:")
	r, ok := f.get(a, "RDS")
	if !ok {
		return nil, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")}
	}
	f.e.DeleteResource(a)
	db := f.dbInstance(r)
	db.DBInstanceStatus = aws.String("deleting")
	return &rds.DeleteDBInstanceOutput{DBInstance: &db}, nil
}

// DeleteDBCluster removes a DB cluster from the inventory at once.
func (f *FakeRDS) DeleteDBCluster(_ context.Context, in *rds.DeleteDBClusterInput, _ ...func(*rds.Options)) (*rds.DeleteDBClusterOutput, error) {
	f.record("DeleteDBCluster")
	id := aws.ToString(in.DBClusterIdentifier)
	if !aws.ToBool(in.SkipFinalSnapshot) && in.FinalDBSnapshotIdentifier == nil {
		return nil, apiError("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	a := f.clusterARN(id)
	r, ok := f.get(a, clusterTypes...)
	if !ok {
		return nil, &rdstypes.DBClusterNotFoundFault{Message: aws.String("DBCluster " + id + " not found.")}
	}
	f.e.DeleteResource(a)
	c := f.dbCluster(r)
	c.Status = aws.String("deleting")
	return &rds.DeleteDBClusterOutput{DBCluster: &c}, nil
}

// ---- DynamoDB ----

// FakeDynamoDB fakes the DynamoDB table operations drills use.
type FakeDynamoDB struct{ fakeBase }

// NewFakeDynamoDB returns a fake DynamoDB client over e's inventory.
func NewFakeDynamoDB(e *Emulator) *FakeDynamoDB { return &FakeDynamoDB{newFakeBase(e)} }

func (f *FakeDynamoDB) table(nameOrARN string) (Resource, error) {
	r, ok := f.get(f.toARN(nameOrARN, "dynamodb", "table/"), "DynamoDB")
	if !ok {
		return Resource{}, &ddbtypes.ResourceNotFoundException{Message: aws.String("Requested resource not found: Table: " + nameOrARN + " not found")}
	}
	return r, nil
}

func (f *FakeDynamoDB) description(r Resource) *ddbtypes.TableDescription {
	n, _ := strconv.ParseInt(attr(r, "itemCount", "0"), 10, 64)
	return &ddbtypes.TableDescription{
		TableName: aws.String(r.Name), TableArn: aws.String(r.ARN), TableStatus: ddbtypes.TableStatus(attr(r, "state", "ACTIVE")),
		ItemCount: aws.Int64(n), TableSizeBytes: aws.Int64(r.SizeBytes), CreationDateTime: aws.Time(r.CreationTime),
	}
}

// DescribeTable describes a table by name or ARN.
func (f *FakeDynamoDB) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	f.record("DescribeTable")
	r, err := f.table(aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	return &dynamodb.DescribeTableOutput{Table: f.description(r)}, nil
}

// ListTagsOfResource lists a table's tags (one page).
func (f *FakeDynamoDB) ListTagsOfResource(_ context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	f.record("ListTagsOfResource")
	r, err := f.table(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	out := &dynamodb.ListTagsOfResourceOutput{}
	for _, k := range sortedKeys(r.Tags) {
		out.Tags = append(out.Tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
	}
	return out, nil
}

// TagResource adds or overwrites a table's tags.
func (f *FakeDynamoDB) TagResource(_ context.Context, in *dynamodb.TagResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error) {
	f.record("TagResource")
	r, err := f.table(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.e.TagResourceInInventory(r.ARN, tags)
	return &dynamodb.TagResourceOutput{}, nil
}

// DeleteTable removes a table from the inventory at once.
func (f *FakeDynamoDB) DeleteTable(_ context.Context, in *dynamodb.DeleteTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error) {
	f.record("DeleteTable")
	r, err := f.table(aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	f.e.DeleteResource(r.ARN)
	d := f.description(r)
	d.TableStatus = ddbtypes.TableStatusDeleting
	return &dynamodb.DeleteTableOutput{TableDescription: d}, nil
}

// ---- EFS ----

// FakeEFS fakes the EFS file system operations drills use.
type FakeEFS struct{ fakeBase }

// NewFakeEFS returns a fake EFS client over e's inventory.
func NewFakeEFS(e *Emulator) *FakeEFS { return &FakeEFS{newFakeBase(e)} }

func (f *FakeEFS) fileSystem(idOrARN string) (Resource, error) {
	r, ok := f.get(f.toARN(idOrARN, "elasticfilesystem", "file-system/"), "EFS")
	if !ok {
		return Resource{}, &efstypes.FileSystemNotFound{ErrorCode_: aws.String("FileSystemNotFound"), Message: aws.String("File system '" + idOrARN + "' does not exist.")}
	}
	return r, nil
}

func (f *FakeEFS) description(r Resource) efstypes.FileSystemDescription {
	d := efstypes.FileSystemDescription{
		FileSystemId: aws.String(r.Name), FileSystemArn: aws.String(r.ARN), LifeCycleState: efstypes.LifeCycleState(attr(r, "state", "available")),
		CreationTime: aws.Time(r.CreationTime), CreationToken: aws.String(attr(r, "creationToken", r.Name)), OwnerId: aws.String(f.account),
		PerformanceMode: efstypes.PerformanceModeGeneralPurpose, SizeInBytes: &efstypes.FileSystemSize{Value: r.SizeBytes},
	}
	for _, k := range sortedKeys(r.Tags) {
		d.Tags = append(d.Tags, efstypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
	}
	if n, ok := r.Tags["Name"]; ok {
		d.Name = aws.String(n)
	}
	return d
}

// DescribeFileSystems describes a file system by id (all when none).
func (f *FakeEFS) DescribeFileSystems(_ context.Context, in *efs.DescribeFileSystemsInput, _ ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	f.record("DescribeFileSystems")
	out := &efs.DescribeFileSystemsOutput{}
	if in.FileSystemId == nil {
		for _, r := range f.list("EFS") {
			out.FileSystems = append(out.FileSystems, f.description(r))
		}
		return out, nil
	}
	r, err := f.fileSystem(aws.ToString(in.FileSystemId))
	if err != nil {
		return nil, err
	}
	out.FileSystems = []efstypes.FileSystemDescription{f.description(r)}
	return out, nil
}

// TagResource adds or overwrites a file system's tags (by id or ARN).
func (f *FakeEFS) TagResource(_ context.Context, in *efs.TagResourceInput, _ ...func(*efs.Options)) (*efs.TagResourceOutput, error) {
	f.record("TagResource")
	r, err := f.fileSystem(aws.ToString(in.ResourceId))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.e.TagResourceInInventory(r.ARN, tags)
	return &efs.TagResourceOutput{}, nil
}

// DeleteFileSystem removes a file system from the inventory at once.
func (f *FakeEFS) DeleteFileSystem(_ context.Context, in *efs.DeleteFileSystemInput, _ ...func(*efs.Options)) (*efs.DeleteFileSystemOutput, error) {
	f.record("DeleteFileSystem")
	r, err := f.fileSystem(aws.ToString(in.FileSystemId))
	if err != nil {
		return nil, err
	}
	f.e.DeleteResource(r.ARN)
	return &efs.DeleteFileSystemOutput{}, nil
}

// ---- FSx ----

// FakeFSx fakes the FSx file system operations drills use.
type FakeFSx struct{ fakeBase }

// NewFakeFSx returns a fake FSx client over e's inventory.
func NewFakeFSx(e *Emulator) *FakeFSx { return &FakeFSx{newFakeBase(e)} }

func (f *FakeFSx) fileSystem(idOrARN string) (Resource, error) {
	r, ok := f.get(f.toARN(idOrARN, "fsx", "file-system/"), "FSx")
	if !ok {
		return Resource{}, &fsxtypes.FileSystemNotFound{Message: aws.String("File system " + idOrARN + " does not exist.")}
	}
	return r, nil
}

func (f *FakeFSx) description(r Resource) fsxtypes.FileSystem {
	d := fsxtypes.FileSystem{
		FileSystemId: aws.String(r.Name), ResourceARN: aws.String(r.ARN), Lifecycle: fsxtypes.FileSystemLifecycle(attr(r, "state", "AVAILABLE")),
		FileSystemType: fsxtypes.FileSystemType(attr(r, "fileSystemType", "WINDOWS")), StorageCapacity: aws.Int32(gib(r.SizeBytes)),
		CreationTime: aws.Time(r.CreationTime), OwnerId: aws.String(f.account),
	}
	for _, k := range sortedKeys(r.Tags) {
		d.Tags = append(d.Tags, fsxtypes.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
	}
	return d
}

// DescribeFileSystems describes file systems by id (all when none).
func (f *FakeFSx) DescribeFileSystems(_ context.Context, in *fsx.DescribeFileSystemsInput, _ ...func(*fsx.Options)) (*fsx.DescribeFileSystemsOutput, error) {
	f.record("DescribeFileSystems")
	out := &fsx.DescribeFileSystemsOutput{}
	if len(in.FileSystemIds) == 0 {
		for _, r := range f.list("FSx") {
			out.FileSystems = append(out.FileSystems, f.description(r))
		}
		return out, nil
	}
	for _, id := range in.FileSystemIds {
		r, err := f.fileSystem(id)
		if err != nil {
			return nil, err
		}
		out.FileSystems = append(out.FileSystems, f.description(r))
	}
	return out, nil
}

// TagResource adds or overwrites a file system's tags (by ARN).
func (f *FakeFSx) TagResource(_ context.Context, in *fsx.TagResourceInput, _ ...func(*fsx.Options)) (*fsx.TagResourceOutput, error) {
	f.record("TagResource")
	r, err := f.fileSystem(aws.ToString(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.e.TagResourceInInventory(r.ARN, tags)
	return &fsx.TagResourceOutput{}, nil
}

// DeleteFileSystem removes a file system from the inventory at once.
func (f *FakeFSx) DeleteFileSystem(_ context.Context, in *fsx.DeleteFileSystemInput, _ ...func(*fsx.Options)) (*fsx.DeleteFileSystemOutput, error) {
	f.record("DeleteFileSystem")
	r, err := f.fileSystem(aws.ToString(in.FileSystemId))
	if err != nil {
		return nil, err
	}
	f.e.DeleteResource(r.ARN)
	return &fsx.DeleteFileSystemOutput{FileSystemId: aws.String(r.Name), Lifecycle: fsxtypes.FileSystemLifecycleDeleting}, nil
}

// ---- S3 ----

// FakeS3 fakes the S3 bucket operations drills use. Objects exist only as
// the bucket's "objectCount" attribute.
type FakeS3 struct{ fakeBase }

// NewFakeS3 returns a fake S3 client over e's inventory.
func NewFakeS3(e *Emulator) *FakeS3 { return &FakeS3{newFakeBase(e)} }

func (f *FakeS3) bucket(name string) (Resource, bool) {
	return f.get("arn:aws:s3:::"+name, "S3")
}

func noSuchBucket(name string) error {
	return &s3types.NoSuchBucket{Message: aws.String("The specified bucket does not exist: " + name)}
}

func objectCount(r Resource) int {
	n, _ := strconv.Atoi(attr(r, "objectCount", "0"))
	return n
}

func objectKey(i int) string { return fmt.Sprintf("object-%06d", i) }

// HeadBucket reports whether a bucket exists (*types.NotFound if not).
func (f *FakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	f.record("HeadBucket")
	if _, ok := f.bucket(aws.ToString(in.Bucket)); !ok {
		return nil, &s3types.NotFound{Message: aws.String("Not Found")}
	}
	return &s3.HeadBucketOutput{BucketRegion: aws.String(f.region)}, nil
}

// ListObjectsV2 lists the bucket's objects, MaxKeys (≤ 1,000) at a time.
func (f *FakeS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	f.record("ListObjectsV2")
	r, ok := f.bucket(aws.ToString(in.Bucket))
	if !ok {
		return nil, noSuchBucket(aws.ToString(in.Bucket))
	}
	limit := int(aws.ToInt32(in.MaxKeys))
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	start, _ := strconv.Atoi(aws.ToString(in.ContinuationToken))
	n := objectCount(r)
	out := &s3.ListObjectsV2Output{Name: in.Bucket, MaxKeys: aws.Int32(int32(limit))}
	for i := start; i < n && len(out.Contents) < limit; i++ {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(objectKey(i)), Size: aws.Int64(1024), LastModified: aws.Time(r.CreationTime)})
	}
	out.KeyCount = aws.Int32(int32(len(out.Contents)))
	if next := start + len(out.Contents); next < n {
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(strconv.Itoa(next))
	} else {
		out.IsTruncated = aws.Bool(false)
	}
	return out, nil
}

// GetBucketTagging returns the bucket's tags (NoSuchTagSet when none).
func (f *FakeS3) GetBucketTagging(_ context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	f.record("GetBucketTagging")
	r, ok := f.bucket(aws.ToString(in.Bucket))
	if !ok {
		return nil, noSuchBucket(aws.ToString(in.Bucket))
	}
	if len(r.Tags) == 0 {
		return nil, apiError("NoSuchTagSet", "The TagSet does not exist")
	}
	out := &s3.GetBucketTaggingOutput{}
	for _, k := range sortedKeys(r.Tags) {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(r.Tags[k])})
	}
	return out, nil
}

// PutBucketTagging replaces the bucket's tags.
func (f *FakeS3) PutBucketTagging(_ context.Context, in *s3.PutBucketTaggingInput, _ ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error) {
	f.record("PutBucketTagging")
	name := aws.ToString(in.Bucket)
	tags := map[string]string{}
	if in.Tagging != nil {
		for _, t := range in.Tagging.TagSet {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	if !f.replaceTags("arn:aws:s3:::"+name, tags) {
		return nil, noSuchBucket(name)
	}
	return &s3.PutBucketTaggingOutput{}, nil
}

// ListObjectVersions lists one version ("v1") per object.
func (f *FakeS3) ListObjectVersions(_ context.Context, in *s3.ListObjectVersionsInput, _ ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	f.record("ListObjectVersions")
	r, ok := f.bucket(aws.ToString(in.Bucket))
	if !ok {
		return nil, noSuchBucket(aws.ToString(in.Bucket))
	}
	out := &s3.ListObjectVersionsOutput{Name: in.Bucket, IsTruncated: aws.Bool(false)}
	for i := range min(objectCount(r), 1000) {
		out.Versions = append(out.Versions, s3types.ObjectVersion{Key: aws.String(objectKey(i)), VersionId: aws.String("v1"), IsLatest: aws.Bool(true)})
	}
	if objectCount(r) > 1000 {
		out.IsTruncated = aws.Bool(true)
		out.NextKeyMarker = aws.String(objectKey(999))
		out.NextVersionIdMarker = aws.String("v1")
	}
	return out, nil
}

// DeleteObjects deletes objects (it lowers the bucket's object count).
func (f *FakeS3) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	f.record("DeleteObjects")
	name := aws.ToString(in.Bucket)
	r, ok := f.bucket(name)
	if !ok {
		return nil, noSuchBucket(name)
	}
	if in.Delete == nil || len(in.Delete.Objects) > 1000 {
		return nil, apiError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	n := max(objectCount(r)-len(in.Delete.Objects), 0)
	if r.Attributes == nil {
		r.Attributes = map[string]string{}
	}
	r.Attributes["objectCount"] = strconv.Itoa(n)
	if err := f.e.PutResource(r); err != nil {
		return nil, err
	}
	return &s3.DeleteObjectsOutput{}, nil
}

// DeleteBucket deletes an empty bucket (BucketNotEmpty otherwise).
func (f *FakeS3) DeleteBucket(_ context.Context, in *s3.DeleteBucketInput, _ ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	f.record("DeleteBucket")
	name := aws.ToString(in.Bucket)
	r, ok := f.bucket(name)
	if !ok {
		return nil, noSuchBucket(name)
	}
	if objectCount(r) > 0 {
		return nil, apiError("BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	f.e.DeleteResource(r.ARN)
	return &s3.DeleteBucketOutput{}, nil
}
