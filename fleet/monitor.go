package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"
)

// MonitorAPI is the part of the Organizations client that
// MonitorsOrganization uses.
type MonitorAPI interface {
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
}

var _ MonitorAPI = (*organizations.Client)(nil)

// MonitorsOrganization reports whether account may read every account's
// AWS Backup jobs at once with cross-account monitoring
// (backup.Client.AccountReports, ListBackupJobs with ByAccountId "*"): it is
// the organization's management account, or AWS Backup's delegated
// administrator (https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html).
// An account in no organization, or one that Organizations does not let
// list delegated administrators (a plain member account), answers false
// with no error; other failures are errors. Otherwise read each account on
// its own: Run with a per-account function.
func MonitorsOrganization(ctx context.Context, api MonitorAPI, account string) (bool, error) {
	org, err := api.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		if refused(err) {
			return false, nil
		}
		return false, fmt.Errorf("describe the organization: %w", err)
	}
	if org.Organization != nil && aws.ToString(org.Organization.MasterAccountId) == account {
		return true, nil
	}
	admins, err := delegatedAdmins(ctx, api)
	if err != nil {
		if refused(err) {
			return false, nil
		}
		return false, err
	}
	return slices.Contains(admins, account), nil
}

// refused reports whether Organizations said no to the caller rather than
// failing: no organization, or access denied.
func refused(err error) bool {
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	var denied *orgtypes.AccessDeniedException
	var api smithy.APIError
	return errors.As(err, &notInUse) || errors.As(err, &denied) ||
		(errors.As(err, &api) && (api.ErrorCode() == "AccessDeniedException" || api.ErrorCode() == "AccessDenied"))
}
