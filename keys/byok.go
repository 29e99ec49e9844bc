package keys

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// MaterialSource supplies 256 bits of symmetric key material from an
// external key manager, for import into KMS (BYOK).
type MaterialSource interface {
	Material(ctx context.Context) ([]byte, error)
}

// Import creates a KMS key with Origin EXTERNAL named by alias, gets its
// import parameters (RSAES_OAEP_SHA_256 with Options.WrappingKeySpec),
// wraps the source's material with the public key, imports it (material
// that does not expire) and creates the alias. The new key has the same
// policy as Ensure's. An alias that already names a key is refused before
// anything is created; when a step after CreateKey fails, the new key is
// scheduled for deletion and the error is a *KeyLeftError.
func (p *Provider) Import(ctx context.Context, alias string, src MaterialSource) (*Key, error) {
	if err := CheckAlias(alias); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, &ValidationError{Field: "src", Reason: "a key material source is required"}
	}
	account, region, err := p.place()
	if err != nil {
		return nil, err
	}
	if err := p.aliasFree(ctx, alias); err != nil {
		return nil, err
	}
	material, err := src.Material(ctx)
	if err != nil {
		return nil, fmt.Errorf("read key material: %w", err)
	}
	defer clear(material)
	if len(material) != 32 {
		return nil, fmt.Errorf("key material is %d bits; KMS symmetric keys take 256", 8*len(material))
	}
	ck, err := p.api.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternal, KeySpec: types.KeySpecSymmetricDefault,
		KeyUsage: types.KeyUsageTypeEncryptDecrypt, Description: aws.String("AWS Backup vault key with imported material (" + alias + ")"),
		Policy: aws.String(Policy(account, region, p.opts.BackupRoleARN))})
	if err != nil {
		return nil, fmt.Errorf("create external KMS key for %s: %w", alias, err)
	}
	k := keyFrom(ck.KeyMetadata)
	params, err := p.api.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: aws.String(k.ARN),
		WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: p.opts.WrappingKeySpec})
	if err != nil {
		return nil, p.discard(ctx, k, fmt.Errorf("get import parameters for %s: %w", k.ARN, err))
	}
	pub, err := x509.ParsePKIXPublicKey(params.PublicKey)
	rsaPub, ok := pub.(*rsa.PublicKey)
	if err != nil || !ok {
		return nil, p.discard(ctx, k, fmt.Errorf("import parameters for %s: the wrapping key is not an RSA public key", k.ARN))
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, rsaPub, material, nil)
	if err != nil {
		return nil, p.discard(ctx, k, fmt.Errorf("wrap key material for %s: %w", k.ARN, err))
	}
	if _, err := p.api.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{KeyId: aws.String(k.ARN), ImportToken: params.ImportToken,
		EncryptedKeyMaterial: wrapped, ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire}); err != nil {
		return nil, p.discard(ctx, k, fmt.Errorf("import key material into %s: %w", k.ARN, err))
	}
	k.State = string(types.KeyStateEnabled)
	if _, err := p.api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ARN)}); err != nil {
		return nil, p.discard(ctx, k, fmt.Errorf("create alias %s for %s: %w", alias, k.ARN, err))
	}
	k.Alias = alias
	return k, nil
}

// File reads key material from a file: exactly 32 raw bytes, or their
// base64 (standard encoding, surrounding whitespace ignored).
type File struct {
	Path string
}

// Material implements MaterialSource.
func (f File) Material(context.Context) ([]byte, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	if len(b) == 32 {
		return b, nil
	}
	defer clear(b)
	d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(d) != 32 {
		return nil, fmt.Errorf("%s: want 32 raw bytes or their base64, got %d bytes", f.Path, len(b))
	}
	return d, nil
}

// VaultTransit exports an exportable key of HashiCorp Vault's Transit
// secrets engine: GET {Address}/v1/{Mount}/export/encryption-key/{Key}[/{Version}]
// with the X-Vault-Token header (Vault API docs, Transit: "Export key").
// The key must be of type aes256-gcm96 and created with exportable=true.
type VaultTransit struct {
	// Address is Vault's address, e.g. "https://vault.example.com:8200".
	Address string
	// Token is a Vault token allowed to read the export path.
	Token string
	// Namespace is the Vault Enterprise namespace ("" for none).
	Namespace string
	// Mount is the Transit mount path. Default "transit".
	Mount string
	// Key is the Transit key name.
	Key string
	// Version is the key version to export; 0 exports the latest.
	Version int
	// Client makes the request. Default: a client with a 30s timeout.
	Client *http.Client
}

// Material implements MaterialSource.
func (v VaultTransit) Material(ctx context.Context) ([]byte, error) {
	if v.Address == "" || v.Token == "" || v.Key == "" {
		return nil, &ValidationError{Field: "VaultTransit", Reason: "Address, Token and Key are required"}
	}
	mount := strings.Trim(v.Mount, "/")
	if mount == "" {
		mount = "transit"
	}
	version := "latest"
	if v.Version > 0 {
		version = strconv.Itoa(v.Version)
	}
	u := strings.TrimSuffix(v.Address, "/") + "/v1/" + mount + "/export/encryption-key/" + url.PathEscape(v.Key) + "/" + version
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Vault-Token", v.Token)
	if v.Namespace != "" {
		req.Header.Set("X-Vault-Namespace", v.Namespace)
	}
	client := v.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("vault transit export %s: %w", v.Key, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Errors []string `json:"errors"`
		}
		_ = json.Unmarshal(body, &e)
		return nil, fmt.Errorf("vault transit export %s: %s: %s", v.Key, resp.Status, strings.Join(e.Errors, "; "))
	}
	var doc struct {
		Data struct {
			Name string            `json:"name"`
			Type string            `json:"type"`
			Keys map[string]string `json:"keys"`
		} `json:"data"`
	}
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("vault transit export %s: %w", v.Key, err)
	}
	if doc.Data.Type != "" && doc.Data.Type != "aes256-gcm96" {
		return nil, fmt.Errorf("vault transit key %s is %s; KMS imports 256-bit symmetric material (aes256-gcm96)", v.Key, doc.Data.Type)
	}
	// "latest" answers one version; a numbered request answers that one.
	best, bestV := "", -1
	for ver, k := range doc.Data.Keys {
		n, err := strconv.Atoi(ver)
		if err == nil && n > bestV {
			best, bestV = k, n
		}
	}
	if bestV < 0 {
		return nil, fmt.Errorf("vault transit export %s: no key version in the answer", v.Key)
	}
	m, err := base64.StdEncoding.DecodeString(best)
	if err != nil || len(m) != 32 {
		return nil, fmt.Errorf("vault transit export %s: version %d is not 256 bits of base64", v.Key, bestV)
	}
	return m, nil
}

// XKS describes an external key store and its proxy.
type XKS struct {
	// Name is the custom key store's name (1–256 characters).
	Name string
	// Endpoint is the proxy's https:// URI; Path ends in /kms/xks/v1.
	Endpoint, Path string
	// AccessKeyID and Secret authenticate KMS to the proxy (SigV4).
	AccessKeyID, Secret string
	// VPCEndpointService, when set, reaches the proxy through a VPC
	// endpoint service instead of the public endpoint.
	VPCEndpointService string
}

// Store is a custom key store.
type Store struct {
	ID, Name string
	// State is CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING or FAILED.
	State string
	// ErrorCode says why a FAILED store failed.
	ErrorCode string
}

// ExternalStore returns the external key store named x.Name, creating it
// when there is none. A new store is DISCONNECTED until connected; with
// connect it is connected (ConnectCustomKeyStore).
func (p *Provider) ExternalStore(ctx context.Context, x XKS, connect bool) (*Store, error) {
	var errs []string
	if x.Name == "" || len(x.Name) > 256 {
		errs = append(errs, "Name: 1–256 characters")
	}
	if !strings.HasPrefix(x.Endpoint, "https://") {
		errs = append(errs, fmt.Sprintf("Endpoint %q: want https://…", x.Endpoint))
	}
	if !strings.HasSuffix(x.Path, "/kms/xks/v1") {
		errs = append(errs, fmt.Sprintf("Path %q: want …/kms/xks/v1", x.Path))
	}
	if len(x.AccessKeyID) < 20 || len(x.AccessKeyID) > 30 || len(x.Secret) < 43 || len(x.Secret) > 64 {
		errs = append(errs, "AccessKeyID (20–30 characters) and Secret (43–64) are required")
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Field: "XKS", Reason: strings.Join(errs, "; ")}
	}
	st, err := p.findStore(ctx, x.Name)
	if err != nil {
		return nil, err
	}
	if st == nil {
		in := &kms.CreateCustomKeyStoreInput{CustomKeyStoreName: aws.String(x.Name), CustomKeyStoreType: types.CustomKeyStoreTypeExternalKeyStore,
			XksProxyUriEndpoint: aws.String(x.Endpoint), XksProxyUriPath: aws.String(x.Path), XksProxyConnectivity: types.XksProxyConnectivityTypePublicEndpoint,
			XksProxyAuthenticationCredential: &types.XksProxyAuthenticationCredentialType{AccessKeyId: aws.String(x.AccessKeyID), RawSecretAccessKey: aws.String(x.Secret)}}
		if x.VPCEndpointService != "" {
			in.XksProxyConnectivity, in.XksProxyVpcEndpointServiceName = types.XksProxyConnectivityTypeVpcEndpointService, aws.String(x.VPCEndpointService)
		}
		out, err := p.api.CreateCustomKeyStore(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("create external key store %s: %w", x.Name, err)
		}
		st = &Store{ID: aws.ToString(out.CustomKeyStoreId), Name: x.Name, State: string(types.ConnectionStateTypeDisconnected)}
	}
	if connect && st.State == string(types.ConnectionStateTypeDisconnected) {
		if _, err := p.api.ConnectCustomKeyStore(ctx, &kms.ConnectCustomKeyStoreInput{CustomKeyStoreId: aws.String(st.ID)}); err != nil {
			return st, fmt.Errorf("connect external key store %s: %w", st.ID, err)
		}
		return p.StoreState(ctx, st.ID)
	}
	return st, nil
}

func (p *Provider) findStore(ctx context.Context, name string) (*Store, error) {
	out, err := p.api.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreName: aws.String(name)})
	var nf *types.CustomKeyStoreNotFoundException
	if errorsAs(err, &nf) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe custom key store %s: %w", name, err)
	}
	for _, s := range out.CustomKeyStores {
		if aws.ToString(s.CustomKeyStoreName) == name {
			return storeFrom(s), nil
		}
	}
	return nil, nil
}

func storeFrom(s types.CustomKeyStoresListEntry) *Store {
	return &Store{ID: aws.ToString(s.CustomKeyStoreId), Name: aws.ToString(s.CustomKeyStoreName), State: string(s.ConnectionState), ErrorCode: string(s.ConnectionErrorCode)}
}

// StoreState describes custom key store id (its connection state).
func (p *Provider) StoreState(ctx context.Context, id string) (*Store, error) {
	out, err := p.api.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("describe custom key store %s: %w", id, err)
	}
	if len(out.CustomKeyStores) != 1 {
		return nil, fmt.Errorf("describe custom key store %s: %d answers", id, len(out.CustomKeyStores))
	}
	return storeFrom(out.CustomKeyStores[0]), nil
}

// CreateExternalKey creates a KMS key in external key store storeID,
// backed by key xksKeyID of the external key manager, with the backup
// policy, and names it alias. The store must be CONNECTED. An alias that
// already names a key is refused before anything is created; when
// CreateAlias fails, the new key is scheduled for deletion and the error
// is a *KeyLeftError.
func (p *Provider) CreateExternalKey(ctx context.Context, alias, storeID, xksKeyID string) (*Key, error) {
	if err := CheckAlias(alias); err != nil {
		return nil, err
	}
	account, region, err := p.place()
	if err != nil {
		return nil, err
	}
	if err := p.aliasFree(ctx, alias); err != nil {
		return nil, err
	}
	st, err := p.StoreState(ctx, storeID)
	if err != nil {
		return nil, err
	}
	if st.State != string(types.ConnectionStateTypeConnected) {
		return nil, fmt.Errorf("external key store %s is %s%s; connect it before creating keys", storeID, st.State, map[bool]string{true: " (" + st.ErrorCode + ")"}[st.ErrorCode != ""])
	}
	out, err := p.api.CreateKey(ctx, &kms.CreateKeyInput{Origin: types.OriginTypeExternalKeyStore, CustomKeyStoreId: aws.String(storeID),
		XksKeyId: aws.String(xksKeyID), KeySpec: types.KeySpecSymmetricDefault, KeyUsage: types.KeyUsageTypeEncryptDecrypt,
		Description: aws.String("AWS Backup vault key in external key store " + storeID + " (" + alias + ")"),
		Policy:      aws.String(Policy(account, region, p.opts.BackupRoleARN))})
	if err != nil {
		return nil, fmt.Errorf("create key in external key store %s: %w", storeID, err)
	}
	k := keyFrom(out.KeyMetadata)
	if _, err := p.api.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: aws.String(k.ARN)}); err != nil {
		return nil, p.discard(ctx, k, fmt.Errorf("create alias %s for %s: %w", alias, k.ARN, err))
	}
	k.Alias = alias
	return k, nil
}
