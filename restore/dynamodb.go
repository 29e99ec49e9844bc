package restore

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/restoremeta"
)

// DynamoDB restores a DynamoDB table recovery point to a new table.
type DynamoDB struct {
	// TargetTableName is the new table, 3–255 of [a-zA-Z0-9_.-]
	// (key targetTableName); required.
	TargetTableName string
	// EncryptionType is "Default" or "KMS" (key encryptionType).
	EncryptionType string
	// KMSMasterKeyARN is the customer managed key; required with
	// EncryptionType "KMS" and not allowed otherwise (key kmsMasterKeyArn).
	KMSMasterKeyARN string
	// DeletionProtection (key deletionProtection). Drills need false.
	DeletionProtection *bool
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (DynamoDB) ResourceType() backup.ResourceType { return backup.DynamoDB }

// Metadata implements Input.
func (d DynamoDB) Metadata() (map[string]string, error) {
	b := newBuilder("DynamoDB")
	b.required("TargetTableName", "targetTableName", d.TargetTableName)
	if reason := restoremeta.CheckName("DynamoDB", d.TargetTableName); d.TargetTableName != "" && reason != "" {
		b.fail("TargetTableName", "is %q; %s", d.TargetTableName, reason)
	}
	b.enum("EncryptionType", "encryptionType", d.EncryptionType, "Default", "KMS")
	switch {
	case d.EncryptionType == "KMS" && d.KMSMasterKeyARN == "":
		b.fail("KMSMasterKeyARN", "is required when EncryptionType is KMS")
	case d.EncryptionType != "KMS" && d.KMSMasterKeyARN != "":
		b.fail("KMSMasterKeyARN", "is only allowed when EncryptionType is KMS")
	}
	b.str("kmsMasterKeyArn", d.KMSMasterKeyARN)
	b.boolean("deletionProtection", d.DeletionProtection)
	b.merge(d.Extra)
	return b.done()
}

// DynamoDBAPI is the part of the Amazon DynamoDB client drills use
// (*dynamodb.Client satisfies it).
type DynamoDBAPI interface {
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	ListTagsOfResource(context.Context, *dynamodb.ListTagsOfResourceInput, ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error)
	TagResource(context.Context, *dynamodb.TagResourceInput, ...func(*dynamodb.Options)) (*dynamodb.TagResourceOutput, error)
	DeleteTable(context.Context, *dynamodb.DeleteTableInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
}

var _ DynamoDBAPI = (*dynamodb.Client)(nil)

type dynamoDBHandler struct{ api DynamoDBAPI }

func (h *dynamoDBHandler) table(ctx context.Context, resourceARN string) (*ddbtypes.TableDescription, error) {
	out, err := h.api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(resourceARN)})
	if err != nil {
		var nf *ddbtypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe table %s: %w", resourceARN, err)
	}
	if out.Table == nil {
		return nil, notFound(resourceARN, errors.New("no table in response"))
	}
	return out.Table, nil
}

func (h *dynamoDBHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	in := &dynamodb.TagResourceInput{ResourceArn: aws.String(resourceARN)}
	for k, v := range tags {
		in.Tags = append(in.Tags, ddbtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := h.api.TagResource(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *dynamoDBHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	if _, err := h.table(ctx, resourceARN); err != nil {
		return nil, err
	}
	m := map[string]string{}
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(resourceARN)}
	for {
		out, err := h.api.ListTagsOfResource(ctx, in)
		if err != nil {
			var nf *ddbtypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				return nil, notFound(resourceARN, err)
			}
			return nil, fmt.Errorf("list tags of %s: %w", resourceARN, err)
		}
		for _, tg := range out.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if out.NextToken == nil {
			return m, nil
		}
		in.NextToken = out.NextToken
	}
}

// Validate checks the table is ACTIVE and, when the source table is
// readable, that the restored table is not empty while the source has items
// (DynamoDB refreshes ItemCount about every six hours, so counts are not
// compared exactly).
func (h *dynamoDBHandler) Validate(ctx context.Context, restored, source string) error {
	t, err := h.table(ctx, restored)
	if err != nil {
		return err
	}
	switch t.TableStatus {
	case ddbtypes.TableStatusActive:
	case ddbtypes.TableStatusCreating, ddbtypes.TableStatusUpdating:
		return notReady(restored, string(t.TableStatus))
	default:
		return invalid(restored, "table status is %s; want ACTIVE", t.TableStatus)
	}
	src, err := h.table(ctx, source)
	if err != nil {
		return nil // source gone or unreadable: nothing to compare with
	}
	if n, s := aws.ToInt64(t.ItemCount), aws.ToInt64(src.ItemCount); s > 0 && n == 0 {
		return invalid(restored, "table has 0 items; the source has %d", s)
	}
	return nil
}

func (h *dynamoDBHandler) Delete(ctx context.Context, resourceARN string) error {
	_, err := h.api.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(resourceARN)})
	var nf *ddbtypes.ResourceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("delete table %s: %w", resourceARN, err)
	}
	return nil
}
