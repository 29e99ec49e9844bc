// Package kms answers the AWS KMS subset that backupkit's key provider and
// AWS Backup's vault encryption need (awsJson 1.1): CreateKey, DescribeKey,
// EnableKey, DisableKey, ListAliases, CreateAlias, GetKeyPolicy,
// PutKeyPolicy, EnableKeyRotation, GetKeyRotationStatus, ReplicateKey,
// GetParametersForImport, ImportKeyMaterial, CreateCustomKeyStore,
// DescribeCustomKeyStores, ConnectCustomKeyStore, ScheduleKeyDeletion and
// CancelKeyDeletion.
//
// Keys live in a Store of this package's own (not in the inventory); the
// emulator holds one Store and also asks it, through Lookup, whether the
// EncryptionKeyArn of a new backup vault exists and is enabled.
//
// Known differences from AWS: no cryptography beyond key import (the
// import wrapping key is a real RSA key and the imported material is
// really unwrapped with RSAES_OAEP_SHA_256 or _SHA_1 and checked to be 256
// bits); key policies are stored as given and must be JSON objects, but
// are not evaluated; ConnectCustomKeyStore connects at once, without
// calling the XKS proxy; a replica key is created Enabled at once; the
// default key policy is AWS's "Enable IAM User Permissions" statement; a
// key scheduled for deletion stays PendingDeletion after its window.
package kms

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// TargetPrefix is KMS's X-Amz-Target prefix.
const TargetPrefix = "TrentService."

// Key is one KMS key in one Region.
type Key struct {
	ARN, ID, Account, Region string
	Description              string
	Spec                     types.KeySpec
	Usage                    types.KeyUsageType
	Origin                   types.OriginType
	Manager                  types.KeyManagerType
	State                    types.KeyState
	MultiRegion              bool
	PrimaryARN               string // multi-Region keys: the primary's ARN
	Policy                   string
	Rotation                 bool
	CustomKeyStoreID         string
	XksKeyID                 string
	Created                  time.Time
	ValidTo                  time.Time
	DeletionDate             time.Time // PendingDeletion: when KMS would delete it
	PendingWindowDays        int32

	imports map[string]*rsa.PrivateKey // import token → wrapping key
	hashFor map[string]func() hash.Hash
}

// CustomKeyStore is an external key store (XKS).
type CustomKeyStore struct {
	ID, Name, Account, Region string
	Type                      types.CustomKeyStoreType
	State                     types.ConnectionStateType
	Endpoint, Path            string
	Connectivity              types.XksProxyConnectivityType
	AccessKeyID               string
	Created                   time.Time
}

// Store holds every key, alias and custom key store. Handlers run under
// the emulator's lock; Store's own mutex guards Lookup from other callers.
type Store struct {
	mu      sync.Mutex
	keys    map[string]*Key   // by ARN
	aliases map[string]string // "account/region/alias/name" → key ARN
	stores  map[string]*CustomKeyStore
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{keys: map[string]*Key{}, aliases: map[string]string{}, stores: map[string]*CustomKeyStore{}}
}

// Reset forgets everything.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.aliases, s.stores = map[string]*Key{}, map[string]string{}, map[string]*CustomKeyStore{}
}

// Lookup returns the state of the key a backup vault's EncryptionKeyArn
// names (a key ARN or an alias ARN), or ok false when there is none.
func (s *Store) Lookup(account, region, keyARN string) (state types.KeyState, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.resolve(account, region, keyARN)
	if k == nil {
		return "", false
	}
	return k.State, true
}

// PutKey adds an enabled customer managed symmetric key with key id id
// in account and Region (the emulator seeds AWS's documentation example
// key this way) and returns its ARN.
func (s *Store) PutKey(account, region, id string, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.newKey(account, region, now, false)
	k.ID, k.ARN = id, fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, account, id)
	k.Description = "AWS documentation example key"
	s.keys[k.ARN] = k
	return k.ARN
}

// EnsureAWSManagedKey returns the ARN of the AWS managed key of service
// ("backup" → alias/aws/backup) in account and Region, creating it on
// first use as KMS does.
func (s *Store) EnsureAWSManagedKey(account, region, service string, now time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	alias := "alias/aws/" + service
	if a, ok := s.aliases[aliasKey(account, region, alias)]; ok {
		return a
	}
	k := s.newKey(account, region, now, false)
	k.Manager, k.Description = types.KeyManagerTypeAws, "Default key that protects my "+service+" data when no other key is defined"
	s.keys[k.ARN] = k
	s.aliases[aliasKey(account, region, alias)] = k.ARN
	return k.ARN
}

func aliasKey(account, region, name string) string { return account + "/" + region + "/" + name }

func (s *Store) newKey(account, region string, now time.Time, multiRegion bool) *Key {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	if multiRegion {
		id = "mrk-" + h
	}
	return &Key{ARN: fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, account, id), ID: id, Account: account, Region: region,
		Spec: types.KeySpecSymmetricDefault, Usage: types.KeyUsageTypeEncryptDecrypt, Origin: types.OriginTypeAwsKms,
		Manager: types.KeyManagerTypeCustomer, State: types.KeyStateEnabled, MultiRegion: multiRegion, Created: now,
		Policy: defaultPolicy(account)}
}

func defaultPolicy(account string) string {
	return `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`
}

// resolve finds a key by id, key ARN, alias name or alias ARN in the
// caller's account and Region (an ARN may name another Region).
func (s *Store) resolve(account, region, id string) *Key {
	if strings.HasPrefix(id, "arn:") {
		a, err := arn.Parse(id)
		if err != nil || a.Service != "kms" {
			return nil
		}
		if strings.HasPrefix(a.Resource, "alias/") {
			return s.keys[s.aliases[aliasKey(a.AccountID, a.Region, a.Resource)]]
		}
		return s.keys[id]
	}
	if strings.HasPrefix(id, "alias/") {
		return s.keys[s.aliases[aliasKey(account, region, id)]]
	}
	return s.keys[fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, account, id)]
}

// New returns the KMS service over store.
func New(store *Store) *serve.Service {
	svc := serve.NewService("kms", awsjson.New("1.1", TargetPrefix))
	svc.TargetPrefix = TargetPrefix
	h := &handlers{s: store}
	svc.Register("CreateKey", serve.Handle(h.createKey))
	svc.Register("DescribeKey", serve.Handle(h.describeKey))
	svc.Register("EnableKey", serve.Handle(h.enableKey))
	svc.Register("DisableKey", serve.Handle(h.disableKey))
	svc.Register("ListAliases", serve.Handle(h.listAliases))
	svc.Register("CreateAlias", serve.Handle(h.createAlias))
	svc.Register("GetKeyPolicy", serve.Handle(h.getKeyPolicy))
	svc.Register("PutKeyPolicy", serve.Handle(h.putKeyPolicy))
	svc.Register("EnableKeyRotation", serve.Handle(h.enableKeyRotation))
	svc.Register("GetKeyRotationStatus", serve.Handle(h.getKeyRotationStatus))
	svc.Register("ReplicateKey", serve.Handle(h.replicateKey))
	svc.Register("GetParametersForImport", serve.Handle(h.getParametersForImport))
	svc.Register("ImportKeyMaterial", serve.Handle(h.importKeyMaterial))
	svc.Register("CreateCustomKeyStore", serve.Handle(h.createCustomKeyStore))
	svc.Register("DescribeCustomKeyStores", serve.Handle(h.describeCustomKeyStores))
	svc.Register("ConnectCustomKeyStore", serve.Handle(h.connectCustomKeyStore))
	svc.Register("ScheduleKeyDeletion", serve.Handle(h.scheduleKeyDeletion))
	svc.Register("CancelKeyDeletion", serve.Handle(h.cancelKeyDeletion))
	return svc
}

type handlers struct{ s *Store }

func errf(code, format string, args ...any) error {
	return serve.Errorf(http.StatusBadRequest, code, format, args...)
}

func notFound(id string) error {
	return errf("NotFoundException", "Key '%s' does not exist", id)
}

func (h *handlers) key(r *serve.Request, id *string) (*Key, error) {
	if aws.ToString(id) == "" {
		return nil, errf("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	k := h.s.resolve(r.Account, r.Region, *id)
	if k == nil {
		return nil, notFound(*id)
	}
	return k, nil
}

func metadata(k *Key) *types.KeyMetadata {
	m := &types.KeyMetadata{KeyId: aws.String(k.ID), Arn: aws.String(k.ARN), AWSAccountId: aws.String(k.Account), CreationDate: aws.Time(k.Created),
		Description: aws.String(k.Description), Enabled: k.State == types.KeyStateEnabled, KeyManager: k.Manager, KeySpec: k.Spec,
		CustomerMasterKeySpec: types.CustomerMasterKeySpec(k.Spec), KeyState: k.State, KeyUsage: k.Usage, Origin: k.Origin,
		MultiRegion: aws.Bool(k.MultiRegion)}
	if k.Spec == types.KeySpecSymmetricDefault {
		m.EncryptionAlgorithms = []types.EncryptionAlgorithmSpec{types.EncryptionAlgorithmSpecSymmetricDefault}
	}
	if k.Origin == types.OriginTypeExternal {
		m.ExpirationModel = types.ExpirationModelTypeKeyMaterialDoesNotExpire
		if !k.ValidTo.IsZero() {
			m.ExpirationModel, m.ValidTo = types.ExpirationModelTypeKeyMaterialExpires, aws.Time(k.ValidTo)
		}
	}
	if k.State == types.KeyStatePendingDeletion {
		m.DeletionDate, m.PendingDeletionWindowInDays = aws.Time(k.DeletionDate), aws.Int32(k.PendingWindowDays)
	}
	if k.CustomKeyStoreID != "" {
		m.CustomKeyStoreId = aws.String(k.CustomKeyStoreID)
		m.XksKeyConfiguration = &types.XksKeyConfigurationType{Id: aws.String(k.XksKeyID)}
	}
	if k.MultiRegion {
		role := types.MultiRegionKeyTypePrimary
		if k.PrimaryARN != k.ARN {
			role = types.MultiRegionKeyTypeReplica
		}
		m.MultiRegionConfiguration = &types.MultiRegionConfiguration{MultiRegionKeyType: role,
			PrimaryKey: &types.MultiRegionKey{Arn: aws.String(k.PrimaryARN), Region: aws.String(regionOf(k.PrimaryARN))}}
	}
	return m
}

func regionOf(s string) string {
	a, _ := arn.Parse(s)
	return a.Region
}

func checkPolicy(p string) error {
	var doc map[string]any
	if err := json.Unmarshal([]byte(p), &doc); err != nil {
		return errf("MalformedPolicyDocumentException", "The key policy is not valid JSON: %v", err)
	}
	if _, ok := doc["Statement"]; !ok {
		return errf("MalformedPolicyDocumentException", "The key policy has no Statement")
	}
	if len(p) > 32768 {
		return errf("LimitExceededException", "The key policy is larger than 32 KB")
	}
	return nil
}

func (h *handlers) createKey(r *serve.Request, in *awskms.CreateKeyInput) (*awskms.CreateKeyOutput, error) {
	spec := in.KeySpec
	if spec == "" {
		spec = types.KeySpec(in.CustomerMasterKeySpec)
	}
	if spec == "" {
		spec = types.KeySpecSymmetricDefault
	}
	usage := in.KeyUsage
	if usage == "" {
		usage = types.KeyUsageTypeEncryptDecrypt
	}
	origin := in.Origin
	if origin == "" {
		origin = types.OriginTypeAwsKms
	}
	if !slices.Contains(types.KeySpec("").Values(), spec) {
		return nil, errf("ValidationException", "KeySpec %q is not valid", spec)
	}
	if origin != types.OriginTypeAwsKms && origin != types.OriginTypeExternal && origin != types.OriginTypeExternalKeyStore {
		return nil, errf("UnsupportedOperationException", "Origin %s is not supported by this emulator", origin)
	}
	if origin != types.OriginTypeAwsKms && spec != types.KeySpecSymmetricDefault {
		return nil, errf("UnsupportedOperationException", "Origin %s supports only SYMMETRIC_DEFAULT keys", origin)
	}
	multi := aws.ToBool(in.MultiRegion)
	if multi && origin == types.OriginTypeExternalKeyStore {
		return nil, errf("UnsupportedOperationException", "multi-Region keys cannot be in a custom key store")
	}
	k := h.s.newKey(r.Account, r.Region, r.Now, multi)
	k.Spec, k.Usage, k.Origin, k.Description = spec, usage, origin, aws.ToString(in.Description)
	if multi {
		k.PrimaryARN = k.ARN
	}
	if in.Policy != nil {
		if err := checkPolicy(*in.Policy); err != nil {
			return nil, err
		}
		k.Policy = *in.Policy
	}
	switch origin {
	case types.OriginTypeExternal:
		k.State = types.KeyStatePendingImport
	case types.OriginTypeExternalKeyStore:
		cks, ok := h.s.stores[aws.ToString(in.CustomKeyStoreId)]
		if !ok || cks.Account != r.Account || cks.Region != r.Region {
			return nil, errf("CustomKeyStoreNotFoundException", "custom key store %q does not exist", aws.ToString(in.CustomKeyStoreId))
		}
		if cks.State != types.ConnectionStateTypeConnected {
			return nil, errf("CustomKeyStoreInvalidStateException", "custom key store %s is %s; connect it first", cks.ID, cks.State)
		}
		if aws.ToString(in.XksKeyId) == "" {
			return nil, errf("ValidationException", "XksKeyId is required for a key in an external key store")
		}
		k.CustomKeyStoreID, k.XksKeyID = cks.ID, *in.XksKeyId
	default:
		if in.CustomKeyStoreId != nil || in.XksKeyId != nil {
			return nil, errf("ValidationException", "CustomKeyStoreId and XksKeyId need Origin EXTERNAL_KEY_STORE")
		}
	}
	h.s.mu.Lock()
	h.s.keys[k.ARN] = k
	h.s.mu.Unlock()
	return &awskms.CreateKeyOutput{KeyMetadata: metadata(k)}, nil
}

func (h *handlers) describeKey(r *serve.Request, in *awskms.DescribeKeyInput) (*awskms.DescribeKeyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	return &awskms.DescribeKeyOutput{KeyMetadata: metadata(k)}, nil
}

func (h *handlers) enableKey(r *serve.Request, in *awskms.EnableKeyInput) (*awskms.EnableKeyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.State != types.KeyStateDisabled && k.State != types.KeyStateEnabled {
		return nil, errf("KMSInvalidStateException", "%s is %s", k.ARN, k.State)
	}
	h.s.mu.Lock()
	k.State = types.KeyStateEnabled
	h.s.mu.Unlock()
	return &awskms.EnableKeyOutput{}, nil
}

func (h *handlers) disableKey(r *serve.Request, in *awskms.DisableKeyInput) (*awskms.DisableKeyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.Manager == types.KeyManagerTypeAws {
		return nil, errf("AccessDeniedException", "an AWS managed key cannot be disabled")
	}
	if k.State != types.KeyStateDisabled && k.State != types.KeyStateEnabled {
		return nil, errf("KMSInvalidStateException", "%s is %s", k.ARN, k.State)
	}
	h.s.mu.Lock()
	k.State = types.KeyStateDisabled
	h.s.mu.Unlock()
	return &awskms.DisableKeyOutput{}, nil
}

func (h *handlers) listAliases(r *serve.Request, in *awskms.ListAliasesInput) (*awskms.ListAliasesOutput, error) {
	var target *Key
	if in.KeyId != nil {
		k, err := h.key(r, in.KeyId)
		if err != nil {
			return nil, err
		}
		target = k
	}
	limit := int(aws.ToInt32(in.Limit))
	if in.Limit != nil && (limit < 1 || limit > 100) {
		return nil, errf("ValidationException", "Limit must be 1–100")
	}
	if limit == 0 {
		limit = 50
	}
	prefix := r.Account + "/" + r.Region + "/"
	var entries []types.AliasListEntry
	for key, keyARN := range h.s.aliases {
		name, ok := strings.CutPrefix(key, prefix)
		if !ok || (target != nil && keyARN != target.ARN) {
			continue
		}
		k := h.s.keys[keyARN]
		entries = append(entries, types.AliasListEntry{AliasName: aws.String(name), AliasArn: aws.String(r.ARN("kms", name)), TargetKeyId: aws.String(k.ID)})
	}
	slices.SortFunc(entries, func(a, b types.AliasListEntry) int { return strings.Compare(*a.AliasName, *b.AliasName) })
	page, next, err := serve.Page(entries, func(e types.AliasListEntry) string { return *e.AliasName }, aws.ToString(in.Marker), limit, "InvalidMarkerException")
	if err != nil {
		return nil, err
	}
	out := &awskms.ListAliasesOutput{Aliases: page, Truncated: next != ""}
	if next != "" {
		out.NextMarker = aws.String(next)
	}
	return out, nil
}

func (h *handlers) createAlias(r *serve.Request, in *awskms.CreateAliasInput) (*awskms.CreateAliasOutput, error) {
	name := aws.ToString(in.AliasName)
	valid := strings.HasPrefix(name, "alias/") && len(name) > len("alias/") && len(name) <= 256 && strings.Trim(name[len("alias/"):], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-") == ""
	if !valid {
		return nil, errf("ValidationException", "AliasName %q must be alias/ followed by letters, digits, '/', '_' or '-'", name)
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return nil, errf("NotAuthorizedException", "alias/aws/ is reserved for AWS managed keys")
	}
	k, err := h.key(r, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	if k.Manager == types.KeyManagerTypeAws || k.Region != r.Region {
		return nil, errf("NotAuthorizedException", "cannot alias %s", k.ARN)
	}
	ak := aliasKey(r.Account, r.Region, name)
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if _, ok := h.s.aliases[ak]; ok {
		return nil, errf("AlreadyExistsException", "An alias with the name %s already exists", r.ARN("kms", name))
	}
	h.s.aliases[ak] = k.ARN
	return &awskms.CreateAliasOutput{}, nil
}

func checkPolicyName(p *string) error {
	if p != nil && *p != "default" {
		return errf("NotFoundException", "No such policy exists: %s", *p)
	}
	return nil
}

func (h *handlers) getKeyPolicy(r *serve.Request, in *awskms.GetKeyPolicyInput) (*awskms.GetKeyPolicyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	return &awskms.GetKeyPolicyOutput{Policy: aws.String(k.Policy), PolicyName: aws.String("default")}, nil
}

func (h *handlers) putKeyPolicy(r *serve.Request, in *awskms.PutKeyPolicyInput) (*awskms.PutKeyPolicyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	if k.Manager == types.KeyManagerTypeAws {
		return nil, errf("AccessDeniedException", "the policy of an AWS managed key cannot be changed")
	}
	if err := checkPolicy(aws.ToString(in.Policy)); err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	k.Policy = *in.Policy
	h.s.mu.Unlock()
	return &awskms.PutKeyPolicyOutput{}, nil
}

func (h *handlers) enableKeyRotation(r *serve.Request, in *awskms.EnableKeyRotationInput) (*awskms.EnableKeyRotationOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.Spec != types.KeySpecSymmetricDefault || k.Origin != types.OriginTypeAwsKms {
		return nil, errf("UnsupportedOperationException", "%s (%s, origin %s) does not support automatic rotation", k.ARN, k.Spec, k.Origin)
	}
	if k.State != types.KeyStateEnabled {
		return nil, errf("KMSInvalidStateException", "%s is %s", k.ARN, k.State)
	}
	if k.MultiRegion && k.PrimaryARN != k.ARN {
		return nil, errf("UnsupportedOperationException", "rotation of a multi-Region replica is set on its primary key")
	}
	h.s.mu.Lock()
	k.Rotation = true
	h.s.mu.Unlock()
	return &awskms.EnableKeyRotationOutput{}, nil
}

func (h *handlers) getKeyRotationStatus(r *serve.Request, in *awskms.GetKeyRotationStatusInput) (*awskms.GetKeyRotationStatusOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	rot := k.Rotation
	if k.MultiRegion {
		if p := h.s.keys[k.PrimaryARN]; p != nil {
			rot = p.Rotation
		}
	}
	if k.Manager == types.KeyManagerTypeAws {
		rot = true // AWS managed keys rotate every year
	}
	return &awskms.GetKeyRotationStatusOutput{KeyRotationEnabled: rot, KeyId: aws.String(k.ARN)}, nil
}

func (h *handlers) replicateKey(r *serve.Request, in *awskms.ReplicateKeyInput) (*awskms.ReplicateKeyOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if !k.MultiRegion || k.PrimaryARN != k.ARN {
		return nil, errf("UnsupportedOperationException", "%s is not a multi-Region primary key", k.ARN)
	}
	region := aws.ToString(in.ReplicaRegion)
	if region == "" || region == k.Region {
		return nil, errf("ValidationException", "ReplicaRegion %q must be another Region than the primary key's (%s)", region, k.Region)
	}
	replicaARN := fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, k.Account, k.ID)
	if _, ok := h.s.keys[replicaARN]; ok {
		return nil, errf("AlreadyExistsException", "%s already has a replica in %s", k.ARN, region)
	}
	rep := *k
	rep.ARN, rep.Region, rep.Created, rep.imports, rep.Rotation = replicaARN, region, r.Now, nil, false
	if in.Policy != nil {
		if err := checkPolicy(*in.Policy); err != nil {
			return nil, err
		}
		rep.Policy = *in.Policy
	}
	if in.Description != nil {
		rep.Description = *in.Description
	}
	h.s.mu.Lock()
	h.s.keys[replicaARN] = &rep
	h.s.mu.Unlock()
	return &awskms.ReplicateKeyOutput{ReplicaKeyMetadata: metadata(&rep), ReplicaPolicy: aws.String(rep.Policy)}, nil
}

func (h *handlers) getParametersForImport(r *serve.Request, in *awskms.GetParametersForImportInput) (*awskms.GetParametersForImportOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.Origin != types.OriginTypeExternal {
		return nil, errf("UnsupportedOperationException", "%s has origin %s; key material can be imported only into EXTERNAL keys", k.ARN, k.Origin)
	}
	var hf func() hash.Hash
	switch in.WrappingAlgorithm {
	case types.AlgorithmSpecRsaesOaepSha256:
		hf = sha256.New
	case types.AlgorithmSpecRsaesOaepSha1:
		hf = sha1.New
	default:
		return nil, errf("UnsupportedOperationException", "WrappingAlgorithm %q is not supported by this emulator (RSAES_OAEP_SHA_256, RSAES_OAEP_SHA_1)", in.WrappingAlgorithm)
	}
	bits := 0
	switch in.WrappingKeySpec {
	case types.WrappingKeySpecRsa2048:
		bits = 2048
	case types.WrappingKeySpecRsa3072:
		bits = 3072
	case types.WrappingKeySpecRsa4096:
		bits = 4096
	default:
		return nil, errf("ValidationException", "WrappingKeySpec %q must be RSA_2048, RSA_3072 or RSA_4096", in.WrappingKeySpec)
	}
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, serve.Errorf(http.StatusInternalServerError, "KMSInternalException", "%v", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		return nil, serve.Errorf(http.StatusInternalServerError, "KMSInternalException", "%v", err)
	}
	var tok [32]byte
	_, _ = rand.Read(tok[:])
	h.s.mu.Lock()
	if k.imports == nil {
		k.imports, k.hashFor = map[string]*rsa.PrivateKey{}, map[string]func() hash.Hash{}
	}
	k.imports[string(tok[:])], k.hashFor[string(tok[:])] = priv, hf
	h.s.mu.Unlock()
	return &awskms.GetParametersForImportOutput{KeyId: aws.String(k.ARN), ImportToken: tok[:], PublicKey: pub, ParametersValidTo: aws.Time(r.Now.Add(24 * time.Hour))}, nil
}

func (h *handlers) importKeyMaterial(r *serve.Request, in *awskms.ImportKeyMaterialInput) (*awskms.ImportKeyMaterialOutput, error) {
	k, err := h.key(r, in.KeyId)
	if err != nil {
		return nil, err
	}
	if k.Origin != types.OriginTypeExternal {
		return nil, errf("UnsupportedOperationException", "%s has origin %s", k.ARN, k.Origin)
	}
	priv := k.imports[string(in.ImportToken)]
	if priv == nil {
		return nil, errf("InvalidImportTokenException", "the import token is not valid for %s", k.ARN)
	}
	material, err := rsa.DecryptOAEP(k.hashFor[string(in.ImportToken)](), nil, priv, in.EncryptedKeyMaterial, nil)
	if err != nil {
		return nil, errf("InvalidCiphertextException", "the key material could not be unwrapped with the import parameters")
	}
	if len(material) != 32 {
		return nil, errf("IncorrectKeyMaterialException", "a SYMMETRIC_DEFAULT key needs 256-bit key material, got %d bits", 8*len(material))
	}
	var validTo time.Time
	switch in.ExpirationModel {
	case "", types.ExpirationModelTypeKeyMaterialDoesNotExpire:
		if in.ValidTo != nil {
			return nil, errf("ValidationException", "ValidTo is only for ExpirationModel KEY_MATERIAL_EXPIRES")
		}
	case types.ExpirationModelTypeKeyMaterialExpires:
		if in.ValidTo == nil || !in.ValidTo.After(r.Now) || in.ValidTo.After(r.Now.Add(365*24*time.Hour)) {
			return nil, errf("ValidationException", "ValidTo must be within 365 days from now")
		}
		validTo = *in.ValidTo
	default:
		return nil, errf("ValidationException", "ExpirationModel %q is not valid", in.ExpirationModel)
	}
	h.s.mu.Lock()
	delete(k.imports, string(in.ImportToken))
	k.State, k.ValidTo = types.KeyStateEnabled, validTo
	h.s.mu.Unlock()
	return &awskms.ImportKeyMaterialOutput{KeyId: aws.String(k.ARN)}, nil
}

func (h *handlers) createCustomKeyStore(r *serve.Request, in *awskms.CreateCustomKeyStoreInput) (*awskms.CreateCustomKeyStoreOutput, error) {
	name := aws.ToString(in.CustomKeyStoreName)
	if name == "" || len(name) > 256 {
		return nil, errf("ValidationException", "CustomKeyStoreName must be 1–256 characters")
	}
	if in.CustomKeyStoreType != types.CustomKeyStoreTypeExternalKeyStore {
		return nil, errf("UnsupportedOperationException", "this emulator serves only EXTERNAL_KEY_STORE custom key stores, not %q", in.CustomKeyStoreType)
	}
	ep, path := aws.ToString(in.XksProxyUriEndpoint), aws.ToString(in.XksProxyUriPath)
	if !strings.HasPrefix(ep, "https://") {
		return nil, errf("XksProxyInvalidConfigurationException", "XksProxyUriEndpoint %q must start with https://", ep)
	}
	if !strings.HasSuffix(path, "/kms/xks/v1") {
		return nil, errf("XksProxyInvalidConfigurationException", "XksProxyUriPath %q must end in /kms/xks/v1", path)
	}
	cred := in.XksProxyAuthenticationCredential
	if cred == nil || len(aws.ToString(cred.AccessKeyId)) < 20 || len(aws.ToString(cred.RawSecretAccessKey)) < 43 {
		return nil, errf("XksProxyIncorrectAuthenticationCredentialException", "XksProxyAuthenticationCredential needs an AccessKeyId of 20–30 and a RawSecretAccessKey of 43–64 characters")
	}
	conn := in.XksProxyConnectivity
	if conn == "" {
		conn = types.XksProxyConnectivityTypePublicEndpoint
	}
	for _, s := range h.s.stores {
		if s.Account == r.Account && s.Region == r.Region && (s.Name == name || s.Endpoint+s.Path == ep+path) {
			return nil, errf("CustomKeyStoreNameInUseException", "custom key store %s already uses this name or proxy URI", s.ID)
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	cks := &CustomKeyStore{ID: "cks-" + hex.EncodeToString(b[:]), Name: name, Account: r.Account, Region: r.Region,
		Type: in.CustomKeyStoreType, State: types.ConnectionStateTypeDisconnected, Endpoint: ep, Path: path,
		Connectivity: conn, AccessKeyID: aws.ToString(cred.AccessKeyId), Created: r.Now}
	h.s.mu.Lock()
	h.s.stores[cks.ID] = cks
	h.s.mu.Unlock()
	return &awskms.CreateCustomKeyStoreOutput{CustomKeyStoreId: aws.String(cks.ID)}, nil
}

func (h *handlers) describeCustomKeyStores(r *serve.Request, in *awskms.DescribeCustomKeyStoresInput) (*awskms.DescribeCustomKeyStoresOutput, error) {
	var out []types.CustomKeyStoresListEntry
	for _, s := range h.s.stores {
		if s.Account != r.Account || s.Region != r.Region {
			continue
		}
		if in.CustomKeyStoreId != nil && *in.CustomKeyStoreId != s.ID || in.CustomKeyStoreName != nil && *in.CustomKeyStoreName != s.Name {
			continue
		}
		out = append(out, types.CustomKeyStoresListEntry{CustomKeyStoreId: aws.String(s.ID), CustomKeyStoreName: aws.String(s.Name),
			CustomKeyStoreType: s.Type, ConnectionState: s.State, CreationDate: aws.Time(s.Created),
			XksProxyConfiguration: &types.XksProxyConfigurationType{Connectivity: s.Connectivity, UriEndpoint: aws.String(s.Endpoint),
				UriPath: aws.String(s.Path), AccessKeyId: aws.String(s.AccessKeyID)}})
	}
	if len(out) == 0 && (in.CustomKeyStoreId != nil || in.CustomKeyStoreName != nil) {
		return nil, errf("CustomKeyStoreNotFoundException", "no such custom key store")
	}
	slices.SortFunc(out, func(a, b types.CustomKeyStoresListEntry) int {
		return strings.Compare(*a.CustomKeyStoreId, *b.CustomKeyStoreId)
	})
	return &awskms.DescribeCustomKeyStoresOutput{CustomKeyStores: out}, nil
}

func (h *handlers) connectCustomKeyStore(r *serve.Request, in *awskms.ConnectCustomKeyStoreInput) (*awskms.ConnectCustomKeyStoreOutput, error) {
	s, ok := h.s.stores[aws.ToString(in.CustomKeyStoreId)]
	if !ok || s.Account != r.Account || s.Region != r.Region {
		return nil, errf("CustomKeyStoreNotFoundException", "custom key store %q does not exist", aws.ToString(in.CustomKeyStoreId))
	}
	h.s.mu.Lock()
	s.State = types.ConnectionStateTypeConnected
	h.s.mu.Unlock()
	return &awskms.ConnectCustomKeyStoreOutput{}, nil
}
