// Package keys resolves and checks the KMS keys that encrypt backup
// vaults, whoever manages the key material.
//
//   - Customer managed keys: [Provider.Ensure] finds a key by alias or
//     creates it with a key policy that lets AWS Backup use it through the
//     backup role, and turns on yearly rotation. [Provider.Check] verifies
//     an existing key in two KMS calls (DescribeKey, GetKeyPolicy): enabled,
//     SYMMETRIC_DEFAULT for ENCRYPT_DECRYPT, in the vault's Region, and a
//     policy that allows the backup role (or the account root, which
//     delegates to IAM). [Provider.Replicate] makes a multi-Region replica
//     for a copy destination (ReplicateKey).
//   - Imported key material (BYOK): [Provider.Import] creates a key with
//     Origin EXTERNAL, gets the import parameters, wraps 256 bits of
//     material from a [MaterialSource] with RSAES_OAEP_SHA_256 and imports
//     it. Sources: [VaultTransit] (HashiCorp Vault's Transit secrets
//     engine, an exportable key, over Vault's HTTP API) and [File].
//   - External key stores (XKS): [Provider.ExternalStore] creates or finds a
//     custom key store backed by an XKS proxy (HashiCorp Vault, Thales,
//     CyberArk, … act as one), [Provider.StoreState] reads its connection
//     state, and [Provider.CreateExternalKey] makes a key in it.
//
// vault.Client uses a Provider (vault.Options.Keys) so that Ensure refuses
// a vault key that fails the checks, with the reason.
package keys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/backupkit/backupkit/backup"
)

// API is the part of the KMS client this package uses.
type API interface {
	CreateKey(context.Context, *kms.CreateKeyInput, ...func(*kms.Options)) (*kms.CreateKeyOutput, error)
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	CreateAlias(context.Context, *kms.CreateAliasInput, ...func(*kms.Options)) (*kms.CreateAliasOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	EnableKeyRotation(context.Context, *kms.EnableKeyRotationInput, ...func(*kms.Options)) (*kms.EnableKeyRotationOutput, error)
	GetKeyRotationStatus(context.Context, *kms.GetKeyRotationStatusInput, ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error)
	ReplicateKey(context.Context, *kms.ReplicateKeyInput, ...func(*kms.Options)) (*kms.ReplicateKeyOutput, error)
	ScheduleKeyDeletion(context.Context, *kms.ScheduleKeyDeletionInput, ...func(*kms.Options)) (*kms.ScheduleKeyDeletionOutput, error)
	GetParametersForImport(context.Context, *kms.GetParametersForImportInput, ...func(*kms.Options)) (*kms.GetParametersForImportOutput, error)
	ImportKeyMaterial(context.Context, *kms.ImportKeyMaterialInput, ...func(*kms.Options)) (*kms.ImportKeyMaterialOutput, error)
	CreateCustomKeyStore(context.Context, *kms.CreateCustomKeyStoreInput, ...func(*kms.Options)) (*kms.CreateCustomKeyStoreOutput, error)
	DescribeCustomKeyStores(context.Context, *kms.DescribeCustomKeyStoresInput, ...func(*kms.Options)) (*kms.DescribeCustomKeyStoresOutput, error)
	ConnectCustomKeyStore(context.Context, *kms.ConnectCustomKeyStoreInput, ...func(*kms.Options)) (*kms.ConnectCustomKeyStoreOutput, error)
}

var _ API = (*kms.Client)(nil)

// Options configures a Provider.
type Options struct {
	// BackupRoleARN is the IAM role AWS Backup uses for jobs; new key
	// policies allow it, and Check requires that the policy does.
	// Required for Ensure and Import.
	BackupRoleARN string
	// Region is the vault's Region; Check refuses keys elsewhere. Empty:
	// not checked.
	Region string
	// WrappingKeySpec is the RSA key spec of BYOK import parameters.
	// Default RSA_4096.
	WrappingKeySpec types.WrappingKeySpec
}

// Provider resolves, creates and checks vault keys.
type Provider struct {
	api  API
	opts Options
}

// New returns a Provider over api.
func New(api API, optFns ...func(*Options)) *Provider {
	p := &Provider{api: api}
	for _, fn := range optFns {
		fn(&p.opts)
	}
	if p.opts.WrappingKeySpec == "" {
		p.opts.WrappingKeySpec = types.WrappingKeySpecRsa4096
	}
	return p
}

// Key describes a KMS key.
type Key struct {
	ARN, ID  string
	Alias    string
	State    string
	Origin   string
	Manager  string // CUSTOMER or AWS
	Spec     string
	Usage    string
	Region   string
	Rotation bool
	// MultiRegion is true for multi-Region keys (primary or replica).
	MultiRegion bool
	// CustomKeyStoreID is set for keys in a custom (external) key store.
	CustomKeyStoreID string
}

func keyFrom(m *types.KeyMetadata) *Key {
	k := &Key{ARN: aws.ToString(m.Arn), ID: aws.ToString(m.KeyId), State: string(m.KeyState), Origin: string(m.Origin),
		Manager: string(m.KeyManager), Spec: string(m.KeySpec), Usage: string(m.KeyUsage), MultiRegion: aws.ToBool(m.MultiRegion),
		CustomKeyStoreID: aws.ToString(m.CustomKeyStoreId)}
	if a, err := arn.Parse(k.ARN); err == nil {
		k.Region = a.Region
	}
	return k
}

// KeyError says why a key cannot encrypt a vault; Reasons lists every
// failed check.
type KeyError struct {
	KeyARN  string
	Reasons []string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("KMS key %s cannot encrypt the vault: %s", e.KeyARN, strings.Join(e.Reasons, "; "))
}

// ValidationError reports a bad argument, naming it: the one validation
// error type of every backupkit package, so errors.As works the same on
// all of them.
type ValidationError = backup.ValidationError

// CheckAlias checks an alias name ("alias/backup-vaults").
func CheckAlias(alias string) error {
	name, ok := strings.CutPrefix(alias, "alias/")
	if !ok || name == "" || len(alias) > 256 || strings.HasPrefix(name, "aws/") || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-") != "" {
		return &ValidationError{Field: "alias", Reason: fmt.Sprintf("%q: want alias/ then letters, digits, '/', '_' or '-' (not alias/aws/…), at most 256 characters", alias)}
	}
	return nil
}

func isNotFound(err error) bool {
	var nf *types.NotFoundException
	return errors.As(err, &nf)
}

// Policy returns the key policy Ensure and Import give new keys: the
// account root administers the key (delegating to IAM, KMS's default), and
// the backup role may use it for AWS Backup (encrypt, decrypt, data keys,
// and grants for AWS resources, restricted by kms:ViaService and
// kms:GrantIsForAWSResource).
func Policy(account, region, backupRoleARN string) string {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Id":      "backupkit-vault-key",
		"Statement": []map[string]any{
			{"Sid": "EnableIAMUserPermissions", "Effect": "Allow", "Principal": map[string]string{"AWS": "arn:aws:iam::" + account + ":root"},
				"Action": "kms:*", "Resource": "*"},
			{"Sid": "AllowAWSBackupUseOfTheKey", "Effect": "Allow", "Principal": map[string]string{"AWS": backupRoleARN},
				"Action":    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
				"Resource":  "*",
				"Condition": map[string]any{"StringEquals": map[string]string{"kms:ViaService": "backup." + region + ".amazonaws.com"}}},
			{"Sid": "AllowAWSBackupGrants", "Effect": "Allow", "Principal": map[string]string{"AWS": backupRoleARN},
				"Action": []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}, "Resource": "*",
				"Condition": map[string]any{"Bool": map[string]bool{"kms:GrantIsForAWSResource": true}}},
		},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// policyAllows reports whether a key policy grants principal (or the
// account root, which delegates to IAM policies) kms:Decrypt or kms:*.
func policyAllows(policy, account, principal string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]json.RawMessage{one}
	}
	root := "arn:aws:iam::" + account + ":root"
	for _, s := range stmts {
		var effect string
		_ = json.Unmarshal(s["Effect"], &effect)
		if effect != "Allow" {
			continue
		}
		actions := strs(s["Action"])
		if !slices.Contains(actions, "kms:*") && !slices.Contains(actions, "kms:Decrypt") {
			continue
		}
		var principals []string
		var p map[string]json.RawMessage
		if json.Unmarshal(s["Principal"], &p) == nil {
			principals = strs(p["AWS"])
		}
		var star string
		if json.Unmarshal(s["Principal"], &star) == nil && star == "*" {
			principals = append(principals, "*")
		}
		for _, pr := range principals {
			if pr == principal || pr == root || pr == account || pr == "*" {
				return true
			}
		}
	}
	return false
}

func strs(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// Check verifies that keyARN can encrypt a vault, with two KMS calls
// (DescribeKey, GetKeyPolicy): the key is enabled, SYMMETRIC_DEFAULT for
// ENCRYPT_DECRYPT, in Options.Region, and its policy allows
// Options.BackupRoleARN (or the account root). It returns the key, or a
// *KeyError listing every failed check.
func (p *Provider) Check(ctx context.Context, keyARN string) (*Key, error) {
	out, err := p.api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyARN)})
	if err != nil {
		if isNotFound(err) {
			return nil, &KeyError{KeyARN: keyARN, Reasons: []string{"the key does not exist"}}
		}
		return nil, fmt.Errorf("describe KMS key %s: %w", keyARN, err)
	}
	k := keyFrom(out.KeyMetadata)
	var reasons []string
	if k.State != string(types.KeyStateEnabled) {
		reasons = append(reasons, "the key is "+k.State+", not Enabled")
	}
	if k.Spec != string(types.KeySpecSymmetricDefault) || k.Usage != string(types.KeyUsageTypeEncryptDecrypt) {
		reasons = append(reasons, fmt.Sprintf("the key is %s for %s; AWS Backup needs SYMMETRIC_DEFAULT for ENCRYPT_DECRYPT", k.Spec, k.Usage))
	}
	if p.opts.Region != "" && k.Region != p.opts.Region {
		reasons = append(reasons, fmt.Sprintf("the key is in %s; the vault is in %s (use a multi-Region replica there)", k.Region, p.opts.Region))
	}
	if k.Manager == string(types.KeyManagerTypeCustomer) {
		pol, err := p.api.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(k.ARN), PolicyName: aws.String("default")})
		if err != nil {
			return nil, fmt.Errorf("get key policy of %s: %w", k.ARN, err)
		}
		a, _ := arn.Parse(k.ARN)
		role := p.opts.BackupRoleARN
		if !policyAllows(aws.ToString(pol.Policy), a.AccountID, role) {
			who := "the account root"
			if role != "" {
				who = "the backup role " + role + " or " + who
			}
			reasons = append(reasons, "the key policy allows neither "+who+" to decrypt")
		}
	}
	if len(reasons) > 0 {
		return k, &KeyError{KeyARN: k.ARN, Reasons: reasons}
	}
	return k, nil
}

// CheckVaultKey implements vault.KeyChecker: Check without the key.
func (p *Provider) CheckVaultKey(ctx context.Context, keyARN string) error {
	_, err := p.Check(ctx, keyARN)
	return err
}

// Ensure returns the customer managed key behind alias, creating it when
// the alias does not exist: CreateKey with Policy(…) (multiRegion for keys
// that copy destinations will replicate), EnableKeyRotation, CreateAlias.
// An existing key is checked with Check and its rotation status read.
// When a step after CreateKey fails, the new key is scheduled for deletion
// and the error is a *KeyLeftError, so a failed Ensure leaves no key
// behind (and the alias, created last, names nothing).
func (p *Provider) Ensure(ctx context.Context, alias string, multiRegion bool) (k *Key, created bool, err error) {
	if err := CheckAlias(alias); err != nil {
		return nil, false, err
	}
	if p.opts.BackupRoleARN == "" {
		return nil, false, &ValidationError{Field: "Options.BackupRoleARN", Reason: "is required to write the key policy"}
	}
	out, err := p.api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	switch {
	case err == nil:
		k, err := p.Check(ctx, aws.ToString(out.KeyMetadata.Arn))
		if k == nil {
			return nil, false, err
		}
		k.Alias = alias
		if err == nil && k.Manager == string(types.KeyManagerTypeCustomer) && k.Origin == string(types.OriginTypeAwsKms) {
			if k.Rotation, err = p.Rotation(ctx, k.ARN); err != nil {
				return nil, false, err
			}
		}
		return k, false, err
	case !isNotFound(err):
		return nil, false, fmt.Errorf("describe KMS key %s: %w", alias, err)
	}
	account, region, err := p.place()
	if err != nil {
		return nil, false, err
	}
	ck, err := p.api.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("AWS Backup vault key (" + alias + ")"),
		KeySpec: types.KeySpecSymmetricDefault, KeyUsage: types.KeyUsageTypeEncryptDecrypt, MultiRegion: aws.Bool(multiRegion),
		Policy: aws.String(Policy(account, region, p.opts.BackupRoleARN)),
		Tags:   []types.Tag{{TagKey: aws.String("backupkit:alias"), TagValue: aws.String(alias)}}})
	if err != nil {
		return nil, false, fmt.Errorf("create KMS key for %s: %w", alias, err)
	}
	k = keyFrom(ck.KeyMetadata)
	// Rotation before the alias: until the alias exists, a failure leaves
	// nothing a later Ensure would find, and discard removes the key.
	if _, err := p.api.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(k.ARN)}); err != nil {
		return nil, false, p.discard(ctx, k, fmt.Errorf("enable rotation of %s: %w", k.ARN, err))
	}
	k.Rotation = true
	if _, err := p.api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ARN)}); err != nil {
		return nil, false, p.discard(ctx, k, fmt.Errorf("create alias %s for %s: %w", alias, k.ARN, err))
	}
	k.Alias = alias
	return k, true, nil
}

// DiscardWindowDays is the waiting period of the deletion a failed Ensure,
// Import or CreateExternalKey schedules for the key it created: KMS's
// minimum (7–30 days), during which CancelKeyDeletion keeps the key.
const DiscardWindowDays = 7

// discard schedules the deletion of key k, which this call created, after
// a later step failed (cause), so the failure leaves no orphan key behind.
// It runs even when ctx is cancelled, and its error says what became of
// the key: scheduled for deletion, or left behind with the reason.
func (p *Provider) discard(ctx context.Context, k *Key, cause error) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if _, err := p.api.ScheduleKeyDeletion(cctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(k.ARN), PendingWindowInDays: aws.Int32(DiscardWindowDays)}); err != nil {
		return &KeyLeftError{KeyARN: k.ARN, Err: cause, CleanupErr: err}
	}
	return &KeyLeftError{KeyARN: k.ARN, Err: cause, Scheduled: true}
}

// KeyLeftError is the error of an Ensure, Import or CreateExternalKey that
// created a key and then failed: Err is the failure; the key was scheduled
// for deletion (Scheduled, DiscardWindowDays days), or CleanupErr says why
// it could not be and the key is left behind.
type KeyLeftError struct {
	KeyARN     string
	Err        error
	Scheduled  bool
	CleanupErr error
}

func (e *KeyLeftError) Error() string {
	if e.Scheduled {
		return fmt.Sprintf("%v (the key %s created for it is scheduled for deletion in %d days; CancelKeyDeletion keeps it)", e.Err, e.KeyARN, DiscardWindowDays)
	}
	return fmt.Sprintf("%v (left behind: the key %s created for it; scheduling its deletion failed: %v)", e.Err, e.KeyARN, e.CleanupErr)
}

func (e *KeyLeftError) Unwrap() error { return e.Err }

// aliasFree fails when alias already names a key, so Import and
// CreateExternalKey stop before creating a key the alias cannot name.
func (p *Provider) aliasFree(ctx context.Context, alias string) error {
	out, err := p.api.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)})
	switch {
	case err == nil:
		return &ValidationError{Field: "alias", Reason: fmt.Sprintf("%s already names key %s; choose another alias, or use that key", alias, aws.ToString(out.KeyMetadata.Arn))}
	case isNotFound(err):
		return nil
	default:
		return fmt.Errorf("describe KMS key %s: %w", alias, err)
	}
}

// place is the account and Region new keys belong to: from the backup
// role's account and Options.Region.
func (p *Provider) place() (account, region string, err error) {
	a, perr := arn.Parse(p.opts.BackupRoleARN)
	if perr != nil || a.Service != "iam" {
		return "", "", &ValidationError{Field: "Options.BackupRoleARN", Reason: fmt.Sprintf("%q is not an IAM role ARN", p.opts.BackupRoleARN)}
	}
	if p.opts.Region == "" {
		return "", "", &ValidationError{Field: "Options.Region", Reason: "is required to write the key policy (kms:ViaService)"}
	}
	return a.AccountID, p.opts.Region, nil
}

// Rotation reports whether automatic rotation is on.
func (p *Provider) Rotation(ctx context.Context, keyARN string) (bool, error) {
	out, err := p.api.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(keyARN)})
	if err != nil {
		return false, fmt.Errorf("get rotation status of %s: %w", keyARN, err)
	}
	return out.KeyRotationEnabled, nil
}

// Replicate makes a replica of the multi-Region key keyARN in region (for
// a copy destination vault there) with a policy for the backup role, and
// returns the replica's ARN. A replica that already exists is returned.
func (p *Provider) Replicate(ctx context.Context, keyARN, region string) (string, error) {
	a, err := arn.Parse(keyARN)
	if err != nil || a.Service != "kms" {
		return "", &ValidationError{Field: "keyARN", Reason: fmt.Sprintf("%q is not a KMS key ARN", keyARN)}
	}
	in := &kms.ReplicateKeyInput{KeyId: aws.String(keyARN), ReplicaRegion: aws.String(region)}
	if p.opts.BackupRoleARN != "" {
		in.Policy = aws.String(Policy(a.AccountID, region, p.opts.BackupRoleARN))
	}
	out, err := p.api.ReplicateKey(ctx, in)
	var exists *types.AlreadyExistsException
	if errors.As(err, &exists) {
		return fmt.Sprintf("arn:%s:kms:%s:%s:%s", a.Partition, region, a.AccountID, a.Resource), nil
	}
	if err != nil {
		return "", fmt.Errorf("replicate %s to %s: %w", keyARN, region, err)
	}
	return aws.ToString(out.ReplicaKeyMetadata.Arn), nil
}

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }
