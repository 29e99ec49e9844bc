package restore

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap/types"
)

// SSMSAPAPI is the part of the AWS Systems Manager for SAP client that SAP
// HANA drills use (*ssmsap.Client satisfies it).
type SSMSAPAPI interface {
	GetDatabase(context.Context, *ssmsap.GetDatabaseInput, ...func(*ssmsap.Options)) (*ssmsap.GetDatabaseOutput, error)
	ListTagsForResource(context.Context, *ssmsap.ListTagsForResourceInput, ...func(*ssmsap.Options)) (*ssmsap.ListTagsForResourceOutput, error)
	TagResource(context.Context, *ssmsap.TagResourceInput, ...func(*ssmsap.Options)) (*ssmsap.TagResourceOutput, error)
}

var _ SSMSAPAPI = (*ssmsap.Client)(nil)

// sapHANAHandler drills SAP HANA on Amazon EC2 recovery points. An SAP HANA
// restore overwrites an existing database (aws:backup:TargetDatabaseArn;
// AWS Backup's "Restore an SAP HANA database on an Amazon EC2 instance"),
// so a drill must name a staging database and never its source: the
// metadata check refuses a missing target and the source itself.
// Validation asks Systems Manager for SAP for the target database, which
// must be RUNNING. The drill does not delete the database afterwards (it
// existed before the drill): the restore is kept in place.
type sapHANAHandler struct{ api SSMSAPAPI }

const sapTargetKey = "aws:backup:TargetDatabaseArn"

// CheckRestoreMetadata refuses a restore that would overwrite the source
// database or that names no target.
func (h *sapHANAHandler) CheckRestoreMetadata(source string, md map[string]string) error {
	target := md[sapTargetKey]
	switch {
	case target == "":
		return &ValidationError{Field: "Metadata." + sapTargetKey, Reason: "is required: an SAP HANA restore overwrites this database; name a staging database (restore.SAPHANA{TargetDatabaseARN: …})"}
	case target == source:
		return &ValidationError{Field: "Metadata." + sapTargetKey, Reason: fmt.Sprintf("is the source database %s: a drill never overwrites its source; name a staging database", source)}
	}
	return nil
}

// KeepsRestored reports that an SAP HANA restore overwrote a database the
// drill did not create: cleanup leaves it in place.
func (h *sapHANAHandler) KeepsRestored() bool { return true }

func (h *sapHANAHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	if _, err := h.api.TagResource(ctx, &ssmsap.TagResourceInput{ResourceArn: aws.String(resourceARN), Tags: tags}); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *sapHANAHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	out, err := h.api.ListTagsForResource(ctx, &ssmsap.ListTagsForResourceInput{ResourceArn: aws.String(resourceARN)})
	if err != nil {
		if apiErrorCode(err) == "ResourceNotFoundException" {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("get tags of %s: %w", resourceARN, err)
	}
	if out.Tags == nil {
		return map[string]string{}, nil
	}
	return out.Tags, nil
}

func (h *sapHANAHandler) Validate(ctx context.Context, restored, _ string) error {
	out, err := h.api.GetDatabase(ctx, &ssmsap.GetDatabaseInput{DatabaseArn: aws.String(restored)})
	if err != nil {
		if apiErrorCode(err) == "ResourceNotFoundException" {
			return invalid(restored, "Systems Manager for SAP does not know the restored database: %v", err)
		}
		return fmt.Errorf("get database %s: %w", restored, err)
	}
	if out.Database == nil {
		return invalid(restored, "Systems Manager for SAP returned no database")
	}
	switch st := out.Database.Status; st {
	case types.DatabaseStatusRunning:
		return nil
	case types.DatabaseStatusStarting:
		return notReady(restored, string(st))
	default:
		return invalid(restored, "database status is %s; want RUNNING", st)
	}
}

// Delete never deletes the target database: it existed before the drill.
func (h *sapHANAHandler) Delete(context.Context, string) error {
	return fmt.Errorf("an SAP HANA restore overwrites an existing database, which a drill never deletes")
}
