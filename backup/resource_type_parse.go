package backup

import (
	"fmt"
	"slices"
	"strings"
)

// taggingTypes maps each AWS Backup resource type to the Resource Groups
// Tagging API resource types ("service:resourceType", as GetResources'
// ResourceTypeFilters take them) of its resources. Amazon DocumentDB and
// Amazon Neptune clusters share Aurora's rds:cluster.
func taggingTypes(t ResourceType) []string {
	switch t {
	case Aurora, DocumentDB, Neptune:
		return []string{"rds:cluster"}
	case CloudFormation:
		return []string{"cloudformation:stack"}
	case DynamoDB:
		return []string{"dynamodb:table"}
	case EBS:
		return []string{"ec2:volume"}
	case EC2:
		return []string{"ec2:instance"}
	case EFS:
		return []string{"elasticfilesystem:file-system"}
	case EKS:
		return []string{"eks:cluster"}
	case FSx:
		return []string{"fsx:file-system", "fsx:volume"}
	case RDS:
		return []string{"rds:db"}
	case Redshift:
		return []string{"redshift:cluster"}
	case S3:
		return []string{"s3"}
	case SAPHANA:
		return []string{"ssm-sap:HANA"}
	case StorageGateway:
		return []string{"storagegateway:gateway"}
	case Timestream:
		return []string{"timestream:database", "timestream:table"}
	case VirtualMachine:
		return []string{"backup-gateway:vm"}
	case AuroraDSQL:
		return []string{"dsql:cluster"}
	case RedshiftServerless:
		return []string{"redshift-serverless:namespace"}
	}
	return nil
}

// TaggingTypes returns the Resource Groups Tagging API resource types that
// list resources of type t (GetResources ResourceTypeFilters), such as
// "ec2:volume" for EBS. Aurora, DocumentDB and Neptune all return
// "rds:cluster", which lists the clusters of all three.
func (t ResourceType) TaggingTypes() []string { return taggingTypes(t) }

// UnknownResourceTypeError reports a resource type name that is neither one
// of AWS Backup's nor a Resource Groups Tagging API alias of one.
type UnknownResourceTypeError struct {
	// Values are the unknown names as given.
	Values []string
}

// Error names the values and lists the valid names.
func (e *UnknownResourceTypeError) Error() string {
	names := make([]string, 0, len(ResourceTypes()))
	for _, t := range ResourceTypes() {
		names = append(names, string(t))
	}
	quoted := make([]string, len(e.Values))
	for i, v := range e.Values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	what := "type"
	if len(e.Values) > 1 {
		what = "types"
	}
	return fmt.Sprintf("unknown resource %s %s: want one of %s (or a tagging API name such as ec2:volume or rds:db)",
		what, strings.Join(quoted, ", "), strings.Join(names, ", "))
}

// ParseResourceTypeName returns the ResourceType a person means by name:
// one of AWS Backup's names in any case ("EBS", "ebs", "FSX", "SAP HANA on
// Amazon EC2"), or a Resource Groups Tagging API resource type that belongs
// to exactly one of them ("ec2:volume" is EBS, "rds:db" is RDS; "rds:cluster"
// is Aurora). Anything else is an *UnknownResourceTypeError.
func ParseResourceTypeName(name string) (ResourceType, error) {
	s := strings.TrimSpace(name)
	if t, err := ParseResourceType(s); err == nil {
		return t, nil
	}
	for _, t := range ResourceTypes() {
		if slices.ContainsFunc(taggingTypes(t), func(a string) bool { return strings.EqualFold(a, s) }) {
			return t, nil
		}
	}
	if strings.EqualFold(s, "s3:bucket") {
		return S3, nil
	}
	return "", &UnknownResourceTypeError{Values: []string{name}}
}

// ParseResourceTypeNames parses each name with ParseResourceTypeName, also
// splitting comma-separated values ("EBS,RDS"), and returns the types in the
// order given without repeats. Unknown names are reported together in one
// *UnknownResourceTypeError.
func ParseResourceTypeNames(names ...string) ([]ResourceType, error) {
	var out []ResourceType
	var unknown []string
	for _, n := range names {
		for part := range strings.SplitSeq(n, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			t, err := ParseResourceTypeName(part)
			if err != nil {
				unknown = append(unknown, strings.TrimSpace(part))
				continue
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	if len(unknown) > 0 {
		return nil, &UnknownResourceTypeError{Values: unknown}
	}
	return out, nil
}
