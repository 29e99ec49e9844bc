package ec2

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

func volumeNotFound(id string) error {
	return errorf("InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
}

func gib(bytes int64) int32 {
	g := (bytes + (1<<30 - 1)) >> 30
	return int32(max(g, 1))
}

func volume(r *serve.Request, res *inventory.Resource) ec2types.Volume {
	return ec2types.Volume{
		VolumeId: aws.String(res.Name), Size: aws.Int32(gib(res.SizeBytes)),
		State:              ec2types.VolumeState(r.Inventory.State(res, "available")),
		VolumeType:         ec2types.VolumeType(res.Attr("volumeType", "gp3")),
		Tags:               tags(res.Tags),
		CreateTime:         aws.Time(res.CreationTime),
		AvailabilityZone:   aws.String(res.Attr("availabilityZone", r.Region+"a")),
		Encrypted:          aws.Bool(res.Attr("encrypted", "false") == "true"),
		SnapshotId:         aws.String(res.Attr("snapshotId", "")),
		MultiAttachEnabled: aws.Bool(false),
	}
}

// describeVolumes answers DescribeVolumes: by id (each must exist), or
// every volume of the account and Region matching the filters volume-id,
// status, volume-type, availability-zone, tag-key and tag:<key>, in pages
// of MaxResults. The EC2 API reference (DescribeVolumes, MaxResults): "This
// value can be between 5 and 1000; if MaxResults is given a value larger
// than 1000, only 1000 results are returned" — so a larger value is capped,
// not refused (the AWS CLI sends MaxResults=1000 on a plain describe-volumes).
func describeVolumes(r *serve.Request, in *awsec2.DescribeVolumesInput) (*awsec2.DescribeVolumesOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	fs, err := filters(in.Filters, "volume-id", "status", "volume-type", "availability-zone")
	if err != nil {
		return nil, err
	}
	if in.MaxResults != nil && len(in.VolumeIds) > 0 {
		return nil, errorf("InvalidParameterCombination", "The parameter volumeSet cannot be used with the parameter maxResults")
	}
	if in.MaxResults != nil && *in.MaxResults < 5 {
		return nil, errorf("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", *in.MaxResults)
	}
	pageSize := int(min(aws.ToInt32(in.MaxResults), 1000))
	var list []*inventory.Resource
	if len(in.VolumeIds) > 0 {
		for _, id := range in.VolumeIds {
			res, ok := r.Inventory.Get(r.ARN("ec2", "volume/"+id))
			if !ok || res.Type != "EBS" {
				return nil, volumeNotFound(id)
			}
			list = append(list, res)
		}
	} else {
		list = r.Inventory.List(r.Account, r.Region, "EBS")
	}
	out := &awsec2.DescribeVolumesOutput{Volumes: []ec2types.Volume{}}
	var matched []*inventory.Resource
	for _, res := range list {
		v := volume(r, res)
		attr := func(name string) []string {
			switch name {
			case "volume-id":
				return []string{res.Name}
			case "status":
				return []string{string(v.State)}
			case "volume-type":
				return []string{string(v.VolumeType)}
			case "availability-zone":
				return []string{aws.ToString(v.AvailabilityZone)}
			}
			return nil
		}
		if matches(fs, res, attr) {
			matched = append(matched, res)
		}
	}
	page, next, err := serve.Page(matched, arnKey, aws.ToString(in.NextToken), pageSize, "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	for _, res := range page {
		out.Volumes = append(out.Volumes, volume(r, res))
	}
	if next != "" {
		out.NextToken = aws.String(next)
	}
	return out, nil
}

// deleteVolume starts deleting a volume: it is "deleting" for
// Options.DeleteDuration, then InvalidVolume.NotFound (the VolumeDeleted
// waiter accepts both). An in-use volume cannot be deleted.
func deleteVolume(r *serve.Request, in *awsec2.DeleteVolumeInput) (*awsec2.DeleteVolumeOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	id := aws.ToString(in.VolumeId)
	if id == "" {
		return nil, errorf("MissingParameter", "The request must contain the parameter volumeId")
	}
	res, ok := r.Inventory.Get(r.ARN("ec2", "volume/"+id))
	if !ok || res.Type != "EBS" {
		return nil, volumeNotFound(id)
	}
	if st := r.Inventory.State(res, "available"); st == "in-use" {
		return nil, errorf("VolumeInUse", "Volume %s is currently attached", id)
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: "deleting", At: r.Now.Add(r.DeleteDuration)})
	return &awsec2.DeleteVolumeOutput{}, nil
}
