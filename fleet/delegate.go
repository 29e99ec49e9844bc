package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/awsid"
)

// BackupServicePrincipal is AWS Backup's service principal, for trusted
// access and delegated administration in AWS Organizations.
const BackupServicePrincipal = "backup.amazonaws.com"

// The AWS Backup global settings a delegated administrator needs, set in
// the organization's management account: cross-account backup (copies
// between the organization's accounts, and cross-account monitoring) and
// delegated administration itself.
const (
	SettingCrossAccountBackup    = "isCrossAccountBackupEnabled"
	SettingDelegatedAdmin        = "isDelegatedAdministratorEnabled"
	settingTrue                  = "true"
	delegatedAdminDocumentedHere = "https://docs.aws.amazon.com/aws-backup/latest/devguide/manage-cross-account.html#backup-delegatedadmin"
)

// TrustedAccessAPI is the part of the Organizations client that enabling
// trusted access uses.
type TrustedAccessAPI interface {
	EnableAWSServiceAccess(context.Context, *organizations.EnableAWSServiceAccessInput, ...func(*organizations.Options)) (*organizations.EnableAWSServiceAccessOutput, error)
}

// DelegatedAdminAPI is the part of the Organizations client that
// registering a delegated administrator uses.
type DelegatedAdminAPI interface {
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
	RegisterDelegatedAdministrator(context.Context, *organizations.RegisterDelegatedAdministratorInput, ...func(*organizations.Options)) (*organizations.RegisterDelegatedAdministratorOutput, error)
}

// DelegationAPI is the part of the Organizations client that
// DelegateBackupAdmin uses.
type DelegationAPI interface {
	TrustedAccessAPI
	DelegatedAdminAPI
	ListAWSServiceAccessForOrganization(context.Context, *organizations.ListAWSServiceAccessForOrganizationInput, ...func(*organizations.Options)) (*organizations.ListAWSServiceAccessForOrganizationOutput, error)
}

// GlobalSettingsAPI is the part of the AWS Backup client that
// DelegateBackupAdmin uses, in the management account.
type GlobalSettingsAPI interface {
	DescribeGlobalSettings(context.Context, *awsbackup.DescribeGlobalSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.DescribeGlobalSettingsOutput, error)
	UpdateGlobalSettings(context.Context, *awsbackup.UpdateGlobalSettingsInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateGlobalSettingsOutput, error)
}

var (
	_ DelegationAPI     = (*organizations.Client)(nil)
	_ GlobalSettingsAPI = (*awsbackup.Client)(nil)
)

// EnableTrustedAccess enables trusted access for AWS Backup in the
// organization (EnableAWSServiceAccess, idempotent in AWS). Call it from
// the management account.
func EnableTrustedAccess(ctx context.Context, api TrustedAccessAPI) error {
	if _, err := api.EnableAWSServiceAccess(ctx, &organizations.EnableAWSServiceAccessInput{ServicePrincipal: aws.String(BackupServicePrincipal)}); err != nil {
		return fmt.Errorf("enable trusted access for %s: %w", BackupServicePrincipal, err)
	}
	return nil
}

// RegisterDelegatedAdmin registers an account as AWS Backup's delegated
// administrator unless it already is, and reports whether this call added
// it. Trusted access must be enabled first (EnableTrustedAccess).
func RegisterDelegatedAdmin(ctx context.Context, api DelegatedAdminAPI, accountID string) (added bool, err error) {
	if !awsid.AccountID(accountID) {
		return false, &backup.ValidationError{Field: "AccountID", Reason: fmt.Sprintf("%q is not a 12-digit account id", accountID)}
	}
	admins, err := delegatedAdmins(ctx, api)
	if err != nil {
		return false, err
	}
	if slices.Contains(admins, accountID) {
		return false, nil
	}
	_, err = api.RegisterDelegatedAdministrator(ctx, &organizations.RegisterDelegatedAdministratorInput{AccountId: aws.String(accountID), ServicePrincipal: aws.String(BackupServicePrincipal)})
	var already *orgtypes.AccountAlreadyRegisteredException
	switch {
	case errors.As(err, &already):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("register %s as delegated administrator for AWS Backup: %w", accountID, err)
	}
	return true, nil
}

// listDelegatedAdminsAPI lists delegated administrators.
type listDelegatedAdminsAPI interface {
	ListDelegatedAdministrators(context.Context, *organizations.ListDelegatedAdministratorsInput, ...func(*organizations.Options)) (*organizations.ListDelegatedAdministratorsOutput, error)
}

func delegatedAdmins(ctx context.Context, api listDelegatedAdminsAPI) ([]string, error) {
	var ids []string
	pg := organizations.NewListDelegatedAdministratorsPaginator(api, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(BackupServicePrincipal)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list AWS Backup's delegated administrators: %w", err)
		}
		for _, d := range page.DelegatedAdministrators {
			ids = append(ids, aws.ToString(d.Id))
		}
	}
	return ids, nil
}

// Delegation says what DelegateBackupAdmin changed; every field it checked
// holds afterwards.
type Delegation struct {
	Account string `json:"account"`
	// Registered is true when this call registered the account (false when
	// it already was).
	Registered bool `json:"registered"`
	// SettingsChanged lists the global settings this call turned on.
	SettingsChanged []string `json:"settingsChanged"`
}

// DelegationCheckError reports what still does not hold after
// DelegateBackupAdmin made its changes (eventual consistency in AWS, or a
// policy that silently refused a change).
type DelegationCheckError struct {
	Account string
	Missing []string
}

func (e *DelegationCheckError) Error() string {
	return fmt.Sprintf("delegated administrator %s: still missing after setup: %s (see %s)", e.Account, strings.Join(e.Missing, "; "), delegatedAdminDocumentedHere)
}

// DelegateBackupAdmin makes an account AWS Backup's delegated
// administrator, from the organization's management account, end to end
// and idempotently:
//
//  1. enables trusted access for backup.amazonaws.com (EnableAWSServiceAccess);
//  2. registers the account (RegisterDelegatedAdministrator), unless it is;
//  3. turns on the management account's AWS Backup global settings
//     isCrossAccountBackupEnabled and isDelegatedAdministratorEnabled
//     (UpdateGlobalSettings), where they are off;
//  4. checks all three: ListAWSServiceAccessForOrganization,
//     ListDelegatedAdministrators, DescribeGlobalSettings. A
//     *DelegationCheckError lists whatever does not hold.
//
// org and settings must be clients of the management account; settings in
// the Region where AWS Backup's console settings are kept for the
// organization (any Region: global settings are account-wide).
func DelegateBackupAdmin(ctx context.Context, org DelegationAPI, settings GlobalSettingsAPI, accountID string) (*Delegation, error) {
	if !awsid.AccountID(accountID) {
		return nil, &backup.ValidationError{Field: "AccountID", Reason: fmt.Sprintf("%q is not a 12-digit account id", accountID)}
	}
	d := &Delegation{Account: accountID, SettingsChanged: []string{}}
	if err := EnableTrustedAccess(ctx, org); err != nil {
		return nil, err
	}
	added, err := RegisterDelegatedAdmin(ctx, org, accountID)
	if err != nil {
		return nil, err
	}
	d.Registered = added
	gs, err := settings.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	if err != nil {
		return nil, fmt.Errorf("describe AWS Backup global settings: %w", err)
	}
	want := map[string]string{}
	for _, k := range []string{SettingCrossAccountBackup, SettingDelegatedAdmin} {
		if !strings.EqualFold(gs.GlobalSettings[k], settingTrue) {
			want[k] = settingTrue
			d.SettingsChanged = append(d.SettingsChanged, k)
		}
	}
	if len(want) > 0 {
		if _, err := settings.UpdateGlobalSettings(ctx, &awsbackup.UpdateGlobalSettingsInput{GlobalSettings: want}); err != nil {
			return nil, fmt.Errorf("turn on AWS Backup global settings %s: %w", strings.Join(d.SettingsChanged, ", "), err)
		}
	}
	return d, CheckDelegation(ctx, org, settings, accountID)
}

// CheckDelegation reports whether an account is AWS Backup's delegated
// administrator with everything it needs: trusted access, registration,
// and both global settings on. It returns a *DelegationCheckError listing
// what is missing, or nil.
func CheckDelegation(ctx context.Context, org DelegationAPI, settings GlobalSettingsAPI, accountID string) error {
	var missing []string
	enabled := false
	pg := organizations.NewListAWSServiceAccessForOrganizationPaginator(org, &organizations.ListAWSServiceAccessForOrganizationInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list services with trusted access: %w", err)
		}
		for _, s := range page.EnabledServicePrincipals {
			enabled = enabled || aws.ToString(s.ServicePrincipal) == BackupServicePrincipal
		}
	}
	if !enabled {
		missing = append(missing, "trusted access for "+BackupServicePrincipal)
	}
	admins, err := delegatedAdmins(ctx, org)
	if err != nil {
		return err
	}
	if !slices.Contains(admins, accountID) {
		missing = append(missing, "registration as AWS Backup's delegated administrator")
	}
	gs, err := settings.DescribeGlobalSettings(ctx, &awsbackup.DescribeGlobalSettingsInput{})
	if err != nil {
		return fmt.Errorf("describe AWS Backup global settings: %w", err)
	}
	for _, k := range []string{SettingCrossAccountBackup, SettingDelegatedAdmin} {
		if !strings.EqualFold(gs.GlobalSettings[k], settingTrue) {
			missing = append(missing, "global setting "+k+"=true")
		}
	}
	if len(missing) > 0 {
		return &DelegationCheckError{Account: accountID, Missing: missing}
	}
	return nil
}
