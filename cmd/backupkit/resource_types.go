package main

import (
	"strings"

	"github.com/backupkit/backupkit/backup"
)

// resourceTypesUsage is the help of every --resource-types flag: one
// vocabulary, AWS Backup's names, with the tagging API's as aliases.
var resourceTypesUsage = "AWS Backup resource types, comma-separated: " + joinTypes(backup.ResourceTypes()) +
	" (tagging API names such as ec2:volume are accepted too)"

func joinTypes(ts []backup.ResourceType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}
