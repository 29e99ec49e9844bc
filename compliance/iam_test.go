package compliance

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/backupkit/backupkit/backup"
)

func loadActions(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("testdata/managed/" + name + ".actions")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if len(out) < 20 {
		t.Fatalf("%s: got %d actions; want the full managed list", name, len(out))
	}
	return out
}

func TestActionMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"ec2:Describe*", "ec2:DescribeVolumes", true},
		{"ec2:describe*", "EC2:DescribeVolumes", true},
		{"ec2:Describe*", "ec2:CreateSnapshot", false},
		{"*", "s3:GetObject", true},
		{"ec2:*", "ec2:RunInstances", true},
		{"ec2:*", "ec2messages:GetMessages", false},
		{"rds:Describe*Snapshots", "rds:DescribeDBClusterSnapshots", true},
		{"rds:Describe*Snapshots", "rds:DescribeDBClusters", false},
		{"kms:ReEncrypt?o", "kms:ReEncryptTo", true},
		{"kms:ReEncrypt?o", "kms:ReEncryptFrom", false},
		{"ec2:CreateSnapshot", "ec2:CreateSnapshots", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"a*b?*", "a*0B00", true}, // a literal '*' in the action must not consume the pattern's star

	}
	for _, tt := range tests {
		if got := ActionMatches(tt.pattern, tt.action); got != tt.want {
			t.Errorf("ActionMatches(%q, %q) = %v; want %v", tt.pattern, tt.action, got, tt.want)
		}
	}
}

func TestGeneratedRolesNarrowerThanManaged(t *testing.T) {
	t.Parallel()
	managedBackup := loadActions(t, "AWSBackupServiceRolePolicyForBackup")
	managedRestore := loadActions(t, "AWSBackupServiceRolePolicyForRestores")
	managedS3Backup := loadActions(t, "AWSBackupServiceRolePolicyForS3Backup")
	managedS3Restore := loadActions(t, "AWSBackupServiceRolePolicyForS3Restore")
	typeSets := [][]backup.ResourceType{{"EBS"}, {"EC2"}, {"RDS"}, {"Aurora"}, {"DynamoDB"}, {"EFS"}, {"FSx"}, {"S3"}, {"EBS", "RDS"}, {"EBS", "RDS", "DynamoDB"}, IAMResourceTypes()}
	for _, types := range typeSets {
		for _, restore := range []bool{false, true} {
			for _, copies := range []bool{false, true} {
				name := joinTypes(types)
				gen, managed := BackupRole, managedBackup
				if restore {
					gen, managed = RestoreRole, managedRestore
					name += "/restore"
				}
				if slices.Contains(types, backup.S3) {
					// AWS's S3 policy is attached beside the general one.
					if restore {
						managed = slices.Concat(managed, managedS3Restore)
					} else {
						managed = slices.Concat(managed, managedS3Backup)
					}
				}
				if copies {
					name += "/copies"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					role, err := gen(types, func(o *RoleOptions) { o.AccountID = "123456789012"; o.Copies = copies })
					if err != nil {
						t.Fatal(err)
					}
					for _, doc := range []PolicyDocument{role.Trust, role.Permissions, role.PassRole} {
						b := doc.JSON()
						if !json.Valid(b) {
							t.Fatalf("invalid JSON: %s", b)
						}
						back, err := ParsePolicyDocument(b)
						if err != nil {
							t.Fatal(err)
						}
						if len(back.Statement) != len(doc.Statement) {
							t.Errorf("round trip: got %d statements; want %d", len(back.Statement), len(doc.Statement))
						}
					}
					granted := role.Permissions.Actions()
					for _, a := range granted {
						if strings.ContainsAny(a, "*?") {
							t.Errorf("granted wildcard action %q", a)
						}
						if !AllowsAction(managed, a) {
							t.Errorf("granted %q, which the managed policy does not grant", a)
						}
					}
					if len(granted) >= len(managed) {
						t.Errorf("granted %d actions; want fewer than the managed policy's %d", len(granted), len(managed))
					}
					if f := Lint(role.Permissions, LintOptions{Types: types, Restore: restore, Copies: copies}); len(f) != 0 {
						t.Errorf("Lint of generated policy: got %v; want no findings", f)
					}
					if f := Lint(role.Trust, LintOptions{}); len(f) != 0 {
						t.Errorf("Lint of trust policy: got %v; want none", f)
					}
					if f := Lint(role.PassRole, LintOptions{}); len(f) != 0 {
						t.Errorf("Lint of PassRole policy: got %v; want none", f)
					}
					cond := role.Trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"]
					if !slices.Equal([]string(cond), []string{"123456789012"}) {
						t.Errorf("trust aws:SourceAccount = %v; want [123456789012]", cond)
					}
					pr := role.PassRole.Statement[0]
					if got := pr.Condition["StringEquals"]["iam:PassedToService"]; !slices.Equal([]string(got), []string{"backup.amazonaws.com"}) {
						t.Errorf("PassRole iam:PassedToService = %v; want backup.amazonaws.com", got)
					}
					if !strings.HasSuffix(pr.Resource[0], ":role/"+role.Name) {
						t.Errorf("PassRole resource = %v; want the role ARN", pr.Resource)
					}
				})
			}
		}
	}
}

func TestRoleNeedsOnlyItsTypes(t *testing.T) {
	t.Parallel()
	ebs, err := BackupRole([]backup.ResourceType{"ebs"}, func(o *RoleOptions) { o.AccountID = "123456789012"; o.Region = "eu-west-1" })
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ebs.Permissions.Actions() {
		if strings.HasPrefix(a, "rds:") || strings.HasPrefix(a, "dynamodb:") {
			t.Errorf("EBS role grants %q", a)
		}
		if a == "ec2:CopySnapshot" {
			t.Errorf("EBS role without Copies grants %q", a)
		}
	}
	if !slices.Contains(ebs.Permissions.Actions(), "ec2:CreateSnapshot") {
		t.Error("EBS role lacks ec2:CreateSnapshot")
	}
	found := false
	for _, s := range ebs.Permissions.Statement {
		for _, r := range s.Resource {
			if r == "arn:aws:ec2:eu-west-1:123456789012:volume/*" {
				found = true
			}
		}
	}
	if !found {
		t.Error("EBS role: no volume ARN scoped to eu-west-1 and the account")
	}
}

func TestRestoreRoleEC2PassRole(t *testing.T) {
	t.Parallel()
	role, err := RestoreRole([]backup.ResourceType{"EC2"}, func(o *RoleOptions) {
		o.AccountID = "123456789012"
		o.EC2InstanceRoleARN = "arn:aws:iam::123456789012:role/app"
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(role.Permissions.Actions(), "iam:PassRole") {
		t.Fatal("no iam:PassRole for the instance role")
	}
	if f := Lint(role.Permissions, LintOptions{Types: []backup.ResourceType{"EC2"}, Restore: true}); len(f) != 0 {
		t.Errorf("Lint: got %v; want none", f)
	}
}

func TestRoleValidation(t *testing.T) {
	t.Parallel()
	_, err := BackupRole([]backup.ResourceType{"EBS", "Floppy"}, func(o *RoleOptions) { o.AccountID = "12" })
	ves := backup.ValidationErrors(err)
	if len(ves) != 2 {
		t.Fatalf("got %v; want 2 validation errors", err)
	}
	if ves[0].Field != "AccountID" || ves[1].Field != "Types[1]" {
		t.Errorf("fields = %s, %s; want AccountID, Types[1]", ves[0].Field, ves[1].Field)
	}
	if _, err := BackupRole([]backup.ResourceType{"EBS"}, func(o *RoleOptions) { o.AccountID = "123456789012"; o.EC2InstanceRoleARN = "arn:aws:iam::1:role/x" }); err == nil {
		t.Error("EC2InstanceRoleARN on a backup role: got nil error")
	}
}

func TestLintFlagsBroadPolicies(t *testing.T) {
	t.Parallel()
	doc, err := ParsePolicyDocument([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
	    {"Sid": "EC2", "Effect": "Allow", "Action": ["ec2:*", "ec2:Describe*"], "Resource": "*"},
	    {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
	    {"Sid": "Snap", "Effect": "Allow", "Action": ["ec2:CreateSnapshot", "rds:CreateDBSnapshot"], "Resource": "*"},
	    {"Sid": "Not", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
	    {"Sid": "Trust", "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"},
	    {"Sid": "Deny", "Effect": "Deny", "Action": "*", "Resource": "*"}
	  ]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range Lint(doc, LintOptions{Types: []backup.ResourceType{"EBS"}}) {
		got[f.Statement+" "+f.Action+" "+f.Severity.String()] = true
	}
	for _, want := range []string{
		"All * HIGH",
		"EC2 ec2:* HIGH",
		"EC2 ec2:Describe* MEDIUM",
		"Pass iam:PassRole HIGH",
		"Pass iam:PassRole MEDIUM",
		"Snap ec2:CreateSnapshot LOW",
		"Snap rds:CreateDBSnapshot MEDIUM",
		"Not  HIGH",
		"Trust  MEDIUM",
	} {
		if !got[want] {
			t.Errorf("missing finding %q; got %v", want, got)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "Deny") {
			t.Errorf("finding on a Deny statement: %q", k)
		}
	}
}

// FuzzActionMatches compares the wildcard matcher with a regular
// expression built from the same pattern.
func FuzzActionMatches(f *testing.F) {
	f.Add("ec2:Describe*", "ec2:DescribeVolumes")
	f.Add("a*b?c", "axxbyc")
	f.Add("**?", "")
	f.Fuzz(func(t *testing.T, pattern, action string) {
		if len(pattern) > 64 || len(action) > 64 || !utf8.ValidString(pattern) || !utf8.ValidString(action) {
			return
		}
		var re strings.Builder
		re.WriteString("(?is)^")
		for _, r := range strings.ToLower(pattern) {
			switch r {
			case '*':
				re.WriteString(".*")
			case '?':
				re.WriteString(".")
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString("$")
		want := regexp.MustCompile(re.String()).MatchString(strings.ToLower(action))
		// The matcher works on bytes: '?' matches one byte, so compare only
		// where that agrees with one rune.
		if strings.Contains(pattern, "?") && len(action) != utf8.RuneCountInString(action) {
			return
		}
		if got := ActionMatches(pattern, action); got != want {
			t.Errorf("ActionMatches(%q, %q) = %v; regexp says %v", pattern, action, got, want)
		}
	})
}
