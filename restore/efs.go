package restore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/backupkit/backupkit/backup"
)

// EFS restores an Amazon EFS recovery point. Drills always restore to a
// new file system; NewFileSystem false restores into the source file system.
type EFS struct {
	// FileSystemID of the backed-up file system (key file-system-id); the
	// recovery point's metadata carries it.
	FileSystemID string
	// NewFileSystem restores to a new file system (key newFileSystem).
	NewFileSystem bool
	// Encrypted (key Encrypted); must be true when KMSKeyID is set.
	Encrypted *bool
	// KMSKeyID (key KmsKeyId).
	KMSKeyID string
	// PerformanceMode is generalPurpose or maxIO (key PerformanceMode).
	PerformanceMode string
	// CreationToken makes the restore idempotent, 1–64 characters (key CreationToken).
	CreationToken string
	// ItemsToRestore are absolute paths for a partial restore, at most 5
	// per the StartRestoreJob reference (other pages give other limits)
	// (key itemsToRestore, JSON array).
	ItemsToRestore []string
	// SingleAZ restores to a One Zone file system (key singleAzFilesystem);
	// AvailabilityZoneName is then required.
	SingleAZ bool
	// AvailabilityZoneName (key availabilityZoneName).
	AvailabilityZoneName string
	// Extra are further metadata keys, laid over the typed ones.
	Extra map[string]string
}

// ResourceType implements Input.
func (EFS) ResourceType() backup.ResourceType { return backup.EFS }

// Metadata implements Input.
func (e EFS) Metadata() (map[string]string, error) {
	b := newBuilder("EFS")
	if e.FileSystemID != "" && !strings.HasPrefix(e.FileSystemID, "fs-") {
		b.fail("FileSystemID", "is %q; want fs-<id>", e.FileSystemID)
	}
	b.str("file-system-id", e.FileSystemID)
	b.m["newFileSystem"] = fmt.Sprint(e.NewFileSystem)
	if e.KMSKeyID != "" && (e.Encrypted == nil || !*e.Encrypted) {
		b.fail("Encrypted", "must be true when KMSKeyID is set")
	}
	b.boolean("Encrypted", e.Encrypted)
	b.str("KmsKeyId", e.KMSKeyID)
	b.enum("PerformanceMode", "PerformanceMode", e.PerformanceMode, "generalPurpose", "maxIO")
	if len(e.CreationToken) > 64 {
		b.fail("CreationToken", "is %d characters; want 1–64", len(e.CreationToken))
	}
	b.str("CreationToken", e.CreationToken)
	for i, p := range e.ItemsToRestore {
		if !strings.HasPrefix(p, "/") {
			b.fail(fmt.Sprintf("ItemsToRestore[%d]", i), "is %q; want an absolute path", p)
		}
	}
	b.list("ItemsToRestore", "itemsToRestore", e.ItemsToRestore, "", 5)
	if e.SingleAZ && e.AvailabilityZoneName == "" {
		b.fail("AvailabilityZoneName", "is required when SingleAZ is true")
	}
	if !e.SingleAZ && e.AvailabilityZoneName != "" {
		b.fail("AvailabilityZoneName", "is only allowed when SingleAZ is true")
	}
	b.flag("singleAzFilesystem", e.SingleAZ)
	b.str("availabilityZoneName", e.AvailabilityZoneName)
	b.merge(e.Extra)
	return b.done()
}

// EFSAPI is the part of the Amazon EFS client drills use (*efs.Client
// satisfies it).
type EFSAPI interface {
	DescribeFileSystems(context.Context, *efs.DescribeFileSystemsInput, ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error)
	TagResource(context.Context, *efs.TagResourceInput, ...func(*efs.Options)) (*efs.TagResourceOutput, error)
	DeleteFileSystem(context.Context, *efs.DeleteFileSystemInput, ...func(*efs.Options)) (*efs.DeleteFileSystemOutput, error)
}

var _ EFSAPI = (*efs.Client)(nil)

type efsHandler struct{ api EFSAPI }

func (h *efsHandler) fs(ctx context.Context, resourceARN string) (*efstypes.FileSystemDescription, error) {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return nil, err
	}
	out, err := h.api.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(id)})
	if err != nil {
		var nf *efstypes.FileSystemNotFound
		if errors.As(err, &nf) {
			return nil, notFound(resourceARN, err)
		}
		return nil, fmt.Errorf("describe file system %s: %w", id, err)
	}
	if len(out.FileSystems) == 0 || out.FileSystems[0].LifeCycleState == efstypes.LifeCycleStateDeleted {
		return nil, notFound(resourceARN, errors.New("no file system in response"))
	}
	return &out.FileSystems[0], nil
}

func (h *efsHandler) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	in := &efs.TagResourceInput{ResourceId: aws.String(id)}
	for k, v := range tags {
		in.Tags = append(in.Tags, efstypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	if _, err := h.api.TagResource(ctx, in); err != nil {
		return fmt.Errorf("tag %s: %w", resourceARN, err)
	}
	return nil
}

func (h *efsHandler) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	f, err := h.fs(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(f.Tags))
	for _, t := range f.Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m, nil
}

func (h *efsHandler) Validate(ctx context.Context, restored, _ string) error {
	f, err := h.fs(ctx, restored)
	if err != nil {
		return err
	}
	switch f.LifeCycleState {
	case efstypes.LifeCycleStateAvailable:
		return nil
	case efstypes.LifeCycleStateCreating, efstypes.LifeCycleStateUpdating:
		return notReady(restored, string(f.LifeCycleState))
	default:
		return invalid(restored, "file system state is %s; want available", f.LifeCycleState)
	}
}

func (h *efsHandler) Delete(ctx context.Context, resourceARN string) error {
	id, err := arnResourceID(resourceARN)
	if err != nil {
		return err
	}
	_, err = h.api.DeleteFileSystem(ctx, &efs.DeleteFileSystemInput{FileSystemId: aws.String(id)})
	var nf *efstypes.FileSystemNotFound
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("delete file system %s: %w", id, err)
	}
	return nil
}
