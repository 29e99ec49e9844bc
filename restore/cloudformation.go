package restore

import (
	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// CloudFormation restores a CloudFormation stack recovery point as a change
// set of a (new) stack.
type CloudFormation struct {
	// StackName, 1–128 of letters, digits, '-', starting with a letter (key StackName); required.
	StackName string
	// ChangeSetName, same rule (key ChangeSetName); required.
	ChangeSetName string
	// ChangeSetDescription, at most 1,024 characters (key ChangeSetDescription).
	ChangeSetDescription string
	// StackParameters override template parameters (key StackParameters, JSON object).
	StackParameters map[string]string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (CloudFormation) ResourceType() backup.ResourceType { return backup.CloudFormation }

// Metadata implements Input.
func (c CloudFormation) Metadata() (map[string]string, error) {
	b := newBuilder("CloudFormation")
	b.required("StackName", "StackName", c.StackName)
	if reason := restoremeta.CheckName("CloudFormation", c.StackName); c.StackName != "" && reason != "" {
		b.fail("StackName", "is %q; %s", c.StackName, reason)
	}
	b.required("ChangeSetName", "ChangeSetName", c.ChangeSetName)
	if reason := restoremeta.CheckName("CloudFormation", c.ChangeSetName); c.ChangeSetName != "" && reason != "" {
		b.fail("ChangeSetName", "is %q; %s", c.ChangeSetName, reason)
	}
	if len(c.ChangeSetDescription) > 1024 {
		b.fail("ChangeSetDescription", "is %d characters; want at most 1024", len(c.ChangeSetDescription))
	}
	b.str("ChangeSetDescription", c.ChangeSetDescription)
	if len(c.StackParameters) > 0 {
		b.jsonValue("StackParameters", c.StackParameters)
	}
	b.merge(c.Extra)
	return b.done()
}
