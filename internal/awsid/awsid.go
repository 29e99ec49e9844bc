// Package awsid checks the shapes of AWS identifiers that both the library
// (package fleet) and the backuptest emulator (STS and Organizations) must
// judge alike: account ids, Region names, IAM role names, role session
// names and Organizations ids. It is the one place for those rules.
package awsid

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/lazyre"
)

var accountRE = lazyre.New(`^[0-9]{12}$`)

// AccountID reports whether s is an AWS account id: exactly 12 digits.
func AccountID(s string) bool { return accountRE.MatchString(s) }

// regionREs are the partitions' Region patterns, as the SDK's endpoint
// rules state them (aws-sdk-go-v2 internal/endpoints/awsrulesfn
// partitions.go, "regionRegex"): aws, aws-cn, aws-eusc, aws-iso,
// aws-iso-b, aws-iso-e, aws-iso-f, aws-us-gov.
var regionREs = []*lazyre.Regexp{
	lazyre.New(`^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`),
	lazyre.New(`^cn-\w+-\d+$`),
	lazyre.New(`^eusc-(de)-\w+-\d+$`),
	lazyre.New(`^us-iso-\w+-\d+$`),
	lazyre.New(`^us-isob-\w+-\d+$`),
	lazyre.New(`^eu-isoe-\w+-\d+$`),
	lazyre.New(`^us-isof-\w+-\d+$`),
	lazyre.New(`^us-gov-\w+-\d+$`),
}

// Region reports whether s has the form of a Region name in one of AWS's
// partitions ("us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1").
// It checks the form, not whether AWS has opened that Region yet.
func Region(s string) bool {
	if s != strings.ToLower(s) {
		return false
	}
	for _, re := range regionREs {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// Partition returns the partition of a Region name: "aws-cn" for cn-…,
// "aws-us-gov" for us-gov-…, "aws-iso" / "aws-iso-b" / "aws-iso-e" /
// "aws-iso-f" / "aws-eusc" for theirs, else "aws".
func Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// roleNameRE is IAM's RoleName pattern: 1–64 of [\w+=,.@-]
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
var roleNameRE = lazyre.New(`^[\w+=,.@-]{1,64}$`)

// rolePathRE is IAM's Path pattern: "/" or "/segments/" of printable ASCII
// without spaces, at most 512 characters.
var rolePathRE = lazyre.New(`^/([\x21-\x7E]*/)?$`)

// RoleName reports whether s is a valid IAM role name, optionally after a
// path ("path/to/Name" or "/path/to/Name").
func RoleName(s string) bool {
	path, name := "/", s
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		path, name = s[:i+1], s[i+1:]
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
	}
	return roleNameRE.MatchString(name) && len(path) <= 512 && rolePathRE.MatchString(path)
}

// sessionNameRE is STS's RoleSessionName pattern: 2–64 of [\w+=,.@-]
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
var sessionNameRE = lazyre.New(`^[\w+=,.@-]{2,64}$`)

// SessionName reports whether s is a valid STS role session name.
func SessionName(s string) bool { return sessionNameRE.MatchString(s) }

// externalIDRE is STS's ExternalId pattern: 2–1224 of [\w+=,.@:/-].
var externalIDRE = lazyre.New(`^[\w+=,.@:/-]+$`)

// ExternalID reports whether s is a valid STS external id.
func ExternalID(s string) bool {
	return len(s) >= 2 && len(s) <= 1224 && externalIDRE.MatchString(s)
}

var (
	ouRE   = lazyre.New(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	rootRE = lazyre.New(`^r-[0-9a-z]{4,32}$`)
)

// OrganizationalUnitID reports whether s has the form of an Organizations
// OU id ("ou-" 4–32 characters "-" 8–32 characters, lower-case letters and
// digits).
func OrganizationalUnitID(s string) bool { return ouRE.MatchString(s) }

// RootID reports whether s has the form of an Organizations root id
// ("r-" then 4–32 lower-case letters or digits).
func RootID(s string) bool { return rootRE.MatchString(s) }

// partitions are the ARN partitions: aws, aws-cn, aws-us-gov, the
// isolated ones and aws-eusc.
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// PartitionName reports whether s is an ARN partition.
func PartitionName(s string) bool { return slices.Contains(partitions, s) }

// RoleARN reports whether s is an IAM role ARN,
// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME (IAM identifiers, "IAM ARNs").
func RoleARN(s string) bool {
	a, err := arn.Parse(s)
	if err != nil || !PartitionName(a.Partition) || a.Service != "iam" || a.Region != "" || !AccountID(a.AccountID) {
		return false
	}
	rest, ok := strings.CutPrefix(a.Resource, "role/")
	return ok && len(rest) <= 512 && RoleName(rest)
}
