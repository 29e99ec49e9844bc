package awsid

import "testing"

func TestShapes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		fn   func(string) bool
		in   string
		want bool
	}{
		{"account", AccountID, "123456789012", true},
		{"account short", AccountID, "12345678901", false},
		{"account letters", AccountID, "12345678901a", false},
		{"account spaces", AccountID, " 123456789012", false},
		{"region", Region, "us-east-1", true},
		{"region gov", Region, "us-gov-west-1", true},
		{"region cn", Region, "cn-northwest-1", true},
		{"region iso", Region, "us-iso-east-1", true},
		{"region eusc", Region, "eusc-de-east-1", true},
		{"region no number", Region, "us-east", false},
		{"region no dash", Region, "us-east1", false},
		{"region upper", Region, "US-EAST-1", false},
		{"region word", Region, "frankfurt", false},
		{"region enabled", Region, "enabled", false},
		{"region unknown prefix", Region, "xx-east-1", false},
		{"role", RoleName, "OrganizationAccountAccessRole", true},
		{"role path", RoleName, "ops/backup/BackupKitReader", true},
		{"role abs path", RoleName, "/ops/BackupKitReader", true},
		{"role space", RoleName, "Backup Role", false},
		{"role empty", RoleName, "", false},
		{"role braces", RoleName, "role-{account}", false},
		{"role too long", RoleName, "r234567890123456789012345678901234567890123456789012345678901234x", false},
		{"session", SessionName, "backupkit", true},
		{"session short", SessionName, "b", false},
		{"session colon", SessionName, "backup:kit", false},
		{"external id", ExternalID, "tenant:42/prod", true},
		{"external id short", ExternalID, "x", false},
		{"ou", OrganizationalUnitID, "ou-ab12-abcdefgh", true},
		{"ou short", OrganizationalUnitID, "ou-ab12-abc", false},
		{"ou upper", OrganizationalUnitID, "ou-AB12-abcdefgh", false},
		{"root", RootID, "r-ab12", true},
		{"root short", RootID, "r-a", false},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%s(%q) = %v; want %v", c.name, c.in, got, c.want)
		}
	}
}

func TestPartition(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-east-1": "aws-us-gov",
		"us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e",
		"us-isof-south-1": "aws-iso-f", "eusc-de-east-1": "aws-eusc",
	} {
		if got := Partition(region); got != want {
			t.Errorf("Partition(%q) = %q; want %q", region, got, want)
		}
	}
}

func FuzzRegion(f *testing.F) {
	for _, s := range []string{"us-east-1", "us-gov-west-1", "", "us--1", "enabled"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Region(s) && Partition(s) == "" {
			t.Fatalf("Region(%q) but no partition", s)
		}
	})
}

// TestRoleARN is the IAM role ARN shape (API_BackupSelection IamRoleArn
// example arn:aws:iam::123456789012:role/S3Access).
func TestRoleARN(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s  string
		ok bool
	}{
		{"arn:aws:iam::123456789012:role/S3Access", true},
		{"arn:aws-us-gov:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", true},
		{"arn:aws:iam::123456789012:user/bob", false},
		{"arn:aws:iam::1234:role/r", false},
		{"arn:aws:iam:us-east-1:123456789012:role/r", false},
		{"arn:aws:iam::123456789012:role/", false},
		{"arn:mars:iam::123456789012:role/r", false},
	} {
		if got := RoleARN(tt.s); got != tt.ok {
			t.Errorf("RoleARN(%q) = %v; want %v", tt.s, got, tt.ok)
		}
	}
}
