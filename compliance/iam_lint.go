package compliance

import (
	"fmt"
	"strings"

	"github.com/backupkit/backupkit/backup"
)

// LintFinding is one problem [Lint] found in a policy document.
type LintFinding struct {
	Severity  Severity `json:"severity"`
	Statement string   `json:"statement"` // Sid, or "#index" when the statement has none
	Action    string   `json:"action,omitempty"`
	Reason    string   `json:"reason"`
}

// String renders the finding as "SEVERITY statement action: reason".
func (f LintFinding) String() string {
	if f.Action != "" {
		return fmt.Sprintf("%s %s %s: %s", f.Severity, f.Statement, f.Action, f.Reason)
	}
	return fmt.Sprintf("%s %s: %s", f.Severity, f.Statement, f.Reason)
}

// LintOptions say what the linted role is for. With no Types, Lint only
// checks wildcards, PassRole and trust conditions.
type LintOptions struct {
	// Types are the AWS Backup resource types the role serves; any granted
	// action not needed by them (see [NeededActions]) is flagged.
	Types []backup.ResourceType
	// Restore: the policy is for a restore role.
	Restore bool
	// Copies: the role serves plans with copy actions.
	Copies bool
}

// scopable are the actions whose grants in this package name resource ARNs:
// granting them on "*" is broader than AWS requires.
var scopable = func() map[string]bool {
	m := map[string]bool{}
	for _, table := range []map[backup.ResourceType][]grant{backupGrants, restoreGrants} {
		for _, gs := range table {
			for _, g := range gs {
				if len(g.resources) == 1 && g.resources[0] == "*" {
					continue
				}
				for _, a := range g.actions {
					m[strings.ToLower(a)] = true
				}
			}
		}
	}
	for _, g := range append(append([]grant{}, commonBackupGrants...), commonRestoreGrants...) {
		for _, a := range g.actions {
			m[strings.ToLower(a)] = true
		}
	}
	return m
}()

// Lint checks an IAM policy document for the problems least-privilege
// reviews look for: action wildcards ("*", "ec2:*", "ec2:Describe*"),
// NotAction/NotResource allows, resource "*" on actions that support
// resource-level permissions, iam:PassRole not limited by
// iam:PassedToService, AWS Backup trust without aws:SourceAccount/SourceArn,
// and — when opts.Types is set — actions beyond what those types need.
func Lint(doc PolicyDocument, opts LintOptions) []LintFinding {
	var out []LintFinding
	var needed map[string]bool
	if len(opts.Types) > 0 {
		needed = map[string]bool{}
		for _, a := range NeededActions(opts.Types, opts.Restore, opts.Copies) {
			needed[strings.ToLower(a)] = true
		}
	}
	for i, s := range doc.Statement {
		id := s.Sid
		if id == "" {
			id = fmt.Sprintf("#%d", i)
		}
		add := func(sev Severity, action, format string, args ...any) {
			out = append(out, LintFinding{Severity: sev, Statement: id, Action: action, Reason: fmt.Sprintf(format, args...)})
		}
		if s.Effect != "Allow" {
			continue
		}
		if len(s.NotAction) > 0 {
			add(SeverityHigh, "", "Allow with NotAction grants every action not listed")
		}
		if svc, ok := s.Principal["Service"]; ok && containsFold(svc, "backup.amazonaws.com") {
			if !hasConditionKey(s, "aws:SourceAccount") && !hasConditionKey(s, "aws:SourceArn") {
				add(SeverityMedium, "", "trust for backup.amazonaws.com without an aws:SourceAccount or aws:SourceArn condition (confused deputy)")
			}
			continue
		}
		resourceStar := containsFold(s.Resource, "*")
		for _, a := range s.Action {
			la := strings.ToLower(a)
			switch {
			case a == "*":
				add(SeverityHigh, a, "grants every action of every service")
			case strings.HasSuffix(la, ":*"):
				add(SeverityHigh, a, "grants every action of the service")
			case strings.ContainsAny(a, "*?"):
				add(SeverityMedium, a, "action wildcard; list the actions needed")
			}
			if la == "iam:passrole" {
				if !hasConditionKey(s, "iam:PassedToService") {
					add(SeverityHigh, a, "iam:PassRole without an iam:PassedToService condition")
				}
				if resourceStar {
					add(SeverityHigh, a, "iam:PassRole on every role; name the role ARN")
				}
				if needed != nil && !needed[la] {
					add(SeverityMedium, a, "not needed by %s", joinTypes(opts.Types))
				}
				continue
			}
			if resourceStar && scopable[la] {
				add(SeverityLow, a, "supports resource-level permissions but is granted on Resource \"*\"")
			}
			if needed != nil && !needed[la] {
				add(SeverityMedium, a, "not needed by %s", joinTypes(opts.Types))
			}
		}
	}
	return out
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func hasConditionKey(s Statement, key string) bool {
	for _, kv := range s.Condition {
		for k := range kv {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}
