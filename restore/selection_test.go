package restore

import (
	"testing"

	"github.com/backupkit/backupkit/internal/restoremeta"
)

func TestSelectionMatches(t *testing.T) {
	t.Parallel()
	const (
		vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
		db  = "arn:aws:rds:us-east-1:123456789012:db:orders"
	)
	tests := []struct {
		name string
		sel  Selection
		arn  string
		tags map[string]string
		want bool
	}{
		{"empty selects all", Selection{}, vol, nil, true},
		{"ARN wildcard", Selection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}}, vol, nil, true},
		{"ARN prefix", Selection{Resources: []string{"arn:aws:rds:us-east-1:123456789012:db:ord*"}}, db, nil, true},
		{"ARN no match", Selection{Resources: []string{"arn:aws:rds:*"}}, vol, nil, false},
		{"tag OR", Selection{Tags: map[string]string{"env": "prod", "tier": "gold"}}, vol, map[string]string{"tier": "gold"}, true},
		{"tag value differs", Selection{Tags: map[string]string{"env": "prod"}}, vol, map[string]string{"env": "dev"}, false},
		{"ARN or tag", Selection{Resources: []string{"arn:aws:rds:*"}, Tags: map[string]string{"env": "prod"}}, vol, map[string]string{"env": "prod"}, true},
		{"excluded", Selection{Tags: map[string]string{"env": "prod"}, NotResources: []string{"arn:aws:ec2:*"}}, vol, map[string]string{"env": "prod"}, false},
		{"match func decides", Selection{Resources: []string{"*"}, Match: func(a string, _ map[string]string) bool { return a == db }}, vol, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.sel.matches(tt.arn, tt.tags); got != tt.want {
				t.Errorf("matches(%s, %v) = %v; want %v", tt.arn, tt.tags, got, tt.want)
			}
		})
	}
}

func TestStagingNames(t *testing.T) {
	t.Parallel()
	a, b := stagingName("drill-1", 7), stagingName("drill-2", 7)
	if a == b || a == stagingName("drill-1", 8) {
		t.Errorf("staging names %q, %q are not unique per drill and target", a, b)
	}
	for _, typ := range []string{"RDS", "Aurora", "Redshift", "DynamoDB", "S3", "Timestream", "CloudFormation"} {
		if reason := restoremeta.CheckName(typ, a); reason != "" || len(a) > 30 {
			t.Errorf("staging name %q cannot name a restored %s: %s", a, typ, reason)
		}
	}
	md := restoremeta.Staging("EFS", a)
	if md["newFileSystem"] != "true" || md["CreationToken"] != a {
		t.Errorf("EFS staging metadata = %v; want a new file system", md)
	}
}
