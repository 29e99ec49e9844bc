package vault

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/backupkit/backupkit/backup"
)

// AirGappedSpec describes a logically air-gapped backup vault: its
// retention limits are a built-in compliance lock.
type AirGappedSpec struct {
	Name string
	// MinRetention ≥ 7 days; MaxRetention is required, ≤ 36500 days and
	// ≥ MinRetention.
	MinRetention time.Duration
	MaxRetention time.Duration
	// KMSKeyARN optionally encrypts with a customer-managed key.
	KMSKeyARN        string
	Tags             map[string]string
	CreatorRequestID string
}

func (s *AirGappedSpec) validate() error {
	base := Spec{Name: s.Name, KMSKeyARN: s.KMSKeyARN, Tags: s.Tags, CreatorRequestID: s.CreatorRequestID}
	errs := []error{base.validate()}
	if err := checkDays("MinRetention", s.MinRetention, MinAirGapRetention, MaxLockRetention); err != nil {
		errs = append(errs, err)
	}
	if s.MaxRetention == 0 {
		errs = append(errs, &backup.ValidationError{Field: "MaxRetention", Reason: "required for a logically air-gapped vault"})
	} else if err := checkDays("MaxRetention", s.MaxRetention, MinAirGapRetention, MaxLockRetention); err != nil {
		errs = append(errs, err)
	} else if s.MaxRetention < s.MinRetention {
		errs = append(errs, &backup.ValidationError{Field: "MaxRetention", Reason: "must not be less than MinRetention"})
	}
	return errors.Join(errs...)
}

// CreateAirGapped creates a logically air-gapped vault and returns its
// description.
func (c *Client) CreateAirGapped(ctx context.Context, s AirGappedSpec) (*Info, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("create air-gapped vault: %w", err)
	}
	rid := s.CreatorRequestID
	if rid == "" {
		rid = CreatorRequestID(s.Name+"/airgapped", s.KMSKeyARN)
	}
	in := &awsbackup.CreateLogicallyAirGappedBackupVaultInput{
		BackupVaultName:  aws.String(s.Name),
		MinRetentionDays: aws.Int64(int64(s.MinRetention / backup.Day)),
		MaxRetentionDays: aws.Int64(int64(s.MaxRetention / backup.Day)),
		BackupVaultTags:  maps.Clone(s.Tags),
		CreatorRequestId: aws.String(rid),
	}
	if s.KMSKeyARN != "" {
		in.EncryptionKeyArn = aws.String(s.KMSKeyARN)
	}
	if _, err := c.api.CreateLogicallyAirGappedBackupVault(ctx, in); err != nil {
		return nil, fmt.Errorf("create air-gapped vault %s: %w", s.Name, err)
	}
	return c.Describe(ctx, s.Name)
}
