package restore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/backupkit/backupkit/backup"
)

// FSxKind is the Amazon FSx file system type a restore creates.
type FSxKind string

// FSx file system kinds.
const (
	FSxWindows FSxKind = "WINDOWS"
	FSxLustre  FSxKind = "LUSTRE"
	FSxONTAP   FSxKind = "ONTAP"
	FSxOpenZFS FSxKind = "OPENZFS"
)

// FSx restores an Amazon FSx backup. Kind selects which deployment types
// and capacity ranges apply; Configuration is the kind's own configuration
// object (WindowsConfiguration, LustreConfiguration, OntapConfiguration or
// OpenZFSConfiguration, as in fsx CreateFileSystemFromBackup), sent as JSON.
type FSx struct {
	// Kind is required.
	Kind FSxKind
	// StorageCapacityGiB (key StorageCapacity); range depends on Kind.
	StorageCapacityGiB int64
	// StorageType is SSD or HDD (key StorageType).
	StorageType string
	// SubnetIDs, "subnet-…", at most 2 (key SubnetIds, JSON array).
	SubnetIDs []string
	// SecurityGroupIDs, "sg-…", at most 50 (key SecurityGroupIds, JSON array).
	SecurityGroupIDs []string
	// KMSKeyID (key KmsKeyId).
	KMSKeyID string
	// DeploymentType (key DeploymentType); allowed values depend on Kind.
	DeploymentType string
	// Configuration is the kind-specific configuration object.
	Configuration map[string]any
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (FSx) ResourceType() backup.ResourceType { return backup.FSx }

var fsxRules = map[FSxKind]struct {
	deployments []string
	minGiB      int64
	maxGiB      int64
	configKey   string
}{
	FSxWindows: {[]string{"MULTI_AZ_1", "SINGLE_AZ_1", "SINGLE_AZ_2"}, 32, 65536, "WindowsConfiguration"},
	FSxLustre:  {[]string{"SCRATCH_1", "SCRATCH_2", "PERSISTENT_1", "PERSISTENT_2"}, 1200, 4194304, "LustreConfiguration"},
	FSxONTAP:   {[]string{"MULTI_AZ_1", "MULTI_AZ_2", "SINGLE_AZ_1", "SINGLE_AZ_2"}, 1024, 1048576, "OntapConfiguration"},
	FSxOpenZFS: {[]string{"SINGLE_AZ_1", "SINGLE_AZ_2", "SINGLE_AZ_HA_1", "SINGLE_AZ_HA_2", "MULTI_AZ_1"}, 64, 524288, "OpenZFSConfiguration"},
}

// Metadata implements Input.
func (f FSx) Metadata() (map[string]string, error) {
	b := newBuilder("FSx")
	rule, ok := fsxRules[f.Kind]
	if !ok {
		b.fail("Kind", "is %q; want one of WINDOWS, LUSTRE, ONTAP, OPENZFS", f.Kind)
	} else {
		b.m["FileSystemType"] = string(f.Kind)
		b.intRange("StorageCapacityGiB", "StorageCapacity", f.StorageCapacityGiB, rule.minGiB, rule.maxGiB)
		b.enum("DeploymentType", "DeploymentType", f.DeploymentType, rule.deployments...)
		if len(f.Configuration) > 0 {
			b.jsonValue(rule.configKey, f.Configuration)
		}
	}
	b.enum("StorageType", "StorageType", f.StorageType, "SSD", "HDD")
	if f.Kind == FSxWindows && f.StorageType == "HDD" && f.StorageCapacityGiB != 0 && f.StorageCapacityGiB < 2000 {
		b.fail("StorageCapacityGiB", "is %s; want at least 2000 GiB for HDD", strconv.FormatInt(f.StorageCapacityGiB, 10))
	}
	b.list("SubnetIDs", "SubnetIds", f.SubnetIDs, "subnet-", 2)
	b.list("SecurityGroupIDs", "SecurityGroupIds", f.SecurityGroupIDs, "sg-", 50)
	b.str("KmsKeyId", f.KMSKeyID)
	b.merge(f.Extra)
	return b.done()
}

// FSxAPI is the part of the Amazon FSx client drills use (*fsx.Client
// satisfies it).
type FSxAPI interface {
	DescribeFileSystems(context.Context, *fsx.DescribeFileSystemsInput, ...func(*fsx.Options)) (*fsx.DescribeFileSystemsOutput, error)
	TagResource(context.Context, *fsx.TagResourceInput, ...func(*fsx.Options)) (*fsx.TagResourceOutput, error)
	DeleteFileSystem(context.Context, *fsx.DeleteFileSystemInput, ...func(*fsx.Options)) (*fsx.DeleteFileSystemOutput, error)
}

var _ FSxAPI = (*fsx.Client)(nil)

type fsxHandler struct{ api FSxAPI }

func (h *fsxHandler) fs(ctx context.Context, resourceARN string) (*fsxtypes.FileSystem, error) {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return nil, err
	}
	out, err := h.api.DescribeFileSystems(ctx, &fsx.DescribeFileSystemsInput{FileSystemIds: []string{id}})
	if err != nil {
		var nf *fsxtypes.FileSystemNotFound
		if errors.As(err, &nf) {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe file system %s: %w", id, err)
	}
	if len(out.FileSystems) == 0 {
		return nil, notFound(resourceARN, errors.New("no file system in response"))
	}
	return &out.FileSystems[0], nil
}

func (h *fsxHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	in := &fsx.TagResourceInput{ResourceARN: aws.String(resourceARN)}
	for k, v := range tags {
		in.Tags = append(in.Tags, fsxtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := h.api.TagResource(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *fsxHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	f, err := h.fs(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(f.Tags))
	for _, t := range f.Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m, nil
}

func (h *fsxHandler) Validate(ctx context.Context, restored, _ string) error {
	f, err := h.fs(ctx, restored)
	if err != nil {
		return err
	}
	switch f.Lifecycle {
	case fsxtypes.FileSystemLifecycleAvailable:
		return nil
	case fsxtypes.FileSystemLifecycleCreating, fsxtypes.FileSystemLifecycleUpdating:
		return notReady(restored, string(f.Lifecycle))
	default:
		return invalid(restored, "file system lifecycle is %s; want AVAILABLE", f.Lifecycle)
	}
}

// Delete deletes the file system without a final backup (it is a drill
// copy); ONTAP file systems must have no volumes left, as FSx requires.
func (h *fsxHandler) Delete(ctx context.Context, resourceARN string) error {
	f, err := h.fs(ctx, resourceARN)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	in := &fsx.DeleteFileSystemInput{FileSystemId: f.FileSystemId}
	skip := aws.Bool(true)
	switch f.FileSystemType {
	case fsxtypes.FileSystemTypeWindows:
		in.WindowsConfiguration = &fsxtypes.DeleteFileSystemWindowsConfiguration{SkipFinalBackup: skip}
	case fsxtypes.FileSystemTypeLustre:
		in.LustreConfiguration = &fsxtypes.DeleteFileSystemLustreConfiguration{SkipFinalBackup: skip}
	case fsxtypes.FileSystemTypeOpenzfs:
		in.OpenZFSConfiguration = &fsxtypes.DeleteFileSystemOpenZFSConfiguration{
			SkipFinalBackup: skip,
			Options:         []fsxtypes.DeleteFileSystemOpenZFSOption{fsxtypes.DeleteFileSystemOpenZFSOptionDeleteChildVolumesAndSnapshots},
		}
	}
	if _, err := h.api.DeleteFileSystem(ctx, in); err != nil {
		var nf *fsxtypes.FileSystemNotFound
		if errors.As(err, &nf) {
			return nil
		}
		return fmt.Errorf("delete file system %s: %w", aws.ToString(f.FileSystemId), err)
	}
	return nil
}
