package restore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/lazyre"
)

// EC2 restores an Amazon EC2 instance recovery point to a new instance.
// Zero values are omitted so the recovery point's own metadata applies.
type EC2 struct {
	// InstanceType, e.g. "t3.micro" (key InstanceType).
	InstanceType string
	// SubnetID, "subnet-…" (key SubnetId).
	SubnetID string
	// SecurityGroupIDs, "sg-…", at most 5 (key SecurityGroupIds, JSON array).
	SecurityGroupIDs []string
	// IAMInstanceProfileName (key IamInstanceProfileName).
	IAMInstanceProfileName string
	// KeyName of the EC2 key pair (key KeyName).
	KeyName string
	// RequireIMDSv2 (key RequireIMDSv2).
	RequireIMDSv2 *bool
	// EBSOptimized (key EbsOptimized).
	EBSOptimized *bool
	// DisableAPITermination (key DisableApiTermination). Drills need false.
	DisableAPITermination *bool
	// UserData, base64 as EC2 expects it (key UserData).
	UserData string
	// Extra are further metadata keys (Placement, BlockDeviceMappings,
	// NetworkInterfaces, …), laid over the typed ones.
	Extra map[string]string
}

var (
	instanceTypeRE = lazyre.New(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	subnetIDRE     = lazyre.New(`^subnet-[0-9a-f]+$`)
)

// ResourceType implements Input.
func (EC2) ResourceType() backup.ResourceType { return backup.EC2 }

// Metadata implements Input.
func (e EC2) Metadata() (map[string]string, error) {
	b := newBuilder("EC2")
	b.pattern("InstanceType", "InstanceType", e.InstanceType, instanceTypeRE, "family.size, e.g. t3.micro")
	b.pattern("SubnetID", "SubnetId", e.SubnetID, subnetIDRE, "subnet-<hex>")
	b.list("SecurityGroupIDs", "SecurityGroupIds", e.SecurityGroupIDs, "sg-", 5)
	b.str("IamInstanceProfileName", e.IAMInstanceProfileName)
	b.str("KeyName", e.KeyName)
	b.boolean("RequireIMDSv2", e.RequireIMDSv2)
	b.boolean("EbsOptimized", e.EBSOptimized)
	b.boolean("DisableApiTermination", e.DisableAPITermination)
	if len(e.UserData) > 16*1024 {
		b.fail("UserData", "is %d bytes; want at most 16 KiB", len(e.UserData))
	}
	b.str("UserData", e.UserData)
	b.merge(e.Extra)
	return b.done()
}

// EC2API is the part of the Amazon EC2 client drills use for EBS volumes and
// EC2 instances (*ec2.Client satisfies it).
type EC2API interface {
	DescribeVolumes(context.Context, *ec2.DescribeVolumesInput, ...func(*ec2.Options)) (*ec2.DescribeVolumesOutput, error)
	DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	CreateTags(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteVolume(context.Context, *ec2.DeleteVolumeInput, ...func(*ec2.Options)) (*ec2.DeleteVolumeOutput, error)
	TerminateInstances(context.Context, *ec2.TerminateInstancesInput, ...func(*ec2.Options)) (*ec2.TerminateInstancesOutput, error)
}

var _ EC2API = (*ec2.Client)(nil)

func ec2Tag(ctx context.Context, api EC2API, resourceARN string, tags map[string]string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	in := &ec2.CreateTagsInput{Resources: []string{id}}
	for k, v := range tags {
		in.Tags = append(in.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := api.CreateTags(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

type ebsHandler struct{ api EC2API }

func (h *ebsHandler) volume(ctx context.Context, resourceARN string) (*ec2types.Volume, error) {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return nil, err
	}
	out, err := h.api.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
	if err != nil {
		if apiErrorCode(err) == "InvalidVolume.NotFound" {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe volume %s: %w", id, err)
	}
	if len(out.Volumes) == 0 {
		return nil, notFound(resourceARN, errors.New("no volume in response"))
	}
	return &out.Volumes[0], nil
}

func (h *ebsHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	return ec2Tag(ctx, h.api, resourceARN, tags)
}

func (h *ebsHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	v, err := h.volume(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	if v.State == ec2types.VolumeStateDeleted {
		return nil, notFound(resourceARN, errors.New("volume deleted"))
	}
	return ec2TagMap(v.Tags), nil
}

func (h *ebsHandler) Validate(ctx context.Context, restored, source string) error {
	v, err := h.volume(ctx, restored)
	if err != nil {
		return err
	}
	switch v.State {
	case ec2types.VolumeStateAvailable, ec2types.VolumeStateInUse:
	case ec2types.VolumeStateCreating:
		return notReady(restored, string(v.State))
	default:
		return invalid(restored, "volume state is %s; want available", v.State)
	}
	if src, err := h.volume(ctx, source); err == nil && src.Size != nil && v.Size != nil && *v.Size < *src.Size {
		return invalid(restored, "volume size is %d GiB; want at least the source's %d GiB", *v.Size, *src.Size)
	}
	return nil
}

func (h *ebsHandler) Delete(ctx context.Context, resourceARN string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	if _, err := h.api.DeleteVolume(ctx, &ec2.DeleteVolumeInput{VolumeId: aws.String(id)}); err != nil {
		if apiErrorCode(err) == "InvalidVolume.NotFound" {
			return nil
		}
		return fmt.Errorf("delete volume %s: %w", id, err)
	}
	return nil
}

type ec2Handler struct{ api EC2API }

func (h *ec2Handler) instance(ctx context.Context, resourceARN string) (*ec2types.Instance, error) {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return nil, err
	}
	out, err := h.api.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		if apiErrorCode(err) == "InvalidInstanceID.NotFound" {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for i := range r.Instances {
			return &r.Instances[i], nil
		}
	}
	return nil, notFound(resourceARN, errors.New("no instance in response"))
}

func (h *ec2Handler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	return ec2Tag(ctx, h.api, resourceARN, tags)
}

func (h *ec2Handler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	in, err := h.instance(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	if in.State != nil && in.State.Name == ec2types.InstanceStateNameTerminated {
		return nil, notFound(resourceARN, errors.New("instance terminated"))
	}
	return ec2TagMap(in.Tags), nil
}

func (h *ec2Handler) Validate(ctx context.Context, restored, _ string) error {
	in, err := h.instance(ctx, restored)
	if err != nil {
		return err
	}
	state := ec2types.InstanceStateName("unknown")
	if in.State != nil {
		state = in.State.Name
	}
	switch state {
	case ec2types.InstanceStateNameRunning:
		return nil
	case ec2types.InstanceStateNamePending:
		return notReady(restored, string(state))
	default:
		return invalid(restored, "instance state is %s; want running", state)
	}
}

func (h *ec2Handler) Delete(ctx context.Context, resourceARN string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	if _, err := h.api.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{id}}); err != nil {
		if apiErrorCode(err) == "InvalidInstanceID.NotFound" {
			return nil
		}
		return fmt.Errorf("terminate instance %s: %w", id, err)
	}
	return nil
}
