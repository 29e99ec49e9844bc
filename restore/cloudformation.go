package restore

import (
	"regexp"

	"github.com/backupkit/backupkit/backup"
)

var cfnNameRE = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

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
	const rule = "1–128 letters, digits or '-', starting with a letter"
	b.required("StackName", "StackName", c.StackName)
	if c.StackName != "" && !cfnNameRE.MatchString(c.StackName) {
		b.fail("StackName", "is %q; want %s", c.StackName, rule)
	}
	b.required("ChangeSetName", "ChangeSetName", c.ChangeSetName)
	if c.ChangeSetName != "" && !cfnNameRE.MatchString(c.ChangeSetName) {
		b.fail("ChangeSetName", "is %q; want %s", c.ChangeSetName, rule)
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
