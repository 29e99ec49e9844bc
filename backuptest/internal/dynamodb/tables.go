package dynamodb

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsdynamodb "github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

func description(r *serve.Request, res *inventory.Resource) *ddbtypes.TableDescription {
	n, _ := strconv.ParseInt(res.Attr("itemCount", "0"), 10, 64)
	return &ddbtypes.TableDescription{
		TableName: aws.String(res.Name), TableArn: aws.String(res.ARN), TableId: aws.String(res.Fingerprint),
		TableStatus: ddbtypes.TableStatus(r.Inventory.State(res, "ACTIVE")),
		ItemCount:   aws.Int64(n), TableSizeBytes: aws.Int64(res.SizeBytes), CreationDateTime: aws.Time(res.CreationTime),
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(res.Attr("hashKey", "id")), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(res.Attr("hashKey", "id")), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		BillingModeSummary:   &ddbtypes.BillingModeSummary{BillingMode: ddbtypes.BillingModePayPerRequest},
	}
}

// describeTable describes a table by name or ARN.
func describeTable(r *serve.Request, in *awsdynamodb.DescribeTableInput) (*awsdynamodb.DescribeTableOutput, error) {
	res, err := table(r, aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	return &awsdynamodb.DescribeTableOutput{Table: description(r, res)}, nil
}

// listTables lists table names in order, Limit (1–100) at a time from
// ExclusiveStartTableName.
func listTables(r *serve.Request, in *awsdynamodb.ListTablesInput) (*awsdynamodb.ListTablesOutput, error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, serve.Errorf(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *in.Limit)
		}
		limit = int(*in.Limit)
	}
	out := &awsdynamodb.ListTablesOutput{TableNames: []string{}}
	start := aws.ToString(in.ExclusiveStartTableName)
	var names []string
	for _, res := range r.Inventory.List(r.Account, r.Region, "DynamoDB") {
		if res.Name > start {
			names = append(names, res.Name)
		}
	}
	slices.Sort(names)
	if len(names) > limit {
		names = names[:limit]
		out.LastEvaluatedTableName = aws.String(names[limit-1])
	}
	out.TableNames = append(out.TableNames, names...)
	return out, nil
}

// deleteTable starts deleting a table: DELETING for
// Options.DeleteDuration, then ResourceNotFoundException. A table already
// being deleted answers ResourceInUseException.
func deleteTable(r *serve.Request, in *awsdynamodb.DeleteTableInput) (*awsdynamodb.DeleteTableOutput, error) {
	res, err := table(r, aws.ToString(in.TableName))
	if err != nil {
		return nil, err
	}
	if _, deleting := r.Inventory.DeletionOf(res.ARN); deleting {
		return nil, serve.Errorf(http.StatusBadRequest, "ResourceInUseException", "Attempt to change a resource which is still in use: Table is being deleted: %s", res.Name)
	}
	r.Inventory.Delete(res.ARN, inventory.Deletion{State: string(ddbtypes.TableStatusDeleting), At: r.Now.Add(r.DeleteDuration)})
	return &awsdynamodb.DeleteTableOutput{TableDescription: description(r, res)}, nil
}
