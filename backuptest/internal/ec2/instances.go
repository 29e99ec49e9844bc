package ec2

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsec2 "github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TerminatedRetention is how long a terminated instance stays
// describable, in state terminated, as EC2 keeps it for about an hour.
const TerminatedRetention = time.Hour

func instanceNotFound(id string) error {
	return errorf("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
}

// stateCodes are EC2's instance state codes.
var stateCodes = map[string]int32{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

func instanceState(name string) *ec2types.InstanceState {
	return &ec2types.InstanceState{Name: ec2types.InstanceStateName(name), Code: aws.Int32(stateCodes[name])}
}

func instance(res *inventory.Resource, state, region string) ec2types.Instance {
	return ec2types.Instance{
		InstanceId: aws.String(res.Name), InstanceType: ec2types.InstanceType(res.Attr("instanceType", "t3.micro")),
		ImageId: aws.String(res.Attr("imageId", "ami-"+res.Fingerprint[:8])),
		State:   instanceState(state), Tags: tags(res.Tags), LaunchTime: aws.Time(res.CreationTime),
		Placement: &ec2types.Placement{AvailabilityZone: aws.String(res.Attr("availabilityZone", region+"a"))},
	}
}

// describeInstances answers DescribeInstances: by id (each must exist; a
// terminated instance stays describable for TerminatedRetention), or every
// instance of the account and Region matching the filters instance-id,
// instance-state-name, instance-type, tag-key and tag:<key>, one
// reservation per instance, in pages of MaxResults (5–1000).
func describeInstances(r *serve.Request, in *awsec2.DescribeInstancesInput) (*awsec2.DescribeInstancesOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	fs, err := filters(in.Filters, "instance-id", "instance-state-name", "instance-type")
	if err != nil {
		return nil, err
	}
	if in.MaxResults != nil && len(in.InstanceIds) > 0 {
		return nil, errorf("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults")
	}
	if in.MaxResults != nil && (*in.MaxResults < 5 || *in.MaxResults > 1000) {
		return nil, errorf("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", *in.MaxResults)
	}
	type entry struct {
		res   *inventory.Resource
		state string
	}
	var list []entry
	if len(in.InstanceIds) > 0 {
		for _, id := range in.InstanceIds {
			a := r.ARN("ec2", "instance/"+id)
			if res, ok := r.Inventory.Get(a); ok && res.Type == "EC2" {
				list = append(list, entry{res, r.Inventory.State(res, "running")})
				continue
			}
			if g, ok := r.Inventory.GoneOf(a); ok && g.Resource.Type == "EC2" {
				list = append(list, entry{&g.Resource, g.State})
				continue
			}
			return nil, instanceNotFound(id)
		}
	} else {
		for _, res := range r.Inventory.List(r.Account, r.Region, "EC2") {
			list = append(list, entry{res, r.Inventory.State(res, "running")})
		}
		for _, g := range r.Inventory.ListGone(r.Account, r.Region, "EC2") {
			list = append(list, entry{&g.Resource, g.State})
		}
	}
	var matched []entry
	for _, e := range list {
		attr := func(name string) []string {
			switch name {
			case "instance-id":
				return []string{e.res.Name}
			case "instance-state-name":
				return []string{e.state}
			case "instance-type":
				return []string{e.res.Attr("instanceType", "t3.micro")}
			}
			return nil
		}
		if matches(fs, e.res, attr) {
			matched = append(matched, e)
		}
	}
	page, next, err := serve.Page(matched, func(e entry) string { return e.res.ARN }, aws.ToString(in.NextToken), int(aws.ToInt32(in.MaxResults)), "InvalidNextToken")
	if err != nil {
		return nil, err
	}
	out := &awsec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{}}
	for _, e := range page {
		out.Reservations = append(out.Reservations, ec2types.Reservation{
			ReservationId: aws.String("r-" + e.res.Fingerprint), OwnerId: aws.String(r.Account),
			Instances: []ec2types.Instance{instance(e.res, e.state, r.Region)},
		})
	}
	if next != "" {
		out.NextToken = aws.String(next)
	}
	return out, nil
}

// terminateInstances starts terminating instances: shutting-down for
// Options.DeleteDuration, then terminated for TerminatedRetention, then
// InvalidInstanceID.NotFound. Terminating a terminated instance succeeds.
func terminateInstances(r *serve.Request, in *awsec2.TerminateInstancesInput) (*awsec2.TerminateInstancesOutput, error) {
	if err := dryRun(in.DryRun); err != nil {
		return nil, err
	}
	if len(in.InstanceIds) == 0 {
		return nil, errorf("MissingParameter", "The request must contain the parameter InstanceId")
	}
	out := &awsec2.TerminateInstancesOutput{}
	type change struct{ arn, id, prev string }
	var changes []change
	for _, id := range in.InstanceIds {
		a := r.ARN("ec2", "instance/"+id)
		if res, ok := r.Inventory.Get(a); ok && res.Type == "EC2" {
			changes = append(changes, change{a, id, r.Inventory.State(res, "running")})
			continue
		}
		if g, ok := r.Inventory.GoneOf(a); ok && g.Resource.Type == "EC2" {
			changes = append(changes, change{"", id, g.State})
			continue
		}
		return nil, instanceNotFound(id)
	}
	for _, c := range changes {
		cur := c.prev
		if c.arn != "" {
			r.Inventory.Delete(c.arn, inventory.Deletion{State: "shutting-down", At: r.Now.Add(r.DeleteDuration), Final: "terminated", Retain: TerminatedRetention})
			if d, ok := r.Inventory.DeletionOf(c.arn); ok {
				cur = d.State
			}
		}
		out.TerminatingInstances = append(out.TerminatingInstances, ec2types.InstanceStateChange{
			InstanceId: aws.String(c.id), PreviousState: instanceState(c.prev), CurrentState: instanceState(cur),
		})
	}
	return out, nil
}
