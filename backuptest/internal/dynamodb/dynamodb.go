// Package dynamodb answers the Amazon DynamoDB control-plane API (awsJson
// 1.0) over the emulator's inventory: tables (tables.go) and their tags
// (tags.go).
//
// Known differences from AWS: tables hold no items (ItemCount comes from
// the inventory's "itemCount" attribute); only the operations registered in
// New are served.
package dynamodb

import (
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TargetPrefix is DynamoDB's X-Amz-Target prefix.
const TargetPrefix = "DynamoDB_20120810."

// New returns the DynamoDB service with its handlers.
func New() *serve.Service {
	s := serve.NewService("dynamodb", awsjson.New("1.0", TargetPrefix))
	s.TargetPrefix = TargetPrefix
	s.Register("DescribeTable", serve.Handle(describeTable))
	s.Register("ListTables", serve.Handle(listTables))
	s.Register("DeleteTable", serve.Handle(deleteTable))
	s.Register("TagResource", serve.Handle(tagResource))
	s.Register("UntagResource", serve.Handle(untagResource))
	s.Register("ListTagsOfResource", serve.Handle(listTagsOfResource))
	return s
}

func notFound(name string) error {
	return serve.Errorf(http.StatusBadRequest, "ResourceNotFoundException", "Requested resource not found: Table: %s not found", name)
}

// table finds a table by name or ARN.
func table(r *serve.Request, nameOrARN string) (*inventory.Resource, error) {
	if nameOrARN == "" {
		return nil, serve.Errorf(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	a := nameOrARN
	if !strings.HasPrefix(a, "arn:") {
		a = r.ARN("dynamodb", "table/"+nameOrARN)
	}
	res, ok := r.Inventory.Get(a)
	if !ok || res.Type != "DynamoDB" {
		return nil, notFound(nameOrARN)
	}
	return res, nil
}

func tags(m map[string]string) []ddbtypes.Tag {
	out := make([]ddbtypes.Tag, 0, len(m))
	for _, k := range inventory.SortedKeys(m) {
		out = append(out, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}
