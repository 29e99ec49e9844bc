package backuptest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/backupkit/backupkit/internal/lifecycle"
	"github.com/backupkit/backupkit/internal/limits"
)

// AWS limits on vaults (AWS Backup quotas and the API model's patterns).
const (
	maxVaultsPerRegion = limits.MaxVaultsPerRegion
	maxRetentionDays   = lifecycle.MaxDays
)

var ()

// vault is a backup vault, standard or logically air-gapped.
type vault struct {
	Name              string
	ARN               string
	Type              types.VaultType
	State             types.VaultState
	EncryptionKeyArn  string
	EncryptionKeyType types.EncryptionKeyType
	CreatorRequestId  string
	CreationDate      time.Time

	// Vault Lock. LockDate is when a compliance-mode lock becomes
	// immutable; zero for governance mode.
	LockConfigured    bool
	MinRetentionDays  *int64
	MaxRetentionDays  *int64
	ChangeableForDays *int64
	LockDate          time.Time

	AccessPolicy string

	SNSTopicArn string
	Events      []types.BackupVaultEvent
}

// lockImmutable reports whether a compliance-mode lock is past its grace
// time and can no longer be changed or removed.
func (v *vault) lockImmutable(now time.Time) bool {
	return v.LockConfigured && !v.LockDate.IsZero() && !now.Before(v.LockDate)
}

func (e *Emulator) registerVaults() {
	e.register("CreateBackupVault", handle(createBackupVault))
	e.register("CreateLogicallyAirGappedBackupVault", handle(createLogicallyAirGappedBackupVault))
	e.register("DescribeBackupVault", handle(describeBackupVault))
	e.register("DeleteBackupVault", handle(deleteBackupVault))
	e.register("ListBackupVaults", handle(listBackupVaults))
	e.register("PutBackupVaultAccessPolicy", handle(putBackupVaultAccessPolicy))
	e.register("GetBackupVaultAccessPolicy", handle(getBackupVaultAccessPolicy))
	e.register("DeleteBackupVaultAccessPolicy", handle(deleteBackupVaultAccessPolicy))
	e.register("PutBackupVaultNotifications", handle(putBackupVaultNotifications))
	e.register("GetBackupVaultNotifications", handle(getBackupVaultNotifications))
	e.register("DeleteBackupVaultNotifications", handle(deleteBackupVaultNotifications))
	e.register("PutBackupVaultLockConfiguration", handle(putBackupVaultLockConfiguration))
	e.register("DeleteBackupVaultLockConfiguration", handle(deleteBackupVaultLockConfiguration))
}

func checkVaultName(name *string) error {
	if name == nil || *name == "" {
		return missingParam("BackupVaultName")
	}
	if limits.VaultName(*name) != "" {
		return invalidParam("BackupVaultName %q is invalid: use 2 to 50 letters, digits, hyphens and underscores", *name)
	}
	return nil
}

func checkCreatorRequestId(id *string) error {
	if id != nil && limits.BackupName(*id) != "" {
		return invalidParam("CreatorRequestId %q is invalid: use 1 to 50 letters, digits, hyphens, underscores and periods", *id)
	}
	return nil
}

// checkKMSKey accepts a KMS key or alias ARN.
func checkKMSKey(field, v string) error {
	a, err := arn.Parse(v)
	if err != nil || a.Service != "kms" || !(strings.HasPrefix(a.Resource, "key/") || strings.HasPrefix(a.Resource, "alias/")) {
		return invalidParam("%s %q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)", field, v)
	}
	return nil
}

// vaultOf returns the caller's vault or ResourceNotFoundException.
func (c *opCtx) vaultOf(name *string) (*vault, error) {
	if err := checkVaultName(name); err != nil {
		return nil, err
	}
	v, ok := c.rs().Vaults[*name]
	if !ok {
		return nil, notFound("Backup vault %s does not exist in %s", *name, c.region)
	}
	return v, nil
}

// recoveryPointCount counts the points stored in a vault.
func (r *regionState) recoveryPointCount(vaultName string) int64 {
	return int64(len(r.index().byVault[vaultName]))
}

func (c *opCtx) newVault(name, kmsKey, creatorID *string, tags map[string]string, typ types.VaultType) (*vault, error) {
	rs := c.rs()
	if existing, ok := rs.Vaults[*name]; ok {
		if creatorID != nil && existing.CreatorRequestId == *creatorID {
			return existing, nil
		}
		return nil, &APIError{Code: CodeAlreadyExists, Message: fmt.Sprintf("Backup vault with the same name %s already exists", *name),
			Extra: map[string]string{"Arn": existing.ARN, "CreatorRequestId": existing.CreatorRequestId}}
	}
	if len(rs.Vaults) >= maxVaultsPerRegion {
		return nil, apiErr(CodeLimitExceeded, "the Region already has %d backup vaults, the AWS Backup quota", maxVaultsPerRegion)
	}
	v := &vault{
		Name:         *name,
		ARN:          c.arn("backup-vault:" + *name),
		Type:         typ,
		State:        types.VaultStateAvailable,
		CreationDate: c.now,
	}
	if kmsKey != nil && *kmsKey != "" {
		if err := checkKMSKey("EncryptionKeyArn", *kmsKey); err != nil {
			return nil, err
		}
		if err := c.e.checkVaultKey(c.account, c.region, *kmsKey); err != nil {
			return nil, err
		}
		v.EncryptionKeyArn = *kmsKey
		v.EncryptionKeyType = types.EncryptionKeyTypeCustomerManagedKmsKey
	} else {
		// The AWS managed key aws/backup, which KMS then describes as AWS does.
		v.EncryptionKeyArn = c.e.keys.EnsureAWSManagedKey(c.account, c.region, "backup", c.e.Now())
		v.EncryptionKeyType = types.EncryptionKeyTypeAwsOwnedKmsKey
	}
	if creatorID != nil {
		v.CreatorRequestId = *creatorID
	}
	if len(tags) > 50 {
		return nil, invalidParam("BackupVaultTags has %d tags: at most 50 allowed", len(tags))
	}
	rs.Vaults[v.Name] = v
	rs.setTags(v.ARN, tags)
	return v, nil
}

func createBackupVault(c *opCtx, in *awsbackup.CreateBackupVaultInput) (*awsbackup.CreateBackupVaultOutput, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	v, err := c.newVault(in.BackupVaultName, in.EncryptionKeyArn, in.CreatorRequestId, in.BackupVaultTags, types.VaultTypeBackupVault)
	if err != nil {
		return nil, err
	}
	return &awsbackup.CreateBackupVaultOutput{BackupVaultArn: aws.String(v.ARN), BackupVaultName: aws.String(v.Name), CreationDate: timePtr(v.CreationDate)}, nil
}

func createLogicallyAirGappedBackupVault(c *opCtx, in *awsbackup.CreateLogicallyAirGappedBackupVaultInput) (*awsbackup.CreateLogicallyAirGappedBackupVaultOutput, error) {
	if err := checkVaultName(in.BackupVaultName); err != nil {
		return nil, err
	}
	if err := checkCreatorRequestId(in.CreatorRequestId); err != nil {
		return nil, err
	}
	if err := problemErr("", lifecycle.CheckAirGapped(in.MinRetentionDays, in.MaxRetentionDays)); err != nil {
		return nil, err
	}
	v, err := c.newVault(in.BackupVaultName, in.EncryptionKeyArn, in.CreatorRequestId, in.BackupVaultTags, types.VaultTypeLogicallyAirGappedBackupVault)
	if err != nil {
		return nil, err
	}
	if !v.LockConfigured {
		v.LockConfigured = true
		v.MinRetentionDays = aws.Int64(*in.MinRetentionDays)
		v.MaxRetentionDays = aws.Int64(*in.MaxRetentionDays)
	}
	return &awsbackup.CreateLogicallyAirGappedBackupVaultOutput{BackupVaultArn: aws.String(v.ARN), BackupVaultName: aws.String(v.Name), CreationDate: timePtr(v.CreationDate), VaultState: v.State}, nil
}

func describeBackupVault(c *opCtx, in *awsbackup.DescribeBackupVaultInput) (*awsbackup.DescribeBackupVaultOutput, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	m := c.vaultListMember(v)
	out := &awsbackup.DescribeBackupVaultOutput{
		BackupVaultArn: m.BackupVaultArn, BackupVaultName: m.BackupVaultName, CreationDate: m.CreationDate,
		CreatorRequestId: m.CreatorRequestId, EncryptionKeyArn: m.EncryptionKeyArn, EncryptionKeyType: m.EncryptionKeyType,
		LockDate: m.LockDate, Locked: m.Locked, MaxRetentionDays: m.MaxRetentionDays, MinRetentionDays: m.MinRetentionDays,
		NumberOfRecoveryPoints: m.NumberOfRecoveryPoints, VaultState: m.VaultState, VaultType: m.VaultType,
	}
	c.describeMpa(v, out)
	return out, nil
}

func (c *opCtx) vaultListMember(v *vault) types.BackupVaultListMember {
	m := types.BackupVaultListMember{
		BackupVaultArn:         aws.String(v.ARN),
		BackupVaultName:        aws.String(v.Name),
		CreationDate:           timePtr(v.CreationDate),
		EncryptionKeyArn:       aws.String(v.EncryptionKeyArn),
		EncryptionKeyType:      v.EncryptionKeyType,
		NumberOfRecoveryPoints: c.rs().recoveryPointCount(v.Name),
		VaultState:             v.State,
		VaultType:              v.Type,
		Locked:                 aws.Bool(v.LockConfigured),
	}
	if v.CreatorRequestId != "" {
		m.CreatorRequestId = aws.String(v.CreatorRequestId)
	}
	if v.LockConfigured {
		m.MinRetentionDays = v.MinRetentionDays
		m.MaxRetentionDays = v.MaxRetentionDays
		m.LockDate = timePtr(v.LockDate)
	}
	return m
}

func deleteBackupVault(c *opCtx, in *awsbackup.DeleteBackupVaultInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	rs := c.rs()
	if n := rs.recoveryPointCount(v.Name); n > 0 {
		return nil, invalidRequest("Backup vault cannot be deleted because it contains %d recovery points", n)
	}
	delete(rs.Vaults, v.Name)
	delete(rs.Tags, v.ARN)
	return nil, nil
}

func listBackupVaults(c *opCtx, in *awsbackup.ListBackupVaultsInput) (*awsbackup.ListBackupVaultsOutput, error) {
	rs := c.rs()
	names := make([]string, 0, len(rs.Vaults))
	for n, v := range rs.Vaults {
		if in.ByVaultType != "" && v.Type != in.ByVaultType {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &awsbackup.ListBackupVaultsOutput{BackupVaultList: make([]types.BackupVaultListMember, 0, len(pg)), NextToken: next}
	for _, n := range pg {
		out.BackupVaultList = append(out.BackupVaultList, c.vaultListMember(rs.Vaults[n]))
	}
	return out, nil
}

func putBackupVaultAccessPolicy(c *opCtx, in *awsbackup.PutBackupVaultAccessPolicyInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if in.Policy == nil || *in.Policy == "" {
		return nil, missingParam("Policy")
	}
	if err := checkAccessPolicy(*in.Policy); err != nil {
		return nil, err
	}
	v.AccessPolicy = *in.Policy
	return nil, nil
}

func getBackupVaultAccessPolicy(c *opCtx, in *awsbackup.GetBackupVaultAccessPolicyInput) (*awsbackup.GetBackupVaultAccessPolicyOutput, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.AccessPolicy == "" {
		return nil, notFound("Backup vault %s has no access policy", v.Name)
	}
	return &awsbackup.GetBackupVaultAccessPolicyOutput{BackupVaultArn: aws.String(v.ARN), BackupVaultName: aws.String(v.Name), Policy: aws.String(v.AccessPolicy)}, nil
}

func deleteBackupVaultAccessPolicy(c *opCtx, in *awsbackup.DeleteBackupVaultAccessPolicyInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	v.AccessPolicy = ""
	return nil, nil
}

func putBackupVaultNotifications(c *opCtx, in *awsbackup.PutBackupVaultNotificationsInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if err := problemErr("", limits.CheckNotifications(aws.ToString(in.SNSTopicArn), in.BackupVaultEvents)); err != nil {
		return nil, err
	}
	v.SNSTopicArn = *in.SNSTopicArn
	v.Events = slices.Clone(in.BackupVaultEvents)
	return nil, nil
}

func getBackupVaultNotifications(c *opCtx, in *awsbackup.GetBackupVaultNotificationsInput) (*awsbackup.GetBackupVaultNotificationsOutput, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.SNSTopicArn == "" {
		return nil, notFound("Backup vault %s has no notification configuration", v.Name)
	}
	return &awsbackup.GetBackupVaultNotificationsOutput{BackupVaultArn: aws.String(v.ARN), BackupVaultName: aws.String(v.Name),
		SNSTopicArn: aws.String(v.SNSTopicArn), BackupVaultEvents: slices.Clone(v.Events)}, nil
}

func deleteBackupVaultNotifications(c *opCtx, in *awsbackup.DeleteBackupVaultNotificationsInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	v.SNSTopicArn, v.Events = "", nil
	return nil, nil
}

func putBackupVaultLockConfiguration(c *opCtx, in *awsbackup.PutBackupVaultLockConfigurationInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.Type == types.VaultTypeLogicallyAirGappedBackupVault {
		return nil, invalidRequest("Vault Lock cannot be changed on logically air-gapped vault %s", v.Name)
	}
	if v.lockImmutable(c.now) {
		return nil, invalidRequest("Vault Lock on %s is in compliance mode and its grace time ended at %s: it can no longer be changed", v.Name, v.LockDate.Format(time.RFC3339))
	}
	if err := problemErr("", lifecycle.CheckLock(in.MinRetentionDays, in.MaxRetentionDays, in.ChangeableForDays)); err != nil {
		return nil, err
	}
	v.LockConfigured = true
	v.MinRetentionDays, v.MaxRetentionDays, v.ChangeableForDays = in.MinRetentionDays, in.MaxRetentionDays, in.ChangeableForDays
	v.LockDate = time.Time{}
	if in.ChangeableForDays != nil {
		v.LockDate = c.now.Add(time.Duration(*in.ChangeableForDays) * 24 * time.Hour)
	}
	return nil, nil
}

func deleteBackupVaultLockConfiguration(c *opCtx, in *awsbackup.DeleteBackupVaultLockConfigurationInput) (*struct{}, error) {
	v, err := c.vaultOf(in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	if v.Type == types.VaultTypeLogicallyAirGappedBackupVault {
		return nil, invalidRequest("Vault Lock cannot be removed from logically air-gapped vault %s", v.Name)
	}
	if v.lockImmutable(c.now) {
		return nil, invalidRequest("Vault Lock on %s is in compliance mode and its grace time ended at %s: it cannot be deleted", v.Name, v.LockDate.Format(time.RFC3339))
	}
	v.LockConfigured = false
	v.MinRetentionDays, v.MaxRetentionDays, v.ChangeableForDays, v.LockDate = nil, nil, nil, time.Time{}
	return nil, nil
}
