package fsx

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsfsx "github.com/aws/aws-sdk-go-v2/service/fsx"
	fsxtypes "github.com/aws/aws-sdk-go-v2/service/fsx/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

func gib(bytes int64) int32 {
	g := (bytes + (1<<30 - 1)) >> 30
	return int32(max(g, 1))
}

func description(r *serve.Request, res *inventory.Resource) fsxtypes.FileSystem {
	return fsxtypes.FileSystem{
		FileSystemId: aws.String(res.Name), ResourceARN: aws.String(res.ARN),
		Lifecycle:      fsxtypes.FileSystemLifecycle(r.Inventory.State(res, "AVAILABLE")),
		FileSystemType: fsxtypes.FileSystemType(res.Attr("fileSystemType", "WINDOWS")), StorageCapacity: aws.Int32(gib(res.SizeBytes)),
		CreationTime: aws.Time(res.CreationTime), OwnerId: aws.String(r.Account), Tags: tags(res.Tags),
	}
}

// describeFileSystems describes file systems by id (each must exist) or
// all of the account and Region, MaxResults (1–2147483647) at a time with
// NextToken.
func describeFileSystems(r *serve.Request, in *awsfsx.DescribeFileSystemsInput) (*awsfsx.DescribeFileSystemsOutput, error) {
	if in.MaxResults != nil && *in.MaxResults < 1 {
		return nil, serve.Errorf(http.StatusBadRequest, "BadRequest", "MaxResults must be at least 1")
	}
	var list []*inventory.Resource
	if len(in.FileSystemIds) > 0 {
		for _, id := range in.FileSystemIds {
			res, err := fileSystem(r, id)
			if err != nil {
				return nil, err
			}
			list = append(list, res)
		}
	} else {
		list = r.Inventory.List(r.Account, r.Region, "FSx")
	}
	page, next, err := serve.Page(list, func(x *inventory.Resource) string { return x.ARN }, aws.ToString(in.NextToken), int(aws.ToInt32(in.MaxResults)), "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	out := &awsfsx.DescribeFileSystemsOutput{FileSystems: []fsxtypes.FileSystem{}}
	for _, res := range page {
		out.FileSystems = append(out.FileSystems, description(r, res))
	}
	if next != "" {
		out.NextToken = aws.String(next)
	}
	return out, nil
}

// deleteFileSystem starts deleting a file system: DELETING for
// Options.DeleteDuration, then FileSystemNotFound.
func deleteFileSystem(r *serve.Request, in *awsfsx.DeleteFileSystemInput) (*awsfsx.DeleteFileSystemOutput, error) {
	res, err := fileSystem(r, aws.ToString(in.FileSystemId))
	if err != nil {
		return nil, err
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: string(fsxtypes.FileSystemLifecycleDeleting), At: r.Now.Add(r.DeleteDuration)})
	return &awsfsx.DeleteFileSystemOutput{FileSystemId: aws.String(res.Name), Lifecycle: fsxtypes.FileSystemLifecycleDeleting}, nil
}
