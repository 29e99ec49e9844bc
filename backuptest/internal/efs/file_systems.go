package efs

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsefs "github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

func description(r *serve.Request, res *inventory.Resource) efstypes.FileSystemDescription {
	d := efstypes.FileSystemDescription{
		FileSystemId: aws.String(res.Name), FileSystemArn: aws.String(res.ARN),
		LifeCycleState: efstypes.LifeCycleState(r.Inventory.State(res, "available")),
		CreationTime:   aws.Time(res.CreationTime), CreationToken: aws.String(res.Attr("creationToken", res.Name)), OwnerId: aws.String(r.Account),
		PerformanceMode: efstypes.PerformanceModeGeneralPurpose, SizeInBytes: &efstypes.FileSystemSize{Value: res.SizeBytes},
		NumberOfMountTargets: 0, Tags: tags(res.Tags), Encrypted: aws.Bool(res.Attr("encrypted", "false") == "true"),
	}
	if n, ok := res.Tags["Name"]; ok {
		d.Name = aws.String(n)
	}
	return d
}

// describeFileSystems describes one file system by id or ARN
// (FileSystemNotFound if missing), the one with a CreationToken, or all of
// the account and Region, MaxItems (default 100) at a time with
// Marker/NextMarker.
func describeFileSystems(r *serve.Request, in *awsefs.DescribeFileSystemsInput) (*awsefs.DescribeFileSystemsOutput, error) {
	if in.FileSystemId != nil && in.CreationToken != nil {
		return nil, serve.Errorf(http.StatusBadRequest, "BadRequest", "FileSystemId and CreationToken cannot be used together")
	}
	if in.MaxItems != nil && *in.MaxItems < 1 {
		return nil, serve.Errorf(http.StatusBadRequest, "BadRequest", "MaxItems must be at least 1")
	}
	var list []*inventory.Resource
	switch {
	case in.FileSystemId != nil:
		res, err := fileSystem(r, aws.ToString(in.FileSystemId))
		if err != nil {
			return nil, err
		}
		list = []*inventory.Resource{res}
	default:
		for _, res := range r.Inventory.List(r.Account, r.Region, "EFS") {
			if in.CreationToken == nil || res.Attr("creationToken", res.Name) == *in.CreationToken {
				list = append(list, res)
			}
		}
	}
	limit := 100
	if in.MaxItems != nil {
		limit = int(*in.MaxItems)
	}
	page, next, err := serve.Page(list, func(x *inventory.Resource) string { return x.ARN }, aws.ToString(in.Marker), limit, "BadRequest")
	if err != nil {
		return nil, err
	}
	out := &awsefs.DescribeFileSystemsOutput{FileSystems: []efstypes.FileSystemDescription{}, Marker: in.Marker}
	for _, res := range page {
		out.FileSystems = append(out.FileSystems, description(r, res))
	}
	if next != "" {
		out.NextMarker = aws.String(next)
	}
	return out, nil
}

// deleteFileSystem starts deleting a file system: "deleting" for
// Options.DeleteDuration, then FileSystemNotFound.
func deleteFileSystem(r *serve.Request, in *awsefs.DeleteFileSystemInput) (*awsefs.DeleteFileSystemOutput, error) {
	res, err := fileSystem(r, aws.ToString(in.FileSystemId))
	if err != nil {
		return nil, err
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: string(efstypes.LifeCycleStateDeleting), At: r.Now.Add(r.DeleteDuration)})
	return &awsefs.DeleteFileSystemOutput{}, nil
}

// describeMountTargets lists a file system's mount targets: none.
func describeMountTargets(r *serve.Request, in *awsefs.DescribeMountTargetsInput) (*awsefs.DescribeMountTargetsOutput, error) {
	if in.FileSystemId == nil && in.MountTargetId == nil && in.AccessPointId == nil {
		return nil, serve.Errorf(http.StatusBadRequest, "BadRequest", "one of FileSystemId, MountTargetId or AccessPointId is required")
	}
	if in.FileSystemId != nil {
		if _, err := fileSystem(r, aws.ToString(in.FileSystemId)); err != nil {
			return nil, err
		}
	}
	if in.MountTargetId != nil {
		return nil, serve.Errorf(http.StatusNotFound, "MountTargetNotFound", "Mount target '%s' does not exist.", aws.ToString(in.MountTargetId))
	}
	return &awsefs.DescribeMountTargetsOutput{MountTargets: []efstypes.MountTargetDescription{}}, nil
}
