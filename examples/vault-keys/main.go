// Command vault-keys encrypts backup vaults with keys whose material you
// control: a customer managed KMS key made by alias (policy for the backup
// role, rotation on) and checked before the vault is created, a key with
// material imported from an external key manager (BYOK: a file here;
// keys.VaultTransit for HashiCorp Vault), and an external key store (XKS).
//
//	go run ./examples/vault-keys                  # embedded emulator (KMS and AWS Backup)
//	go run ./examples/vault-keys -endpoint http://127.0.0.1:4566   # a running backupkit emulator
//	go run ./examples/vault-keys -aws -role arn:aws:iam::ACCOUNT:role/BACKUP_ROLE
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/backupkit/backupkit/examples/internal/exenv"
	"github.com/backupkit/backupkit/keys"
	"github.com/backupkit/backupkit/vault"
)

func main() {
	where := exenv.Register(nil)
	role := flag.String("role", "arn:aws:iam::123456789012:role/backupkit-backup", "IAM role AWS Backup uses")
	flag.Parse()
	ctx := context.Background()
	env, err := where.Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer env.Close()
	dir, err := os.MkdirTemp("", "vault-keys-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// The emulator's KMS serves external key stores with no proxy behind
	// them; against AWS an XKS needs a proxy of yours (backupkit keys xks).
	if err := run(ctx, os.Stdout, env.Config, *role, dir, env.Emulated()); err != nil {
		log.Fatal(err)
	}
}

// run makes the three kinds of key and a vault with each checked key.
// withXKS also creates an external key store (against AWS it needs a
// reachable XKS proxy, so the -aws run skips it).
func run(ctx context.Context, out io.Writer, cfg aws.Config, role, dir string, withXKS bool) error {
	p := keys.New(kms.NewFromConfig(cfg), func(o *keys.Options) { o.BackupRoleARN, o.Region = role, cfg.Region })
	vaults := vault.New(awsbackup.NewFromConfig(cfg), func(o *vault.Options) { o.Keys = p })

	cmk, created, err := p.Ensure(ctx, "alias/backupkit-example-vaults", true)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "customer managed key %s (created %v, rotation %v)\n", cmk.Alias, created, cmk.Rotation)

	// BYOK: 256 bits from your key manager; a file stands in for it here.
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return err
	}
	file := filepath.Join(dir, "material.bin")
	if err := os.WriteFile(file, material, 0o600); err != nil {
		return err
	}
	// A second run finds the key the first one imported (KMS takes the
	// alias as a key id); importing again would clash with the alias.
	const byokAlias = "alias/backupkit-example-byok"
	verb := "found imported key"
	byok, err := p.Check(ctx, byokAlias)
	var ke *keys.KeyError
	if errors.As(err, &ke) && slices.Contains(ke.Reasons, "the key does not exist") {
		verb = "imported key"
		byok, err = p.Import(ctx, byokAlias, keys.File{Path: file})
	}
	if err != nil {
		return err
	}
	byok.Alias = byokAlias
	fmt.Fprintf(out, "%s %s: origin %s, %s\n", verb, byokAlias, byok.Origin, byok.State)

	for name, k := range map[string]*keys.Key{"backupkit-example-cmk": cmk, "backupkit-example-byok": byok} {
		info, created, err := vaults.Ensure(ctx, vault.Spec{Name: name, KMSKeyARN: k.ARN})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "vault %s (created %v) encrypted with %s\n", info.Name, created, k.Alias)
	}

	if withXKS {
		st, err := p.ExternalStore(ctx, keys.XKS{Name: "backupkit-example-xks", Endpoint: "https://xks.example.com",
			Path: "/example/kms/xks/v1", AccessKeyID: "BKEXAMPLEXKSACCESS01", Secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}, true)
		if err != nil {
			return err
		}
		const xksAlias = "alias/backupkit-example-xks"
		xk, err := p.Check(ctx, xksAlias)
		if errors.As(err, &ke) && slices.Contains(ke.Reasons, "the key does not exist") {
			xk, err = p.CreateExternalKey(ctx, xksAlias, st.ID, "vault-transit-key-1")
		}
		if err != nil {
			return err
		}
		xk.Alias = xksAlias
		fmt.Fprintf(out, "external key store %s %s; key %s origin %s\n", st.Name, st.State, xk.Alias, xk.Origin)
	}
	return nil
}
