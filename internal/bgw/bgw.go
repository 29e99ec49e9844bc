// Package bgw holds the AWS Backup gateway (backup-gateway) rules that both
// backupkit's gateway package and the backuptest emulator apply: the shapes
// of gateway, hypervisor and virtual machine ARNs, display names,
// activation keys, hypervisor hosts and credentials, KMS key ARNs and
// maintenance start times. Each check returns the reason a value is
// refused, or "" when it is valid.
//
// Sources (AWS Backup developer guide, Backup gateway API reference):
// API_BGW_CreateGateway (ActivationKey 1-50 of [0-9a-zA-Z-];
// GatewayDisplayName 1-100 of [a-zA-Z0-9-]; GatewayType BACKUP_VM; up to
// 50 tags), API_BGW_ImportHypervisorConfiguration (Host 3-128; Name 1-100
// of [a-zA-Z0-9-]; Username and Password 1-100 printable ASCII; KmsKeyArn
// 50-500, a kms key or alias ARN or alias/NAME),
// API_BGW_PutMaintenanceStartTime and API_BGW_MaintenanceStartTime
// (HourOfDay 0-23, MinuteOfHour 0-59, DayOfWeek 0-6, DayOfMonth 1-31, of
// which AWS documents 1-28 as the usable days) and API_BGW_VirtualMachine
// (ARNs 50-500 characters matching
// arn:(aws|aws-cn|aws-us-gov):backup-gateway(:[a-zA-Z-0-9]+){3}/[a-zA-Z-0-9]+,
// for example arn:aws:backup-gateway:us-west-1:0000000000000:vm/vm-0000ABCDEFGIJKL).
package bgw

import (
	"fmt"
	"strings"

	"github.com/backupkit/backupkit/internal/lazyre"
)

// GatewayTypeVM is the only gateway type AWS Backup knows (BACKUP_VM).
const GatewayTypeVM = "BACKUP_VM"

// MaxTags is the most tags CreateGateway accepts.
const MaxTags = 50

// Hypervisor states (HypervisorState).
const (
	StatePending = "PENDING"
	StateOnline  = "ONLINE"
	StateOffline = "OFFLINE"
	StateError   = "ERROR"
)

var (
	arnRE        = lazyre.New(`^arn:(aws|aws-cn|aws-us-gov):backup-gateway(:[a-zA-Z-0-9]+){3}/[a-zA-Z-0-9]+$`)
	nameRE       = lazyre.New(`^[a-zA-Z0-9-]*$`)
	activationRE = lazyre.New(`^[0-9a-zA-Z-]+$`)
	kmsRE        = lazyre.New(`^(arn:(aws|aws-cn|aws-us-gov):kms:([a-zA-Z0-9-]+):([0-9]+):(key|alias)/(\S+))$|^(alias/(\S+))$`)
	printableRE  = lazyre.New(`^[ -~]+$`)
)

// ARN checks a gateway, hypervisor or virtual machine ARN; kind is the
// resource part's prefix ("gateway", "hypervisor", "vm"), or "" for any.
func ARN(s, kind string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) < 50 || len(s) > 500:
		return fmt.Sprintf("is %d characters; want 50-500 (arn:aws:backup-gateway:REGION:ACCOUNT:%s/ID)", len(s), kindOr(kind))
	case !arnRE.MatchString(s):
		return fmt.Sprintf("%q is not a backup-gateway ARN (arn:aws:backup-gateway:REGION:ACCOUNT:%s/ID)", s, kindOr(kind))
	}
	if kind != "" {
		res := s[strings.LastIndexByte(s, ':')+1:]
		if !strings.HasPrefix(res, kind+"/") {
			return fmt.Sprintf("%q is not a %s ARN (its resource is %q)", s, kind, res)
		}
	}
	return ""
}

func kindOr(kind string) string {
	if kind == "" {
		return "TYPE"
	}
	return kind
}

// Name checks a gateway display name or hypervisor name: 1-100 letters,
// digits and hyphens.
func Name(s string) string {
	switch {
	case s == "":
		return "is required"
	case len(s) > 100:
		return fmt.Sprintf("is %d characters; want at most 100", len(s))
	case !nameRE.MatchString(s):
		return fmt.Sprintf("%q may contain only letters, digits and hyphens", s)
	}
	return ""
}

// ActivationKey checks a gateway activation key: 1-50 letters, digits and
// hyphens.
func ActivationKey(s string) string {
	switch {
	case s == "":
		return "is required (the key the gateway appliance shows once it is deployed)"
	case len(s) > 50:
		return fmt.Sprintf("is %d characters; want at most 50", len(s))
	case !activationRE.MatchString(s):
		return fmt.Sprintf("%q may contain only letters, digits and hyphens", s)
	}
	return ""
}

// GatewayType checks a gateway type.
func GatewayType(s string) string {
	if s != GatewayTypeVM {
		return fmt.Sprintf("is %q; want %s", s, GatewayTypeVM)
	}
	return ""
}

// Host checks a hypervisor host (an IP address or FQDN): 3-128
// characters, no line breaks.
func Host(s string) string {
	switch {
	case s == "":
		return "is required (the vCenter or ESXi host: an IP address or a fully qualified domain name)"
	case len(s) < 3 || len(s) > 128:
		return fmt.Sprintf("is %d characters; want 3-128", len(s))
	case strings.ContainsAny(s, "\r\n"):
		return "must be one line"
	}
	return ""
}

// Credential checks an optional hypervisor username or password: empty,
// or 1-100 printable ASCII characters. A username must also contain a
// non-space character and no '/' (AWS's pattern excludes it).
func Credential(s string, username bool) string {
	switch {
	case s == "":
		return ""
	case len(s) > 100:
		return fmt.Sprintf("is %d characters; want at most 100", len(s))
	case !printableRE.MatchString(s):
		return "may contain only printable ASCII characters"
	case username && strings.Contains(s, "/"):
		return "may not contain '/'"
	case username && strings.TrimSpace(s) == "":
		return "must contain a non-space character"
	}
	return ""
}

// KMSKey checks an optional hypervisor KmsKeyArn: a KMS key or alias ARN,
// or alias/NAME, 50-500 characters as AWS documents (an alias/NAME shorter
// than 50 characters is refused by AWS's length limit too).
func KMSKey(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) < 50 || len(s) > 500:
		return fmt.Sprintf("is %d characters; want 50-500", len(s))
	case !kmsRE.MatchString(s):
		return fmt.Sprintf("%q is not a KMS key or alias ARN", s)
	}
	return ""
}

// Maintenance checks a maintenance start time against the API's ranges.
// dayOfWeek and dayOfMonth are -1 when unset.
func Maintenance(hour, minute, dayOfWeek, dayOfMonth int) (field, reason string) {
	switch {
	case hour < 0 || hour > 23:
		return "HourOfDay", fmt.Sprintf("is %d; want 0-23", hour)
	case minute < 0 || minute > 59:
		return "MinuteOfHour", fmt.Sprintf("is %d; want 0-59", minute)
	case dayOfWeek != -1 && (dayOfWeek < 0 || dayOfWeek > 6):
		return "DayOfWeek", fmt.Sprintf("is %d; want 0 (Sunday) to 6 (Saturday)", dayOfWeek)
	case dayOfMonth != -1 && (dayOfMonth < 1 || dayOfMonth > 31):
		return "DayOfMonth", fmt.Sprintf("is %d; want 1-31", dayOfMonth)
	}
	return "", ""
}
