// Package ec2 answers the Amazon EC2 API (ec2Query protocol) over the
// emulator's inventory: EBS volumes (volumes.go), EC2 instances
// (instances.go) and their tags (tags.go).
//
// Known differences from AWS: only the operations registered in New are
// served; filters are the ones listed by each handler; a volume or instance
// is described from its inventory entry (size, type, tags, state).
package ec2

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/query"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// New returns the EC2 service with its handlers.
func New() *serve.Service {
	s := serve.NewService("ec2", query.NewEC2(wireModel))
	s.Register("DescribeVolumes", serve.Handle(describeVolumes))
	s.Register("DeleteVolume", serve.Handle(deleteVolume))
	s.Register("DescribeInstances", serve.Handle(describeInstances))
	s.Register("TerminateInstances", serve.Handle(terminateInstances))
	s.Register("CreateTags", serve.Handle(createTags))
	s.Register("DeleteTags", serve.Handle(deleteTags))
	s.Register("DescribeRegions", serve.Handle(describeRegions))
	return s
}

func errorf(code, format string, args ...any) *serve.Error {
	return serve.Errorf(http.StatusBadRequest, code, format, args...)
}

// dryRun answers a DryRun request the way EC2 does when the caller is
// allowed: DryRunOperation, 412.
func dryRun(b *bool) error {
	if aws.ToBool(b) {
		return serve.Errorf(http.StatusPreconditionFailed, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

func tags(m map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(m))
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// filter is one EC2 filter: a name and the values any of which must match.
type filter struct {
	name   string
	values []string
}

func filters(in []ec2types.Filter, known ...string) ([]filter, error) {
	out := make([]filter, 0, len(in))
	for _, f := range in {
		name := aws.ToString(f.Name)
		if !slices.Contains(known, name) && !strings.HasPrefix(name, "tag:") {
			return nil, errorf("InvalidParameterValue", "The filter '%s' is invalid (the emulator serves %s, tag-key and tag:<key>)", name, strings.Join(known, ", "))
		}
		out = append(out, filter{name: name, values: f.Values})
	}
	return out, nil
}

// matches reports whether every filter holds; attr gives a named
// attribute's values for the resource.
func matches(fs []filter, r *inventory.Resource, attr func(name string) []string) bool {
	for _, f := range fs {
		var have []string
		switch {
		case f.name == "tag-key":
			have = inventory.SortedKeys(r.Tags)
		case strings.HasPrefix(f.name, "tag:"):
			if v, ok := r.Tags[strings.TrimPrefix(f.name, "tag:")]; ok {
				have = []string{v}
			}
		default:
			have = attr(f.name)
		}
		if !slices.ContainsFunc(f.values, func(want string) bool {
			return slices.ContainsFunc(have, func(h string) bool { return wildcard(want, h) })
		}) {
			return false
		}
	}
	return true
}

// wildcard matches EC2 filter values, where * and ? are wildcards.
func wildcard(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcard(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcard(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && wildcard(pattern[1:], s[1:])
}

func arnKey(r *inventory.Resource) string { return r.ARN }
