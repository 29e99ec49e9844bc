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
	"github.com/backupkit/backupkit/internal/lifecycle"
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
	days := func(field string, d time.Duration) *int64 { return wholeDays(&errs, field, d) }
	minD, maxD := days("MinRetention", s.MinRetention), days("MaxRetention", s.MaxRetention)
	names := map[string]string{"MinRetentionDays": "MinRetention", "MaxRetentionDays": "MaxRetention"}
	for _, p := range lifecycle.CheckAirGapped(minD, maxD) {
		if (p.Field == "MinRetentionDays" && s.MinRetention != 0 && minD == nil) || (p.Field == "MaxRetentionDays" && s.MaxRetention != 0 && maxD == nil) {
			continue // not whole days, reported above
		}
		errs = append(errs, &backup.ValidationError{Field: names[p.Field], Reason: p.Reason})
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
