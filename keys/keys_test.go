package keys_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/keys"
)

const role = "arn:aws:iam::123456789012:role/backup"

func newKMS(t *testing.T) (*backuptest.Server, *kms.Client, *keys.Provider) {
	t.Helper()
	srv := backuptest.NewServer(t)
	api := kms.NewFromConfig(srv.Config())
	return srv, api, keys.New(api, func(o *keys.Options) {
		o.BackupRoleARN, o.Region, o.WrappingKeySpec = role, "us-east-1", types.WrappingKeySpecRsa2048
	})
}

func kmsCalls(srv *backuptest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		if c.Service == "kms" {
			out = append(out, c.Operation)
		}
	}
	return out
}

func TestEnsureCreatesThenFinds(t *testing.T) {
	t.Parallel()
	srv, api, p := newKMS(t)
	k, created, err := p.Ensure(t.Context(), "alias/backup-vaults", true)
	if err != nil || !created || !k.Rotation || !k.MultiRegion || k.Alias != "alias/backup-vaults" {
		t.Fatalf("Ensure: %+v, %v, %v", k, created, err)
	}
	if on, err := p.Rotation(t.Context(), k.ARN); err != nil || !on {
		t.Errorf("rotation %v, %v; want on", on, err)
	}
	pol, err := api.GetKeyPolicy(t.Context(), &kms.GetKeyPolicyInput{KeyId: aws.String(k.ARN)})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), role) || !strings.Contains(aws.ToString(pol.Policy), "backup.us-east-1.amazonaws.com") {
		t.Errorf("policy %v, %v; want the backup role via AWS Backup", aws.ToString(pol.Policy), err)
	}
	before := len(kmsCalls(srv))
	k2, created, err := p.Ensure(t.Context(), "alias/backup-vaults", true)
	if err != nil || created || k2.ARN != k.ARN || !k2.Rotation {
		t.Errorf("second Ensure: %+v, %v, %v; want the same key, not created, rotation on", k2, created, err)
	}
	if got := kmsCalls(srv)[before:]; strings.Join(got, ",") != "DescribeKey,DescribeKey,GetKeyPolicy,GetKeyRotationStatus" {
		t.Errorf("second Ensure made %v; want a lookup by alias, Check's two calls and the rotation status", got)
	}
	rep, err := p.Replicate(t.Context(), k.ARN, "eu-west-1")
	if err != nil || !strings.HasPrefix(rep, "arn:aws:kms:eu-west-1:123456789012:key/mrk-") {
		t.Errorf("Replicate: %q, %v", rep, err)
	}
	if again, err := p.Replicate(t.Context(), k.ARN, "eu-west-1"); err != nil || again != rep {
		t.Errorf("second Replicate: %q, %v; want the existing replica", again, err)
	}
	if _, _, err := p.Ensure(t.Context(), "alias/aws/backup", false); err == nil {
		t.Error("Ensure accepted an AWS alias")
	}
}

func TestCheckReasons(t *testing.T) {
	t.Parallel()
	_, api, p := newKMS(t)
	ctx := t.Context()
	mk := func(in *kms.CreateKeyInput) string {
		out, err := api.CreateKey(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.KeyMetadata.Arn)
	}
	good := mk(&kms.CreateKeyInput{Policy: aws.String(keys.Policy("123456789012", "us-east-1", role))})
	disabled := mk(&kms.CreateKeyInput{})
	if _, err := api.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(disabled)}); err != nil {
		t.Fatal(err)
	}
	signing := mk(&kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify})
	strict := mk(&kms.CreateKeyInput{Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"kms:*","Resource":"*"}]}`)})
	tests := []struct {
		key  string
		want []string
	}{
		{good, nil},
		{disabled, []string{"the key is Disabled, not Enabled"}},
		{signing, []string{"RSA_2048 for SIGN_VERIFY"}},
		{strict, []string{"the key policy allows neither the backup role"}},
		{"arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000", []string{"does not exist"}},
	}
	for _, tt := range tests {
		_, err := p.Check(ctx, tt.key)
		var ke *keys.KeyError
		if tt.want == nil {
			if err != nil {
				t.Errorf("Check(%s) = %v; want ok", tt.key, err)
			}
			continue
		}
		if !errors.As(err, &ke) {
			t.Errorf("Check(%s) = %v; want a KeyError", tt.key, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Check(%s) = %v; want %q", tt.key, err, w)
			}
		}
	}
	other := keys.New(api, func(o *keys.Options) { o.BackupRoleARN, o.Region = role, "eu-west-1" })
	if _, err := other.Check(ctx, good); err == nil || !strings.Contains(err.Error(), "the key is in us-east-1; the vault is in eu-west-1") {
		t.Errorf("Region check: %v", err)
	}
}

// vaultTransit is an httptest server following Vault's Transit API:
// GET /v1/transit/export/encryption-key/:name/:version with X-Vault-Token;
// only exportable keys export.
func vaultTransit(t *testing.T, material []byte) *httptest.Server {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString(material)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("X-Vault-Token") != "s.token" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors":["permission denied"]}`))
			return
		}
		switch r.URL.Path {
		case "/v1/transit/export/encryption-key/backup-key/latest", "/v1/transit/export/encryption-key/backup-key/2":
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"name": "backup-key", "type": "aes256-gcm96", "keys": map[string]string{"2": b64}}})
		case "/v1/transit/export/encryption-key/not-exportable/latest":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errors":["key is not exportable"]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errors":[]}`))
		}
	}))
}

func TestImport(t *testing.T) {
	t.Parallel()
	_, api, p := newKMS(t)
	material := make([]byte, 32)
	_, _ = rand.Read(material)
	vs := vaultTransit(t, material)
	defer vs.Close()
	file := filepath.Join(t.TempDir(), "key.b64")
	if err := os.WriteFile(file, []byte(base64.StdEncoding.EncodeToString(material)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sources := map[string]keys.MaterialSource{
		"alias/byok-vault": keys.VaultTransit{Address: vs.URL, Token: "s.token", Key: "backup-key"},
		"alias/byok-file":  keys.File{Path: file},
	}
	for alias, src := range sources {
		k, err := p.Import(t.Context(), alias, src)
		if err != nil {
			t.Fatalf("Import %s: %v", alias, err)
		}
		d, err := api.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String(alias)})
		if err != nil || d.KeyMetadata.Origin != types.OriginTypeExternal || d.KeyMetadata.KeyState != types.KeyStateEnabled || aws.ToString(d.KeyMetadata.Arn) != k.ARN {
			t.Errorf("%s: %+v, %v; want an Enabled EXTERNAL key", alias, d, err)
		}
		if _, err := p.Check(t.Context(), k.ARN); err != nil {
			t.Errorf("%s: Check = %v", alias, err)
		}
	}
	for name, src := range map[string]keys.MaterialSource{
		"bad token":      keys.VaultTransit{Address: vs.URL, Token: "wrong", Key: "backup-key"},
		"not exportable": keys.VaultTransit{Address: vs.URL, Token: "s.token", Key: "not-exportable"},
		"short file":     keys.File{Path: writeFile(t, "short")},
	} {
		if _, err := p.Import(t.Context(), "alias/never-"+strings.ReplaceAll(name, " ", "-"), src); err == nil {
			t.Errorf("%s: Import succeeded", name)
		}
	}
}

func writeFile(t *testing.T, s string) string {
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestExternalKeyStore(t *testing.T) {
	t.Parallel()
	_, _, p := newKMS(t)
	ctx := context.Background()
	x := keys.XKS{Name: "vault-xks", Endpoint: "https://xks.example.com", Path: "/example/kms/xks/v1",
		AccessKeyID: "BKXKSACCESSKEYID0001", Secret: strings.Repeat("s", 43)}
	st, err := p.ExternalStore(ctx, x, false)
	if err != nil || st.State != "DISCONNECTED" || !strings.HasPrefix(st.ID, "cks-") {
		t.Fatalf("ExternalStore: %+v, %v", st, err)
	}
	if _, err := p.CreateExternalKey(ctx, "alias/xks-vault", st.ID, "vault-key-1"); err == nil || !strings.Contains(err.Error(), "DISCONNECTED") {
		t.Errorf("key in a disconnected store: %v; want refused naming the state", err)
	}
	st2, err := p.ExternalStore(ctx, x, true)
	if err != nil || st2.ID != st.ID || st2.State != "CONNECTED" {
		t.Fatalf("ExternalStore again with connect: %+v, %v; want the same store, CONNECTED", st2, err)
	}
	k, err := p.CreateExternalKey(ctx, "alias/xks-vault", st.ID, "vault-key-1")
	if err != nil || k.Origin != "EXTERNAL_KEY_STORE" || k.CustomKeyStoreID != st.ID {
		t.Errorf("CreateExternalKey: %+v, %v", k, err)
	}
	if _, err := p.ExternalStore(ctx, keys.XKS{Name: "x", Endpoint: "http://insecure", Path: "/"}, false); err == nil {
		t.Error("bad XKS accepted")
	}
}

// A create that fails after CreateKey leaves no key behind: the new key is
// scheduled for deletion (KMS's minimum window), the alias, created last,
// names nothing, and the error says so — also when the caller's context is
// cancelled mid-create. When even the deletion cannot be scheduled, the
// error names the key left behind.
func TestCreateFailureLeavesNoKey(t *testing.T) {
	t.Parallel()
	srv, api, p := newKMS(t)
	// Another caller takes the alias between the lookup and CreateAlias
	// (AlreadyExistsException is not retried).
	srv.InjectFault(backuptest.Fault{Service: "kms", Operation: "CreateAlias", ErrorCode: "AlreadyExistsException", Count: 1})
	_, _, err := p.Ensure(t.Context(), "alias/fails-once", false)
	var left *keys.KeyLeftError
	if !errors.As(err, &left) || !left.Scheduled || !strings.Contains(err.Error(), "scheduled for deletion in 7 days") || !strings.Contains(err.Error(), "AlreadyExistsException") {
		t.Fatalf("Ensure = %v; want a *KeyLeftError with the key scheduled for deletion", err)
	}
	d, err := api.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String(left.KeyARN)})
	if err != nil || d.KeyMetadata.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(d.KeyMetadata.PendingDeletionWindowInDays) != keys.DiscardWindowDays {
		t.Errorf("the created key: %+v, %v; want PendingDeletion for %d days", d, err, keys.DiscardWindowDays)
	}
	if _, err := api.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String("alias/fails-once")}); err == nil {
		t.Error("the alias names a key after a failed Ensure")
	}
	// The next Ensure creates a working key.
	if k, created, err := p.Ensure(t.Context(), "alias/fails-once", false); err != nil || !created || k.ARN == left.KeyARN {
		t.Errorf("retry: %+v, %v, %v; want a new key", k, created, err)
	}

	// Cancelled while CreateAlias is in flight: the deletion still happens.
	srv.InjectFault(backuptest.Fault{Service: "kms", Operation: "CreateAlias", Latency: 2 * time.Second, Count: 1})
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	_, err = p.Import(ctx, "alias/cancelled", keys.File{Path: writeFile(t, base64.StdEncoding.EncodeToString(make([]byte, 32)))})
	if !errors.As(err, &left) || !left.Scheduled || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled Import = %v; want the key scheduled for deletion and the deadline as the cause", err)
	}
	if d, err := api.DescribeKey(t.Context(), &kms.DescribeKeyInput{KeyId: aws.String(left.KeyARN)}); err != nil || d.KeyMetadata.KeyState != types.KeyStatePendingDeletion {
		t.Errorf("the key of the cancelled Import: %+v, %v; want PendingDeletion", d, err)
	}

	// Deletion refused too: the error names the key left behind.
	srv.InjectFault(backuptest.Fault{Service: "kms", Operation: "CreateAlias", ErrorCode: "AlreadyExistsException", Count: 1})
	srv.InjectFault(backuptest.Fault{Service: "kms", Operation: "ScheduleKeyDeletion", ErrorCode: "AccessDeniedException", HTTPStatus: 400, Count: 1})
	_, _, err = p.Ensure(t.Context(), "alias/left", false)
	if !errors.As(err, &left) || left.Scheduled || left.CleanupErr == nil || !strings.Contains(err.Error(), "left behind: the key "+left.KeyARN) {
		t.Errorf("Ensure with deletion refused = %v; want the key named as left behind", err)
	}
}

// Import and CreateExternalKey refuse an alias that already names a key
// before they create anything.
func TestImportAliasTaken(t *testing.T) {
	t.Parallel()
	srv, _, p := newKMS(t)
	k, _, err := p.Ensure(t.Context(), "alias/taken", false)
	if err != nil {
		t.Fatal(err)
	}
	before := len(kmsCalls(srv))
	_, err = p.Import(t.Context(), "alias/taken", keys.File{Path: writeFile(t, base64.StdEncoding.EncodeToString(make([]byte, 32)))})
	var ve *keys.ValidationError
	if !errors.As(err, &ve) || ve.Field != "alias" || !strings.Contains(err.Error(), k.ARN) {
		t.Errorf("Import onto a taken alias = %v; want a ValidationError naming the alias and its key", err)
	}
	if _, err := p.CreateExternalKey(t.Context(), "alias/taken", "cks-1234567890abcdef0", "xks-key"); !errors.As(err, &ve) || ve.Field != "alias" {
		t.Errorf("CreateExternalKey onto a taken alias = %v; want a ValidationError naming the alias", err)
	}
	if got := kmsCalls(srv)[before:]; strings.Join(got, ",") != "DescribeKey,DescribeKey" {
		t.Errorf("calls %v; want one alias lookup each and nothing created", got)
	}
}
