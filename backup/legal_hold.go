package backup

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// LegalHoldInput describes a legal hold: the recovery points it keeps from
// deletion are selected by vault names, resource ARNs and a creation date
// range (RecoveryPointSelection).
type LegalHoldInput struct {
	Title       string // required
	Description string // required by AWS
	// VaultNames, ResourceARNs and the From/To date range select the
	// recovery points. At least one vault or resource is required.
	VaultNames   []string
	ResourceARNs []string
	From, To     time.Time
	Tags         map[string]string
	// IdempotencyToken; empty means derived from Title and the selection.
	IdempotencyToken string
}

// LegalHold is a created or described legal hold.
type LegalHold struct {
	ID           string
	ARN          string
	Title        string
	Description  string
	Status       types.LegalHoldStatus
	CreationDate time.Time
	Selection    *types.RecoveryPointSelection
}

func (in *LegalHoldInput) validate() error {
	var errs []error
	if in.Title == "" {
		errs = append(errs, &ValidationError{Field: "Title", Reason: "required"})
	}
	if in.Description == "" {
		errs = append(errs, &ValidationError{Field: "Description", Reason: "required"})
	}
	if len(in.VaultNames) == 0 && len(in.ResourceARNs) == 0 {
		errs = append(errs, &ValidationError{Field: "VaultNames", Reason: "select at least one vault or resource"})
	}
	for i, v := range in.VaultNames {
		if !vaultNameRE.MatchString(v) {
			errs = append(errs, &ValidationError{Field: fmt.Sprintf("VaultNames[%d]", i), Reason: "invalid vault name"})
		}
	}
	if !in.From.IsZero() && !in.To.IsZero() && in.To.Before(in.From) {
		errs = append(errs, &ValidationError{Field: "To", Reason: "must not be before From"})
	}
	if err := ValidateTags("Tags", in.Tags); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// CreateLegalHold places a legal hold on the selected recovery points.
func (c *Client) CreateLegalHold(ctx context.Context, in LegalHoldInput) (*LegalHold, error) {
	if err := in.validate(); err != nil {
		return nil, fmt.Errorf("create legal hold: %w", err)
	}
	sel := &types.RecoveryPointSelection{VaultNames: in.VaultNames, ResourceIdentifiers: in.ResourceARNs}
	if !in.From.IsZero() || !in.To.IsZero() {
		sel.DateRange = &types.DateRange{}
		if !in.From.IsZero() {
			sel.DateRange.FromDate = aws.Time(in.From)
		}
		if !in.To.IsZero() {
			sel.DateRange.ToDate = aws.Time(in.To)
		}
	}
	token := in.IdempotencyToken
	if token == "" {
		token = hashToken(append(append([]string{"legal-hold", in.Title, in.Description, in.From.String(), in.To.String(), "vaults"}, in.VaultNames...), in.ResourceARNs...)...)
	}
	out, err := c.api.CreateLegalHold(ctx, &awsbackup.CreateLegalHoldInput{
		Title:                  aws.String(in.Title),
		Description:            aws.String(in.Description),
		RecoveryPointSelection: sel,
		Tags:                   maps.Clone(in.Tags),
		IdempotencyToken:       aws.String(token),
	})
	if err != nil {
		return nil, fmt.Errorf("create legal hold %q: %w", in.Title, err)
	}
	return &LegalHold{
		ID: aws.ToString(out.LegalHoldId), ARN: aws.ToString(out.LegalHoldArn), Title: aws.ToString(out.Title),
		Description: aws.ToString(out.Description), Status: out.Status, CreationDate: aws.ToTime(out.CreationDate),
		Selection: out.RecoveryPointSelection,
	}, nil
}

// LegalHold describes a legal hold (GetLegalHold).
func (c *Client) LegalHold(ctx context.Context, id string) (*LegalHold, error) {
	out, err := c.api.GetLegalHold(ctx, &awsbackup.GetLegalHoldInput{LegalHoldId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("get legal hold %s: %w", id, err)
	}
	return &LegalHold{
		ID: aws.ToString(out.LegalHoldId), ARN: aws.ToString(out.LegalHoldArn), Title: aws.ToString(out.Title),
		Description: aws.ToString(out.Description), Status: out.Status, CreationDate: aws.ToTime(out.CreationDate),
		Selection: out.RecoveryPointSelection,
	}, nil
}

// CancelLegalHold releases a legal hold. reason is required by AWS;
// retainRecord keeps the hold's record for that long (whole days, 0 = AWS
// default).
func (c *Client) CancelLegalHold(ctx context.Context, id, reason string, retainRecord time.Duration) error {
	var errs []error
	if id == "" {
		errs = append(errs, &ValidationError{Field: "ID", Reason: "required"})
	}
	if reason == "" {
		errs = append(errs, &ValidationError{Field: "Reason", Reason: "required"})
	}
	if retainRecord < 0 || retainRecord%Day != 0 {
		errs = append(errs, &ValidationError{Field: "RetainRecord", Reason: "must be a non-negative whole number of days"})
	}
	if len(errs) > 0 {
		return fmt.Errorf("cancel legal hold: %w", errors.Join(errs...))
	}
	in := &awsbackup.CancelLegalHoldInput{LegalHoldId: aws.String(id), CancelDescription: aws.String(reason)}
	if retainRecord > 0 {
		in.RetainRecordInDays = aws.Int64(int64(retainRecord / Day))
	}
	if _, err := c.api.CancelLegalHold(ctx, in); err != nil {
		return fmt.Errorf("cancel legal hold %s: %w", id, err)
	}
	return nil
}

// LegalHoldRecoveryPoints iterates over the recovery points a legal hold
// protects (ListRecoveryPointsByLegalHold).
func (c *Client) LegalHoldRecoveryPoints(ctx context.Context, id string) iter.Seq2[types.RecoveryPointMember, error] {
	return func(yield func(types.RecoveryPointMember, error) bool) {
		p := awsbackup.NewListRecoveryPointsByLegalHoldPaginator(c.api, &awsbackup.ListRecoveryPointsByLegalHoldInput{LegalHoldId: aws.String(id)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				yield(types.RecoveryPointMember{}, fmt.Errorf("list recovery points under legal hold %s: %w", id, err))
				return
			}
			for _, m := range out.RecoveryPoints {
				if !yield(m, nil) {
					return
				}
			}
		}
	}
}
