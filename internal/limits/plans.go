package limits

import (
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/awsid"
	"github.com/backupkit/backupkit/internal/problem"
)

// advancedOptions are the backup options of AdvancedBackupSettings per
// resource type, under their current names (API_AdvancedBackupSetting in
// the API reference: "WindowsVSS" for EC2; "BackupACLs" and
// "BackupObjectTags" for S3).
var advancedOptions = map[string][]string{
	"EC2": {"WindowsVSS"},
	"S3":  {"BackupACLs", "BackupObjectTags"},
}

// optionAliases are older spellings of the S3 options: the developer
// guide's copy of API_AdvancedBackupSetting still writes
// "S3BackupACLs":"disabled" and "S3BackupObjectTags":"disabled". They are
// accepted as input and read as the current names.
var optionAliases = map[string]string{
	"S3BackupACLs":       "BackupACLs",
	"S3BackupObjectTags": "BackupObjectTags",
}

// AdvancedOption returns the current name of a backup option of
// resourceType (an older alias becomes the current name) and whether AWS
// documents it for that type.
func AdvancedOption(resourceType, key string) (string, bool) {
	allowed, ok := advancedOptions[resourceType]
	if !ok {
		return key, false
	}
	if cur, ok := optionAliases[key]; ok && slices.Contains(allowed, cur) {
		return cur, true
	}
	return key, slices.Contains(allowed, key)
}

// AdvancedOptions returns options with each older alias renamed to its
// current name (nil stays nil). When an alias and its current name are
// both set, the current name's value wins.
func AdvancedOptions(resourceType string, options map[string]string) map[string]string {
	if options == nil {
		return nil
	}
	out := make(map[string]string, len(options))
	for k, v := range options {
		if cur, ok := AdvancedOption(resourceType, k); ok && cur != k {
			if _, both := options[cur]; both {
				continue
			}
			k = cur
		}
		out[k] = v
	}
	return out
}

// CheckAdvancedSetting checks one AdvancedBackupSetting: the resource type
// is EC2 or S3, and each option is one AWS documents for it (or an older
// alias) with the value "enabled" or "disabled". Fields are relative to the
// setting.
func CheckAdvancedSetting(resourceType string, options map[string]string) problem.List {
	var ps problem.List
	allowed, ok := advancedOptions[resourceType]
	switch {
	case resourceType == "":
		ps.Missing("ResourceType")
	case !ok:
		ps.Invalid("ResourceType", "must be EC2 (Windows VSS) or S3 (ACLs, object tags), got %q", resourceType)
	}
	if len(options) == 0 {
		ps.Missing("BackupOptions")
	}
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := "BackupOptions." + k
		if _, known := AdvancedOption(resourceType, k); ok && !known {
			ps.Invalid(f, "not a backup option for %s; allowed: %s", resourceType, strings.Join(allowed, ", "))
		}
		if v := options[k]; v != "enabled" && v != "disabled" {
			ps.Invalid(f, `must be "enabled" or "disabled", got %q`, v)
		}
	}
	return ps
}

// CheckScanAction checks a rule's ScanAction (API_ScanAction): the scanner
// and the scan mode are values of the SDK's MalwareScanner and ScanMode
// enums. Both members are optional in the API reference.
func CheckScanAction(scanner, mode string) problem.List {
	var ps problem.List
	if scanner != "" && !slices.Contains(types.MalwareScanner("").Values(), types.MalwareScanner(scanner)) {
		ps.Invalid("MalwareScanner", "must be one of %s, got %q", enumList(types.MalwareScanner("").Values()), scanner)
	}
	if mode != "" && !slices.Contains(types.ScanMode("").Values(), types.ScanMode(mode)) {
		ps.Invalid("ScanMode", "must be one of %s, got %q", enumList(types.ScanMode("").Values()), mode)
	}
	return ps
}

// CheckScanSetting checks a plan's ScanSetting (API_ScanSetting): a known
// scanner, resource types matching the documented pattern
// ^[a-zA-Z0-9\-\_\.]{1,50}$, and an IAM role ARN for the scanner.
func CheckScanSetting(scanner string, resourceTypes []string, roleARN string) problem.List {
	var ps problem.List
	if scanner != "" && !slices.Contains(types.MalwareScanner("").Values(), types.MalwareScanner(scanner)) {
		ps.Invalid("MalwareScanner", "must be one of %s, got %q", enumList(types.MalwareScanner("").Values()), scanner)
	}
	for i, t := range resourceTypes {
		if BackupName(t) != "" {
			ps.Invalid(problem.Index("ResourceTypes", i), "must be a resource type of 1-50 letters, digits, '-', '_' or '.', got %q", t)
		}
	}
	if roleARN != "" && !awsid.RoleARN(roleARN) {
		ps.Invalid("ScannerRoleArn", "%s, got %q", RoleARNRule, roleARN)
	}
	return ps
}

func enumList[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// CheckIndexActions checks a rule's IndexActions (API_IndexAction): at
// most one action, each with exactly one resource type, EBS or S3 (the
// types AWS Backup indexes). Fields are relative to the rule.
func CheckIndexActions(actions [][]string) problem.List {
	var ps problem.List
	if len(actions) > MaxIndexActionsPerRule {
		ps.Invalid("IndexActions", "at most one index action per rule, got %d", len(actions))
	}
	for i, ts := range actions {
		f := problem.Index("IndexActions", i)
		if len(ts) != 1 {
			ps.Invalid(f+".ResourceTypes", "exactly one resource type per index action, got %d", len(ts))
		}
		for j, t := range ts {
			if t != "EBS" && t != "S3" {
				ps.Invalid(problem.Index(f+".ResourceTypes", j), `must be "EBS" or "S3" (the types AWS Backup indexes), got %q`, t)
			}
		}
	}
	return ps
}
